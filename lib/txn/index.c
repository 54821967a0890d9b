/*
 * index.c - the index files of a database's segments (format/index.md).
 *
 * Every live index of a table has one file per segment of the table:
 * indexes/<index_id>/<seq>.idx for the segment tables/<table_id>/<seq>.seg
 * [F-IDX-001]. The writer makes the file of a new segment before
 * anything names the segment (a manifest, an ATTACH record), and CREATE
 * INDEX makes those of the segments already there before it commits, so
 * a named segment of an indexed table always has its index files
 * [F-IDX-002]. Dropping an index or a segment leaves files nobody
 * needs: compaction removes them with the other orphans.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idx/idx.h"
#include "seg/seg.h"
#include "txn/cat.h"
#include "txn/store.h"
#include "txn/txn_int.h"

int rdb_index_file(const char *segfile, uint32_t index_id, char **rel)
{
	const char *base = strrchr(segfile, '/');
	size_t n;

	*rel = NULL;
	base = base != NULL ? base + 1 : segfile;
	n = strlen(base);
	if (n <= 4 || strcmp(base + n - 4, ".seg") != 0)
		return RDB_EINVAL;
	if (asprintf(rel, "indexes/%u/%.*s.idx", index_id, (int)(n - 4),
	    base) < 0) {
		*rel = NULL;
		return RDB_ENOMEM;
	}
	return RDB_OK;
}

void rdb_index_def(const struct rdb_idx *x, struct rdb_idx_def *d)
{
	d->index_id = x->id;
	d->nkeys = x->nkeys;
	d->col_ids = x->cols;
	d->kflags = x->kflags;
}

/* Make the file of index x for segment segfile unless it is there. */
static int ensure_one(struct rdb_store *s, const struct rdb_idx *x,
    const char *segfile, uint64_t bytes, struct rdb_seg **g,
    struct rdb_err *e)
{
	struct rdb_idx_def d;
	struct stat st;
	char *rel = NULL, *path = NULL;
	int rc;

	if ((rc = rdb_index_file(segfile, x->id, &rel)) != RDB_OK)
		return rdb_err_set(e, rc, rc == RDB_ENOMEM ? "out of memory" :
		    "'%s' is no segment name", segfile);
	if ((path = rdb_path_join(s->dir, rel)) == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	if (stat(path, &st) == 0)
		goto out;
	if (*g == NULL && (rc = rdb_seg_open(s->dir, segfile, bytes, g,
	    e)) != RDB_OK)
		goto out;
	rdb_index_def(x, &d);
	rc = rdb_idx_write(path, *g, &d, e);
out:
	free(rel);
	free(path);
	return rc;
}

int rdb_index_segment(struct rdb_store *s, uint32_t table_id,
    uint32_t index_id, const char *segfile, uint64_t bytes,
    struct rdb_err *e)
{
	struct rdb_seg *g = NULL;
	size_t i;
	int rc = RDB_OK;

	for (i = 0; i < s->cat.nindexes && rc == RDB_OK; i++) {
		const struct rdb_idx *x = &s->cat.indexes[i];
		if (x->table_id == table_id && (index_id == 0 || x->id == index_id))
			rc = ensure_one(s, x, segfile, bytes, &g, e);
	}
	rdb_seg_close(g);
	return rc;
}

int rdb_index_table(struct rdb_store *s, uint32_t table_id,
    uint32_t index_id, struct rdb_err *e)
{
	struct rdb_tdata *td = rdb_store_td(s, table_id, 0);
	size_t j;
	int rc = RDB_OK;

	for (j = 0; td != NULL && j < td->nsegs && rc == RDB_OK; j++)
		rc = rdb_index_segment(s, table_id, index_id, td->segs[j].file,
		    td->segs[j].bytes, e);
	return rc;
}

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

/* Make the file of index x for segment segfile unless it is there
 * (always with force). */
static int ensure_one(struct rdb_store *s, const struct rdb_idx *x,
    const char *segfile, uint64_t bytes, int force, struct rdb_seg **g,
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
	if (!force && stat(path, &st) == 0)
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
    uint32_t index_id, const char *segfile, uint64_t bytes, int force,
    struct rdb_err *e)
{
	struct rdb_seg *g = NULL;
	size_t i;
	int rc = RDB_OK;

	for (i = 0; i < s->cat.nindexes && rc == RDB_OK; i++) {
		const struct rdb_idx *x = &s->cat.indexes[i];
		if (x->table_id == table_id && (index_id == 0 || x->id == index_id))
			rc = ensure_one(s, x, segfile, bytes, force, &g, e);
	}
	rdb_seg_close(g);
	return rc;
}

int rdb_index_table(struct rdb_store *s, uint32_t table_id,
    uint32_t index_id, int force, struct rdb_err *e)
{
	struct rdb_tdata *td = rdb_store_td(s, table_id, 0);
	size_t j;
	int rc = RDB_OK;

	for (j = 0; td != NULL && j < td->nsegs && rc == RDB_OK; j++)
		rc = rdb_index_segment(s, table_id, index_id, td->segs[j].file,
		    td->segs[j].bytes, force, e);
	return rc;
}

static int cmp_pos(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int rdb_index_select(const char *dbdir, const struct rdb_segref *sr,
    const struct rdb_index_probe *p, uint32_t **pos, size_t *n,
    struct rdb_err *e)
{
	struct rdb_idx *x = NULL;
	char *rel = NULL, *path = NULL;
	uint32_t *all = NULL;
	size_t nall = 0, i, k;
	int rc;

	*pos = NULL;
	*n = 0;
	if ((rc = rdb_index_file(sr->file, p->index_id, &rel)) != RDB_OK)
		return rc == RDB_ENOMEM ? rdb_err_set(e, rc, "out of memory")
		    : RDB_ENOENT;
	if ((path = rdb_path_join(dbdir, rel)) == NULL) {
		rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
		goto out;
	}
	/* no file (a segment written before the index, by a writer that
	 * crashed before the manifest): the segment is read whole */
	if (access(path, F_OK) != 0) {
		rc = RDB_ENOENT;
		goto out;
	}
	if ((rc = rdb_idx_open(path, &x, e)) != RDB_OK)
		goto out;
	if (rdb_idx_rows(x) != sr->rows) {
		rc = rdb_err_set(e, RDB_ECORRUPT, "damaged index file '%s': it "
		    "has %llu rows, its segment '%s' %llu", path,
		    (unsigned long long)rdb_idx_rows(x), sr->file,
		    (unsigned long long)sr->rows);
		goto out;
	}
	for (i = 0; i < p->nranges; i++) {
		const struct rdb_key_range *r = &p->ranges[i];
		uint32_t *got, *m;
		size_t ng;
		if ((rc = rdb_idx_range(x, r->lo, r->lolen, r->lo_open, r->hi,
		    r->hilen, r->hi_open, &got, &ng, e)) != RDB_OK)
			goto out;
		if (ng == 0)
			continue;
		if ((m = realloc(all, (nall + ng) * sizeof *m)) == NULL) {
			free(got);
			rc = rdb_err_set(e, RDB_ENOMEM, "out of memory");
			goto out;
		}
		all = m;
		memcpy(all + nall, got, ng * sizeof *got);
		nall += ng;
		free(got);
	}
	/* ranges may overlap (IN lists with a value twice), and a file
	 * whose checksums hold may still name a row twice: each row once */
	if (nall > 1) {
		if (p->nranges > 1)
			qsort(all, nall, sizeof *all, cmp_pos);
		for (i = k = 1; i < nall; i++)
			if (all[i] != all[k - 1])
				all[k++] = all[i];
		nall = k;
	}
	*pos = all;
	*n = nall;
	all = NULL;
out:
	free(all);
	rdb_idx_close(x);
	free(rel);
	free(path);
	return rc;
}

/*
 * stats.c - what a table holds and what it costs on disk.
 */
#include <stdlib.h>

#include "db/db_int.h"
#include "seg/enc.h"
#include "seg/seg.h"
#include "txn/txn_int.h"

const char *rdb_encoding_name(unsigned e)
{
	return rdb_enc_name((enum rdb_enc)e);
}

int rdb_table_stats(struct rdb_txn *txn, const char *table,
    struct rdb_table_stats *st, struct rdb_column_stats *cols)
{
	struct rdb_db *db;
	struct rdb_tdata *td;
	struct rdb_tbl *tb;
	uint64_t snap, *commits = NULL, inserted = 0;
	size_t i, j, rg, n;
	int rc = RDB_OK;

	if (txn == NULL)
		return RDB_EMISUSE;
	db = rdb_txn_db(txn);
	rdb_err_clear(&db->err);
	memset(st, 0, sizeof *st);
	if ((rc = rdb_txn_settle(txn)) != RDB_OK)
		return rc;
	tb = rdb_cat_find(rdb_txn_cat(txn), table);
	if (tb == NULL)
		return rdb_err_set(&db->err, RDB_ENOENT, "no such table '%s'", table);
	if (cols != NULL)
		memset(cols, 0, tb->ncols * sizeof *cols);
	td = rdb_store_td(&db->store, tb->id, 0);
	if (td == NULL)
		return RDB_OK;
	snap = rdb_txn_snapshot(txn);
	for (i = 0; i < td->ndelfiles; i++)
		st->bytes += td->delfiles[i].bytes;
	for (i = 0; i < td->nsegs; i++) {
		struct rdb_segref *sr = &td->segs[i];
		if (sr->seg == NULL) {
			rc = rdb_seg_open(db->path, sr->file, sr->bytes, &sr->seg,
			    &db->err);
			if (rc != RDB_OK)
				goto out;
		}
		st->segments++;
		st->bytes += sr->bytes;
		for (rg = 0; rg < rdb_seg_nrowgroups(sr->seg); rg++) {
			const struct rdb_zone *z = rdb_seg_zone(sr->seg, rg,
			    RDB_SEG_COMMIT);
			n = rdb_seg_rg_rows(sr->seg, rg);
			st->row_groups++;
			if (z->has_minmax && (uint64_t)z->max <= snap) {
				inserted += n;
			} else if (!z->has_minmax || (uint64_t)z->min <= snap) {
				free(commits);
				commits = malloc(n * sizeof *commits);
				if (commits == NULL) {
					rc = rdb_err_set(&db->err, RDB_ENOMEM,
					    "out of memory");
					goto out;
				}
				rc = rdb_seg_read_hidden(sr->seg, rg, RDB_SEG_COMMIT,
				    commits, &db->err);
				if (rc != RDB_OK)
					goto out;
				for (j = 0; j < n; j++)
					inserted += commits[j] <= snap;
			}
			for (j = 0; cols != NULL && j < tb->ncols; j++) {
				int ci = rdb_seg_find_col(sr->seg, tb->cols[j].id);
				unsigned mask;
				if (ci < 0)
					continue;
				rc = rdb_seg_type_ok(sr->seg, ci,
				    (enum rdb_type)tb->cols[j].type, &db->err);
				if (rc != RDB_OK)
					goto out;
				z = rdb_seg_zone(sr->seg, rg, ci);
				cols[j].stored += z->stored;
				cols[j].raw += z->raw;
				cols[j].nulls += z->nulls;
				cols[j].codecs |= 1u << z->codec;
				rc = rdb_seg_chunk_encodings(sr->seg, rg, ci, &mask,
				    &db->err);
				if (rc != RDB_OK)
					goto out;
				cols[j].encodings |= mask;
			}
		}
	}
	for (i = 0; i < td->nmem; i++) {
		st->wal_rows += td->mem[i].nrows;
		if (td->mem[i].commit <= snap)
			inserted += td->mem[i].nrows;
	}
	for (i = 0; i < td->ndels; i++)
		st->deleted += td->dels[i].commit <= snap;
	st->rows = inserted - st->deleted;
out:
	free(commits);
	return rc;
}

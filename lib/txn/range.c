/*
 * range.c - the range of an integer column's values, from the zone maps
 * of its segments' footers (no chunk is read): the planner's bound on
 * how many distinct values a join key has.
 */
#include <stdlib.h>

#include "db/db_int.h"
#include "seg/seg.h"
#include "txn/txn_int.h"

int rdb_column_range(struct rdb_txn *txn, const char *table, size_t col,
    int64_t *min, int64_t *max)
{
	struct rdb_db *db;
	struct rdb_tdata *td;
	struct rdb_tbl *tb;
	size_t i, rg;
	int rc, have = 0;

	if (txn == NULL)
		return RDB_EMISUSE;
	db = rdb_txn_db(txn);
	if ((rc = rdb_txn_settle(txn)) != RDB_OK)
		return rc;
	tb = rdb_cat_find(rdb_txn_cat(txn), table);
	if (tb == NULL || col >= tb->ncols)
		return RDB_ENOENT;
	switch ((enum rdb_type)tb->cols[col].type) {
	case RDB_INTEGER: case RDB_BIGINT: case RDB_DATE:
		break;
	default:
		return RDB_ENOENT;
	}
	td = rdb_store_td(&db->store, tb->id, 0);
	if (td == NULL || td->nmem > 0)
		return RDB_ENOENT;      /* rows in the WAL have no zone maps */
	for (i = 0; i < td->nsegs; i++) {
		struct rdb_segref *sr = &td->segs[i];
		int ci;
		if (sr->seg == NULL && (rc = rdb_seg_open(db->path, sr->file,
		    sr->bytes, &sr->seg, &db->err)) != RDB_OK)
			return rc;
		if ((ci = rdb_seg_find_col(sr->seg, tb->cols[col].id)) < 0)
			return RDB_ENOENT;
		for (rg = 0; rg < rdb_seg_nrowgroups(sr->seg); rg++) {
			const struct rdb_zone *z = rdb_seg_zone(sr->seg, rg, ci);
			if (!z->has_minmax) {
				if (z->nulls == rdb_seg_rg_rows(sr->seg, rg))
					continue;       /* all NULL */
				return RDB_ENOENT;
			}
			if (!have || z->min < *min)
				*min = z->min;
			if (!have || z->max > *max)
				*max = z->max;
			have = 1;
		}
	}
	return have ? RDB_OK : RDB_ENOENT;
}

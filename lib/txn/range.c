/*
 * range.c - what the planner estimates with: the range of an integer
 * column's values, from the zone maps of its segments' footers (no
 * chunk is read), its bound on how many distinct values a join key has;
 * and the share of a sample of rows a text test keeps.
 */
#include <stdlib.h>

#include "db/db_int.h"
#include "seg/seg.h"
#include "txn/txn_int.h"

/* The table and store of integer-like column col of table, when every
 * row the snapshot sees is in segments (rows in the WAL have no zone
 * maps): RDB_OK, or RDB_ENOENT. */
static int zoned_col(struct rdb_txn *txn, const char *table, size_t col,
    struct rdb_db **db, struct rdb_tbl **tb, struct rdb_tdata **td)
{
	int rc;

	if (txn == NULL)
		return RDB_EMISUSE;
	*db = rdb_txn_db(txn);
	if ((rc = rdb_txn_settle(txn)) != RDB_OK)
		return rc;
	*tb = rdb_cat_find(rdb_txn_cat(txn), table);
	if (*tb == NULL || col >= (*tb)->ncols)
		return RDB_ENOENT;
	switch ((enum rdb_type)(*tb)->cols[col].type) {
	case RDB_INTEGER: case RDB_BIGINT: case RDB_DATE:
		break;
	default:
		return RDB_ENOENT;
	}
	*td = rdb_store_td(&(*db)->store, (*tb)->id, 0);
	return *td == NULL || (*td)->nmem > 0 ? RDB_ENOENT : RDB_OK;
}

int rdb_column_range(struct rdb_txn *txn, const char *table, size_t col,
    int64_t *min, int64_t *max)
{
	struct rdb_db *db;
	struct rdb_tdata *td;
	struct rdb_tbl *tb;
	size_t i, rg;
	int rc, have = 0;

	if ((rc = zoned_col(txn, table, col, &db, &tb, &td)) != RDB_OK)
		return rc;
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

int rdb_column_zones(struct rdb_txn *txn, const char *table, size_t col,
    int64_t **lo, int64_t **hi, size_t *n)
{
	struct rdb_db *db;
	struct rdb_tdata *td;
	struct rdb_tbl *tb;
	size_t i, rg, k = 0, cap = 0;
	int rc;

	*lo = *hi = NULL;
	*n = 0;
	if ((rc = zoned_col(txn, table, col, &db, &tb, &td)) != RDB_OK)
		return rc;
	for (i = 0; i < td->nsegs; i++) {
		struct rdb_segref *sr = &td->segs[i];
		if (sr->seg == NULL && (rc = rdb_seg_open(db->path, sr->file,
		    sr->bytes, &sr->seg, &db->err)) != RDB_OK)
			goto fail;
		cap += rdb_seg_nrowgroups(sr->seg);
	}
	if ((*lo = malloc((cap + 1) * sizeof(**lo))) == NULL ||
	    (*hi = malloc((cap + 1) * sizeof(**hi))) == NULL) {
		rc = RDB_ENOMEM;
		goto fail;
	}
	for (i = 0; i < td->nsegs; i++) {
		struct rdb_seg *s = td->segs[i].seg;
		int ci = rdb_seg_find_col(s, tb->cols[col].id);
		for (rg = 0; rg < rdb_seg_nrowgroups(s); rg++) {
			const struct rdb_zone *z;
			if (ci < 0) {   /* added later: NULL in every row */
				rc = RDB_ENOENT;
				goto fail;
			}
			z = rdb_seg_zone(s, rg, ci);
			if (z->nulls > 0 || !z->has_minmax) {
				rc = RDB_ENOENT;
				goto fail;
			}
			(*lo)[k] = z->min;
			(*hi)[k] = z->max;
			k++;
		}
	}
	*n = k;
	return RDB_OK;
fail:
	free(*lo);
	free(*hi);
	*lo = *hi = NULL;
	return rc;
}

/* Rows sampled at the start of a row group, row groups sampled, and
 * the most chunk bytes decompressed for them: a chunk is decompressed
 * whole, and 6 MB of TPC-H's o_comment took longer than the plan saved */
#define SAMPLE_ROWS 1024
#define SAMPLE_RGS 8
#define SAMPLE_BYTES ((uint64_t)1 << 20)

/* Test p on the first rows of row group rg of s (column ci). */
static int sample_rg(struct rdb_seg *s, size_t rg, int ci,
    const struct rdb_pred *p, uint64_t *pass, uint64_t *seen,
    struct rdb_err *e)
{
	struct rdb_seg_cur c;
	struct rdb_vec v;
	uint32_t *pairs;
	size_t k = rdb_seg_rg_rows(s, rg), i;
	int rc;

	if (k > SAMPLE_ROWS)
		k = SAMPLE_ROWS;
	if ((pairs = malloc(16 * SAMPLE_ROWS)) == NULL)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	rdb_seg_cur_init(&c);
	rc = rdb_seg_cur_open(&c, s, rg, ci, e);
	if (rc == RDB_OK)
		rc = rdb_seg_cur_read(&c, k, &v, pairs, e);
	if (rc == RDB_OK) {
		const char *bytes = v.values;
		for (i = 0; i < k; i++) {
			if (v.validity != NULL &&
			    !(v.validity[i >> 3] >> (i & 7) & 1))
				continue;
			*pass += p->text(p->arg, bytes + pairs[2 * i],
			    pairs[2 * i + 1] - pairs[2 * i]) != 0;
		}
		*seen += k;
	}
	rdb_seg_cur_release(&c);
	free(pairs);
	return rc;
}

int rdb_pred_sample(struct rdb_txn *txn, const char *table,
    const struct rdb_pred *p, uint64_t *pass, uint64_t *seen)
{
	struct rdb_db *db;
	struct rdb_tdata *td;
	struct rdb_tbl *tb;
	size_t i, rg, nrg = 0, at = 0, step;
	uint64_t bytes = 0;
	int rc;

	*pass = *seen = 0;
	if (txn == NULL || p == NULL)
		return RDB_EMISUSE;
	db = rdb_txn_db(txn);
	if ((rc = rdb_txn_settle(txn)) != RDB_OK)
		return rc;
	tb = rdb_cat_find(rdb_txn_cat(txn), table);
	if (tb == NULL || p->col >= tb->ncols || p->text == NULL)
		return RDB_ENOENT;
	switch ((enum rdb_type)tb->cols[p->col].type) {
	case RDB_TEXT: case RDB_JSON: case RDB_BLOB:
		break;
	default:
		return RDB_ENOENT;
	}
	td = rdb_store_td(&db->store, tb->id, 0);
	if (td == NULL)
		return RDB_ENOENT;
	for (i = 0; i < td->nsegs; i++) {
		struct rdb_segref *sr = &td->segs[i];
		if (sr->seg == NULL && (rc = rdb_seg_open(db->path, sr->file,
		    sr->bytes, &sr->seg, &db->err)) != RDB_OK)
			return rc;
		nrg += rdb_seg_nrowgroups(sr->seg);
	}
	if (nrg == 0)
		return RDB_ENOENT;
	/* row groups 0, step, 2 step, ... of all the segments' in turn */
	step = (nrg + SAMPLE_RGS - 1) / SAMPLE_RGS;
	for (i = 0; i < td->nsegs; i++) {
		struct rdb_seg *s = td->segs[i].seg;
		size_t n = rdb_seg_nrowgroups(s);
		int ci = rdb_seg_find_col(s, tb->cols[p->col].id);
		for (rg = 0; rg < n; rg++, at++) {
			if (at % step != 0 || ci < 0)
				continue;
			bytes += rdb_seg_zone(s, rg, ci)->raw;
			if (bytes > SAMPLE_BYTES)
				goto done;
			if ((rc = sample_rg(s, rg, ci, p, pass, seen,
			    &db->err)) != RDB_OK)
				return rc;
		}
	}
done:
	return *seen > 0 ? RDB_OK : RDB_ENOENT;
}

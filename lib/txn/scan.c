/*
 * scan.c - read a table at a snapshot: its segments' row groups, then
 * its rows still in memory, keeping the visible rows [F-MAN-050] and
 * the projected columns. Row groups whose zone maps rule out a
 * predicate are skipped without being read.
 */
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "seg/seg.h"
#include "txn/batch.h"
#include "txn/txn_int.h"
#include "txn/vec.h"

#define SCAN_SLICE 65536

struct rdb_scan {
	struct rdb_txn *txn;
	struct rdb_db *db;
	struct rdb_tdata *td;       /* NULL: the table has no rows yet */
	uint64_t snap;
	size_t nproj;
	uint32_t *ids;              /* column ids of the projection */
	size_t *tcols;              /* their table column indexes */
	size_t npreds;
	struct rdb_pred *preds;
	uint32_t *pred_ids;
	/* position */
	size_t seg, rg;
	size_t mem, memoff;
	/* output */
	struct rdb_batch out;
	struct rdb_vbuild *vb;
	uint64_t *rowids;
	size_t rowcap;
	uint8_t *keep;
	size_t keepcap;
	uint64_t *hrow, *hcommit;
	size_t hcap;
	uint64_t skipped;
};

int rdb_scan_open(struct rdb_txn *txn, const char *table,
    const struct rdb_scan_options *o, struct rdb_scan **sp)
{
	struct rdb_db *db;
	struct rdb_tbl *tb;
	struct rdb_scan *s;
	size_t i;

	*sp = NULL;
	if (txn == NULL)
		return RDB_EMISUSE;
	db = rdb_txn_db(txn);
	rdb_err_clear(&db->err);
	tb = rdb_cat_find(rdb_txn_cat(txn), table);
	if (tb == NULL)
		return rdb_err_set(&db->err, RDB_ENOENT, "no such table '%s'", table);
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
	s->txn = txn;
	s->db = db;
	s->td = rdb_store_td(&db->store, tb->id, 0);
	s->snap = rdb_txn_snapshot(txn);
	s->nproj = o != NULL && o->cols != NULL ? o->ncols : tb->ncols;
	s->ids = calloc(s->nproj + 1, sizeof *s->ids);
	s->tcols = calloc(s->nproj + 1, sizeof *s->tcols);
	s->vb = calloc(s->nproj + 1, sizeof *s->vb);
	s->out.cols = calloc(s->nproj + 1, sizeof *s->out.cols);
	if (s->ids == NULL || s->tcols == NULL || s->vb == NULL ||
	    s->out.cols == NULL)
		goto nomem;
	for (i = 0; i < s->nproj; i++) {
		size_t c = o != NULL && o->cols != NULL ? o->cols[i] : i;
		if (c >= tb->ncols) {
			rdb_scan_close(s);
			return rdb_err_set(&db->err, RDB_EMISUSE,
			    "column %zu out of range for '%s'", c, table);
		}
		s->tcols[i] = c;
		s->ids[i] = tb->cols[c].id;
		rdb_vb_init(&s->vb[i], (enum rdb_type)tb->cols[c].type,
		    tb->cols[c].precision, tb->cols[c].scale);
	}
	s->out.ncols = s->nproj;
	if (o != NULL && o->npreds > 0) {
		s->preds = calloc(o->npreds, sizeof *s->preds);
		s->pred_ids = calloc(o->npreds, sizeof *s->pred_ids);
		if (s->preds == NULL || s->pred_ids == NULL)
			goto nomem;
		for (i = 0; i < o->npreds; i++) {
			if (o->preds[i].col >= tb->ncols) {
				rdb_scan_close(s);
				return rdb_err_set(&db->err, RDB_EMISUSE,
				    "predicate column out of range");
			}
			s->preds[i] = o->preds[i];
			s->pred_ids[i] = tb->cols[o->preds[i].col].id;
		}
		s->npreds = o->npreds;
	}
	*sp = s;
	return RDB_OK;
nomem:
	rdb_scan_close(s);
	return rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
}

void rdb_scan_close(struct rdb_scan *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; s->vb != NULL && i < s->nproj; i++)
		rdb_vb_release(&s->vb[i]);
	free(s->vb);
	free(s->ids);
	free(s->tcols);
	free(s->preds);
	free(s->pred_ids);
	free(s->out.cols);
	free(s->rowids);
	free(s->keep);
	free(s->hrow);
	free(s->hcommit);
	free(s);
}

uint64_t rdb_scan_skipped(const struct rdb_scan *s)
{
	return s->skipped;
}

static int room(struct rdb_scan *s, size_t n)
{
	if (n > s->keepcap) {
		free(s->keep);
		s->keep = malloc(n);
		s->keepcap = s->keep != NULL ? n : 0;
		if (s->keep == NULL)
			return RDB_ENOMEM;
	}
	if (n > s->rowcap) {
		free(s->rowids);
		s->rowids = malloc(n * sizeof *s->rowids);
		s->rowcap = s->rowids != NULL ? n : 0;
		if (s->rowids == NULL)
			return RDB_ENOMEM;
	}
	if (n > s->hcap) {
		free(s->hrow);
		free(s->hcommit);
		s->hrow = malloc(n * sizeof *s->hrow);
		s->hcommit = malloc(n * sizeof *s->hcommit);
		s->hcap = s->hrow != NULL && s->hcommit != NULL ? n : 0;
		if (s->hcap == 0)
			return RDB_ENOMEM;
	}
	return RDB_OK;
}

/* Mark visible rows; returns how many. */
static size_t visible(struct rdb_scan *s, const uint64_t *rowid,
    uint64_t first, const uint64_t *commit, uint64_t commit1, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		uint64_t id = rowid != NULL ? rowid[i] : first + i;
		uint64_t c = commit != NULL ? commit[i] : commit1, d;
		int v = c <= s->snap;
		if (v && s->td->ndels > 0) {
			d = rdb_td_deleted(s->td, id);
			v = d == 0 || d > s->snap;
		}
		s->keep[i] = (uint8_t)v;
		if (v)
			s->rowids[k++] = id;
	}
	return k;
}

static int pred_rules_out(const struct rdb_pred *p, const struct rdb_zone *z,
    size_t rows, enum rdb_type t)
{
	if (z->nulls == rows)
		return 1;	/* NULL satisfies no comparison */
	if (!z->has_minmax)
		return 0;
	if (t == RDB_DOUBLE || p->is_double) {
		double mn, mx, v = p->is_double ? p->d : (double)p->i;
		if (t != RDB_DOUBLE)
			return 0;
		memcpy(&mn, &z->min, 8);
		memcpy(&mx, &z->max, 8);
		switch (p->op) {
		case RDB_CMP_EQ:
			return v < mn || v > mx;
		case RDB_CMP_LT:
			return mn >= v;
		case RDB_CMP_LE:
			return mn > v;
		case RDB_CMP_GT:
			return mx <= v;
		case RDB_CMP_GE:
			return mx < v;
		}
		return 0;
	}
	switch (p->op) {
	case RDB_CMP_EQ:
		return p->i < z->min || p->i > z->max;
	case RDB_CMP_LT:
		return z->min >= p->i;
	case RDB_CMP_LE:
		return z->min > p->i;
	case RDB_CMP_GT:
		return z->max <= p->i;
	case RDB_CMP_GE:
		return z->max < p->i;
	}
	return 0;
}

static void publish(struct rdb_scan *s, size_t k)
{
	size_t i;

	s->out.nrows = k;
	s->out.rowids = s->rowids;
	for (i = 0; i < s->nproj; i++) {
		s->out.cols[i] = s->vb[i].v;
		s->out.cols[i].validity = rdb_vb_validity(&s->vb[i]);
	}
}

/* Can we tell from the zone maps alone that every row of rg is
 * visible, and that its row ids are consecutive? */
static int all_visible(struct rdb_scan *s, struct rdb_seg *g, size_t rg,
    size_t n)
{
	const struct rdb_zone *zr = rdb_seg_zone(g, rg, RDB_SEG_ROWID);
	const struct rdb_zone *zc = rdb_seg_zone(g, rg, RDB_SEG_COMMIT);
	const struct rdb_tdata *td = s->td;
	size_t lo = 0, hi = td->ndels;

	if (!zr->has_minmax || !zc->has_minmax || (uint64_t)zc->max > s->snap ||
	    (uint64_t)(zr->max - zr->min) != n - 1)
		return 0;
	/* the first delete at or after min must lie past max */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (td->dels[mid].rowid < (uint64_t)zr->min)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == td->ndels || td->dels[lo].rowid > (uint64_t)zr->max;
}

/* One row group of a segment: 1 with output, 0 when nothing was kept. */
static int scan_rowgroup(struct rdb_scan *s, struct rdb_seg *g, size_t rg)
{
	struct rdb_err *e = &s->db->err;
	size_t n = rdb_seg_rg_rows(g, rg), k, i;
	int rc, ci;

	for (i = 0; i < s->npreds; i++) {
		ci = rdb_seg_find_col(g, s->pred_ids[i]);
		if (ci < 0) {
			s->skipped++;	/* the column is NULL in every row */
			return 0;
		}
		if (pred_rules_out(&s->preds[i], rdb_seg_zone(g, rg, ci), n,
		    rdb_seg_col_type(g, (size_t)ci))) {
			s->skipped++;
			return 0;
		}
	}
	if (room(s, n) != RDB_OK)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	if (all_visible(s, g, rg, n)) {
		/* row ids strictly increase over min..max [F-SEG-003]: with
		 * n of them there, they are every id of the range */
		const struct rdb_zone *z = rdb_seg_zone(g, rg, RDB_SEG_ROWID);
		for (i = 0; i < n; i++)
			s->rowids[i] = (uint64_t)z->min + i;
		k = n;
	} else {
		if ((rc = rdb_seg_read_hidden(g, rg, RDB_SEG_ROWID, s->hrow, e)) != RDB_OK ||
		    (rc = rdb_seg_read_hidden(g, rg, RDB_SEG_COMMIT, s->hcommit,
		    e)) != RDB_OK)
			return rc;
		k = visible(s, s->hrow, 0, s->hcommit, 0, n);
	}
	if (k == 0)
		return 0;
	for (i = 0; i < s->nproj; i++) {
		struct rdb_vec v;
		rdb_vb_reset(&s->vb[i]);
		ci = rdb_seg_find_col(g, s->ids[i]);
		if (ci < 0) {				/* [F-SEG-005] */
			rc = rdb_vb_append(&s->vb[i], NULL, 0, k, NULL);
		} else {
			if (rdb_seg_col_type(g, (size_t)ci) != s->vb[i].v.type)
				return rdb_err_set(e, RDB_ECORRUPT,
				    "damaged table: a segment's column %u has the wrong type",
				    s->ids[i]);
			rc = rdb_seg_read_col(g, rg, ci, &v, e);
			if (rc != RDB_OK)
				return rc;
			rc = rdb_vb_append(&s->vb[i], &v, 0, n,
			    k == n ? NULL : s->keep);
			rdb_vec_release(&v);
		}
		if (rc != RDB_OK)
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	}
	publish(s, k);
	return 1;
}

static int scan_mem(struct rdb_scan *s, const struct rdb_memrows *m,
    size_t off, size_t n)
{
	size_t k, i, j;
	int rc;

	if (room(s, n) != RDB_OK)
		return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	k = visible(s, NULL, m->first_rowid + off, NULL, m->commit, n);
	if (k == 0)
		return 0;
	for (i = 0; i < s->nproj; i++) {
		const struct rdb_vec *src = NULL;
		for (j = 0; j < m->ncols; j++)
			if (m->col_ids[j] == s->ids[i])
				src = &m->cols[j];
		rdb_vb_reset(&s->vb[i]);
		rc = src != NULL ? rdb_vb_append(&s->vb[i], src, off, n,
		    k == n ? NULL : s->keep)
		    : rdb_vb_append(&s->vb[i], NULL, 0, k, NULL);
		if (rc != RDB_OK)
			return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	}
	publish(s, k);
	return 1;
}

int rdb_scan_next(struct rdb_scan *s, const struct rdb_batch **b)
{
	struct rdb_tdata *td = s->td;
	int rc;

	*b = NULL;
	if (td == NULL)
		return 0;
	while (s->seg < td->nsegs) {
		struct rdb_segref *sr = &td->segs[s->seg];
		if (sr->seg == NULL) {
			rc = rdb_seg_open(s->db->path, sr->file, sr->bytes, &sr->seg,
			    &s->db->err);
			if (rc != RDB_OK)
				return rc;
		}
		if (s->rg >= rdb_seg_nrowgroups(sr->seg)) {
			s->seg++;
			s->rg = 0;
			continue;
		}
		rc = scan_rowgroup(s, sr->seg, s->rg++);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			*b = &s->out;
			return 1;
		}
	}
	while (s->mem < td->nmem) {
		const struct rdb_memrows *m = &td->mem[s->mem];
		size_t n;
		if (m->commit > s->snap || s->memoff >= m->nrows) {
			s->mem++;
			s->memoff = 0;
			continue;
		}
		n = m->nrows - s->memoff;
		if (n > SCAN_SLICE)
			n = SCAN_SLICE;
		rc = scan_mem(s, m, s->memoff, n);
		s->memoff += n;
		if (rc < 0)
			return rc;
		if (rc > 0) {
			*b = &s->out;
			return 1;
		}
	}
	return 0;
}

/*
 * scan.c - read a table at a snapshot: its segments' row groups, then
 * its rows still in memory, keeping the visible rows [F-MAN-050] and
 * the projected columns. Row groups whose zone maps rule out a
 * predicate are skipped without being read.
 *
 * Row groups are morsels: with threads, workers decode them in parallel
 * into a window of slots, and rdb_scan_next hands them out in order, so
 * a scan uses every core while memory stays bounded by the window.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "seg/seg.h"
#include "txn/batch.h"
#include "txn/txn_int.h"
#include "txn/vec.h"

#define SCAN_SLICE 65536
#define SCAN_MAX_THREADS 8

/* Per-thread decode scratch. */
struct dctx {
	uint8_t *keep;
	uint64_t *hrow, *hcommit;
	size_t cap;
};

/* Decoded rows of one morsel. */
struct outbuf {
	struct rdb_vbuild *vb;      /* one per projected column */
	uint64_t *rowids;
	size_t rowcap;
	size_t k;
	uint32_t hold;              /* rdb_batch.preds_hold */
};

struct morsel {
	struct rdb_seg *seg;
	size_t rg;
};

enum { SLOT_FREE, SLOT_WORKING, SLOT_READY };

struct slot {
	int state;
	size_t m;                   /* the morsel in it */
	int rc;                     /* 1 rows, 0 none, < 0 error */
	struct rdb_err err;
	struct outbuf o;
};

struct rdb_scan {
	struct rdb_txn *txn;
	struct rdb_db *db;
	struct rdb_tdata *td;       /* NULL: the table has no rows yet */
	int no_mem;                 /* a part other than 0: no WAL rows */
	uint64_t snap;
	size_t nproj;
	uint32_t *ids;              /* column ids of the projection */
	enum rdb_type *types;
	uint8_t *prec, *scale;
	size_t npreds;
	struct rdb_pred *preds;
	uint32_t *pred_ids;
	void (*on_skip)(void *arg, const char *what);
	void *skip_arg;
	/* morsels of the segments, then the memory rows */
	size_t nmorsels, next;
	struct morsel *morsels;
	size_t mem, memoff;
	/* sequential decoding */
	struct dctx ctx;
	struct outbuf seq;
	/* parallel decoding */
	int nthreads;
	pthread_t *threads;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t work, ready;
	struct slot *slots;
	size_t nslots, claim, consumed;
	int stop;
	struct slot *published;
	/* output */
	struct rdb_batch out;
	uint64_t skipped;
};

static int ctx_room(struct dctx *c, size_t n)
{
	if (n <= c->cap)
		return RDB_OK;
	free(c->keep);
	free(c->hrow);
	free(c->hcommit);
	c->keep = malloc(n);
	c->hrow = malloc(n * sizeof *c->hrow);
	c->hcommit = malloc(n * sizeof *c->hcommit);
	c->cap = c->keep != NULL && c->hrow != NULL && c->hcommit != NULL ? n : 0;
	return c->cap > 0 ? RDB_OK : RDB_ENOMEM;
}

static void ctx_release(struct dctx *c)
{
	free(c->keep);
	free(c->hrow);
	free(c->hcommit);
	memset(c, 0, sizeof *c);
}

static int out_init(const struct rdb_scan *s, struct outbuf *o)
{
	size_t i;

	memset(o, 0, sizeof *o);
	o->vb = calloc(s->nproj + 1, sizeof *o->vb);
	if (o->vb == NULL)
		return RDB_ENOMEM;
	for (i = 0; i < s->nproj; i++)
		rdb_vb_init(&o->vb[i], s->types[i], s->prec[i], s->scale[i]);
	return RDB_OK;
}

static void out_release(const struct rdb_scan *s, struct outbuf *o)
{
	size_t i;

	for (i = 0; o->vb != NULL && i < s->nproj; i++)
		rdb_vb_release(&o->vb[i]);
	free(o->vb);
	free(o->rowids);
	memset(o, 0, sizeof *o);
}

static int out_room(struct outbuf *o, size_t n)
{
	if (n <= o->rowcap)
		return RDB_OK;
	free(o->rowids);
	o->rowids = malloc(n * sizeof *o->rowids);
	o->rowcap = o->rowids != NULL ? n : 0;
	return o->rowids != NULL ? RDB_OK : RDB_ENOMEM;
}

/* Mark visible rows in keep and their ids in rowid_out; returns how
 * many. */
static size_t visible(const struct rdb_scan *s, uint8_t *keep,
    uint64_t *rowid_out, const uint64_t *rowid, uint64_t first,
    const uint64_t *commit, uint64_t commit1, size_t n)
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
		keep[i] = (uint8_t)v;
		if (v)
			rowid_out[k++] = id;
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

/* Does p hold for every row of a row group with zone map z: no NULL,
 * and the whole range on the right side (integer-like columns)? */
static int pred_holds(const struct rdb_pred *p, const struct rdb_zone *z,
    enum rdb_type t)
{
	if (z->nulls != 0 || !z->has_minmax || p->is_double ||
	    t == RDB_DOUBLE || t == RDB_DECIMAL || t == RDB_BOOLEAN ||
	    rdb_type_width(t) == 0)
		return 0;
	switch (p->op) {
	case RDB_CMP_EQ:
		return z->min == p->i && z->max == p->i;
	case RDB_CMP_LT:
		return z->max < p->i;
	case RDB_CMP_LE:
		return z->max <= p->i;
	case RDB_CMP_GT:
		return z->min > p->i;
	case RDB_CMP_GE:
		return z->min >= p->i;
	}
	return 0;
}

/* Can we tell from the zone maps alone that every row of rg is
 * visible, and that its row ids are consecutive? */
static int all_visible(const struct rdb_scan *s, struct rdb_seg *g, size_t rg,
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

/* Decode one row group into o: 1 with rows, 0 when none is kept or the
 * zone maps rule it out (*pruned set), < 0 on error. Thread-safe: it
 * reads the scan and the store, writes only c, o and e. */
static int decode_rg(const struct rdb_scan *s, struct rdb_seg *g, size_t rg,
    struct dctx *c, struct outbuf *o, struct rdb_err *e, int *pruned)
{
	size_t n = rdb_seg_rg_rows(g, rg), k, i;
	int rc, ci;

	*pruned = 0;
	o->hold = 0;
	for (i = 0; i < s->npreds; i++) {
		ci = rdb_seg_find_col(g, s->pred_ids[i]);
		if (ci < 0 || pred_rules_out(&s->preds[i], rdb_seg_zone(g, rg, ci),
		    n, rdb_seg_col_type(g, (size_t)ci))) {
			*pruned = 1;	/* a missing column is NULL in every row */
			return 0;
		}
		if (i < 32 && pred_holds(&s->preds[i], rdb_seg_zone(g, rg, ci),
		    rdb_seg_col_type(g, (size_t)ci)))
			o->hold |= (uint32_t)1 << i;
	}
	if (ctx_room(c, n) != RDB_OK || out_room(o, n) != RDB_OK)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	if (all_visible(s, g, rg, n)) {
		/* row ids strictly increase over min..max [F-SEG-003]: with
		 * n of them there, they are every id of the range */
		const struct rdb_zone *z = rdb_seg_zone(g, rg, RDB_SEG_ROWID);
		for (i = 0; i < n; i++)
			o->rowids[i] = (uint64_t)z->min + i;
		k = n;
	} else {
		if ((rc = rdb_seg_read_hidden(g, rg, RDB_SEG_ROWID, c->hrow, e)) != RDB_OK ||
		    (rc = rdb_seg_read_hidden(g, rg, RDB_SEG_COMMIT, c->hcommit,
		    e)) != RDB_OK)
			return rc;
		k = visible(s, c->keep, o->rowids, c->hrow, 0, c->hcommit, 0, n);
	}
	o->k = k;
	if (k == 0)
		return 0;
	for (i = 0; i < s->nproj; i++) {
		struct rdb_vec v;
		rdb_vb_reset(&o->vb[i]);
		ci = rdb_seg_find_col(g, s->ids[i]);
		if (ci < 0) {				/* [F-SEG-005] */
			rc = rdb_vb_append(&o->vb[i], NULL, 0, k, NULL);
		} else {
			if ((rc = rdb_seg_type_ok(g, ci, s->types[i], e)) != RDB_OK)
				return rc;
			rc = rdb_seg_read_col(g, rg, ci, &v, e);
			if (rc != RDB_OK)
				return rc;
			if (k == n) {
				rdb_vb_adopt(&o->vb[i], &v, n);
				rc = o->vb[i].n == n ? RDB_OK :
				    rdb_vb_append(&o->vb[i], &v, 0, n, NULL);
			} else {
				rc = rdb_vb_append(&o->vb[i], &v, 0, n, c->keep);
			}
			rdb_vec_release(&v);
		}
		if (rc != RDB_OK)
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	}
	return 1;
}

static void publish(struct rdb_scan *s, struct outbuf *o)
{
	size_t i;

	s->out.nrows = o->k;
	s->out.rowids = o->rowids;
	s->out.preds_hold = o->hold;
	for (i = 0; i < s->nproj; i++) {
		s->out.cols[i] = o->vb[i].v;
		s->out.cols[i].validity = rdb_vb_validity(&o->vb[i]);
	}
}

int rdb_scan_open(struct rdb_txn *txn, const char *table,
    const struct rdb_scan_options *o, struct rdb_scan **sp)
{
	struct rdb_db *db;
	struct rdb_tbl *tb;
	struct rdb_scan *s;
	size_t i, j;
	int rc;

	*sp = NULL;
	if (txn == NULL)
		return RDB_EMISUSE;
	db = rdb_txn_db(txn);
	rdb_err_clear(&db->err);
	if ((rc = rdb_txn_settle(txn)) != RDB_OK)
		return rc;
	tb = rdb_cat_find(rdb_txn_cat(txn), table);
	if (tb == NULL)
		return rdb_err_set(&db->err, RDB_ENOENT, "no such table '%s'", table);
	if ((rc = rdb_txn_table_readable(txn, tb->id, tb->name)) != RDB_OK)
		return rc;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
	s->txn = txn;
	s->db = db;
	s->td = rdb_store_td(&db->store, tb->id, 0);
	s->snap = rdb_txn_snapshot(txn);
	s->nproj = o != NULL && o->cols != NULL ? o->ncols : tb->ncols;
	s->ids = calloc(s->nproj + 1, sizeof *s->ids);
	s->types = calloc(s->nproj + 1, sizeof *s->types);
	s->prec = calloc(s->nproj + 1, 1);
	s->scale = calloc(s->nproj + 1, 1);
	s->out.cols = calloc(s->nproj + 1, sizeof *s->out.cols);
	if (s->ids == NULL || s->types == NULL || s->prec == NULL ||
	    s->scale == NULL || s->out.cols == NULL)
		goto nomem;
	for (i = 0; i < s->nproj; i++) {
		size_t c = o != NULL && o->cols != NULL ? o->cols[i] : i;
		if (c >= tb->ncols) {
			rdb_scan_close(s);
			return rdb_err_set(&db->err, RDB_EMISUSE,
			    "column %zu out of range for '%s'", c, table);
		}
		s->ids[i] = tb->cols[c].id;
		s->types[i] = (enum rdb_type)tb->cols[c].type;
		s->prec[i] = tb->cols[c].precision;
		s->scale[i] = tb->cols[c].scale;
	}
	s->out.ncols = s->nproj;
	if (o != NULL) {
		s->on_skip = o->on_skip;
		s->skip_arg = o->skip_arg;
	}
	if (out_init(s, &s->seq) != RDB_OK)
		goto nomem;
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
	/* every row group of every segment is a morsel */
	if (s->td != NULL) {
		for (i = 0; i < s->td->nsegs; i++) {
			struct rdb_segref *sr = &s->td->segs[i];
			if (sr->seg == NULL) {
				rc = rdb_seg_open(db->path, sr->file, sr->bytes,
				    &sr->seg, &db->err);
				if (rc != RDB_OK && s->on_skip != NULL) {
					s->on_skip(s->skip_arg, db->err.msg);
					rdb_err_clear(&db->err);
					continue;
				}
				if (rc != RDB_OK) {
					rdb_scan_close(s);
					return rc;
				}
			}
			s->nmorsels += rdb_seg_nrowgroups(sr->seg);
		}
		s->morsels = calloc(s->nmorsels + 1, sizeof *s->morsels);
		if (s->morsels == NULL)
			goto nomem;
		s->nmorsels = 0;
		{
			unsigned np = o != NULL && o->nparts > 1 ? o->nparts : 1;
			unsigned part = o != NULL && o->nparts > 1 ? o->part : 0;
			size_t k = 0;
			for (i = 0; i < s->td->nsegs; i++)
				for (j = 0; s->td->segs[i].seg != NULL &&
				    j < rdb_seg_nrowgroups(s->td->segs[i].seg); j++, k++) {
					if (k % np != part)
						continue;
					s->morsels[s->nmorsels].seg = s->td->segs[i].seg;
					s->morsels[s->nmorsels++].rg = j;
				}
		}
	}
	s->no_mem = o != NULL && o->nparts > 1 && o->part != 0;
	s->nthreads = o != NULL ? o->threads : 0;
	if (s->nthreads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		s->nthreads = n < 1 ? 1 : n > SCAN_MAX_THREADS ? SCAN_MAX_THREADS
		    : (int)n;
	}
	if (s->nthreads > SCAN_MAX_THREADS)
		s->nthreads = SCAN_MAX_THREADS;
	if (s->nmorsels < 2)
		s->nthreads = 1;
	*sp = s;
	return RDB_OK;
nomem:
	rdb_scan_close(s);
	return rdb_err_set(&db->err, RDB_ENOMEM, "out of memory");
}

static void *worker(void *arg)
{
	struct rdb_scan *s = arg;
	struct dctx c;
	int pruned;

	memset(&c, 0, sizeof c);
	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct slot *sl;
		size_t m;
		while (!s->stop && s->claim < s->nmorsels &&
		    s->claim >= s->consumed + s->nslots)
			pthread_cond_wait(&s->work, &s->mu);
		if (s->stop || s->claim >= s->nmorsels)
			break;
		m = s->claim++;
		sl = &s->slots[m % s->nslots];
		sl->state = SLOT_WORKING;
		sl->m = m;
		pthread_mutex_unlock(&s->mu);
		rdb_err_clear(&sl->err);
		sl->rc = decode_rg(s, s->morsels[m].seg, s->morsels[m].rg, &c,
		    &sl->o, &sl->err, &pruned);
		pthread_mutex_lock(&s->mu);
		s->skipped += (uint64_t)pruned;
		sl->state = SLOT_READY;
		pthread_cond_broadcast(&s->ready);
	}
	pthread_mutex_unlock(&s->mu);
	ctx_release(&c);
	rdb_seg_scratch_release();
	return NULL;
}

static void stop_workers(struct rdb_scan *s)
{
	int i;

	if (!s->started)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
	for (i = 0; i < s->nthreads; i++)
		pthread_join(s->threads[i], NULL);
	s->started = 0;
}

static int start_workers(struct rdb_scan *s)
{
	size_t i;
	int t;

	s->nslots = (size_t)s->nthreads * 2;
	s->slots = calloc(s->nslots, sizeof *s->slots);
	s->threads = calloc((size_t)s->nthreads, sizeof *s->threads);
	if (s->slots == NULL || s->threads == NULL)
		return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	for (i = 0; i < s->nslots; i++)
		if (out_init(s, &s->slots[i].o) != RDB_OK)
			return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->ready, NULL);
	s->claim = s->consumed = s->next;
	for (t = 0; t < s->nthreads; t++) {
		if (pthread_create(&s->threads[t], NULL, worker, s) != 0) {
			/* fewer workers than asked still work */
			if (t == 0) {
				s->nthreads = 1;
				return RDB_OK;
			}
			s->nthreads = t;
			break;
		}
	}
	s->started = 1;
	return RDB_OK;
}

/* The next decoded morsel from the workers, in order. */
static int next_parallel(struct rdb_scan *s, const struct rdb_batch **b)
{
	while (s->next < s->nmorsels) {
		struct slot *sl = &s->slots[s->next % s->nslots];
		int rc;
		pthread_mutex_lock(&s->mu);
		if (s->published != NULL) {
			s->published->state = SLOT_FREE;
			s->published = NULL;
			s->consumed++;
			pthread_cond_broadcast(&s->work);
		}
		while (!(sl->state == SLOT_READY && sl->m == s->next))
			pthread_cond_wait(&s->ready, &s->mu);
		pthread_mutex_unlock(&s->mu);
		s->next++;
		rc = sl->rc;
		if (rc < 0 && s->on_skip != NULL) {
			s->on_skip(s->skip_arg, sl->err.msg);
			rc = 0;
			sl->rc = 0;
		}
		if (rc < 0) {
			s->db->err = sl->err;
			return rc;
		}
		s->published = sl;
		if (rc == 0)
			continue;	/* freed at the top of the loop */
		publish(s, &sl->o);
		*b = &s->out;
		return 1;
	}
	pthread_mutex_lock(&s->mu);
	if (s->published != NULL) {
		s->published->state = SLOT_FREE;
		s->published = NULL;
		s->consumed++;
	}
	pthread_mutex_unlock(&s->mu);
	stop_workers(s);
	return 0;
}

static int scan_mem(struct rdb_scan *s, const struct rdb_memrows *m,
    size_t off, size_t n)
{
	struct outbuf *o = &s->seq;
	size_t k, i, j;
	int rc;

	if (ctx_room(&s->ctx, n) != RDB_OK || out_room(o, n) != RDB_OK)
		return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	k = visible(s, s->ctx.keep, o->rowids, NULL, m->first_rowid + off, NULL,
	    m->commit, n);
	o->k = k;
	o->hold = 0;
	if (k == 0)
		return 0;
	for (i = 0; i < s->nproj; i++) {
		const struct rdb_vec *src = NULL;
		for (j = 0; j < m->ncols; j++)
			if (m->col_ids[j] == s->ids[i])
				src = &m->cols[j];
		rdb_vb_reset(&o->vb[i]);
		rc = src != NULL ? rdb_vb_append(&o->vb[i], src, off, n,
		    k == n ? NULL : s->ctx.keep)
		    : rdb_vb_append(&o->vb[i], NULL, 0, k, NULL);
		if (rc != RDB_OK)
			return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	}
	publish(s, o);
	return 1;
}

int rdb_scan_next(struct rdb_scan *s, const struct rdb_batch **b)
{
	struct rdb_tdata *td = s->td;
	int rc, pruned;

	*b = NULL;
	if (td == NULL)
		return 0;
	if (s->nthreads > 1 && s->next < s->nmorsels) {
		if (!s->started && s->slots == NULL &&
		    (rc = start_workers(s)) != RDB_OK)
			return rc;
		if (s->started && (rc = next_parallel(s, b)) != 0)
			return rc;
		/* the row groups are done (the last ones may have had no
		 * visible row): the rows in memory follow */
	}
	while (s->next < s->nmorsels) {
		struct morsel *m = &s->morsels[s->next++];
		rc = decode_rg(s, m->seg, m->rg, &s->ctx, &s->seq, &s->db->err,
		    &pruned);
		s->skipped += (uint64_t)pruned;
		if (rc < 0 && s->on_skip != NULL) {
			s->on_skip(s->skip_arg, s->db->err.msg);
			rdb_err_clear(&s->db->err);
			continue;
		}
		if (rc < 0)
			return rc;
		if (rc > 0) {
			publish(s, &s->seq);
			*b = &s->out;
			return 1;
		}
	}
	while (!s->no_mem && s->mem < td->nmem) {
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

uint64_t rdb_scan_skipped(const struct rdb_scan *s)
{
	return s->skipped;
}

void rdb_scan_close(struct rdb_scan *s)
{
	size_t i;

	if (s == NULL)
		return;
	stop_workers(s);
	if (s->slots != NULL) {
		for (i = 0; i < s->nslots; i++)
			out_release(s, &s->slots[i].o);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->work);
		pthread_cond_destroy(&s->ready);
	}
	free(s->slots);
	free(s->threads);
	out_release(s, &s->seq);
	ctx_release(&s->ctx);
	free(s->ids);
	free(s->types);
	free(s->prec);
	free(s->scale);
	free(s->preds);
	free(s->pred_ids);
	free(s->morsels);
	free(s->out.cols);
	free(s);
}

/*
 * scan.c - read a table at a snapshot: its segments' row groups, then
 * its rows still in memory, keeping the visible rows [F-MAN-050] and
 * the projected columns. Row groups whose zone maps rule out a
 * predicate are skipped without being read.
 *
 * Row groups are morsels: with threads, workers decode them in parallel
 * into a window of slots, and rdb_scan_next hands them out in order, so
 * a scan uses every core while memory stays bounded by the window.
 *
 * A versions scan (rdb_scan_options.versions) keeps instead the row
 * versions whose inserting and deleting commits lie in its ranges. A
 * row group's commit zone map [F-SEG-009] bounds the commits that
 * inserted its rows, and its row id zone map the deletes that can name
 * them (the table's deletes are all in memory, sorted by row id): a row
 * group that can hold no wanted version is skipped unread, which makes
 * a scan of a short stretch of history cost what changed in it.
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

/* Per-thread decode scratch; the versions arrays hold up to twice the
 * rows (a version and its "D" row). */
struct dctx {
	uint8_t *keep;
	uint64_t *hrow, *hcommit;
	size_t cap;
	uint32_t *idx;              /* versions: source row of each output */
	int64_t *x[4];              /* their from and to times and commits */
	uint8_t *xv[2];             /* validity of the "to" columns, and of
	                               the "from" time */
	uint8_t *op;
	uint32_t *opoff;
	size_t vcap;
};

/* What a commit did to the scanned table (versions scans). */
#define CF_INS 0x1
#define CF_DEL 0x2
#define CF_TIME 0x4                 /* its time is known */

/* Decoded rows of one morsel. */
struct outbuf {
	struct rdb_vbuild *vb;      /* one per projected column */
	uint64_t *rowids;
	size_t rowcap;
	size_t k;
	uint32_t hold;              /* rdb_batch.preds_hold */
	/* the row ids of a sliced row group's rows: first + i when
	 * ids_lazy, else the dctx's hrow[i] */
	int ids_lazy;
	uint64_t first;
};

struct morsel {
	struct rdb_seg *seg;
	size_t rg;
	/* read through an index: only the rows at these positions of the
	 * segment (sorted, all within the row group starting at base) */
	const uint32_t *sel;
	size_t nsel;
	uint64_t base;
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
	/* a versions scan: its ranges, and per commit 0..snap its time and
	 * what it did to the table */
	unsigned versions;
	uint64_t ins_min, ins_max, del_min, del_max;
	size_t nout;                /* columns out: nproj, plus the extra */
	int64_t *ctime;
	uint8_t *cflags;
	uint32_t table_id;
	uint32_t **sels;            /* per segment: the positions an index
	                               selected, or NULL (read it whole) */
	size_t *sel_n, nsels;
	/* slices (rdb_scan_options.slice): the row group being read, a
	 * cursor per projected column (its footer index in sci, -1 when
	 * the segment lacks it), and each column's slice buffers */
	size_t slice;
	const struct morsel *sm;    /* NULL: none open */
	size_t spos, sn;            /* its next row, its rows */
	int sall;                   /* it keeps every row */
	struct rdb_seg_cur *cur;
	int *sci;
	uint8_t **sbuf;             /* slice * 16 bytes each (text: a
	                               struct rdb_str a row) */
	uint8_t **snull;            /* compacted validity, slice / 8 + 1 */
	uint32_t *sidx;             /* kept rows of a slice */
	uint64_t *sids;             /* their row ids, when made per slice */
	uint8_t *sgot;              /* per column: read already, for a test
	                               (2: a DECIMAL's halves, in sbuf) */
	uint8_t **sdec;             /* DECIMAL columns: the rows kept,
	                               interleaved (slice * 16 bytes) */
	int *shc;                   /* DECIMAL: the high halves are one */
	int64_t *shv;               /* value, that one */
	size_t *rpcol;              /* per predicate: the projected column it
	                               tests row by row, SIZE_MAX for none */
	uint8_t **tres;             /* text predicates: per dictionary entry,
	                               passes */
	size_t *trescap;
	uint8_t *tres_ok;           /* tres holds this row group's */
	/* the order the row-by-row tests run in: the one that has kept
	 * the smallest share of the rows it tested first, so that the
	 * others test (and decode) fewer rows */
	uint8_t pord[32];
	uint64_t ptest[32], ppass[32];
	unsigned pslices;           /* slices since the order was set */
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

static void ctx_vfree(struct dctx *c)
{
	int i;

	free(c->idx);
	for (i = 0; i < 4; i++)
		free(c->x[i]);
	free(c->xv[0]);
	free(c->xv[1]);
	free(c->op);
	free(c->opoff);
	c->idx = NULL;
	memset(c->x, 0, sizeof c->x);
	memset(c->xv, 0, sizeof c->xv);
	c->op = NULL;
	c->opoff = NULL;
	c->vcap = 0;
}

/* Room for n output rows of a versions scan. */
static int ctx_vroom(struct dctx *c, size_t n)
{
	int i, ok;

	if (n <= c->vcap)
		return RDB_OK;
	ctx_vfree(c);
	c->idx = malloc(n * sizeof *c->idx);
	ok = c->idx != NULL;
	for (i = 0; i < 4; i++)
		ok &= (c->x[i] = malloc(n * sizeof *c->x[i])) != NULL;
	ok &= (c->xv[0] = malloc(n / 8 + 1)) != NULL;
	ok &= (c->xv[1] = malloc(n / 8 + 1)) != NULL;
	ok &= (c->op = malloc(n)) != NULL;
	ok &= (c->opoff = malloc((n + 1) * sizeof *c->opoff)) != NULL;
	if (!ok) {
		ctx_vfree(c);
		return RDB_ENOMEM;
	}
	c->vcap = n;
	return RDB_OK;
}

static void ctx_release(struct dctx *c)
{
	free(c->keep);
	free(c->hrow);
	free(c->hcommit);
	ctx_vfree(c);
	memset(c, 0, sizeof *c);
}

static int out_init(const struct rdb_scan *s, struct outbuf *o)
{
	size_t i;

	memset(o, 0, sizeof *o);
	o->vb = calloc(s->nout + 1, sizeof *o->vb);
	if (o->vb == NULL)
		return RDB_ENOMEM;
	for (i = 0; i < s->nout; i++)
		rdb_vb_init(&o->vb[i], s->types[i], s->prec[i], s->scale[i]);
	return RDB_OK;
}

static void out_release(const struct rdb_scan *s, struct outbuf *o)
{
	size_t i;

	for (i = 0; o->vb != NULL && i < s->nout; i++)
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
	if (!z->has_minmax || p->text != NULL || p->is_decimal)
		return 0;
	if (p->set != NULL)
		return t != RDB_DOUBLE && t != RDB_DECIMAL && (z->max < p->set_lo ||
		    z->min > p->set_lo + (int64_t)(p->set_n - 1));
	if (t == RDB_DOUBLE || p->is_double) {
		double mn, mx, v = p->is_double ? p->d : (double)p->i;
		if (t != RDB_DOUBLE)
			return 0;
		memcpy(&mn, &z->min, 8);
		memcpy(&mx, &z->max, 8);
		switch (p->op) {
		case RDB_CMP_BETWEEN:
			return 0;	/* not made for DOUBLE */
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
	case RDB_CMP_BETWEEN:
		return p->i > z->max || p->i2 < z->min || p->i > p->i2;
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
	if (z->nulls != 0 || !z->has_minmax || p->is_double || p->text != NULL ||
	    p->set != NULL || p->is_decimal ||
	    t == RDB_DOUBLE || t == RDB_DECIMAL || t == RDB_BOOLEAN ||
	    rdb_type_width(t) == 0)
		return 0;
	switch (p->op) {
	case RDB_CMP_BETWEEN:
		return z->min >= p->i && z->max <= p->i2;
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

/* ---- versions scans ---- */

/* The first delete of the table at or after row id. */
static size_t del_from(const struct rdb_tdata *td, uint64_t rowid)
{
	size_t lo = 0, hi = td->ndels;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (td->dels[mid].rowid < rowid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Does a delete at a commit of [lo, hi] name a row id of [rmin, rmax]? */
static int dels_in(const struct rdb_tdata *td, uint64_t rmin, uint64_t rmax,
    uint64_t lo, uint64_t hi)
{
	size_t i;

	if (lo > hi)
		return 0;
	for (i = del_from(td, rmin); i < td->ndels && td->dels[i].rowid <= rmax;
	    i++)
		if (td->dels[i].commit >= lo && td->dels[i].commit <= hi)
			return 1;
	return 0;
}

static uint64_t umin(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Could rows inserted at commits [cmin, cmax] with row ids [rmin, rmax]
 * hold a version, or a "D" row, the scan wants? */
static int may_hold(const struct rdb_scan *s, uint64_t cmin, uint64_t cmax,
    uint64_t rmin, uint64_t rmax)
{
	const struct rdb_tdata *td = s->td;
	int v = cmax >= s->ins_min && cmin <= umin(s->ins_max, s->snap);

	/* only deleted versions: a delete of the range must name a row */
	if (v && s->del_max != UINT64_MAX)
		v = dels_in(td, rmin, rmax, s->del_min, umin(s->del_max, s->snap));
	if (!v && (s->versions & RDB_VERSIONS_DELETIONS))
		v = dels_in(td, rmin, rmax, s->del_min > 0 ? s->del_min - 1 : 0,
		    umin(umin(s->ins_max, s->del_max), s->snap));
	return v;
}

/* Is the deletion at del one of the scan's "D" rows? */
static int d_row(const struct rdb_scan *s, uint64_t del)
{
	return del != UINT64_MAX && del + 1 >= s->del_min && del <= s->ins_max &&
	    del <= s->del_max && !(s->cflags[del] & CF_INS);
}

static int in_ranges(const struct rdb_scan *s, uint64_t ins, uint64_t del)
{
	return ins >= s->ins_min && ins <= s->ins_max && del >= s->del_min &&
	    del <= s->del_max;
}

static void emit(const struct rdb_scan *s, struct dctx *c, size_t k,
    size_t row, uint64_t ins, uint64_t del, char op)
{
	int known = (s->cflags[ins] & CF_TIME) != 0;

	c->idx[k] = (uint32_t)row;
	c->x[0][k] = known ? s->ctime[ins] : 0;
	c->x[1][k] = del != UINT64_MAX ? s->ctime[del] : 0;
	c->x[2][k] = (int64_t)ins;
	c->x[3][k] = del != UINT64_MAX ? (int64_t)del : 0;
	if (del != UINT64_MAX && (s->cflags[del] & CF_TIME))
		c->xv[0][k >> 3] |= (uint8_t)(1u << (k & 7));
	else
		c->xv[0][k >> 3] &= (uint8_t)~(1u << (k & 7));
	if (known)
		c->xv[1][k >> 3] |= (uint8_t)(1u << (k & 7));
	else
		c->xv[1][k >> 3] &= (uint8_t)~(1u << (k & 7));
	c->op[k] = (uint8_t)op;
}

/*
 * The versions of rows [0, n) (row ids rowid[i], or first + i; commits
 * commit[i], or commit1) the scan wants, in c->idx and the extra
 * arrays; returns how many. Row ids increase, so the deletes are
 * walked alongside.
 */
static size_t pick_versions(const struct rdb_scan *s, struct dctx *c,
    const uint64_t *rowid, uint64_t first, const uint64_t *commit,
    uint64_t commit1, size_t n)
{
	const struct rdb_tdata *td = s->td;
	size_t i, k = 0, di;

	if (n == 0)
		return 0;
	di = del_from(td, rowid != NULL ? rowid[0] : first);
	for (i = 0; i < n; i++) {
		uint64_t id = rowid != NULL ? rowid[i] : first + i;
		uint64_t ins = commit != NULL ? commit[i] : commit1, del;
		if (ins > s->snap || ins == 0)
			continue;
		while (di < td->ndels && td->dels[di].rowid < id)
			di++;
		del = di < td->ndels && td->dels[di].rowid == id ?
		    td->dels[di].commit : 0;
		if (del == 0 || del > s->snap)
			del = UINT64_MAX;
		/* inserted and deleted by one commit: never current */
		if (del == ins)
			continue;
		if (in_ranges(s, ins, del))
			emit(s, c, k++, i, ins, del,
			    s->cflags[ins] & CF_DEL ? 'U' : 'I');
		if ((s->versions & RDB_VERSIONS_DELETIONS) && d_row(s, del))
			emit(s, c, k++, i, del, del, 'D');
	}
	return k;
}

/* Append the rows c->idx[0, k) of src (NULL: NULLs) to b, a run of
 * consecutive rows at a time. */
static int gather(struct rdb_vbuild *b, const struct rdb_vec *src,
    size_t base, const struct dctx *c, size_t k)
{
	size_t i = 0, j;
	int rc;

	if (src == NULL)
		return rdb_vb_append(b, NULL, 0, k, NULL);
	while (i < k) {
		for (j = i + 1; j < k && c->idx[j] == c->idx[j - 1] + 1; j++)
			;
		if ((rc = rdb_vb_append(b, src, base + c->idx[i], j - i, NULL)) !=
		    RDB_OK)
			return rc;
		i = j;
	}
	return RDB_OK;
}

/* The extra columns of a versions scan's k rows, into o->vb[nproj..]. */
static int put_extra(const struct rdb_scan *s, struct dctx *c,
    struct outbuf *o, size_t k)
{
	struct rdb_vec v;
	size_t i;
	int rc = RDB_OK;

	for (i = 0; i < 4 && rc == RDB_OK; i++) {
		memset(&v, 0, sizeof v);
		v.type = i < 2 ? RDB_TIMESTAMP : RDB_BIGINT;
		v.values = c->x[i];
		v.validity = i == 0 ? c->xv[1] : i == 2 ? NULL : c->xv[0];
		if (i == 3) {
			/* a commit is known when its time may not be */
			size_t r;
			for (r = 0; r < k; r++)
				if (c->x[3][r] != 0)
					c->xv[1][r >> 3] |= (uint8_t)(1u << (r & 7));
				else
					c->xv[1][r >> 3] &= (uint8_t)~(1u << (r & 7));
			v.validity = c->xv[1];
		}
		rdb_vb_reset(&o->vb[s->nproj + i]);
		rc = rdb_vb_append(&o->vb[s->nproj + i], &v, 0, k, NULL);
	}
	if (rc != RDB_OK)
		return rc;
	memset(&v, 0, sizeof v);
	v.type = RDB_TEXT;
	v.values = c->op;
	v.offsets = c->opoff;
	for (i = 0; i <= k; i++)
		c->opoff[i] = (uint32_t)i;
	rdb_vb_reset(&o->vb[s->nproj + 4]);
	return rdb_vb_append(&o->vb[s->nproj + 4], &v, 0, k, NULL);
}

/* decode_rg of a versions scan (the predicates already passed). */
static int decode_versions(const struct rdb_scan *s, struct rdb_seg *g,
    size_t rg, struct dctx *c, struct outbuf *o, struct rdb_err *e,
    int *pruned)
{
	const struct rdb_zone *zr = rdb_seg_zone(g, rg, RDB_SEG_ROWID);
	const struct rdb_zone *zc = rdb_seg_zone(g, rg, RDB_SEG_COMMIT);
	size_t n = rdb_seg_rg_rows(g, rg), k, i;
	int rc, ci;

	/* [F-SEG-009]; without the zone maps the row group is read */
	if (zr->has_minmax && zc->has_minmax && !may_hold(s,
	    (uint64_t)zc->min, (uint64_t)zc->max, (uint64_t)zr->min,
	    (uint64_t)zr->max)) {
		*pruned = 1;
		return 0;
	}
	if (ctx_room(c, n) != RDB_OK || ctx_vroom(c, 2 * n) != RDB_OK ||
	    out_room(o, 2 * n) != RDB_OK)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	if ((rc = rdb_seg_read_hidden(g, rg, RDB_SEG_ROWID, c->hrow, e)) != RDB_OK ||
	    (rc = rdb_seg_read_hidden(g, rg, RDB_SEG_COMMIT, c->hcommit, e)) !=
	    RDB_OK)
		return rc;
	k = pick_versions(s, c, c->hrow, 0, c->hcommit, 0, n);
	o->k = k;
	if (k == 0)
		return 0;
	for (i = 0; i < k; i++)
		o->rowids[i] = c->hrow[c->idx[i]];
	for (i = 0; i < s->nproj; i++) {
		struct rdb_vec v;
		rdb_vb_reset(&o->vb[i]);
		ci = rdb_seg_find_col(g, s->ids[i]);
		if (ci < 0) {				/* [F-SEG-005] */
			rc = gather(&o->vb[i], NULL, 0, c, k);
		} else {
			if ((rc = rdb_seg_type_ok(g, ci, s->types[i], e)) != RDB_OK)
				return rc;
			if ((rc = rdb_seg_read_col(g, rg, ci, &v, e)) != RDB_OK)
				return rc;
			rc = gather(&o->vb[i], &v, 0, c, k);
			rdb_vec_release(&v);
		}
		if (rc != RDB_OK)
			return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	}
	if (put_extra(s, c, o, k) != RDB_OK)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	return 1;
}

/* Which rows of a row group the scan keeps: 1 with c->keep (per row),
 * o->rowids and o->k (their ids and number) set, 0 when none is kept
 * or the zone maps rule it out (*pruned set), < 0 on error. Not for
 * versions scans (but for their pruning, when versions_ok). */
static int rg_keep(const struct rdb_scan *s, const struct morsel *m,
    struct dctx *c, struct outbuf *o, struct rdb_err *e, int *pruned)
{
	struct rdb_seg *g = m->seg;
	size_t rg = m->rg;
	size_t n = rdb_seg_rg_rows(g, rg), k, i;
	int rc, ci;

	*pruned = 0;
	o->hold = 0;
	o->ids_lazy = 0;
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
	if (s->versions)
		return 1;	/* the caller's decode_versions follows */
	if (ctx_room(c, n) != RDB_OK || out_room(o, n) != RDB_OK)
		return rdb_err_set(e, RDB_ENOMEM, "out of memory");
	if (all_visible(s, g, rg, n)) {
		/* row ids strictly increase over min..max [F-SEG-003]: with
		 * n of them there, they are every id of the range */
		const struct rdb_zone *z = rdb_seg_zone(g, rg, RDB_SEG_ROWID);
		size_t q = 0;
		uint64_t first = (uint64_t)z->min;
		o->ids_lazy = 1;	/* (for slices) */
		o->first = first;
		if (m->sel == NULL && s->slice > 0) {
			/* every row, a slice at a time: ids made per slice */
			o->k = n;
			return 1;
		}
		if (m->sel == NULL) {	/* every row: loops that vectorize */
			memset(c->keep, 1, n);
			for (i = 0; i < n; i++)
				o->rowids[i] = first + i;
			n = 0;
		}
		for (i = k = 0; i < n; i++) {
			int in = m->sel == NULL || (q < m->nsel &&
			    m->sel[q] - m->base == i);
			q += (size_t)(m->sel != NULL && in);
			c->keep[i] = (uint8_t)in;
			if (in)
				o->rowids[k++] = first + i;
		}
		if (m->sel == NULL)
			k = rdb_seg_rg_rows(g, rg);
	} else {
		if ((rc = rdb_seg_read_hidden(g, rg, RDB_SEG_ROWID, c->hrow, e)) != RDB_OK ||
		    (rc = rdb_seg_read_hidden(g, rg, RDB_SEG_COMMIT, c->hcommit,
		    e)) != RDB_OK)
			return rc;
		k = visible(s, c->keep, o->rowids, c->hrow, 0, c->hcommit, 0, n);
		if (m->sel != NULL) {		/* [F-IDX-008] and visible */
			size_t q = 0;
			for (i = k = 0; i < n; i++) {
				int in = q < m->nsel && m->sel[q] - m->base == i;
				q += (size_t)in;
				c->keep[i] = (uint8_t)(c->keep[i] && in);
				if (c->keep[i])
					o->rowids[k++] = c->hrow[i];
			}
		}
	}
	o->k = k;
	return k > 0;
}

static int decode_versions_rg(const struct rdb_scan *s,
    const struct morsel *m, struct dctx *c, struct outbuf *o,
    struct rdb_err *e, int *pruned)
{
	int rc = rg_keep(s, m, c, o, e, pruned);

	if (rc <= 0)
		return rc;
	return decode_versions(s, m->seg, m->rg, c, o, e, pruned);
}

/* Decode one row group into o: 1 with rows, 0 when none is kept or the
 * zone maps rule it out (*pruned set), < 0 on error. Thread-safe: it
 * reads the scan and the store, writes only c, o and e. */
static int decode_rg(const struct rdb_scan *s, const struct morsel *m,
    struct dctx *c, struct outbuf *o, struct rdb_err *e, int *pruned)
{
	struct rdb_seg *g = m->seg;
	size_t rg = m->rg;
	size_t n = rdb_seg_rg_rows(g, rg), k, i;
	int rc, ci;

	if (s->versions)
		return decode_versions_rg(s, m, c, o, e, pruned);
	if ((rc = rg_keep(s, m, c, o, e, pruned)) <= 0)
		return rc;
	k = o->k;
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
	for (i = 0; i < s->nout; i++) {
		s->out.cols[i] = o->vb[i].v;
		s->out.cols[i].validity = rdb_vb_validity(&o->vb[i]);
	}
}

struct cinfo {
	struct rdb_scan *s;
	uint64_t next;              /* the table's next row id */
	uint64_t *first;            /* per commit: its first row id */
	uint64_t *ins, *del;        /* per commit: rows it inserted, deleted */
};

static int cinfo_fn(const struct rdb_commit_rec *c, void *arg)
{
	struct cinfo *ci = arg;
	struct rdb_scan *s = ci->s;
	size_t i;

	if (c->id == 0 || c->id > s->snap)
		return 0;
	s->ctime[c->id] = c->time_us;
	s->cflags[c->id] |= CF_TIME;
	for (i = 0; i < c->ntables; i++)
		if (c->tables[i].table_id == s->table_id) {
			if (ci->first[c->id] == UINT64_MAX)
				ci->first[c->id] = ci->next;
			ci->next += c->tables[i].inserted;
			ci->ins[c->id] += c->tables[i].inserted;
			ci->del[c->id] += c->tables[i].deleted;
		}
	return 0;
}

/* A versions scan: its ranges, its extra columns, and what each commit
 * up to the snapshot did to the table, from the commit log. */
static int versions_open(struct rdb_scan *s,
    const struct rdb_scan_options *o, const struct rdb_tbl *tb)
{
	static const enum rdb_type xt[RDB_VERSIONS_EXTRA] = { RDB_TIMESTAMP,
		RDB_TIMESTAMP, RDB_BIGINT, RDB_BIGINT, RDB_TEXT };
	struct rdb_store *st = &s->db->store;
	struct cinfo ci;
	size_t i;
	int rc;

	s->ins_min = o->ins_min;
	s->ins_max = o->ins_max;
	s->del_min = o->del_min;
	s->del_max = o->del_max;
	s->table_id = tb->id;
	if (st->horizon > 0 && s->del_min <= st->horizon)
		return rdb_err_set(&s->db->err, RDB_EHISTORY, "versions deleted "
		    "at commit %llu are outside retained history: the oldest "
		    "readable is %llu", (unsigned long long)(s->del_min > 0 ?
		    s->del_min : 1), (unsigned long long)st->horizon);
	for (i = 0; i < RDB_VERSIONS_EXTRA; i++)
		s->types[s->nproj + i] = xt[i];
	if (s->snap >= SIZE_MAX / 16)
		return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	s->ctime = calloc((size_t)s->snap + 1, sizeof *s->ctime);
	s->cflags = calloc((size_t)s->snap + 1, 1);
	if (s->ctime == NULL || s->cflags == NULL)
		return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	memset(&ci, 0, sizeof ci);
	ci.s = s;
	ci.first = malloc(((size_t)s->snap + 1) * sizeof *ci.first);
	ci.ins = calloc((size_t)s->snap + 1, sizeof *ci.ins);
	ci.del = calloc((size_t)s->snap + 1, sizeof *ci.del);
	if (ci.first == NULL || ci.ins == NULL || ci.del == NULL) {
		rc = rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i <= s->snap; i++)
		ci.first[i] = UINT64_MAX;
	if ((rc = rdb_log_each(s->db, cinfo_fn, &ci)) < 0)
		goto out;
	/*
	 * A row a commit inserted and deleted itself (a transaction's
	 * INSERT then UPDATE or DELETE) was never current: it is no
	 * version (pick_versions), and does not make its commit one that
	 * inserted or deleted rows of the table. Row ids grow with the
	 * commits [F-WAL-011], so the rows of commit c are those from its
	 * first row id on that c itself deleted.
	 */
	for (i = 0; s->td != NULL && i < s->td->ndels; i++) {
		uint64_t c = s->td->dels[i].commit;
		if (c > 0 && c <= s->snap && s->td->dels[i].rowid >= ci.first[c]) {
			ci.ins[c] -= ci.ins[c] > 0;
			ci.del[c] -= ci.del[c] > 0;
		}
	}
	for (i = 1; i <= s->snap; i++)
		s->cflags[i] |= (ci.ins[i] > 0 ? CF_INS : 0) |
		    (ci.del[i] > 0 ? CF_DEL : 0);
	rc = RDB_OK;
out:
	free(ci.first);
	free(ci.ins);
	free(ci.del);
	return rc;
}

/* Ask the index of o->probe which rows of each segment to read
 * (format/index.md); a segment without its file is read whole. */
static int index_select(struct rdb_scan *s, const struct rdb_scan_options *o)
{
	size_t i, n;
	int rc;

	s->sels = calloc(s->td->nsegs + 1, sizeof *s->sels);
	s->sel_n = calloc(s->td->nsegs + 1, sizeof *s->sel_n);
	if (s->sels == NULL || s->sel_n == NULL)
		return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	s->nsels = s->td->nsegs;
	for (i = 0; i < s->td->nsegs; i++) {
		if (s->td->segs[i].seg == NULL)
			continue;
		rc = rdb_index_select(s->db->path, &s->td->segs[i], o->probe,
		    &s->sels[i], &n, &s->db->err);
		if (rc == RDB_ENOENT)
			continue;
		if (rc != RDB_OK && s->on_skip != NULL) {
			s->on_skip(s->skip_arg, s->db->err.msg);
			rdb_err_clear(&s->db->err);
			continue;
		}
		if (rc != RDB_OK)
			return rc;
		s->sel_n[i] = n;
		if (s->sels[i] == NULL && (s->sels[i] = malloc(sizeof
		    **s->sels)) == NULL)	/* none: still "selected" */
			return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	}
	return RDB_OK;
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
	s->versions = o != NULL ? o->versions : 0;
	s->nout = s->nproj + (s->versions ? RDB_VERSIONS_EXTRA : 0);
	s->ids = calloc(s->nout + 1, sizeof *s->ids);
	s->types = calloc(s->nout + 1, sizeof *s->types);
	s->prec = calloc(s->nout + 1, 1);
	s->scale = calloc(s->nout + 1, 1);
	s->out.cols = calloc(s->nout + 1, sizeof *s->out.cols);
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
	s->out.ncols = s->nout;
	if (o != NULL) {
		s->on_skip = o->on_skip;
		s->skip_arg = o->skip_arg;
	}
	if (s->versions && (rc = versions_open(s, o, tb)) != RDB_OK) {
		rdb_scan_close(s);
		return rc;
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
		if (o != NULL && o->probe != NULL && !s->versions &&
		    (rc = index_select(s, o)) != RDB_OK) {
			rdb_scan_close(s);
			return rc;
		}
		{
			unsigned np = o != NULL && o->nparts > 1 ? o->nparts : 1;
			unsigned part = o != NULL && o->nparts > 1 ? o->part : 0;
			size_t k = 0;
			for (i = 0; i < s->td->nsegs; i++) {
				const uint32_t *sel = s->sels != NULL ? s->sels[i] : NULL;
				size_t left = sel != NULL ? s->sel_n[i] : 0;
				uint64_t base = 0;
				for (j = 0; s->td->segs[i].seg != NULL &&
				    j < rdb_seg_nrowgroups(s->td->segs[i].seg); j++, k++) {
					struct morsel *m = &s->morsels[s->nmorsels];
					uint64_t rows = rdb_seg_rg_rows(s->td->segs[i].seg, j);
					size_t ns = 0;
					while (sel != NULL && ns < left && sel[ns] < base + rows)
						ns++;
					if (k % np == part && (sel == NULL || ns > 0)) {
						m->seg = s->td->segs[i].seg;
						m->rg = j;
						m->sel = sel;
						m->nsel = ns;
						m->base = base;
						s->nmorsels++;
					} else if (sel != NULL && k % np == part) {
						s->skipped++;	/* no row the index points at */
					}
					if (sel != NULL) {
						sel += ns;
						left -= ns;
					}
					base += rows;
				}
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
	/* a few row groups: threads to start and whole row groups to copy
	 * cost more than decoding them in slices here (TPC-H Q22's two
	 * of customer: 40 -> 33 ms at SF1) */
	if (s->nmorsels < 4)
		s->nthreads = 1;
	/* slices: decoded in the caller's thread, so with no workers; not
	 * for history, nor salvage (which skips whole row groups) */
	if (o != NULL && o->slice > 0 && !s->versions && s->on_skip == NULL) {
		/* a join's key set drops rows before they are decoded: that
		 * beats decoding them all on other threads */
		int drops = 0;
		for (i = 0; i < s->npreds; i++)
			drops |= s->preds[i].set != NULL;
		if (drops)
			s->nthreads = 1;
	}
	if (o != NULL && o->slice > 0 && s->nthreads == 1 && !s->versions &&
	    s->on_skip == NULL) {
		s->slice = o->slice < 8 ? 8 : o->slice > SCAN_SLICE ? SCAN_SLICE
		    : o->slice & ~(size_t)7;
	}
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
		sl->rc = decode_rg(s, &s->morsels[m], &c, &sl->o, &sl->err,
		    &pruned);
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

	if (ctx_room(&s->ctx, n) != RDB_OK || out_room(o, 2 * n) != RDB_OK ||
	    (s->versions && ctx_vroom(&s->ctx, 2 * n) != RDB_OK))
		return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	if (s->versions) {
		k = pick_versions(s, &s->ctx, NULL, m->first_rowid + off, NULL,
		    m->commit, n);
		for (i = 0; i < k; i++)
			o->rowids[i] = m->first_rowid + off + s->ctx.idx[i];
	} else {
		k = visible(s, s->ctx.keep, o->rowids, NULL, m->first_rowid + off,
		    NULL, m->commit, n);
	}
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
		if (s->versions)
			rc = gather(&o->vb[i], src, off, &s->ctx, k);
		else
			rc = src != NULL ? rdb_vb_append(&o->vb[i], src, off, n,
			    k == n ? NULL : s->ctx.keep)
			    : rdb_vb_append(&o->vb[i], NULL, 0, k, NULL);
		if (rc != RDB_OK)
			return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	}
	if (s->versions && put_extra(s, &s->ctx, o, k) != RDB_OK)
		return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
	publish(s, o);
	return 1;
}

/* ---- slices ---- */

static void slices_release(struct rdb_scan *s)
{
	size_t i;

	for (i = 0; s->cur != NULL && i < s->nproj; i++)
		rdb_seg_cur_release(&s->cur[i]);
	for (i = 0; s->sbuf != NULL && i < s->nproj; i++) {
		free(s->sbuf[i]);
		free(s->snull[i]);
	}
	free(s->cur);
	free(s->sci);
	free(s->sbuf);
	free(s->snull);
	free(s->sidx);
	free(s->sids);
	free(s->sgot);
	for (i = 0; s->sdec != NULL && i < s->nproj; i++)
		free(s->sdec[i]);
	free(s->sdec);
	free(s->shc);
	free(s->shv);
	free(s->rpcol);
	for (i = 0; s->tres != NULL && i < s->npreds; i++)
		free(s->tres[i]);
	free(s->tres);
	free(s->trescap);
	free(s->tres_ok);
}

static int slices_init(struct rdb_scan *s)
{
	size_t i, n = s->nproj + 1;

	s->cur = calloc(n, sizeof *s->cur);
	s->sci = calloc(n, sizeof *s->sci);
	s->sbuf = calloc(n, sizeof *s->sbuf);
	s->snull = calloc(n, sizeof *s->snull);
	s->sidx = malloc(s->slice * sizeof *s->sidx);
	s->sids = malloc(s->slice * sizeof *s->sids);
	s->sgot = calloc(n, 1);
	s->sdec = calloc(n, sizeof *s->sdec);
	s->shc = calloc(n, sizeof *s->shc);
	s->shv = calloc(n, sizeof *s->shv);
	if (s->sdec == NULL || s->shc == NULL || s->shv == NULL)
		return RDB_ENOMEM;
	for (i = 0; i < s->nproj; i++)
		if (s->types[i] == RDB_DECIMAL &&
		    (s->sdec[i] = malloc(s->slice * 16)) == NULL)
			return RDB_ENOMEM;
	s->rpcol = malloc((s->npreds + 1) * sizeof *s->rpcol);
	s->tres = calloc(s->npreds + 1, sizeof *s->tres);
	s->trescap = calloc(s->npreds + 1, sizeof *s->trescap);
	s->tres_ok = calloc(s->npreds + 1, 1);
	if (s->sgot == NULL || s->rpcol == NULL ||
	    s->tres == NULL || s->trescap == NULL || s->tres_ok == NULL)
		return RDB_ENOMEM;
	/* predicates tested row by row: integer-like columns, integer
	 * constants (NaN makes DOUBLE comparisons SQL's own business) */
	for (i = 0; i < s->npreds; i++) {
		size_t c;
		if (i < 32)
			s->pord[i] = (uint8_t)i;
		s->rpcol[i] = SIZE_MAX;
		for (c = 0; c < s->nproj; c++) {
			enum rdb_type t = s->types[c];
			if (s->ids[c] != s->pred_ids[i])
				continue;
			if (s->preds[i].text != NULL ? rdb_type_width(t) == 0 :
			    s->preds[i].is_decimal ? t == RDB_DECIMAL :
			    !s->preds[i].is_double && (t == RDB_INTEGER ||
			    t == RDB_BIGINT || t == RDB_DATE || t == RDB_TIMESTAMP))
				s->rpcol[i] = c;
		}
	}
	if (s->cur == NULL || s->sci == NULL || s->sbuf == NULL ||
	    s->snull == NULL || s->sidx == NULL ||
	    s->sids == NULL)
		return RDB_ENOMEM;
	for (i = 0; i < s->nproj; i++) {
		rdb_seg_cur_init(&s->cur[i]);
		s->sbuf[i] = calloc(s->slice, 16);
		s->snull[i] = calloc(s->slice / 8 + 1, 1);
		if (s->sbuf[i] == NULL || s->snull[i] == NULL)
			return RDB_ENOMEM;
	}
	return RDB_OK;
}

/* Open the cursors of morsel m's row group (rg_keep has run). */
static int slices_open(struct rdb_scan *s, const struct morsel *m,
    struct rdb_err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < s->nproj; i++) {
		int ci = rdb_seg_find_col(m->seg, s->ids[i]);
		s->sci[i] = ci;
		if (ci < 0)				/* [F-SEG-005] */
			continue;
		if ((rc = rdb_seg_type_ok(m->seg, ci, s->types[i], e)) != RDB_OK ||
		    (rc = rdb_seg_cur_open(&s->cur[i], m->seg, m->rg, ci,
		    e)) != RDB_OK)
			return rc;
	}
	/* text predicates on dictionary chunks: each entry tested once */
	for (i = 0; i < s->npreds && i < 32; i++) {
		const struct rdb_pred *p = &s->preds[i];
		size_t c = s->rpcol[i], e2;
		const struct rdb_text_cur *tc;
		s->tres_ok[i] = 0;
		if (p->text == NULL || c == SIZE_MAX || s->sci[c] < 0 ||
		    !s->cur[c].tc.dict)
			continue;
		tc = &s->cur[c].tc;
		if (s->trescap[i] < tc->nd) {
			uint8_t *r = realloc(s->tres[i], (size_t)tc->nd);
			if (r == NULL)
				return rdb_err_set(e, RDB_ENOMEM, "out of memory");
			s->tres[i] = r;
			s->trescap[i] = (size_t)tc->nd;
		}
		for (e2 = 0; e2 < tc->nd; e2++)
			s->tres[i][e2] = p->text(p->arg, (const char *)tc->bytes +
			    tc->off[e2], tc->off[e2 + 1] - tc->off[e2]) != 0;
		s->tres_ok[i] = 1;
	}
	s->sm = m;
	s->spos = 0;
	s->sn = rdb_seg_rg_rows(m->seg, m->rg);
	s->sall = s->seq.k == s->sn;
	return RDB_OK;
}

/* Column i of a slice of k rows, of which the nk at sidx are kept (all
 * of them when nk == k), into out. */
/* Read DECIMAL column i's next k rows as halves into sbuf (low ones,
 * then the high ones unless they are one value), its validity into
 * out. */
static int dec_halves(struct rdb_scan *s, size_t i, size_t k,
    struct rdb_vec *out, struct rdb_err *e)
{
	int64_t *lo = (int64_t *)s->sbuf[i];
	const uint8_t *nb;
	int rc;

	memset(out, 0, sizeof *out);
	out->type = RDB_DECIMAL;
	out->precision = s->prec[i];
	out->scale = s->scale[i];
	rc = rdb_seg_cur_read_halves(&s->cur[i], k, lo, lo + k, &s->shc[i],
	    &s->shv[i], &nb, e);
	out->validity = (uint8_t *)nb;
	return rc;
}

/*
 * DECIMAL column i of a slice: its halves (read for a test when got, else
 * now), then only the kept rows interleaved into 16-byte values: the
 * rows a test dropped cost no stores.
 */
static int slice_dec(struct rdb_scan *s, size_t i, size_t k, size_t nk,
    int got, struct rdb_vec *out, struct rdb_err *e)
{
	const int64_t *lo = (const int64_t *)s->sbuf[i], *hi = lo + k;
	uint64_t *d = (uint64_t *)s->sdec[i];
	const uint32_t *sel = s->sidx;
	/* out->bits: |v| < 2^64 exactly when the high half is the low's
	 * sign (bad: one is not), and then |v| <= (low ^ sign) + 1, below
	 * 2^(bit length of acc, the OR of those, + 1) */
	uint64_t acc = 0, bad = 0;
	size_t j;
	int rc;

	if (!got && nk > 0 && nk * 2 <= k) {
		/* few rows kept: only theirs read, already in order */
		const uint8_t *nb;
		int64_t *l = (int64_t *)s->sbuf[i];
		memset(out, 0, sizeof *out);
		out->type = RDB_DECIMAL;
		out->precision = s->prec[i];
		out->scale = s->scale[i];
		rc = rdb_seg_cur_read_halves_sel(&s->cur[i], k, sel, nk, l, l + k,
		    &s->shc[i], &s->shv[i], &nb, e);
		if (rc < 0)
			return rc;
		if (rc == RDB_OK) {
			out->validity = (uint8_t *)nb;
			for (j = 0; j < nk; j++) {
				uint64_t sg = (uint64_t)(l[j] >> 63);
				d[2 * j] = (uint64_t)l[j];
				d[2 * j + 1] = s->shc[i] ? (uint64_t)s->shv[i] :
				    (uint64_t)l[k + j];
				acc |= (uint64_t)l[j] ^ sg;
				bad |= d[2 * j + 1] ^ sg;
			}
			out->values = d;
			goto validity;
		}
	}
	if (!got) {
		if (nk == 0)
			return rdb_seg_cur_skip(&s->cur[i], k, e);
		if ((rc = dec_halves(s, i, k, out, e)) != RDB_OK)
			return rc;
	}
	if (s->shc[i]) {
		/* one high half h: the values fit 64 bits when h is 0 or -1
		 * and every low half has h's sign, so low ^ h is low ^ sign */
		uint64_t h = (uint64_t)s->shv[i];
#define WIDEN(row, bits) \
		for (j = 0; j < nk; j++) { \
			uint64_t u = (uint64_t)lo[row]; \
			d[2 * j] = u; \
			d[2 * j + 1] = h; \
			acc |= bits; \
		}
		if (nk == k && h == 0)		/* the common case, first */
			WIDEN(j, u)
		else if (nk == k)
			WIDEN(j, u ^ h)
		else if (h == 0)
			WIDEN(sel[j], u)
		else
			WIDEN(sel[j], u ^ h)
#undef WIDEN
		bad = h + 1 > 1;	/* h neither 0 nor -1 */
	} else if (nk == k) {
		for (j = 0; j < k; j++) {
			uint64_t sg = (uint64_t)(lo[j] >> 63);
			d[2 * j] = (uint64_t)lo[j];
			d[2 * j + 1] = (uint64_t)hi[j];
			acc |= (uint64_t)lo[j] ^ sg;
			bad |= (uint64_t)hi[j] ^ sg;
		}
	} else {
		for (j = 0; j < nk; j++) {
			uint64_t sg = (uint64_t)(lo[sel[j]] >> 63);
			d[2 * j] = (uint64_t)lo[sel[j]];
			d[2 * j + 1] = (uint64_t)hi[sel[j]];
			acc |= (uint64_t)lo[sel[j]] ^ sg;
			bad |= (uint64_t)hi[sel[j]] ^ sg;
		}
	}
	out->values = d;
validity:
	out->bits = bad ? 0 : acc == 0 ? 1 :
	    (uint8_t)(64 - __builtin_clzll(acc) + 1);
	if (nk < k && out->validity != NULL) {
		const uint8_t *v = out->validity;
		uint8_t *nb = s->snull[i];
		memset(nb, 0, nk / 8 + 1);
		for (j = 0; j < nk; j++) {
			uint32_t r = sel[j];
			if (v[r >> 3] >> (r & 7) & 1)
				nb[j >> 3] |= (uint8_t)(1u << (j & 7));
		}
		out->validity = nb;
	}
	return RDB_OK;
}

static int slice_col(struct rdb_scan *s, size_t i, size_t k, size_t nk,
    int got, struct rdb_vec *out, struct rdb_err *e)
{
	enum rdb_type t = s->types[i];
	size_t w = rdb_type_width(t), j;
	struct rdb_vec v;
	int rc, gathered = 0;

	if (t == RDB_DECIMAL && s->sci[i] >= 0)
		return slice_dec(s, i, k, nk, got, out, e);
	if (got && w == 0) {
		/* codes read already, for a test: the kept rows' strings */
		v = *out;
		rdb_seg_cur_codes_str(&s->cur[i], nk < k ? s->sidx : NULL, nk,
		    (struct rdb_str *)s->sbuf[i]);
		out->values = s->sbuf[i];
		gathered = nk < k;
		goto compact;
	}
	if (got) {			/* read already, for a test */
		v = *out;
		goto compact;
	}
	if (s->sci[i] < 0) {
		/* the segment lacks the column: NULL in every row */
		memset(out, 0, sizeof *out);
		out->type = t;
		out->precision = s->prec[i];
		out->scale = s->scale[i];
		memset(s->snull[i], 0, nk / 8 + 1);
		out->validity = s->snull[i];
		if (w > 0) {
			memset(s->sbuf[i], 0, nk * (w == 16 ? 16 : 8));
		} else {
			struct rdb_str *d = (struct rdb_str *)s->sbuf[i];
			for (j = 0; j < nk; j++) {
				d[j].p = "";
				d[j].n = 0;
			}
		}
		out->values = s->sbuf[i];
		return RDB_OK;
	}
	if (nk == 0)
		return rdb_seg_cur_skip(&s->cur[i], k, e);
	if (w == 8 && nk * 2 <= k) {
		/* few rows kept: only theirs read, already in order */
		rc = rdb_seg_cur_read_sel(&s->cur[i], k, s->sidx, nk, &v,
		    s->sbuf[i], e);
		if (rc < 0)
			return rc;
		if (rc == RDB_OK) {
			*out = v;
			gathered = 1;
			goto validity;
		}
	}
	if (w == 0) {
		/* strings: only the kept rows' made */
		rc = rdb_seg_cur_read_str(&s->cur[i], k, nk < k ? s->sidx : NULL,
		    nk, &v, (struct rdb_str *)s->sbuf[i], e);
		if (rc != RDB_OK)
			return rc;
		*out = v;
		gathered = nk < k;
		goto compact;
	}
	if ((rc = rdb_seg_cur_read(&s->cur[i], k, &v, s->sbuf[i], e)) != RDB_OK)
		return rc;
	*out = v;
compact:
	if (nk == k)
		return RDB_OK;
	/* compact the kept rows */
validity:
	if (v.validity != NULL) {
		uint8_t *nb = s->snull[i];
		memset(nb, 0, nk / 8 + 1);
		for (j = 0; j < nk; j++) {
			uint32_t r = s->sidx[j];
			if (v.validity[r >> 3] >> (r & 7) & 1)
				nb[j >> 3] |= (uint8_t)(1u << (j & 7));
		}
		out->validity = nb;
	}
	if (gathered)		/* the values are the kept rows' */
		return RDB_OK;
	if (w == 0) {			/* strings */
		struct rdb_str *d = (struct rdb_str *)s->sbuf[i];
		for (j = 0; j < nk; j++)
			d[j] = d[s->sidx[j]];
	} else if (w == 16) {
		uint64_t *d = (uint64_t *)s->sbuf[i];
		for (j = 0; j < nk; j++) {
			d[2 * j] = d[2 * s->sidx[j]];
			d[2 * j + 1] = d[2 * s->sidx[j] + 1];
		}
	} else {
		int64_t *d = (int64_t *)s->sbuf[i];
		for (j = 0; j < nk; j++)
			d[j] = d[s->sidx[j]];
	}
	return RDB_OK;
}

/*
 * Column c of the slice's k rows for a test when earlier tests left
 * only the rows sel[0..nk): theirs read alone, then put at their rows'
 * places, as dec_halves and rdb_seg_cur_read would have them (the other
 * places are never read). 1, nothing read, when the column's encoding
 * must be read in order.
 */
static int test_sel(struct rdb_scan *s, size_t c, size_t k,
    const uint32_t *sel, size_t nk, struct rdb_err *e)
{
	struct rdb_vec *out = &s->out.cols[c];
	int64_t *d = (int64_t *)s->sbuf[c];
	size_t j;
	int rc;

	if (s->types[c] == RDB_DECIMAL) {
		/* halves at lo = d[0..k), hi = d[k..2k), as dec_halves */
		int64_t *tl = (int64_t *)s->sdec[c], *th = tl + k;
		const uint8_t *nb;
		rc = rdb_seg_cur_read_halves_sel(&s->cur[c], k, sel, nk, tl, th,
		    &s->shc[c], &s->shv[c], &nb, e);
		if (rc != RDB_OK)
			return rc;
		memset(out, 0, sizeof *out);
		out->type = RDB_DECIMAL;
		out->precision = s->prec[c];
		out->scale = s->scale[c];
		out->validity = (uint8_t *)nb;
		for (j = 0; j < nk; j++)
			d[sel[j]] = tl[j];
		if (!s->shc[c])
			for (j = 0; j < nk; j++)
				d[k + sel[j]] = th[j];
		return RDB_OK;
	}
	if (rdb_type_width(s->types[c]) != 8)
		return 1;
	/* read into the upper half of the buffer, then spread below */
	if ((rc = rdb_seg_cur_read_sel(&s->cur[c], k, sel, nk, out, d + k,
	    e)) != RDB_OK)
		return rc;
	for (j = 0; j < nk; j++)
		d[sel[j]] = d[k + j];
	out->values = d;
	return RDB_OK;
}

/* pred_sel for DECIMAL column c read as halves (dec_halves): a value
 * is the 128-bit integer of its high and low halves. */
static size_t dec_sel(const struct rdb_scan *s, size_t c,
    const struct rdb_pred *p, const struct rdb_vec *v, uint32_t *sel,
    size_t n, int all, size_t k)
{
	const int64_t *lo = (const int64_t *)s->sbuf[c], *hi = lo + k;
	const uint8_t *nb = v->validity;
	__int128 a = -((__int128)1 << 126), b = (__int128)1 << 126;
	size_t j, m = 0;

	switch (p->op) {
	case RDB_CMP_EQ: a = b = p->i; break;
	case RDB_CMP_LT: b = (__int128)p->i - 1; break;
	case RDB_CMP_LE: b = p->i; break;
	case RDB_CMP_GT: a = (__int128)p->i + 1; break;
	case RDB_CMP_GE: a = p->i; break;
	case RDB_CMP_BETWEEN: a = p->i; b = p->i2; break;
	}
	if (s->shc[c] && s->shv[c] == 0 && a >= 0) {
		/* non-negative values of 64 bits: compare the low halves as
		 * unsigned (a high half of 0 makes them all >= 0) */
		uint64_t ua, span;
		if (b < a || a > (__int128)UINT64_MAX)
			return 0;
		ua = (uint64_t)a;
		span = (b > (__int128)UINT64_MAX ? UINT64_MAX : (uint64_t)b) - ua;
		for (j = 0; j < n; j++) {
			uint32_t r = all ? (uint32_t)j : sel[j];
			sel[m] = r;
			m += ((uint64_t)lo[r] - ua <= span) &
			    (nb == NULL || (nb[r >> 3] >> (r & 7) & 1));
		}
		return m;
	}
	for (j = 0; j < n; j++) {
		uint32_t r = all ? (uint32_t)j : sel[j];
		int64_t h = s->shc[c] ? s->shv[c] : hi[r];
		__int128 y = (__int128)(((unsigned __int128)(uint64_t)h << 64) |
		    (uint64_t)lo[r]);
		sel[m] = r;
		m += (y >= a) & (y <= b) &
		    (nb == NULL || (nb[r >> 3] >> (r & 7) & 1));
	}
	return m;
}

/* Keep of the rows sel[0..n) of v (int64 values) those passing p (NULL
 * never does), in place; their number. With all, the rows are 0..n and
 * sel is only written. (Each loop picks its row as all ? j : sel[j]:
 * the compiler makes a loop of each, and of NULLs or none.) */
static size_t pred_sel(const struct rdb_pred *p, const struct rdb_vec *v,
    uint32_t *sel, size_t n, int all)
{
	const int64_t *x = v->values;
	const uint8_t *nb = v->validity;
	uint64_t lo = 0, span = UINT64_MAX;
	int64_t c = p->i;
	size_t j, m = 0;

	if (p->set != NULL) {
		const uint64_t *set = p->set;
		uint64_t slo = (uint64_t)p->set_lo, sn = p->set_n;
		for (j = 0; j < n; j++) {
			uint32_t r = all ? (uint32_t)j : sel[j];
			uint64_t u = (uint64_t)x[r] - slo;
			int in = u < sn;
			sel[m] = r;
			m += in & (set[in ? u >> 6 : 0] >> (u & 63)) &
			    (nb == NULL || (nb[r >> 3] >> (r & 7) & 1));
		}
		return m;
	}
	/* each test as lo <= x <= hi: one unsigned comparison */
	switch (p->op) {
	case RDB_CMP_BETWEEN:
		if (p->i2 < c)
			return 0;
		lo = (uint64_t)c;
		span = (uint64_t)p->i2 - lo;
		break;
	case RDB_CMP_EQ:
		lo = (uint64_t)c;
		span = 0;
		break;
	case RDB_CMP_LT:
		if (c == INT64_MIN)
			return 0;
		lo = (uint64_t)INT64_MIN;
		span = (uint64_t)c - 1 - lo;
		break;
	case RDB_CMP_LE:
		lo = (uint64_t)INT64_MIN;
		span = (uint64_t)c - lo;
		break;
	case RDB_CMP_GT:
		if (c == INT64_MAX)
			return 0;
		lo = (uint64_t)c + 1;
		span = (uint64_t)INT64_MAX - lo;
		break;
	case RDB_CMP_GE:
		lo = (uint64_t)c;
		span = (uint64_t)INT64_MAX - lo;
		break;
	}
	if (nb == NULL)
		for (j = 0; j < n; j++) {
			uint32_t r = all ? (uint32_t)j : sel[j];
			sel[m] = r;
			m += (uint64_t)x[r] - lo <= span;
		}
	else
		for (j = 0; j < n; j++) {
			uint32_t r = all ? (uint32_t)j : sel[j];
			sel[m] = r;
			m += ((uint64_t)x[r] - lo <= span) & (nb[r >> 3] >> (r & 7));
		}
	return m;
}

/* The same for a text predicate: res says which dictionary entries
 * pass, codes are the rows' entries. */
static size_t text_sel(const uint8_t *res, const int64_t *codes,
    const struct rdb_vec *v, uint32_t *sel, size_t n, int all)
{
	const uint8_t *nb = v->validity;
	size_t j, m = 0;

	if (nb == NULL)
		for (j = 0; j < n; j++) {
			uint32_t r = all ? (uint32_t)j : sel[j];
			sel[m] = r;
			m += res[codes[r]];
		}
	else
		for (j = 0; j < n; j++) {
			uint32_t r = all ? (uint32_t)j : sel[j];
			sel[m] = r;
			m += res[codes[r]] & (nb[r >> 3] >> (r & 7));
		}
	return m;
}

/* Order the tests by the share of rows each kept, fewest first (a
 * join's key set keeping 3% of lineitem before l_shipdate's 54%: TPC-H
 * Q3), weighing recent slices most. */
static void pred_order(struct rdb_scan *s)
{
	size_t n = s->npreds < 32 ? s->npreds : 32, i, j;

	s->pslices = 0;
	for (i = 1; i < n; i++) {
		uint8_t k = s->pord[i];
		/* a before b when pass_a / test_a < pass_b / test_b / 2:
		 * tests of nearly the same share keep their order (the
		 * planner's: TPC-H Q6's DECIMAL tests cost more to decode
		 * in another) */
		for (j = i; j > 0; j--) {
			uint8_t q = s->pord[j - 1];
			double a = 2.0 * (double)s->ppass[k] * (double)(s->ptest[q] + 1);
			double b = (double)s->ppass[q] * (double)(s->ptest[k] + 1);
			if (!(a < b))
				break;
			s->pord[j] = q;
		}
		s->pord[j] = k;
	}
	for (i = 0; i < n; i++) {
		s->ptest[i] /= 2;
		s->ppass[i] /= 2;
	}
}

/* The next slice of the open row group with a kept row: 1 with *b set,
 * 0 when the row group is done, < 0 on error. Predicates on integer-like
 * columns (rdb_pred) are applied to its rows first: the rows failing
 * one are dropped before any other column is decoded for them, and the
 * batch says they hold (preds_hold). */
static int slice_next(struct rdb_scan *s, const struct rdb_batch **b,
    struct rdb_err *e)
{
	while (s->spos < s->sn) {
		size_t k = s->sn - s->spos, nk = 0, i, j;
		uint32_t *sel = s->sidx, applied = 0;
		int rc, all = s->sall, was_all;	/* all: sel is every row */
		if (k > s->slice)
			k = s->slice;
		if (!all) {
			const uint8_t *keep = s->ctx.keep + s->spos;
			for (i = 0; i < k; i++) {
				sel[nk] = (uint32_t)i;
				nk += keep[i] != 0;
			}
		} else {
			nk = k;
		}
		for (i = 0; i < s->nproj; i++)
			s->sgot[i] = 0;
		/* the tests, each on the rows the ones before kept */
		for (j = 0; j < s->npreds && j < 32 && nk > 0; j++) {
			size_t c, n2 = 0;
			const struct rdb_pred *p;
			const struct rdb_vec *v;
			i = s->pord[j];
			c = s->rpcol[i];
			p = &s->preds[i];
			if (c == SIZE_MAX || (s->seq.hold >> i & 1) || s->sci[c] < 0 ||
			    (p->text != NULL && !s->tres_ok[i]))
				continue;
			v = &s->out.cols[c];
			if (!s->sgot[c]) {
				rc = 1;
				if (!all && nk * 2 <= k && p->text == NULL)
					rc = test_sel(s, c, k, sel, nk, e);
				/* a text test reads the codes alone: the
				 * strings of the rows kept are made after */
				if (rc == 1)
					rc = s->types[c] == RDB_DECIMAL ?
					    dec_halves(s, c, k, &s->out.cols[c], e) :
					    p->text != NULL ?
					    rdb_seg_cur_read_codes(&s->cur[c], k,
					    &s->out.cols[c], e) :
					    rdb_seg_cur_read(&s->cur[c], k,
					    &s->out.cols[c], s->sbuf[c], e);
				if (rc != RDB_OK)
					return rc;
				s->sgot[c] = 1;
			}
			was_all = all;
			all = 0;
			if (p->text != NULL)
				n2 = text_sel(s->tres[i], s->cur[c].tc.tmp, v, sel,
				    nk, was_all);
			else if (p->is_decimal)
				n2 = dec_sel(s, c, p, v, sel, nk, was_all, k);
			else
				n2 = pred_sel(p, v, sel, nk, was_all);
			/* even when most rows pass: the filter above would
			 * test them again and its selection copy every column
			 * (TPC-H Q1, 98% passing: 250.8M -> 237.5M
			 * instructions at SF 0.1) */
			s->ptest[i] += nk;
			s->ppass[i] += n2;
			nk = n2;
			applied |= (uint32_t)1 << i;
		}
		if (s->npreds > 1 && ++s->pslices >= 8)
			pred_order(s);
		for (i = 0; i < s->nproj; i++)
			if ((rc = slice_col(s, i, k, all ? k : nk, s->sgot[i],
			    &s->out.cols[i], e)) != RDB_OK)
				return rc;
		s->spos += k;
		if (nk == 0)
			continue;
		/* their row ids */
		{
			size_t base = s->spos - k;
			uint64_t *ids = s->sids;
			if (s->seq.ids_lazy && all)
				for (j = 0; j < nk; j++)
					ids[j] = s->seq.first + base + j;
			else if (s->seq.ids_lazy)
				for (j = 0; j < nk; j++)
					ids[j] = s->seq.first + base + sel[j];
			else
				for (j = 0; j < nk; j++)
					ids[j] = s->ctx.hrow[base + (all ? j : sel[j])];
			s->out.rowids = ids;
		}
		s->out.nrows = nk;
		s->out.preds_hold = s->seq.hold | applied;
		s->out.wide = 1;
		*b = &s->out;
		return 1;
	}
	s->sm = NULL;
	return 0;
}

/* rdb_scan_next over the row groups, a slice at a time. */
static int next_sliced(struct rdb_scan *s, const struct rdb_batch **b)
{
	int rc, pruned;

	for (;;) {
		const struct morsel *m;
		if (s->sm != NULL && (rc = slice_next(s, b, &s->db->err)) != 0)
			return rc;
		if (s->next >= s->nmorsels)
			return 0;
		m = &s->morsels[s->next++];
		rc = rg_keep(s, m, &s->ctx, &s->seq, &s->db->err, &pruned);
		s->skipped += (uint64_t)pruned;
		if (rc < 0)
			return rc;
		if (rc > 0 && (rc = slices_open(s, m, &s->db->err)) != RDB_OK)
			return rc;
	}
}

int rdb_scan_next(struct rdb_scan *s, const struct rdb_batch **b)
{
	struct rdb_tdata *td = s->td;
	int rc, pruned;

	*b = NULL;
	if (td == NULL)
		return 0;
	s->out.wide = 0;
	if (s->slice > 0 && s->next <= s->nmorsels &&
	    (s->sm != NULL || s->next < s->nmorsels)) {
		if (s->cur == NULL && slices_init(s) != RDB_OK)
			return rdb_err_set(&s->db->err, RDB_ENOMEM, "out of memory");
		if ((rc = next_sliced(s, b)) != 0)
			return rc;
		s->out.wide = 0;
	}
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
		rc = decode_rg(s, m, &s->ctx, &s->seq, &s->db->err, &pruned);
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
		if (m->commit > s->snap || s->memoff >= m->nrows ||
		    (s->versions && m->nrows > 0 && !may_hold(s, m->commit,
		    m->commit, m->first_rowid, m->first_rowid + m->nrows - 1))) {
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
	slices_release(s);
	free(s->ids);
	free(s->types);
	free(s->prec);
	free(s->scale);
	free(s->preds);
	free(s->pred_ids);
	free(s->morsels);
	free(s->out.cols);
	free(s->ctime);
	free(s->cflags);
	for (i = 0; i < s->nsels; i++)
		free(s->sels[i]);
	free(s->sels);
	free(s->sel_n);
	free(s);
}

/*
 * window.c - window functions over sorted partitions.
 *
 * The planner sorts the input by the partition keys, then the order
 * keys (op_sort, which spills to disk past the memory limit), and puts
 * this operator on top. It reads rows into a row store until a
 * partition key changes; a partition complete in the store is then
 * returned chunk by chunk, each chunk's rows with one more column per
 * function, and only the open partition is kept between chunks.
 *
 * Past the operator's share of the memory limit (half of it: the sort
 * below holds the other half while it merges), the open partition
 * spills: its rows go to a nameless temporary file (spill.h) in blocks
 * of about share / (4 * cache blocks) bytes, each a sequence of rows in
 * the sort's row format (a u32 length, then each column as spill.h
 * encodes it); the rest of the partition follows as it is read. Once it
 * is complete (its row count known), it is returned like one in memory,
 * but every row is read through a cache of a few decoded blocks (least
 * recently used goes), and a block index (offset, first row, rows) that
 * is all the memory a spilled partition takes per row: about 24 bytes
 * per block of thousands of rows. A value read from the cache stays
 * valid until the second read after it, which the code below respects:
 * it copies or compares a value before reading two more.
 *
 * Every function is computed in one forward pass over its partition,
 * with state of constant size (or bounded by the frame, below), so that
 * the same code serves both kinds of partition and gives the same bits:
 *
 * - Within a partition, rows are peers when their order keys are equal
 *   (all rows are, without ORDER BY). The operator tracks the current
 *   row's peer group [ps, pe) and its number g by reading ahead to the
 *   group's end.
 * - A frame is an inclusive range of rows [fs, fe] of the partition,
 *   from ROWS (row offsets), GROUPS (peer group offsets) or RANGE (key
 *   offsets; CURRENT ROW means the peers), minus EXCLUDE's rows. Both
 *   ends only move forward from row to row, so GROUPS and RANGE offsets
 *   are found by a cursor per end that walks forward (RANGE: NULL keys
 *   sort together at one end and are each other's frame).
 * - Aggregates, by frame shape: a frame from the first row (running)
 *   adds rows as its end moves; a frame to the last row (shrinking) is
 *   the reverse pass of adds, which it rebuilds block by block from the
 *   saved states of every L-th row (at most 4096 of them) so as to give
 *   exactly the states a reverse pass would; count, and sum and avg of
 *   exact numbers, add the rows entering and subtract those leaving the
 *   frame (exact: 128-bit sums); min and max keep a deque of the frame's
 *   rows that no later row beats (given up for recomputation when it
 *   would outgrow an eighth of the share); the rest (sums of DOUBLE,
 *   variances, string_agg, EXCLUDE) are recomputed over each frame that
 *   differs from the previous row's, O(frame) per row.
 * - DISTINCT aggregates keep the frame's distinct values with counts in
 *   a hash set: a frame's distinct values past the share are an error.
 * - lag, lead, first_value, last_value and nth_value read the rows they
 *   name; with IGNORE NULLS each keeps a cursor on the non-NULL rows
 *   near the current row or the frame's start, which moves forward with
 *   them (with EXCLUDE, the frame is scanned).
 *
 * The one state that grows with the partition is string_agg's text: a
 * string_agg state past the share is an error.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sql/exec.h"
#include "sql/spill.h"

#define WHOSE "window's"
/* Decoded blocks of a spilled partition: at least this many, and two
 * more per function (each may read near its frame's two ends). */
#define WIN_CACHE_MIN 6
#define WIN_BLOCK_MIN (16 * 1024)
#define WIN_BLOCK_MAX (4 * 1024 * 1024)
/* Saved states of a shrinking frame's reverse pass, at most. */
#define WIN_SUFFIX_MAX 4096

struct wblk {                   /* a block of the spill file */
	uint64_t off;           /* bytes */
	uint64_t first;         /* its first row in the partition */
	uint32_t len, nrows;
};

struct wcache {                 /* a block decoded */
	size_t blk;             /* index in blk, SIZE_MAX: none */
	int64_t first, nrows;
	uint64_t used;          /* clock of the last read */
	struct rowstore rs;
};

/* The distinct values of a frame, each with its rows in the frame. */
struct wdset {
	struct rowstore rs;     /* the values: column 0 */
	uint64_t *hash;         /* per value */
	uint32_t *cnt;          /* per value; 0: left the frame */
	uint32_t *slot;         /* value index + 1, or 0 */
	size_t mask, cap, live;
};

/* How an aggregate follows its frames. */
enum { AM_NAIVE, AM_RUN, AM_SUFFIX, AM_SLIDE, AM_DEQUE };

/* A row of the partition and its peer group's number. */
struct wcur {
	int64_t pos, grp;
};

/* One function's state within the current partition. */
struct wfs {
	struct wcur cs, ce;     /* GROUPS / RANGE frame start and end */
	int mode;               /* AM_* */
	struct agg_st s;
	int64_t lo, hi;         /* RUN, SLIDE, DEQUE: rows [lo, hi) in s */
	int64_t pfs, pfe;       /* NAIVE: the frame in s; pfs -2: none */
	struct wdset ds;        /* DISTINCT */
	int64_t *dq;            /* DEQUE: a ring of rows */
	size_t dqh, dqn, dqcap;
	struct agg_st *suf;     /* SUFFIX: states of rows [b * sufl, n) */
	size_t nsuf;
	int64_t sufl, bblk;     /* block length; the block of bres */
	struct sql_val *bres;   /* results of block bblk's rows */
	struct sql_arena barena;
	/* IGNORE NULLS cursors: the row computed last (-1: none), the
	 * offset or position wanted, rows and counts */
	int64_t ci, k, j, cnt, a, p, last;
};

struct win_op {
	struct op o;
	size_t nkeep, npart, norder, nfn;
	int *pcols;
	struct sort_key *okeys;
	struct win_spec *fns;
	struct wfs *st;
	struct rowstore rs;     /* rows read and not yet dropped */
	int input_done;
	uint64_t share;         /* bytes the operator may hold; 0: any */
	size_t scan;            /* rs rows [0, scan) checked for ends */
	size_t done;            /* rs rows [0, done) returned */
	/* the partition being returned */
	int active, spilled;
	size_t base;            /* in memory: its first row in rs */
	int64_t n, next;        /* its rows; the next to return */
	int64_t ps, pe, g;      /* the last computed row's peers, group */
	int64_t cps[SQL_CHUNK], cpe[SQL_CHUNK], cg[SQL_CHUNK];
	uint32_t idx[SQL_CHUNK];
	struct sql_arena resa;  /* results' text, per chunk */
	size_t sbytes;
	struct sql_val *vals;   /* a row, per column */
	/* the spill file */
	int spilling;           /* the open partition goes to the file */
	int fd;
	struct wblk *blk;
	size_t nblk, capblk;
	uint64_t fend;          /* bytes written */
	int64_t nspill;         /* rows of the partition written */
	uint8_t *wbuf;          /* the block being written */
	size_t wlen, wcap, blkbytes;
	uint32_t wrows;
	struct rowstore pk;     /* the spilling partition's first row */
	struct wcache *cache;
	size_t ncache, hint;
	uint64_t clock;
	uint8_t *rbuf;
	size_t rcap;
	struct rowstore nullrow;        /* what a failed read gives */
	int ioerr;              /* the error of a failed read */
	size_t nparts;          /* partitions spilled, for EXPLAIN */
	int64_t maxrows;
	size_t dlen;
};

static int oom(struct exec *x)
{
	return sql_error(&x->cx, "out of memory");
}

static int damaged(struct exec *x)
{
	return sql_error(&x->cx, "the " WHOSE " temporary file is damaged");
}

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static int val_eq(const struct sql_val *a, const struct sql_val *b)
{
	if (a->null || b->null)
		return a->null && b->null;
	return sql_val_cmp(a, b) == 0;
}

/* Do row r of a and row s of b agree on columns cols? */
static int rows_eq(const struct rowstore *a, size_t r,
    const struct rowstore *b, size_t s, const int *cols, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		struct sql_val u, v;
		rs_get(a, (size_t)cols[k], r, &u);
		rs_get(b, (size_t)cols[k], s, &v);
		if (!val_eq(&u, &v))
			return 0;
	}
	return 1;
}

/* ---- the spill file ---- */

static int pwrite_all(struct exec *x, int fd, const uint8_t *p, size_t n,
    uint64_t off)
{
	while (n > 0) {
		ssize_t r = pwrite(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return sql_error(&x->cx, "cannot write the " WHOSE " temporary "
			    "file: %s", strerror(r < 0 ? errno : ENOSPC));
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* Write the block being built. */
static int blk_flush(struct exec *x, struct win_op *w)
{
	struct wblk *b;
	int rc;

	if (w->wrows == 0)
		return 0;
	if (w->nblk == w->capblk) {
		size_t cap = w->capblk ? w->capblk * 2 : 64;
		struct wblk *p = realloc(w->blk, cap * sizeof(*p));
		if (p == NULL)
			return oom(x);
		w->blk = p;
		w->capblk = cap;
	}
	if ((rc = pwrite_all(x, w->fd, w->wbuf, w->wlen, w->fend)) != 0)
		return rc;
	b = &w->blk[w->nblk++];
	b->off = w->fend;
	b->first = (uint64_t)(w->nspill - w->wrows);
	b->len = (uint32_t)w->wlen;
	b->nrows = w->wrows;
	w->fend += w->wlen;
	w->wlen = 0;
	w->wrows = 0;
	return 0;
}

static int wbuf_put(struct exec *x, struct win_op *w, const void *p,
    size_t n)
{
	if (n > w->wcap - w->wlen) {
		size_t cap = w->wcap ? w->wcap : 4096;
		uint8_t *b;
		while (cap - w->wlen < n) {
			if (cap > ((size_t)1 << 31))
				return sql_error(&x->cx, "a row is too large for the "
				    WHOSE " temporary file");
			cap *= 2;
		}
		if ((b = realloc(w->wbuf, cap)) == NULL)
			return oom(x);
		w->wbuf = b;
		w->wcap = cap;
	}
	if (n)
		memcpy(w->wbuf + w->wlen, p, n);
	w->wlen += n;
	return 0;
}

/* Append row r of rs to the file. */
static int spill_row(struct exec *x, struct win_op *w,
    const struct rowstore *rs, size_t r)
{
	size_t start = w->wlen, c;
	uint32_t len = 0;
	int rc;

	if ((rc = wbuf_put(x, w, &len, 4)) != 0)
		return rc;
	for (c = 0; c < rs->ncols; c++) {
		struct sql_val v;
		uint8_t head[17];
		size_t hl, tl;
		const void *tail;
		rs_get(rs, c, r, &v);
		spill_val_encode(rs->types[c].id, &v, head, &hl, &tail, &tl);
		if ((rc = wbuf_put(x, w, head, hl)) != 0 ||
		    (rc = wbuf_put(x, w, tail, tl)) != 0)
			return rc;
	}
	if (w->wlen - start - 4 > UINT32_MAX)
		return sql_error(&x->cx, "a row is too large for the " WHOSE
		    " temporary file");
	len = (uint32_t)(w->wlen - start - 4);
	memcpy(w->wbuf + start, &len, 4);
	w->wrows++;
	w->nspill++;
	if (w->wlen >= w->blkbytes)
		return blk_flush(x, w);
	return 0;
}

static void rs_clear(struct rowstore *rs)
{
	rs->n = 0;
	sql_arena_reset(&rs->text);
}

/* Start writing the open partition, all of rs, to the file. */
static int spill_start(struct exec *x, struct win_op *w)
{
	size_t r, c;
	int rc;

	if (w->fd < 0 && (rc = spill_tmpfile(x, WHOSE, &w->fd)) != 0)
		return rc;
	if (w->fend > 0 && ftruncate(w->fd, 0) != 0)
		return sql_error(&x->cx, "cannot write the " WHOSE " temporary "
		    "file: %s", strerror(errno));
	w->fend = 0;
	w->nblk = 0;
	w->nspill = 0;
	w->wlen = 0;
	w->wrows = 0;
	rs_clear(&w->pk);
	for (c = 0; c < w->rs.ncols; c++)
		rs_get(&w->rs, c, 0, &w->vals[c]);
	if (rs_add_row(&w->pk, w->vals) != 0)
		return oom(x);
	for (r = 0; r < w->rs.n; r++)
		if ((rc = spill_row(x, w, &w->rs, r)) != 0)
			return rc;
	rs_release(&w->rs);
	if (rs_init(&w->rs, w->o.kid[0]->ncols, w->o.kid[0]->types) != 0)
		return oom(x);
	w->scan = w->done = 0;
	w->spilling = 1;
	return 0;
}

/* Read block b into cache entry e. */
static int blk_load(struct exec *x, struct win_op *w, size_t b,
    struct wcache *e)
{
	const struct wblk *bk = &w->blk[b];
	size_t at = 0, got = 0, c;
	uint32_t k;

	e->blk = SIZE_MAX;
	if (bk->len > w->rcap) {
		uint8_t *p = realloc(w->rbuf, bk->len);
		if (p == NULL)
			return oom(x);
		w->rbuf = p;
		w->rcap = bk->len;
	}
	while (got < bk->len) {
		ssize_t r = pread(w->fd, w->rbuf + got, bk->len - got,
		    (off_t)(bk->off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sql_error(&x->cx, "cannot read the " WHOSE " temporary "
			    "file: %s", strerror(errno));
		if (r == 0)
			return damaged(x);
		got += (size_t)r;
	}
	rs_clear(&e->rs);
	if (rs_reserve(&e->rs, bk->nrows) != 0)
		return oom(x);
	for (k = 0; k < bk->nrows; k++) {
		uint32_t len;
		size_t end;
		if (bk->len - at < 4)
			return damaged(x);
		memcpy(&len, w->rbuf + at, 4);
		at += 4;
		if (len > bk->len - at)
			return damaged(x);
		end = at + len;
		for (c = 0; c < e->rs.ncols; c++)
			if (spill_val_get(w->rbuf, end, &at, e->rs.types[c],
			    &w->vals[c]) != 0)
				return damaged(x);
		if (at != end)
			return damaged(x);
		if (rs_add_row(&e->rs, w->vals) != 0)
			return oom(x);
	}
	if (at != bk->len)
		return damaged(x);
	e->blk = b;
	e->first = (int64_t)bk->first;
	e->nrows = bk->nrows;
	return 0;
}

/* The cache entry holding partition row j, or NULL after an error
 * (w->ioerr). */
static struct wcache *blk_get(struct exec *x, struct win_op *w, int64_t j)
{
	struct wcache *e = &w->cache[w->hint];
	size_t c, victim = 0, lo, hi;
	int rc;

	if (w->ioerr)
		return NULL;
	if (e->blk != SIZE_MAX && j >= e->first && j < e->first + e->nrows) {
		e->used = ++w->clock;
		return e;
	}
	for (c = 0; c < w->ncache; c++) {
		e = &w->cache[c];
		if (e->blk != SIZE_MAX && j >= e->first &&
		    j < e->first + e->nrows) {
			w->hint = c;
			e->used = ++w->clock;
			return e;
		}
		if (e->used < w->cache[victim].used)
			victim = c;
	}
	lo = 0;
	hi = w->nblk;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if ((int64_t)w->blk[mid].first <= j)
			lo = mid;
		else
			hi = mid;
	}
	e = &w->cache[victim];
	e->used = ++w->clock;
	if ((rc = blk_load(x, w, lo, e)) != 0) {
		w->ioerr = rc;
		return NULL;
	}
	w->hint = victim;
	return e;
}

/* The store and row holding partition row j (a row of NULLs after an
 * error). */
static void at(struct exec *x, struct win_op *w, int64_t j,
    const struct rowstore **rs, size_t *r)
{
	struct wcache *e;

	if (!w->spilled) {
		*rs = &w->rs;
		*r = w->base + (size_t)j;
		return;
	}
	if ((e = blk_get(x, w, j)) == NULL) {
		*rs = &w->nullrow;
		*r = 0;
		return;
	}
	*rs = &e->rs;
	*r = (size_t)(j - e->first);
}

/* Value of column col at partition row j. */
static void get(struct exec *x, struct win_op *w, int col, int64_t j,
    struct sql_val *v)
{
	const struct rowstore *rs;
	size_t r;

	at(x, w, j, &rs, &r);
	rs_get(rs, (size_t)col, r, v);
}

static int nonnull(struct exec *x, struct win_op *w, int col, int64_t j)
{
	struct sql_val v;

	get(x, w, col, j, &v);
	return !v.null;
}

static int order_eq(struct exec *x, struct win_op *w, int64_t r, int64_t s)
{
	size_t k;

	for (k = 0; k < w->norder; k++) {
		struct sql_val a, b;
		get(x, w, w->okeys[k].col, r, &a);
		get(x, w, w->okeys[k].col, s, &b);
		if (!val_eq(&a, &b))
			return 0;
	}
	return 1;
}

/* ---- frames ---- */

/* The order key as a number, for RANGE offsets. */
static double key_num(const struct sql_val *v)
{
	switch (v->t.id) {
	case T_DOUBLE:
		return v->u.d;
	case T_DECIMAL:
		return sql_dec_to_double(v->u.x, v->t.scale);
	default:
		return (double)v->u.i;
	}
}

/* The frame clause of f, the default spelled out. */
static void frame_kind(const struct win_op *w, const struct win_spec *f,
    int *unit, int *start, int *end)
{
	*unit = f->unit;
	*start = f->start;
	*end = f->end;
	if (*unit == 0) {
		*unit = WF_RANGE;
		*start = WB_UNBOUNDED_PRECEDING;
		*end = w->norder > 0 ? WB_CURRENT : WB_UNBOUNDED_FOLLOWING;
	}
}

static void cur_step(struct exec *x, struct win_op *w, struct wcur *c)
{
	if (c->pos + 1 < w->n && !order_eq(x, w, c->pos, c->pos + 1))
		c->grp++;
	c->pos++;
}

/* Move c to the first row past the rows whose RANGE key comes before v
 * (upper: before or equal); row i's key is not NULL. */
static void range_walk(struct exec *x, struct win_op *w, struct wcur *c,
    int64_t i, double v, int upper)
{
	int desc = w->okeys[0].desc, col = w->okeys[0].col;

	while (c->pos < w->n) {
		struct sql_val kv;
		double d;
		get(x, w, col, c->pos, &kv);
		if (kv.null) {
			/* NULLs sort at one end: skip those before row i */
			if (c->pos >= i)
				break;
		} else {
			d = key_num(&kv);
			if (upper ? (desc ? !(d >= v) : !(d <= v)) :
			    (desc ? !(d > v) : !(d < v)))
				break;
		}
		c->pos++;
	}
}

/*
 * The frame of row i, whose peers are [ps, pe) of group g, as [*fs, *fe]
 * (empty when *fs > *fe). Rows come in increasing order.
 */
static void frame_at(struct exec *x, struct win_op *w, struct wfs *st,
    const struct win_spec *f, int64_t i, int64_t ps, int64_t pe, int64_t g,
    int64_t *fs, int64_t *fe)
{
	int unit, start, end, knull = 0;
	int64_t n = w->n;
	double key = 0;

	frame_kind(w, f, &unit, &start, &end);
	if (unit == WF_RANGE && ((start != WB_UNBOUNDED_PRECEDING &&
	    start != WB_CURRENT) || (end != WB_UNBOUNDED_FOLLOWING &&
	    end != WB_CURRENT))) {
		struct sql_val kv;
		get(x, w, w->okeys[0].col, i, &kv);
		knull = kv.null;
		key = knull ? 0 : key_num(&kv);
	}
	switch (start) {
	case WB_UNBOUNDED_PRECEDING:
		*fs = 0;
		break;
	case WB_UNBOUNDED_FOLLOWING:
		*fs = n;
		break;
	case WB_CURRENT:
		*fs = unit == WF_ROWS ? i : ps;
		break;
	default: {
		int64_t k = start == WB_PRECEDING ? -f->soff : f->soff;
		if (unit == WF_ROWS) {
			*fs = sat_add(i, k);
		} else if (unit == WF_GROUPS) {
			int64_t t = sat_add(g, k);
			if (t <= 0) {
				*fs = 0;
			} else {
				while (st->cs.pos < n && st->cs.grp < t)
					cur_step(x, w, &st->cs);
				*fs = st->cs.pos;
			}
		} else if (knull) {
			*fs = ps;
		} else {
			double d = start == WB_PRECEDING ? -f->sdoff : f->sdoff;
			range_walk(x, w, &st->cs, i, key + (w->okeys[0].desc ? -d :
			    d), 0);
			*fs = st->cs.pos;
		}
		break;
	}
	}
	switch (end) {
	case WB_UNBOUNDED_FOLLOWING:
		*fe = n - 1;
		break;
	case WB_UNBOUNDED_PRECEDING:
		*fe = -1;
		break;
	case WB_CURRENT:
		*fe = unit == WF_ROWS ? i : pe - 1;
		break;
	default: {
		int64_t k = end == WB_PRECEDING ? -f->eoff : f->eoff;
		if (unit == WF_ROWS) {
			*fe = sat_add(i, k);
		} else if (unit == WF_GROUPS) {
			int64_t t = sat_add(g, k);
			if (t < 0) {
				*fe = -1;
			} else {
				while (st->ce.pos < n && st->ce.grp <= t)
					cur_step(x, w, &st->ce);
				*fe = st->ce.pos - 1;
			}
		} else if (knull) {
			*fe = pe - 1;
		} else {
			double d = end == WB_PRECEDING ? -f->edoff : f->edoff;
			range_walk(x, w, &st->ce, i, key + (w->okeys[0].desc ? -d :
			    d), 1);
			*fe = st->ce.pos - 1;
		}
		break;
	}
	}
	if (*fs < 0)
		*fs = 0;
	if (*fe > n - 1)
		*fe = n - 1;
}

/* EXCLUDE's rows for row i as up to two ranges [a[k], b[k]); their
 * number. */
static int excl_ranges(int ex, int64_t i, int64_t ps, int64_t pe,
    int64_t a[2], int64_t b[2])
{
	switch (ex) {
	case WX_CURRENT_ROW:
		a[0] = i;
		b[0] = i + 1;
		return 1;
	case WX_GROUP:
		a[0] = ps;
		b[0] = pe;
		return 1;
	case WX_TIES:
		a[0] = ps;
		b[0] = i;
		a[1] = i + 1;
		b[1] = pe;
		return 2;
	default:
		return 0;
	}
}

static int excluded(int ex, int64_t i, int64_t ps, int64_t pe, int64_t j)
{
	switch (ex) {
	case WX_CURRENT_ROW:
		return j == i;
	case WX_GROUP:
		return j >= ps && j < pe;
	case WX_TIES:
		return j != i && j >= ps && j < pe;
	default:
		return 0;
	}
}

/* The want-th row (from 1) of [fs, fe] that EXCLUDE keeps, or -1. */
static int64_t nth_kept(int ex, int64_t i, int64_t ps, int64_t pe,
    int64_t fs, int64_t fe, int64_t want)
{
	int64_t a[2], b[2], pos = fs;
	int nx = excl_ranges(ex, i, ps, pe, a, b), k;

	for (k = 0; k <= nx && pos <= fe; k++) {
		int64_t se = k < nx && a[k] < fe + 1 ? a[k] : fe + 1;
		if (se > pos) {
			if (want <= se - pos)
				return pos + want - 1;
			want -= se - pos;
		}
		if (k < nx && b[k] > pos)
			pos = b[k];
	}
	return -1;
}

/* The last row of [fs, fe] that EXCLUDE keeps, or -1. */
static int64_t last_kept(int ex, int64_t i, int64_t ps, int64_t pe,
    int64_t fs, int64_t fe)
{
	int64_t a[2], b[2], pos = fe;
	int nx = excl_ranges(ex, i, ps, pe, a, b), k;

	for (k = nx - 1; k >= -1 && pos >= fs; k--) {
		int64_t ss = k >= 0 && b[k] > fs ? b[k] : fs;
		if (pos >= ss)
			return pos;
		if (k >= 0 && a[k] - 1 < pos)
			pos = a[k] - 1;
	}
	return -1;
}

/* ---- aggregates ---- */

static void st_free(const struct agg_spec *sp, struct agg_st *s)
{
	if (AGG_TEXT_STATE(sp))
		free(s->buf);
	memset(s, 0, sizeof(*s));
}

static int st_copy(struct exec *x, const struct agg_spec *sp,
    struct agg_st *d, const struct agg_st *s)
{
	*d = *s;
	if (AGG_TEXT_STATE(sp) && s->buf != NULL) {
		d->buf = malloc(s->cap ? s->cap : 1);
		if (d->buf == NULL) {
			memset(d, 0, sizeof(*d));
			return oom(x);
		}
		if (s->len)
			memcpy(d->buf, s->buf, s->len);
	}
	return 0;
}

/* Does row j go into aggregate f (FILTER passed, argument not NULL)? */
static int counts(struct exec *x, struct win_op *w, const struct win_spec *f,
    int64_t j)
{
	struct sql_val v;

	if (f->filter >= 0) {
		get(x, w, f->filter, j, &v);
		if (v.null || !v.u.i)
			return 0;
	}
	if (f->agg.fn == AGG_COUNT_STAR)
		return 1;
	get(x, w, f->arg[0], j, &v);
	return !v.null;
}

/* Add row j (counted) to s. */
static int st_add(struct exec *x, struct win_op *w, const struct win_spec *f,
    struct agg_st *s, int64_t j)
{
	const struct rowstore *rs;
	struct sql_vec v, sep;
	size_t r;
	int rc;

	if (f->agg.fn == AGG_COUNT_STAR) {
		s->n++;
		return 0;
	}
	at(x, w, j, &rs, &r);
	memset(&sep, 0, sizeof(sep));
	rs_view(rs, (size_t)f->arg[0], &v);
	if (f->arg[1] >= 0)
		rs_view(rs, (size_t)f->arg[1], &sep);
	if ((rc = agg_state_add(x, &f->agg, s, &v, &sep, r, &w->sbytes)) != 0)
		return rc;
	if (f->agg.fn == AGG_STRING_AGG && w->share && s->cap > w->share)
		return sql_error(&x->cx, "string_agg over a window frame exceeds "
		    "the memory limit (%llu MB); raise --memory-limit",
		    (unsigned long long)(x->memory_shown >> 20));
	return 0;
}

/* Take row j (counted) out of s: count, sum and avg of exact numbers. */
static void st_sub(struct exec *x, struct win_op *w, const struct win_spec *f,
    struct agg_st *s, int64_t j)
{
	struct sql_val v;

	s->n--;
	if (f->agg.fn != AGG_SUM && f->agg.fn != AGG_AVG)
		return;
	get(x, w, f->arg[0], j, &v);
	if (v.t.id == T_DECIMAL)
		s->v.x -= v.u.x;
	else
		s->v.x -= (__int128)v.u.i;
}

/* Can f's state take rows out? */
static int invertible(const struct win_op *w, const struct win_spec *f)
{
	int id;

	if (f->agg.fn == AGG_COUNT_STAR || f->agg.fn == AGG_COUNT)
		return 1;
	if (f->agg.fn != AGG_SUM && f->agg.fn != AGG_AVG)
		return 0;
	id = w->o.kid[0]->types[f->arg[0]].id;
	return id != T_DOUBLE && id != T_NULL && !sql_is_strlike(id) &&
	    id != T_INTERVAL;
}

/* -- the distinct values of a frame -- */

static int ds_grow(struct exec *x, struct wdset *d)
{
	size_t cap = d->mask ? (d->mask + 1) * 2 : 64, k;
	uint32_t *slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return oom(x);
	for (k = 0; k < d->rs.n; k++) {
		size_t q = d->hash[k] & (cap - 1);
		while (slot[q] != 0)
			q = (q + 1) & (cap - 1);
		slot[q] = (uint32_t)(k + 1);
	}
	free(d->slot);
	d->slot = slot;
	d->mask = cap - 1;
	return 0;
}

static void ds_clear(struct wdset *d)
{
	rs_clear(&d->rs);
	d->live = 0;
	if (d->slot != NULL)
		memset(d->slot, 0, (d->mask + 1) * sizeof(*d->slot));
}

static void ds_free(struct wdset *d)
{
	rs_release(&d->rs);
	free(d->hash);
	free(d->cnt);
	free(d->slot);
	memset(d, 0, sizeof(*d));
}

/* Drop the values no longer in the frame. */
static int ds_compact(struct exec *x, struct wdset *d)
{
	struct rowstore keep;
	struct sql_arena tmp;
	struct sql_chunk c;
	uint32_t *idx;
	size_t k, m = 0;
	int rc = 0;

	idx = malloc(sizeof(*idx) * (d->live + 1));
	if (idx == NULL)
		return oom(x);
	for (k = 0; k < d->rs.n; k++)
		if (d->cnt[k] > 0) {
			d->hash[m] = d->hash[k];
			d->cnt[m] = d->cnt[k];
			idx[m++] = (uint32_t)k;
		}
	if (rs_init(&keep, 1, d->rs.types) != 0) {
		free(idx);
		return oom(x);
	}
	sql_arena_init(&tmp);
	memset(&c, 0, sizeof(c));
	c.n = m;
	c.ncols = 1;
	c.cols = sql_arena_alloc(&tmp, sizeof(*c.cols));
	if (c.cols == NULL || rs_gather(&d->rs, 0, idx, m, &c.cols[0],
	    &tmp) != 0 || rs_append(&keep, &c, NULL, 0) != 0)
		rc = oom(x);
	sql_arena_release(&tmp);
	free(idx);
	if (rc != 0) {
		rs_release(&keep);
		return rc;
	}
	rs_release(&d->rs);
	d->rs = keep;
	memset(d->slot, 0, (d->mask + 1) * sizeof(*d->slot));
	for (k = 0; k < d->rs.n; k++) {
		size_t q = d->hash[k] & d->mask;
		while (d->slot[q] != 0)
			q = (q + 1) & d->mask;
		d->slot[q] = (uint32_t)(k + 1);
	}
	return 0;
}

/* Count row j's value into f's set (delta +1) or out of it (-1); *edge
 * is set when the value enters or leaves the set. */
static int ds_count(struct exec *x, struct win_op *w, const struct win_spec *f,
    struct wdset *d, int64_t j, int delta, int *edge)
{
	const struct rowstore *rs;
	struct sql_vec v, dv;
	size_t r, p;
	uint64_t h;
	int rc;

	*edge = 0;
	if (d->rs.ncols == 0 && rs_init(&d->rs, 1,
	    &w->o.kid[0]->types[f->arg[0]]) != 0)
		return oom(x);
	at(x, w, j, &rs, &r);
	rs_view(rs, (size_t)f->arg[0], &v);
	h = sql_hash_val(&v, r, 0x5bd1e995);
	if (d->mask == 0 && (rc = ds_grow(x, d)) != 0)
		return rc;
	rs_view(&d->rs, 0, &dv);
	for (p = h & d->mask; d->slot[p] != 0; p = (p + 1) & d->mask) {
		uint32_t s = d->slot[p] - 1;
		if (d->hash[s] == h && sql_vec_eq(&v, r, &dv, s)) {
			if (delta > 0) {
				*edge = d->cnt[s]++ == 0;
				d->live += *edge;
			} else {
				*edge = --d->cnt[s] == 0;
				d->live -= *edge;
				if (*edge && d->rs.n - d->live > d->live + 4096)
					return ds_compact(x, d);
			}
			return 0;
		}
	}
	if (delta < 0)
		return sql_error(&x->cx, "internal: window distinct set");
	if (d->rs.n + 1 > d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		uint64_t *hh = realloc(d->hash, cap * sizeof(*hh));
		uint32_t *cc;
		if (hh == NULL)
			return oom(x);
		d->hash = hh;
		if ((cc = realloc(d->cnt, cap * sizeof(*cc))) == NULL)
			return oom(x);
		d->cnt = cc;
		d->cap = cap;
	}
	{
		struct sql_chunk c;
		struct sql_vec one = v;
		size_t wd = v.t.id == T_DECIMAL ? 16 : sql_is_strlike(v.t.id) ?
		    sizeof(struct sql_str) : v.t.id == T_INTERVAL ?
		    sizeof(struct sql_interval) : 8;
		one.v.p = (uint8_t *)v.v.p + r * wd;
		one.null = NULL;
		c.n = 1;
		c.ncols = 1;
		c.cols = &one;
		if (rs_append(&d->rs, &c, NULL, 0) != 0)
			return oom(x);
	}
	d->hash[d->rs.n - 1] = h;
	d->cnt[d->rs.n - 1] = 1;
	d->live++;
	*edge = 1;
	if (w->share && d->rs.bytes + d->rs.text.used + d->cap * 12 +
	    (d->mask + 1) * 4 > w->share)
		return sql_error(&x->cx, "a DISTINCT window aggregate's frame "
		    "exceeds the memory limit (%llu MB); raise --memory-limit",
		    (unsigned long long)(x->memory_shown >> 20));
	if ((d->rs.n + 1) * 2 > d->mask + 1)
		return ds_grow(x, d);
	{
		size_t q = h & d->mask;
		while (d->slot[q] != 0)
			q = (q + 1) & d->mask;
		d->slot[q] = (uint32_t)d->rs.n;
	}
	return 0;
}

/* Row j enters f's frame state s. */
static int frame_add(struct exec *x, struct win_op *w,
    const struct win_spec *f, struct wfs *st, struct agg_st *s, int64_t j)
{
	int rc, edge;

	if (!counts(x, w, f, j))
		return 0;
	if (f->agg.distinct) {
		if ((rc = ds_count(x, w, f, &st->ds, j, 1, &edge)) != 0)
			return rc;
		if (!edge)
			return 0;
	}
	return st_add(x, w, f, s, j);
}

/* Row j leaves f's frame state (SLIDE). */
static int frame_sub(struct exec *x, struct win_op *w,
    const struct win_spec *f, struct wfs *st, int64_t j)
{
	int rc, edge;

	if (!counts(x, w, f, j))
		return 0;
	if (f->agg.distinct) {
		if ((rc = ds_count(x, w, f, &st->ds, j, -1, &edge)) != 0)
			return rc;
		if (!edge)
			return 0;
	}
	st_sub(x, w, f, &st->s, j);
	return 0;
}

static int empty_result(struct exec *x, struct win_op *w,
    const struct win_spec *f, struct sql_val *r)
{
	struct agg_st e;

	memset(&e, 0, sizeof(e));
	return agg_state_result(x, &f->agg, &e, &w->resa, r);
}

/* -- min and max: a deque of the frame's rows no later row beats -- */

static int64_t dq_at(const struct wfs *st, size_t k)
{
	return st->dq[(st->dqh + k) % st->dqcap];
}

/* Does row a's value beat (or tie) row b's for f? */
static int dq_beats(struct exec *x, struct win_op *w, const struct win_spec *f,
    int64_t a, int64_t b)
{
	struct sql_val u, v;
	int c;

	get(x, w, f->arg[0], a, &u);
	get(x, w, f->arg[0], b, &v);
	c = sql_val_cmp(&u, &v);
	return f->agg.fn == AGG_MIN ? c < 0 : c > 0;
}

/* Add row j to the deque; 1 when it outgrew its room. */
static int dq_push(struct exec *x, struct win_op *w, const struct win_spec *f,
    struct wfs *st, int64_t j)
{
	if (!counts(x, w, f, j))
		return 0;
	while (st->dqn > 0 && dq_beats(x, w, f, j, dq_at(st, st->dqn - 1)))
		st->dqn--;
	if (st->dqn == st->dqcap) {
		size_t cap = st->dqcap ? st->dqcap * 2 : 64, k;
		int64_t *q;
		if (w->share && cap * sizeof(*q) > w->share / 8)
			return 1;
		if ((q = malloc(cap * sizeof(*q))) == NULL)
			return oom(x);
		for (k = 0; k < st->dqn; k++)
			q[k] = dq_at(st, k);
		free(st->dq);
		st->dq = q;
		st->dqh = 0;
		st->dqcap = cap;
	}
	st->dq[(st->dqh + st->dqn++) % st->dqcap] = j;
	return 0;
}

/* -- a shrinking frame [fs, n - 1]: the reverse pass, by blocks -- */

static int suffix_at(struct exec *x, struct win_op *w,
    const struct win_spec *f, struct wfs *st, int64_t p, struct sql_val *r)
{
	int64_t n = w->n, b, t, len, j;
	struct agg_st s;
	int rc = 0;

	if (p >= n)
		return empty_result(x, w, f, r);
	if (st->suf == NULL) {
		st->sufl = SQL_CHUNK;
		while ((n + st->sufl - 1) / st->sufl > WIN_SUFFIX_MAX)
			st->sufl *= 2;
		st->nsuf = (size_t)((n + st->sufl - 1) / st->sufl) + 1;
		st->suf = calloc(st->nsuf, sizeof(*st->suf));
		st->bres = calloc((size_t)(n < st->sufl ? n : st->sufl),
		    sizeof(*st->bres));
		if (st->suf == NULL || st->bres == NULL)
			return oom(x);
		memset(&s, 0, sizeof(s));
		for (j = n - 1; j >= 0 && rc == 0; j--) {
			if (counts(x, w, f, j))
				rc = st_add(x, w, f, &s, j);
			if (rc == 0 && j % st->sufl == 0)
				rc = st_copy(x, &f->agg, &st->suf[j / st->sufl], &s);
			if (rc == 0 && (j & 0xffff) == 0 && x->cx.interrupt != NULL &&
			    *x->cx.interrupt)
				rc = sql_error(&x->cx, "interrupted");
		}
		st_free(&f->agg, &s);
		if (rc != 0)
			return rc;
		st->bblk = -1;
	}
	b = p / st->sufl;
	if (b != st->bblk) {
		sql_arena_reset(&st->barena);
		if ((rc = st_copy(x, &f->agg, &s, &st->suf[b + 1])) != 0)
			return rc;
		len = n - b * st->sufl < st->sufl ? n - b * st->sufl : st->sufl;
		for (t = len - 1; t >= 0 && rc == 0; t--) {
			j = b * st->sufl + t;
			if (counts(x, w, f, j))
				rc = st_add(x, w, f, &s, j);
			if (rc == 0)
				rc = agg_state_result(x, &f->agg, &s, &st->barena,
				    &st->bres[t]);
		}
		st_free(&f->agg, &s);
		if (rc != 0)
			return rc;
		st->bblk = b;
	}
	*r = st->bres[p - b * st->sufl];
	return 0;
}

/* Aggregate f's value at row i. */
static int agg_row(struct exec *x, struct win_op *w, const struct win_spec *f,
    struct wfs *st, int64_t i, int64_t ps, int64_t pe, int64_t g,
    struct sql_val *r)
{
	int64_t fs, fe, j;
	int rc;

	frame_at(x, w, st, f, i, ps, pe, g, &fs, &fe);
	switch (st->mode) {
	case AM_RUN:
		if (fe < 0)
			return empty_result(x, w, f, r);
		if (!w->spilled && f->filter < 0 && !f->agg.distinct &&
		    f->agg.fn != AGG_STRING_AGG && st->hi <= fe) {
			/* the rows in memory, the column viewed once: what
			 * frame_add does a row at a time (a whole partition's
			 * sum: TPC-H Q11's 32,205 groups) */
			struct sql_vec v, sep;
			if (f->agg.fn == AGG_COUNT_STAR) {
				st->s.n += fe - st->hi + 1;
				st->hi = fe + 1;
			} else {
				memset(&sep, 0, sizeof(sep));
				rs_view(&w->rs, (size_t)f->arg[0], &v);
			}
			for (; st->hi <= fe; st->hi++) {
				size_t row = w->base + (size_t)st->hi;
				if (v.null != NULL && v.null[row])
					continue;
				if ((rc = agg_state_add(x, &f->agg, &st->s, &v,
				    &sep, row, &w->sbytes)) != 0)
					return rc;
			}
		}
		for (; st->hi <= fe; st->hi++)
			if ((rc = frame_add(x, w, f, st, &st->s, st->hi)) != 0)
				return rc;
		return agg_state_result(x, &f->agg, &st->s, &w->resa, r);
	case AM_SUFFIX:
		return suffix_at(x, w, f, st, fs, r);
	case AM_SLIDE:
		if (fs > fe)
			return empty_result(x, w, f, r);
		if (fs >= st->hi) {
			st_free(&f->agg, &st->s);
			ds_clear(&st->ds);
			st->lo = st->hi = fs;
		}
		for (; st->lo < fs; st->lo++)
			if ((rc = frame_sub(x, w, f, st, st->lo)) != 0)
				return rc;
		for (; st->hi <= fe; st->hi++)
			if ((rc = frame_add(x, w, f, st, &st->s, st->hi)) != 0)
				return rc;
		return agg_state_result(x, &f->agg, &st->s, &w->resa, r);
	case AM_DEQUE:
		if (fs > fe)
			return empty_result(x, w, f, r);
		if (fs >= st->hi) {
			st->dqn = 0;
			st->lo = st->hi = fs;
		}
		for (; st->hi <= fe; st->hi++)
			if ((rc = dq_push(x, w, f, st, st->hi)) != 0) {
				if (rc < 0)
					return rc;
				/* too many rows: recompute each frame */
				st->mode = AM_NAIVE;
				st->pfs = -2;
				free(st->dq);
				st->dq = NULL;
				st->dqn = st->dqcap = 0;
				goto naive;
			}
		st->lo = fs;
		while (st->dqn > 0 && dq_at(st, 0) < fs) {
			st->dqh = (st->dqh + 1) % st->dqcap;
			st->dqn--;
		}
		st_free(&f->agg, &st->s);
		if (st->dqn > 0 && (rc = st_add(x, w, f, &st->s,
		    dq_at(st, 0))) != 0)
			return rc;
		return agg_state_result(x, &f->agg, &st->s, &w->resa, r);
	}
naive:
	if (!(fs == st->pfs && fe == st->pfe && f->exclude == WX_NO_OTHERS)) {
		st_free(&f->agg, &st->s);
		ds_clear(&st->ds);
		for (j = fs; j <= fe; j++) {
			if (excluded(f->exclude, i, ps, pe, j))
				continue;
			if ((rc = frame_add(x, w, f, st, &st->s, j)) != 0)
				return rc;
		}
		st->pfs = fs;
		st->pfe = fe;
		if (x->cx.interrupt != NULL && *x->cx.interrupt)
			return sql_error(&x->cx, "interrupted");
	}
	return agg_state_result(x, &f->agg, &st->s, &w->resa, r);
}

/* ---- value functions ---- */

static void null_of(struct sql_type t, struct sql_val *v)
{
	memset(v, 0, sizeof(*v));
	v->t = t;
	v->null = 1;
}

/* Argument column arg at row j, a NULL when arg is -1. */
static void arg_at(struct exec *x, struct win_op *w, int arg, int64_t j,
    struct sql_type t, struct sql_val *v)
{
	if (arg < 0)
		null_of(t, v);
	else
		get(x, w, arg, j, v);
}

/* The k-th row from i (k < 0: before) with x not NULL, by a scan; -1
 * when there is none. */
static int64_t scan_nn(struct exec *x, struct win_op *w, int col, int64_t i,
    int64_t k)
{
	int64_t j = i, step = k < 0 ? -1 : 1, left;

	if (k == INT64_MIN || k > w->n || k < -w->n)
		return -1;
	left = k < 0 ? -k : k;
	while (left > 0) {
		j += step;
		if (j < 0 || j >= w->n)
			return -1;
		if (nonnull(x, w, col, j))
			left--;
	}
	return j;
}

/* lag(x, k) IGNORE NULLS at row i, k > 0: a cursor j on the k-th
 * non-NULL row before i, cnt the non-NULL rows in [j, i). */
static int64_t lag_nn(struct exec *x, struct win_op *w, int col,
    struct wfs *st, int64_t i, int64_t k)
{
	if (st->ci < 0 || st->ci + 1 != i || st->k != k) {
		int64_t j = i, cnt = 0;
		while (j > 0 && cnt < k)
			if (nonnull(x, w, col, --j))
				cnt++;
		st->j = j;
		st->cnt = cnt;
		st->k = k;
	} else {
		if (nonnull(x, w, col, i - 1))
			st->cnt++;
		if (st->cnt > k) {
			st->cnt--;
			st->j++;
		}
		if (st->cnt == k)
			while (!nonnull(x, w, col, st->j))
				st->j++;
	}
	st->ci = i;
	return st->cnt == k ? st->j : -1;
}

/* lead(x, k) IGNORE NULLS at row i, k > 0: j the k-th non-NULL row after
 * i, or the last row; cnt the non-NULL rows in (i, j]. */
static int64_t lead_nn(struct exec *x, struct win_op *w, int col,
    struct wfs *st, int64_t i, int64_t k)
{
	if (st->ci < 0 || st->ci + 1 != i || st->k != k) {
		st->j = i;
		st->cnt = 0;
		st->k = k;
	} else if (st->j >= i) {
		if (nonnull(x, w, col, i))
			st->cnt--;
	} else {
		st->j = i;
		st->cnt = 0;
	}
	while (st->cnt < k && st->j + 1 < w->n)
		if (nonnull(x, w, col, ++st->j))
			st->cnt++;
	st->ci = i;
	return st->cnt == k ? st->j : -1;
}

/* The want-th non-NULL row of frame [fs, fe] (not empty; fs and fe only
 * grow): a cursor p, cnt the non-NULL rows in [a, p). */
static int64_t nth_nn(struct exec *x, struct win_op *w, int col,
    struct wfs *st, int64_t fs, int64_t fe, int64_t want)
{
	if (st->ci < 0 || st->k != want) {
		st->a = st->p = fs;
		st->cnt = 0;
		st->k = want;
		st->ci = 0;
	}
	for (; st->a < fs; st->a++)
		if (st->a < st->p && nonnull(x, w, col, st->a))
			st->cnt--;
	if (st->p < st->a) {
		st->p = st->a;
		st->cnt = 0;
	}
	while (st->cnt < want && st->p <= fe)
		if (nonnull(x, w, col, st->p++))
			st->cnt++;
	return st->cnt == want ? st->p - 1 : -1;
}

/* The last non-NULL row of frame [fs, fe]: rows [0, p) seen, the last
 * non-NULL of them. */
static int64_t last_nn(struct exec *x, struct win_op *w, int col,
    struct wfs *st, int64_t fs, int64_t fe)
{
	if (st->ci < 0) {
		st->p = 0;
		st->last = -1;
		st->ci = 0;
	}
	for (; st->p <= fe; st->p++)
		if (nonnull(x, w, col, st->p))
			st->last = st->p;
	return st->last >= fs ? st->last : -1;
}

/* Function f's value at row i of the partition. */
static int fn_row(struct exec *x, struct win_op *w, const struct win_spec *f,
    struct wfs *st, int64_t i, int64_t ps, int64_t pe, int64_t g,
    struct sql_val *r)
{
	int64_t n = w->n, k, j, fs, fe;
	struct sql_val a;

	if (f->fn == WFN_AGG)
		return agg_row(x, w, f, st, i, ps, pe, g, r);
	memset(r, 0, sizeof(*r));
	r->t = f->t;
	switch (f->fn) {
	case WFN_ROW_NUMBER:
		r->u.i = i + 1;
		break;
	case WFN_RANK:
		r->u.i = ps + 1;
		break;
	case WFN_DENSE_RANK:
		r->u.i = g + 1;
		break;
	case WFN_PERCENT_RANK:
		r->u.d = n > 1 ? (double)ps / (double)(n - 1) : 0;
		break;
	case WFN_CUME_DIST:
		r->u.d = (double)pe / (double)n;
		break;
	case WFN_NTILE: {
		int64_t q, rem;
		arg_at(x, w, f->arg[0], i, f->t, &a);
		if (a.null) {
			r->null = 1;
			break;
		}
		if (a.u.i <= 0)
			return sql_error(&x->cx, "argument of ntile must be "
			    "greater than zero");
		q = n / a.u.i;
		rem = n % a.u.i;
		if (q == 0)
			r->u.i = i + 1;
		else if (i < rem * (q + 1))
			r->u.i = i / (q + 1) + 1;
		else
			r->u.i = rem + (i - rem * (q + 1)) / q + 1;
		break;
	}
	case WFN_LAG: case WFN_LEAD:
		k = 1;
		if (f->arg[1] >= 0) {
			arg_at(x, w, f->arg[1], i, f->t, &a);
			if (a.null) {
				null_of(f->t, r);
				break;
			}
			k = a.u.i;
		}
		if (f->fn == WFN_LAG)
			k = k == INT64_MIN ? INT64_MAX : -k;
		if (!f->ignore_nulls)
			j = sat_add(i, k);
		else if (k == 0)
			j = i;
		else if (k < 0 && f->fn == WFN_LAG)
			j = lag_nn(x, w, f->arg[0], st, i, -k);
		else if (k > 0 && f->fn == WFN_LEAD)
			j = lead_nn(x, w, f->arg[0], st, i, k);
		else
			j = scan_nn(x, w, f->arg[0], i, k);
		if (j >= 0 && j < n)
			arg_at(x, w, f->arg[0], j, f->t, r);
		else
			arg_at(x, w, f->arg[2], i, f->t, r);
		r->t = f->t;
		break;
	case WFN_FIRST_VALUE: case WFN_LAST_VALUE: case WFN_NTH_VALUE: {
		int64_t want = 1, pick = -1;
		if (f->fn == WFN_NTH_VALUE) {
			arg_at(x, w, f->arg[1], i, f->t, &a);
			if (a.null) {
				null_of(f->t, r);
				break;
			}
			if (a.u.i <= 0)
				return sql_error(&x->cx, "argument of nth_value "
				    "must be greater than zero");
			want = a.u.i;
		}
		frame_at(x, w, st, f, i, ps, pe, g, &fs, &fe);
		if (fs > fe) {
			pick = -1;
		} else if (!f->ignore_nulls) {
			pick = f->fn == WFN_LAST_VALUE ? last_kept(f->exclude, i, ps,
			    pe, fs, fe) : nth_kept(f->exclude, i, ps, pe, fs, fe,
			    want);
		} else if (f->exclude == WX_NO_OTHERS) {
			pick = f->fn == WFN_LAST_VALUE ? last_nn(x, w, f->arg[0], st,
			    fs, fe) : nth_nn(x, w, f->arg[0], st, fs, fe, want);
		} else if (f->fn == WFN_LAST_VALUE) {
			for (j = fe; j >= fs && pick < 0; j--)
				if (!excluded(f->exclude, i, ps, pe, j) &&
				    nonnull(x, w, f->arg[0], j))
					pick = j;
		} else {
			int64_t seen = 0;
			for (j = fs; j <= fe && pick < 0; j++)
				if (!excluded(f->exclude, i, ps, pe, j) &&
				    nonnull(x, w, f->arg[0], j) && ++seen == want)
					pick = j;
		}
		if (pick < 0)
			null_of(f->t, r);
		else
			arg_at(x, w, f->arg[0], pick, f->t, r);
		r->t = f->t;
		break;
	}
	}
	return 0;
}

/* ---- partitions ---- */

static void fs_release(const struct win_spec *f, struct wfs *st)
{
	size_t k;

	st_free(&f->agg, &st->s);
	ds_free(&st->ds);
	free(st->dq);
	if (st->suf != NULL)
		for (k = 0; k < st->nsuf; k++)
			st_free(&f->agg, &st->suf[k]);
	free(st->suf);
	free(st->bres);
	sql_arena_release(&st->barena);
	memset(st, 0, sizeof(*st));
}

/* Start returning the partition of n rows (in memory from row base of
 * the store, or in the file). */
static void activate(struct win_op *w, int spilled, size_t base, int64_t n)
{
	size_t k;

	w->active = 1;
	w->spilled = spilled;
	w->base = base;
	w->n = n;
	w->next = 0;
	w->ps = w->pe = 0;
	w->g = -1;
	for (k = 0; k < w->nfn; k++) {
		const struct win_spec *f = &w->fns[k];
		struct wfs *st = &w->st[k];
		int unit, start, end, ex = f->exclude != WX_NO_OTHERS;
		fs_release(f, st);
		sql_arena_init(&st->barena);
		st->ci = -1;
		st->pfs = st->pfe = -2;
		if (f->fn != WFN_AGG)
			continue;
		frame_kind(w, f, &unit, &start, &end);
		if (!ex && start == WB_UNBOUNDED_PRECEDING)
			st->mode = AM_RUN;
		else if (!ex && end == WB_UNBOUNDED_FOLLOWING &&
		    f->agg.fn != AGG_STRING_AGG && !f->agg.distinct)
			st->mode = AM_SUFFIX;
		else if (!ex && invertible(w, f))
			st->mode = AM_SLIDE;
		else if (!ex && !f->agg.distinct && (f->agg.fn == AGG_MIN ||
		    f->agg.fn == AGG_MAX))
			st->mode = AM_DEQUE;
		else
			st->mode = AM_NAIVE;
	}
}

/* Done with the partition being returned. */
static void deactivate(struct win_op *w)
{
	size_t k;

	if (w->spilled) {
		for (k = 0; k < w->ncache; k++) {
			rs_release(&w->cache[k].rs);
			(void)rs_init(&w->cache[k].rs, w->o.kid[0]->ncols,
			    w->o.kid[0]->types);
			w->cache[k].blk = SIZE_MAX;
			w->cache[k].used = 0;
		}
		free(w->rbuf);
		w->rbuf = NULL;
		w->rcap = 0;
	} else {
		w->done = w->base + (size_t)w->n;
	}
	for (k = 0; k < w->nfn; k++)
		fs_release(&w->fns[k], &w->st[k]);
	w->active = w->spilled = 0;
}

/* Start the next partition complete in the store, if any. */
static int next_mem_partition(struct win_op *w)
{
	size_t p0 = w->done, i;

	if (w->spilling || p0 >= w->rs.n)
		return 0;
	if (w->scan < p0 + 1)
		w->scan = p0 + 1;
	for (i = w->scan; i < w->rs.n; i++)
		if (!rows_eq(&w->rs, i - 1, &w->rs, i, w->pcols, w->npart)) {
			w->scan = i;
			activate(w, 0, p0, (int64_t)(i - p0));
			return 1;
		}
	w->scan = w->rs.n;
	if (!w->input_done)
		return 0;
	activate(w, 0, p0, (int64_t)(w->rs.n - p0));
	return 1;
}

/* Rows [next, next + m) of the active partition into the output from
 * row off. */
static int compute(struct exec *x, struct win_op *w, size_t m, size_t off)
{
	struct op *o = &w->o;
	size_t k, c;
	int rc;

	for (k = 0; k < m; k++) {
		int64_t i = w->next + (int64_t)k;
		if (w->norder == 0) {
			w->ps = 0;
			w->pe = w->n;
			w->g = 0;
		} else if (i >= w->pe) {
			w->ps = i;
			w->g++;
			for (w->pe = i + 1; w->pe < w->n && order_eq(x, w, i, w->pe);
			    w->pe++)
				;
		}
		w->cps[k] = w->ps;
		w->cpe[k] = w->pe;
		w->cg[k] = w->g;
	}
	for (c = 0; c < w->nfn; c++) {
		struct sql_vec *v = &o->out.cols[w->nkeep + c];
		/* an aggregate over the whole partition (no ORDER BY, no
		 * frame: every row a peer of every other) has one value for
		 * all its rows, and these m rows are of one partition */
		int whole = w->fns[c].fn == WFN_AGG && w->norder == 0 &&
		    w->fns[c].unit == 0;
		struct sql_val r;
		for (k = 0; k < m; k++) {
			if ((k == 0 || !whole) && (rc = fn_row(x, w, &w->fns[c],
			    &w->st[c], w->next + (int64_t)k, w->cps[k], w->cpe[k],
			    w->cg[k], &r)) != 0)
				return rc;
			r.t = w->fns[c].t;
			if (sql_vec_set(v, off + k, &r, &o->out.arena) != 0)
				return oom(x);
		}
	}
	return w->ioerr;
}

/* A chunk of the active partition, then of the partitions after it
 * in the store; o->out.n 0 when none was active. */
static int emit(struct exec *x, struct win_op *w)
{
	struct op *o = &w->o;
	size_t c, n = 0, k;
	int rc, spilled = w->spilled;

	sql_arena_reset(&o->out.arena);
	sql_arena_reset(&w->resa);
	o->out.n = 0;
	for (c = 0; c < w->nfn; c++) {
		struct sql_vec *v = &o->out.cols[w->nkeep + c];
		if (sql_vec_alloc(v, w->fns[c].t, SQL_CHUNK, &o->out.arena) != 0 ||
		    (v->null = sql_arena_alloc(&o->out.arena, SQL_CHUNK)) == NULL)
			return oom(x);
		memset(v->null, 0, SQL_CHUNK);
	}
	if (x->cx.interrupt != NULL && *x->cx.interrupt)
		return sql_error(&x->cx, "interrupted");
	if (spilled) {
		struct wcache *e = blk_get(x, w, w->next);
		int64_t m;
		if (e == NULL)
			return w->ioerr;
		m = e->first + e->nrows - w->next;
		if (m > SQL_CHUNK)
			m = SQL_CHUNK;
		if ((rc = compute(x, w, (size_t)m, 0)) != 0)
			return rc;
		/* the functions read other blocks: read this one again */
		if ((e = blk_get(x, w, w->next)) == NULL)
			return w->ioerr;
		for (k = 0; k < (size_t)m; k++)
			w->idx[k] = (uint32_t)(w->next - e->first + (int64_t)k);
		for (c = 0; c < w->nkeep; c++)
			if (rs_gather(&e->rs, c, w->idx, (size_t)m, &o->out.cols[c],
			    &o->out.arena) != 0)
				return oom(x);
		w->next += m;
		o->out.n = (size_t)m;
		/* the chunk's text lies in the cache: the next call ends the
		 * partition */
		return 0;
	}
	while (n < SQL_CHUNK && (w->active || next_mem_partition(w))) {
		size_t m = SQL_CHUNK - n;
		if ((int64_t)m > w->n - w->next)
			m = (size_t)(w->n - w->next);
		if ((rc = compute(x, w, m, n)) != 0)
			return rc;
		for (k = 0; k < m; k++)
			w->idx[n + k] = (uint32_t)(w->base + (size_t)w->next + k);
		w->next += (int64_t)m;
		n += m;
		if (w->next == w->n)
			deactivate(w);
	}
	for (c = 0; c < w->nkeep; c++)
		if (rs_gather(&w->rs, c, w->idx, n, &o->out.cols[c],
		    &o->out.arena) != 0)
			return oom(x);
	o->out.n = n;
	return 0;
}

/* Drop the returned rows [0, done) from the store. */
static int compact(struct exec *x, struct win_op *w)
{
	struct rowstore keep;
	struct sql_arena tmp;
	struct sql_chunk c;
	size_t rest = w->rs.n - w->done, k, d;
	int rc = 0;

	if (rest == 0) {
		rs_release(&w->rs);
		if (rs_init(&w->rs, w->o.kid[0]->ncols, w->o.kid[0]->types) != 0)
			return oom(x);
		w->scan = w->done = 0;
		return 0;
	}
	if (rs_init(&keep, w->rs.ncols, w->rs.types) != 0)
		return oom(x);
	sql_arena_init(&tmp);
	memset(&c, 0, sizeof(c));
	c.ncols = w->rs.ncols;
	for (d = 0; d < rest && rc == 0; d += c.n) {
		c.n = rest - d < SQL_CHUNK ? rest - d : SQL_CHUNK;
		sql_arena_reset(&tmp);
		c.cols = sql_arena_alloc(&tmp, sizeof(*c.cols) * (c.ncols + 1));
		if (c.cols == NULL) {
			rc = oom(x);
			break;
		}
		for (k = 0; k < c.n; k++)
			w->idx[k] = (uint32_t)(w->done + d + k);
		for (k = 0; k < c.ncols && rc == 0; k++)
			if (rs_gather(&w->rs, k, w->idx, c.n, &c.cols[k], &tmp) != 0)
				rc = oom(x);
		if (rc == 0 && rs_append(&keep, &c, NULL, 0) != 0)
			rc = oom(x);
	}
	sql_arena_release(&tmp);
	if (rc != 0) {
		rs_release(&keep);
		return rc;
	}
	rs_release(&w->rs);
	w->rs = keep;
	w->scan = w->scan > w->done ? w->scan - w->done : 0;
	w->done = 0;
	return 0;
}

/* Say in EXPLAIN how much spilled. */
static void spill_note(struct win_op *w)
{
	if (w->dlen == 0)
		w->dlen = strlen(w->o.detail);
	snprintf(w->o.detail + w->dlen, sizeof(w->o.detail) - w->dlen,
	    ", spilled %zu partition%s (largest %lld rows)", w->nparts,
	    w->nparts == 1 ? "" : "s", (long long)w->maxrows);
}

/* The spilling partition is complete: return it from the file. */
static int spill_end(struct exec *x, struct win_op *w)
{
	int rc;

	if ((rc = blk_flush(x, w)) != 0)
		return rc;
	free(w->wbuf);
	w->wbuf = NULL;
	w->wcap = w->wlen = 0;
	w->spilling = 0;
	w->nparts++;
	if (w->nspill > w->maxrows)
		w->maxrows = w->nspill;
	spill_note(w);
	activate(w, 1, 0, w->nspill);
	return 0;
}

/* Input chunk c while spilling: its rows of the partition to the file;
 * rows of later partitions stay in the store. */
static int spill_chunk(struct exec *x, struct win_op *w,
    const struct sql_chunk *c)
{
	size_t r;
	int rc;

	if (rs_append(&w->rs, c, NULL, 0) != 0)
		return oom(x);
	for (r = 0; r < w->rs.n; r++) {
		if (!rows_eq(&w->pk, 0, &w->rs, r, w->pcols, w->npart))
			break;
		if ((rc = spill_row(x, w, &w->rs, r)) != 0)
			return rc;
	}
	if (r == w->rs.n) {
		rs_clear(&w->rs);
		return 0;
	}
	w->done = r;
	w->scan = r;
	return spill_end(x, w);
}

static int win_next(struct exec *x, struct op *o)
{
	struct win_op *w = (struct win_op *)o;
	struct op *k = o->kid[0];
	int rc;

	for (;;) {
		if (w->ioerr)
			return w->ioerr;
		if (w->active && w->spilled && w->next == w->n)
			deactivate(w);
		if (w->active || next_mem_partition(w)) {
			if ((rc = emit(x, w)) != 0)
				return rc;
			if (o->out.n > 0)
				return 1;
			continue;
		}
		if (w->input_done)
			return 0;
		if (w->done > 0 && (rc = compact(x, w)) != 0)
			return rc;
		if (!w->spilling && w->share && w->rs.n > 0 &&
		    w->rs.bytes + w->rs.text.used > w->share &&
		    (rc = spill_start(x, w)) != 0)
			return rc;
		rc = op_next(x, k);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			w->input_done = 1;
			if (w->spilling && (rc = spill_end(x, w)) != 0)
				return rc;
			continue;
		}
		if (w->spilling) {
			if ((rc = spill_chunk(x, w, &k->out)) != 0)
				return rc;
		} else if (rs_append(&w->rs, &k->out, NULL, 0) != 0) {
			return oom(x);
		}
	}
}

static void win_close(struct op *o)
{
	struct win_op *w = (struct win_op *)o;
	size_t f;

	rs_release(&w->rs);
	rs_release(&w->pk);
	rs_release(&w->nullrow);
	if (w->st != NULL)
		for (f = 0; f < w->nfn; f++)
			fs_release(&w->fns[f], &w->st[f]);
	if (w->cache != NULL)
		for (f = 0; f < w->ncache; f++)
			rs_release(&w->cache[f].rs);
	free(w->cache);
	free(w->st);
	free(w->pcols);
	free(w->okeys);
	free(w->fns);
	free(w->vals);
	free(w->blk);
	free(w->wbuf);
	free(w->rbuf);
	if (w->fd >= 0)
		close(w->fd);
	sql_arena_release(&w->resa);
}

static const struct op_vt win_vt = { "WINDOW", win_next, win_close, NULL };

struct op *op_window(struct exec *x, struct op *kid, size_t nkeep,
    size_t npart, const int *pcols, size_t norder,
    const struct sort_key *okeys, size_t nfn, const struct win_spec *fns)
{
	struct sql_type *t = calloc(nkeep + nfn + 1, sizeof(*t));
	struct win_op *w;
	size_t i, nc = kid->ncols;

	if (t == NULL) {
		op_free(kid);
		oom(x);
		return NULL;
	}
	memcpy(t, kid->types, nkeep * sizeof(*t));
	for (i = 0; i < nfn; i++)
		t[nkeep + i] = fns[i].t;
	w = op_new(x, sizeof(*w), &win_vt, nkeep + nfn, t);
	free(t);
	if (w == NULL) {
		op_free(kid);
		return NULL;
	}
	w->o.kid[0] = kid;
	w->fd = -1;
	w->nkeep = nkeep;
	w->npart = npart;
	w->norder = norder;
	w->nfn = nfn;
	w->share = x->memory_limit / 2;
	w->ncache = WIN_CACHE_MIN + 2 * nfn;
	w->blkbytes = (size_t)(w->share / (4 * w->ncache));
	if (w->blkbytes < WIN_BLOCK_MIN)
		w->blkbytes = WIN_BLOCK_MIN;
	if (w->blkbytes > WIN_BLOCK_MAX)
		w->blkbytes = WIN_BLOCK_MAX;
	sql_arena_init(&w->resa);
	w->pcols = malloc(sizeof(int) * (npart + 1));
	w->okeys = malloc(sizeof(*okeys) * (norder + 1));
	w->fns = malloc(sizeof(*fns) * (nfn + 1));
	w->st = calloc(nfn + 1, sizeof(*w->st));
	w->vals = calloc(nc + 1, sizeof(*w->vals));
	w->cache = calloc(w->ncache, sizeof(*w->cache));
	if (w->pcols == NULL || w->okeys == NULL || w->fns == NULL ||
	    w->st == NULL || w->vals == NULL || w->cache == NULL ||
	    rs_init(&w->rs, nc, kid->types) != 0 ||
	    rs_init(&w->pk, nc, kid->types) != 0 ||
	    rs_init(&w->nullrow, nc, kid->types) != 0)
		goto fail;
	for (i = 0; i < w->ncache; i++) {
		w->cache[i].blk = SIZE_MAX;
		if (rs_init(&w->cache[i].rs, nc, kid->types) != 0)
			goto fail;
	}
	for (i = 0; i < nc; i++)
		null_of(kid->types[i], &w->vals[i]);
	if (rs_add_row(&w->nullrow, w->vals) != 0)
		goto fail;
	if (npart)
		memcpy(w->pcols, pcols, sizeof(int) * npart);
	if (norder)
		memcpy(w->okeys, okeys, sizeof(*okeys) * norder);
	memcpy(w->fns, fns, sizeof(*fns) * nfn);
	for (i = 0; i < nfn; i++)
		sql_arena_init(&w->st[i].barena);
	snprintf(w->o.detail, sizeof(w->o.detail), "%zu function%s, %zu "
	    "partition key%s, %zu order key%s", nfn, nfn == 1 ? "" : "s", npart,
	    npart == 1 ? "" : "s", norder, norder == 1 ? "" : "s");
	return &w->o;
fail:
	op_free(&w->o);
	oom(x);
	return NULL;
}

/*
 * window.c - window functions over sorted partitions.
 *
 * The planner sorts the input by the partition keys, then the order
 * keys (op_sort, which spills to disk past the memory limit), and puts
 * this operator on top. It reads rows into a row store until a
 * partition key changes, computes every function for the partitions
 * that are complete, and returns their rows with one more column per
 * function; only the open partition is kept between chunks, so memory
 * is bounded by the largest partition (an error past --memory-limit).
 *
 * Within a partition, rows are peers when their order keys are equal
 * (all rows are, without ORDER BY). A frame is an inclusive range of
 * rows [fs, fe] of the partition, from ROWS (row offsets), GROUPS (peer
 * group offsets) or RANGE (key offsets; CURRENT ROW means the peers),
 * minus EXCLUDE's rows. Aggregates are computed incrementally when the
 * frame starts at the partition's first row (or ends at its last),
 * else afresh for each row; a frame equal to the previous row's reuses
 * its value.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/exec.h"

struct win_op {
	struct op o;
	size_t nkeep, npart, norder, nfn;
	int *pcols;
	struct sort_key *okeys;
	struct win_spec *fns;
	struct rowstore rs;             /* the rows not yet returned */
	int input_done;
	size_t ready;                   /* rows [0, ready) have results */
	size_t emit;                    /* next row of them to return */
	size_t scan;                    /* partition ends found up to here */
	struct sql_val **res;           /* per function, per ready row */
	struct sql_arena resa;          /* results' text */
	size_t sbytes;
	/* per partition scratch */
	uint32_t *pstart, *pend;        /* per row: its peers [pstart, pend) */
	uint32_t *gno;                  /* per row: its peer group */
	uint32_t *gstart;               /* per group: its first row; +1 end */
	double *key;                    /* RANGE offsets: the order key */
	uint8_t *keynull;
	size_t scap;
};

static int oom(struct exec *x)
{
	return sql_error(&x->cx, "out of memory");
}

static int val_eq(const struct sql_val *a, const struct sql_val *b)
{
	if (a->null || b->null)
		return a->null && b->null;
	return sql_val_cmp(a, b) == 0;
}

/* Do rows r and s agree on columns cols? */
static int rows_eq(const struct rowstore *rs, const int *cols, size_t n,
    size_t r, size_t s)
{
	size_t k;

	for (k = 0; k < n; k++) {
		struct sql_val a, b;
		rs_get(rs, (size_t)cols[k], r, &a);
		rs_get(rs, (size_t)cols[k], s, &b);
		if (!val_eq(&a, &b))
			return 0;
	}
	return 1;
}

static int order_eq(const struct win_op *w, size_t r, size_t s)
{
	size_t k;

	for (k = 0; k < w->norder; k++) {
		struct sql_val a, b;
		rs_get(&w->rs, (size_t)w->okeys[k].col, r, &a);
		rs_get(&w->rs, (size_t)w->okeys[k].col, s, &b);
		if (!val_eq(&a, &b))
			return 0;
	}
	return 1;
}

/* The order key of row r as a number, for RANGE offsets. */
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

static int scratch(struct exec *x, struct win_op *w, size_t n)
{
	if (n + 1 <= w->scap)
		return 0;
	free(w->pstart);
	free(w->pend);
	free(w->gno);
	free(w->gstart);
	free(w->key);
	free(w->keynull);
	w->scap = n + 1;
	w->pstart = malloc(w->scap * sizeof(uint32_t));
	w->pend = malloc(w->scap * sizeof(uint32_t));
	w->gno = malloc(w->scap * sizeof(uint32_t));
	w->gstart = malloc((w->scap + 1) * sizeof(uint32_t));
	w->key = malloc(w->scap * sizeof(double));
	w->keynull = malloc(w->scap);
	if (w->pstart == NULL || w->pend == NULL || w->gno == NULL ||
	    w->gstart == NULL || w->key == NULL || w->keynull == NULL) {
		w->scap = 0;
		return oom(x);
	}
	return 0;
}

/* First row j in [lo, hi) whose key is >= v (asc) / <= v (desc), among
 * the non-NULL keys; hi when none. */
static size_t key_lower(const struct win_op *w, size_t lo, size_t hi,
    double v, int desc)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int before = desc ? w->key[mid] > v : w->key[mid] < v;
		if (before)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First row j in [lo, hi) whose key is > v (asc) / < v (desc). */
static size_t key_upper(const struct win_op *w, size_t lo, size_t hi,
    double v, int desc)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int before = desc ? w->key[mid] >= v : w->key[mid] <= v;
		if (before)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The frame of row i (partition-relative, n rows) as [*fs, *fe] (empty
 * when *fs > *fe). nn0..nn1: the partition's rows with a non-NULL key
 * (RANGE offsets).
 */
static void frame_of(const struct win_op *w, const struct win_spec *f,
    size_t i, size_t n, size_t ngroups, size_t nn0, size_t nn1, int64_t *fs,
    int64_t *fe)
{
	int unit = f->unit, start = f->start, end = f->end;
	int64_t g = w->gno[i];

	if (unit == 0) {
		unit = WF_RANGE;
		start = WB_UNBOUNDED_PRECEDING;
		end = w->norder > 0 ? WB_CURRENT : WB_UNBOUNDED_FOLLOWING;
	}
	switch (start) {
	case WB_UNBOUNDED_PRECEDING:
		*fs = 0;
		break;
	case WB_UNBOUNDED_FOLLOWING:
		*fs = (int64_t)n;
		break;
	case WB_CURRENT:
		*fs = unit == WF_ROWS ? (int64_t)i : (int64_t)w->pstart[i];
		break;
	default: {
		int64_t k = start == WB_PRECEDING ? -f->soff : f->soff;
		if (unit == WF_ROWS) {
			*fs = (int64_t)i + k;
		} else if (unit == WF_GROUPS) {
			int64_t gg = g + k;
			*fs = gg < 0 ? 0 : gg >= (int64_t)ngroups ? (int64_t)n :
			    (int64_t)w->gstart[gg];
		} else if (w->keynull[i]) {
			*fs = w->pstart[i];
		} else {
			int desc = w->okeys[0].desc;
			double d = start == WB_PRECEDING ? -f->sdoff : f->sdoff;
			*fs = (int64_t)key_lower(w, nn0, nn1, w->key[i] +
			    (desc ? -d : d), desc);
		}
		break;
	}
	}
	switch (end) {
	case WB_UNBOUNDED_FOLLOWING:
		*fe = (int64_t)n - 1;
		break;
	case WB_UNBOUNDED_PRECEDING:
		*fe = -1;
		break;
	case WB_CURRENT:
		*fe = unit == WF_ROWS ? (int64_t)i : (int64_t)w->pend[i] - 1;
		break;
	default: {
		int64_t k = end == WB_PRECEDING ? -f->eoff : f->eoff;
		if (unit == WF_ROWS) {
			*fe = (int64_t)i + k;
		} else if (unit == WF_GROUPS) {
			int64_t gg = g + k;
			*fe = gg < 0 ? -1 : gg >= (int64_t)ngroups ? (int64_t)n - 1 :
			    (int64_t)w->gstart[gg + 1] - 1;
		} else if (w->keynull[i]) {
			*fe = (int64_t)w->pend[i] - 1;
		} else {
			int desc = w->okeys[0].desc;
			double d = end == WB_PRECEDING ? -f->edoff : f->edoff;
			*fe = (int64_t)key_upper(w, nn0, nn1, w->key[i] +
			    (desc ? -d : d), desc) - 1;
		}
		break;
	}
	}
	if (*fs < 0)
		*fs = 0;
	if (*fe > (int64_t)n - 1)
		*fe = (int64_t)n - 1;
}

/* Is row j of the frame of row i left out by EXCLUDE? */
static int excluded(const struct win_op *w, int ex, size_t i, size_t j)
{
	switch (ex) {
	case WX_CURRENT_ROW:
		return j == i;
	case WX_GROUP:
		return j >= w->pstart[i] && j < w->pend[i];
	case WX_TIES:
		return j != i && j >= w->pstart[i] && j < w->pend[i];
	default:
		return 0;
	}
}

static void st_free(const struct agg_spec *sp, struct agg_st *s)
{
	if (AGG_TEXT_STATE(sp))
		free(s->buf);
	memset(s, 0, sizeof(*s));
}

/* Add partition row j (store row base + j) to an aggregate's state. */
static int agg_add(struct exec *x, struct win_op *w, const struct win_spec *f,
    struct agg_st *s, size_t base, size_t j)
{
	struct sql_vec v, sep;
	size_t r = base + j;

	memset(&sep, 0, sizeof(sep));
	if (f->filter >= 0) {
		struct sql_val fv;
		rs_get(&w->rs, (size_t)f->filter, r, &fv);
		if (fv.null || !fv.u.i)
			return 0;
	}
	if (f->agg.fn == AGG_COUNT_STAR) {
		s->n++;
		return 0;
	}
	rs_view(&w->rs, (size_t)f->arg[0], &v);
	if (v.t.id == T_NULL || (v.null != NULL && v.null[r]))
		return 0;
	if (f->arg[1] >= 0)
		rs_view(&w->rs, (size_t)f->arg[1], &sep);
	return agg_state_add(x, &f->agg, s, &v, &sep, r, &w->sbytes);
}

/* An aggregate over each row's frame. */
static int win_agg(struct exec *x, struct win_op *w, const struct win_spec *f,
    size_t base, size_t n, size_t ngroups, size_t nn0, size_t nn1,
    struct sql_val *out)
{
	struct agg_st s;
	int64_t fs, fe, pfs = -2, pfe = -2, done_to = -1;
	size_t i;
	int rc = 0;
	int order_free = f->agg.fn != AGG_STRING_AGG;

	memset(&s, 0, sizeof(s));
	/* frames growing from the first row: one pass */
	if (f->exclude == WX_NO_OTHERS) {
		int grows = 1, shrinks = order_free;
		for (i = 0; i < n && (grows || shrinks); i++) {
			frame_of(w, f, i, n, ngroups, nn0, nn1, &fs, &fe);
			if (fs != 0 && fs <= fe)
				grows = 0;
			if (fe != (int64_t)n - 1 && fs <= fe)
				shrinks = 0;
		}
		if (grows) {
			for (i = 0; i < n; i++) {
				frame_of(w, f, i, n, ngroups, nn0, nn1, &fs, &fe);
				if (fs > fe) {
					struct agg_st e;
					memset(&e, 0, sizeof(e));
					if ((rc = agg_state_result(x, &f->agg, &e, &w->resa,
					    &out[i])) != 0)
						goto out;
					continue;
				}
				for (; done_to < fe; done_to++)
					if ((rc = agg_add(x, w, f, &s, base,
					    (size_t)done_to + 1)) != 0)
						goto out;
				if ((rc = agg_state_result(x, &f->agg, &s, &w->resa,
				    &out[i])) != 0)
					goto out;
			}
			goto out;
		}
		if (shrinks) {
			int64_t from = (int64_t)n;
			for (i = n; i-- > 0;) {
				frame_of(w, f, i, n, ngroups, nn0, nn1, &fs, &fe);
				if (fs > fe) {
					struct agg_st e;
					memset(&e, 0, sizeof(e));
					if ((rc = agg_state_result(x, &f->agg, &e, &w->resa,
					    &out[i])) != 0)
						goto out;
					continue;
				}
				for (; from > fs; from--)
					if ((rc = agg_add(x, w, f, &s, base,
					    (size_t)from - 1)) != 0)
						goto out;
				if ((rc = agg_state_result(x, &f->agg, &s, &w->resa,
				    &out[i])) != 0)
					goto out;
			}
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		int64_t j;
		frame_of(w, f, i, n, ngroups, nn0, nn1, &fs, &fe);
		if (fs == pfs && fe == pfe && f->exclude == WX_NO_OTHERS) {
			out[i] = out[i - 1];
			continue;
		}
		st_free(&f->agg, &s);
		for (j = fs; j <= fe; j++) {
			if (excluded(w, f->exclude, i, (size_t)j))
				continue;
			if ((rc = agg_add(x, w, f, &s, base, (size_t)j)) != 0)
				goto out;
		}
		if ((rc = agg_state_result(x, &f->agg, &s, &w->resa, &out[i])) != 0)
			goto out;
		pfs = fs;
		pfe = fe;
		if (x->cx.interrupt != NULL && *x->cx.interrupt) {
			rc = sql_error(&x->cx, "interrupted");
			goto out;
		}
	}
out:
	st_free(&f->agg, &s);
	return rc;
}

/* Value of argument column arg at partition row j, as a NULL of type t
 * when arg is -1. */
static void arg_at(const struct win_op *w, int arg, size_t r,
    struct sql_type t, struct sql_val *v)
{
	if (arg < 0) {
		memset(v, 0, sizeof(*v));
		v->t = t;
		v->null = 1;
		return;
	}
	rs_get(&w->rs, (size_t)arg, r, v);
}

static int null_of(struct sql_type t, struct sql_val *v)
{
	memset(v, 0, sizeof(*v));
	v->t = t;
	v->null = 1;
	return 0;
}

/* One function over partition rows [base, base + n). */
static int win_fn(struct exec *x, struct win_op *w, const struct win_spec *f,
    size_t base, size_t n, size_t ngroups, size_t nn0, size_t nn1,
    struct sql_val *out)
{
	size_t i;

	if (f->fn == WFN_AGG)
		return win_agg(x, w, f, base, n, ngroups, nn0, nn1, out);
	for (i = 0; i < n; i++) {
		struct sql_val *r = &out[i], a;
		int64_t fs, fe, j, k;
		memset(r, 0, sizeof(*r));
		r->t = f->t;
		switch (f->fn) {
		case WFN_ROW_NUMBER:
			r->u.i = (int64_t)i + 1;
			break;
		case WFN_RANK:
			r->u.i = (int64_t)w->pstart[i] + 1;
			break;
		case WFN_DENSE_RANK:
			r->u.i = (int64_t)w->gno[i] + 1;
			break;
		case WFN_PERCENT_RANK:
			r->u.d = n > 1 ? (double)w->pstart[i] / (double)(n - 1) : 0;
			break;
		case WFN_CUME_DIST:
			r->u.d = (double)w->pend[i] / (double)n;
			break;
		case WFN_NTILE: {
			int64_t q, rem, b;
			arg_at(w, f->arg[0], base + i, f->t, &a);
			if (a.null) {
				r->null = 1;
				break;
			}
			if (a.u.i <= 0)
				return sql_error(&x->cx, "argument of ntile must be "
				    "greater than zero");
			q = (int64_t)n / a.u.i;
			rem = (int64_t)n % a.u.i;
			if (q == 0)
				b = (int64_t)i + 1;
			else if ((int64_t)i < rem * (q + 1))
				b = (int64_t)i / (q + 1) + 1;
			else
				b = rem + ((int64_t)i - rem * (q + 1)) / q + 1;
			r->u.i = b;
			break;
		}
		case WFN_LAG: case WFN_LEAD:
			k = 1;
			if (f->arg[1] >= 0) {
				arg_at(w, f->arg[1], base + i, f->t, &a);
				if (a.null) {
					null_of(f->t, r);
					break;
				}
				k = a.u.i;
			}
			j = f->fn == WFN_LAG ? (int64_t)i - k : (int64_t)i + k;
			if (j >= 0 && j < (int64_t)n)
				arg_at(w, f->arg[0], base + (size_t)j, f->t, r);
			else
				arg_at(w, f->arg[2], base + i, f->t, r);
			r->t = f->t;
			break;
		case WFN_FIRST_VALUE: case WFN_LAST_VALUE: case WFN_NTH_VALUE: {
			int64_t want = 1, seen = 0, pick = -1;
			if (f->fn == WFN_NTH_VALUE) {
				arg_at(w, f->arg[1], base + i, f->t, &a);
				if (a.null) {
					null_of(f->t, r);
					break;
				}
				if (a.u.i <= 0)
					return sql_error(&x->cx, "argument of nth_value "
					    "must be greater than zero");
				want = a.u.i;
			}
			frame_of(w, f, i, n, ngroups, nn0, nn1, &fs, &fe);
			if (f->fn == WFN_LAST_VALUE) {
				for (j = fe; j >= fs && pick < 0; j--)
					if (!excluded(w, f->exclude, i, (size_t)j))
						pick = j;
			} else {
				for (j = fs; j <= fe && pick < 0; j++)
					if (!excluded(w, f->exclude, i, (size_t)j) &&
					    ++seen == want)
						pick = j;
			}
			if (pick < 0)
				null_of(f->t, r);
			else
				arg_at(w, f->arg[0], base + (size_t)pick, f->t, r);
			r->t = f->t;
			break;
		}
		}
	}
	return 0;
}

/* Compute every function for the partition of store rows [p0, p1). */
static int partition(struct exec *x, struct win_op *w, size_t p0, size_t p1)
{
	size_t n = p1 - p0, i, g = 0, f, nn0 = 0, nn1 = n;
	int rc;

	if ((rc = scratch(x, w, n)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (i > 0 && !order_eq(w, p0 + i - 1, p0 + i))
			g++;
		if (i == 0 || w->gno[i - 1] != g)
			w->gstart[g] = (uint32_t)i;
		w->gno[i] = (uint32_t)g;
	}
	if (n > 0)
		w->gstart[g + 1] = (uint32_t)n;
	for (i = 0; i < n; i++) {
		w->pstart[i] = w->gstart[w->gno[i]];
		w->pend[i] = w->gstart[w->gno[i] + 1];
	}
	if (w->norder > 0) {
		/* RANGE offsets: the first key as a number; NULLs sort
		 * together at one end */
		for (i = 0; i < n; i++) {
			struct sql_val v;
			rs_get(&w->rs, (size_t)w->okeys[0].col, p0 + i, &v);
			w->keynull[i] = v.null;
			w->key[i] = v.null ? 0 : key_num(&v);
		}
		while (nn0 < n && w->keynull[nn0])
			nn0++;
		while (nn1 > nn0 && w->keynull[nn1 - 1])
			nn1--;
	}
	for (f = 0; f < w->nfn; f++)
		if ((rc = win_fn(x, w, &w->fns[f], p0, n, n ? g + 1 : 0, nn0, nn1,
		    w->res[f] + p0)) != 0)
			return rc;
	return 0;
}

/* Results for rows [0, end) of the store, partition by partition. */
static int compute(struct exec *x, struct win_op *w, size_t end)
{
	size_t f, p0 = 0, i;
	int rc;

	for (f = 0; f < w->nfn; f++) {
		w->res[f] = malloc(sizeof(struct sql_val) * (end + 1));
		if (w->res[f] == NULL)
			return oom(x);
	}
	for (i = 1; i <= end; i++)
		if (i == end || !rows_eq(&w->rs, w->pcols, w->npart, i - 1, i)) {
			if ((rc = partition(x, w, p0, i)) != 0)
				return rc;
			p0 = i;
		}
	w->ready = end;
	w->emit = 0;
	return 0;
}

/* Drop the returned rows [0, ready) from the store. */
static int compact(struct exec *x, struct win_op *w)
{
	struct rowstore keep;
	struct sql_arena tmp;
	struct sql_chunk c;
	size_t rest = w->rs.n - w->ready, f, k, done;
	int rc = 0;

	for (f = 0; f < w->nfn; f++) {
		free(w->res[f]);
		w->res[f] = NULL;
	}
	sql_arena_reset(&w->resa);
	w->sbytes = 0;
	if (rs_init(&keep, w->rs.ncols, w->rs.types) != 0)
		return oom(x);
	sql_arena_init(&tmp);
	memset(&c, 0, sizeof(c));
	c.ncols = w->rs.ncols;
	for (done = 0; done < rest && rc == 0; done += c.n) {
		uint32_t idx[SQL_CHUNK];
		c.n = rest - done < SQL_CHUNK ? rest - done : SQL_CHUNK;
		sql_arena_reset(&tmp);
		c.cols = sql_arena_alloc(&tmp, sizeof(*c.cols) * (c.ncols + 1));
		if (c.cols == NULL) {
			rc = oom(x);
			break;
		}
		for (k = 0; k < c.n; k++)
			idx[k] = (uint32_t)(w->ready + done + k);
		for (k = 0; k < c.ncols && rc == 0; k++)
			if (rs_gather(&w->rs, k, idx, c.n, &c.cols[k], &tmp) != 0)
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
	w->scan = w->rs.n;
	w->ready = w->emit = 0;
	return 0;
}

static int win_next(struct exec *x, struct op *o)
{
	struct win_op *w = (struct win_op *)o;
	struct op *k = o->kid[0];
	int rc;

	for (;;) {
		if (w->emit < w->ready) {
			size_t n = w->ready - w->emit, c, i;
			uint32_t idx[SQL_CHUNK];
			if (n > SQL_CHUNK)
				n = SQL_CHUNK;
			sql_arena_reset(&o->out.arena);
			for (i = 0; i < n; i++)
				idx[i] = (uint32_t)(w->emit + i);
			for (c = 0; c < w->nkeep; c++)
				if (rs_gather(&w->rs, c, idx, n, &o->out.cols[c],
				    &o->out.arena) != 0)
					return oom(x);
			for (c = 0; c < w->nfn; c++) {
				struct sql_vec *v = &o->out.cols[w->nkeep + c];
				if (sql_vec_alloc(v, w->fns[c].t, n, &o->out.arena) != 0 ||
				    (v->null = sql_arena_alloc(&o->out.arena, n)) == NULL)
					return oom(x);
				memset(v->null, 0, n);
				for (i = 0; i < n; i++) {
					struct sql_val r = w->res[c][w->emit + i];
					r.t = w->fns[c].t;
					if (sql_vec_set(v, i, &r, &o->out.arena) != 0)
						return oom(x);
				}
			}
			o->out.n = n;
			w->emit += n;
			return 1;
		}
		if (w->ready > 0 && (rc = compact(x, w)) != 0)
			return rc;
		if (w->input_done) {
			if (w->rs.n == 0)
				return 0;
			if ((rc = compute(x, w, w->rs.n)) != 0)
				return rc;
			continue;
		}
		rc = op_next(x, k);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			w->input_done = 1;
			continue;
		}
		if (rs_append(&w->rs, &k->out, NULL, 0) != 0)
			return oom(x);
		if (x->memory_limit && w->rs.bytes + w->rs.text.used >
		    x->memory_limit)
			return sql_error(&x->cx, "a window partition exceeds the "
			    "memory limit (%llu MB); raise --memory-limit",
			    (unsigned long long)(x->memory_shown >> 20));
		{
			/* the last partition end in the store: rows before it
			 * are complete partitions */
			size_t i, last = 0;
			for (i = w->scan > 0 ? w->scan : 1; i < w->rs.n; i++)
				if (!rows_eq(&w->rs, w->pcols, w->npart, i - 1, i))
					last = i;
			w->scan = w->rs.n;
			if (last > 0 && (rc = compute(x, w, last)) != 0)
				return rc;
		}
	}
}

static void win_close(struct op *o)
{
	struct win_op *w = (struct win_op *)o;
	size_t f;

	rs_release(&w->rs);
	for (f = 0; f < w->nfn; f++)
		free(w->res[f]);
	free(w->res);
	free(w->pcols);
	free(w->okeys);
	free(w->fns);
	free(w->pstart);
	free(w->pend);
	free(w->gno);
	free(w->gstart);
	free(w->key);
	free(w->keynull);
	sql_arena_release(&w->resa);
}

static const struct op_vt win_vt = { "WINDOW", win_next, win_close };

struct op *op_window(struct exec *x, struct op *kid, size_t nkeep,
    size_t npart, const int *pcols, size_t norder,
    const struct sort_key *okeys, size_t nfn, const struct win_spec *fns)
{
	struct sql_type *t = calloc(nkeep + nfn + 1, sizeof(*t));
	struct win_op *w;
	size_t i;

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
	w->nkeep = nkeep;
	w->npart = npart;
	w->norder = norder;
	w->nfn = nfn;
	sql_arena_init(&w->resa);
	w->pcols = malloc(sizeof(int) * (npart + 1));
	w->okeys = malloc(sizeof(*okeys) * (norder + 1));
	w->fns = malloc(sizeof(*fns) * (nfn + 1));
	w->res = calloc(nfn + 1, sizeof(*w->res));
	if (w->pcols == NULL || w->okeys == NULL || w->fns == NULL ||
	    w->res == NULL || rs_init(&w->rs, kid->ncols, kid->types) != 0) {
		op_free(&w->o);
		oom(x);
		return NULL;
	}
	if (npart)
		memcpy(w->pcols, pcols, sizeof(int) * npart);
	if (norder)
		memcpy(w->okeys, okeys, sizeof(*okeys) * norder);
	memcpy(w->fns, fns, sizeof(*fns) * nfn);
	snprintf(w->o.detail, sizeof(w->o.detail), "%zu function%s, %zu "
	    "partition key%s, %zu order key%s", nfn, nfn == 1 ? "" : "s", npart,
	    npart == 1 ? "" : "s", norder, norder == 1 ? "" : "s");
	return &w->o;
}

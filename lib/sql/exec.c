/*
 * exec.c - the operators: scan, values, filter, project, hash join,
 * nested-loop join, limit, materialize, concatenation and repetition
 * (set operations), the expansion of rows for grouping sets, and the
 * row store they materialise into. The hash aggregate is in agg.c, the
 * sort in sort.c.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "seg/seg.h"
#include "sql/exec.h"
#include "util/util.h"

static int oom(struct exec *x)
{
	return sql_error(&x->cx, "out of memory");
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int op_next(struct exec *x, struct op *o)
{
	int rc;
	int64_t t0 = 0;

	if ((x->cx.interrupt != NULL && *x->cx.interrupt) ||
	    (x->abort != NULL && *x->abort)) {
		x->cx.err.code = RDB_EINTR;
		snprintf(x->cx.err.msg, sizeof(x->cx.err.msg), "interrupted");
		return RDB_EINTR;
	}
	if (x->analyze)
		t0 = now_ns();
	sql_arena_reset(&o->out.arena);
	o->out.n = 0;
	o->osel = NULL;
	rc = o->vt->next(x, o);
	if (x->analyze)
		o->ns += now_ns() - t0;
	if (rc > 0)
		o->rows += o->osel != NULL ? o->onsel : o->out.n;
	return rc;
}

void op_free(struct op *o)
{
	if (o == NULL)
		return;
	op_free(o->kid[0]);
	op_free(o->kid[1]);
	if (o->vt->close != NULL)
		o->vt->close(o);
	sql_arena_release(&o->out.arena);
	free(o->out.cols);
	free(o->types);
	free(o);
}

void *op_new(struct exec *x, size_t size, const struct op_vt *vt,
    size_t ncols, const struct sql_type *types)
{
	struct op *o = calloc(1, size);

	if (o == NULL) {
		oom(x);
		return NULL;
	}
	o->vt = vt;
	o->ncols = ncols;
	o->types = calloc(ncols + 1, sizeof(*o->types));
	o->out.cols = calloc(ncols + 1, sizeof(*o->out.cols));
	if (o->types == NULL || o->out.cols == NULL) {
		free(o->types);
		free(o->out.cols);
		free(o);
		oom(x);
		return NULL;
	}
	if (ncols)
		memcpy(o->types, types, ncols * sizeof(*types));
	o->out.ncols = ncols;
	sql_arena_init(&o->out.arena);
	return o;
}

/* ---- row store ---- */

static size_t val_width(int id)
{
	if (id == T_DECIMAL)
		return 16;
	if (sql_is_strlike(id))
		return sizeof(struct sql_str);
	if (id == T_INTERVAL)
		return sizeof(struct sql_interval);
	return 8;
}

int rs_init(struct rowstore *rs, size_t ncols, const struct sql_type *types)
{
	memset(rs, 0, sizeof(*rs));
	rs->ncols = ncols;
	rs->types = calloc(ncols + 1, sizeof(*types));
	rs->vals = calloc(ncols + 1, sizeof(*rs->vals));
	rs->nulls = calloc(ncols + 1, sizeof(*rs->nulls));
	sql_arena_init(&rs->text);
	if (rs->types == NULL || rs->vals == NULL || rs->nulls == NULL)
		return RDB_ENOMEM;
	if (ncols)
		memcpy(rs->types, types, ncols * sizeof(*types));
	return RDB_OK;
}

int rs_skip(struct rowstore *rs, const uint8_t *skip)
{
	if ((rs->skip = malloc(rs->ncols + 1)) == NULL)
		return RDB_ENOMEM;
	memcpy(rs->skip, skip, rs->ncols);
	return RDB_OK;
}

/* Is column c of rs one whose values are not kept? */
static int rs_skipped(const struct rowstore *rs, size_t c)
{
	return rs->skip != NULL && rs->skip[c];
}

void rs_release(struct rowstore *rs)
{
	size_t c;

	if (rs->vals != NULL)
		for (c = 0; c < rs->ncols; c++) {
			rdb_big_free(rs->vals[c]);
			rdb_big_free(rs->nulls[c]);
		}
	free(rs->vals);
	free(rs->nulls);
	free(rs->types);
	free(rs->skip);
	sql_arena_release(&rs->text);
	memset(rs, 0, sizeof(*rs));
}

int rs_reserve(struct rowstore *rs, size_t more)
{
	size_t cap = rs->cap, c;

	if (rs->n + more <= cap)
		return 0;
	while (cap < rs->n + more)
		cap = cap ? cap * 2 : 1024;
	for (c = 0; c < rs->ncols; c++) {
		size_t w = val_width(rs->types[c].id);
		void *p;
		if (rs_skipped(rs, c))
			continue;
		p = rdb_big_grow(rs->vals[c], cap * w);
		if (p == NULL)
			return RDB_ENOMEM;
		rs->vals[c] = p;
		if (rs->nulls[c] != NULL) {
			p = rdb_big_grow(rs->nulls[c], cap);
			if (p == NULL)
				return RDB_ENOMEM;
			rs->nulls[c] = p;
		}
		rs->bytes += (cap - rs->cap) * (w + 1);
	}
	rs->cap = cap;
	return 0;
}

int rs_append(struct rowstore *rs, const struct sql_chunk *c,
    const uint32_t *sel, size_t nsel)
{
	size_t n = sel ? nsel : c->n, col, i;

	if (n == 0)
		return 0;
	if (rs_reserve(rs, n) != 0)
		return RDB_ENOMEM;
	for (col = 0; col < rs->ncols; col++) {
		const struct sql_vec *v = &c->cols[col];
		int id = rs->types[col].id;
		size_t w = val_width(id);
		uint8_t *dst;

		if (rs_skipped(rs, col))
			continue;
		dst = (uint8_t *)rs->vals[col] + rs->n * w;
		if (v->t.id == T_NULL || id == T_NULL) {
			memset(dst, 0, n * w);
		} else if (sel == NULL) {
			memcpy(dst, v->v.p, n * w);
		} else if (w == 8) {
			int64_t *d = (int64_t *)dst;
			for (i = 0; i < n; i++)
				d[i] = v->v.i[sel[i]];
		} else {
			for (i = 0; i < n; i++)
				memcpy(dst + i * w, (const uint8_t *)v->v.p + sel[i] * w, w);
		}
		if (sql_is_strlike(id) && v->t.id != T_NULL) {
			struct sql_str *s = (struct sql_str *)dst;
			for (i = 0; i < n; i++) {
				size_t r = sel ? sel[i] : i;
				char *p;
				/* a NULL's value bytes are unspecified: never read */
				if (s[i].n == 0 || (v->null != NULL && v->null[r])) {
					s[i].p = "";
					s[i].n = 0;
					continue;
				}
				p = sql_arena_alloc(&rs->text, s[i].n);
				if (p == NULL)
					return RDB_ENOMEM;
				memcpy(p, s[i].p, s[i].n);
				s[i].p = p;
			}
		}
		if (v->null != NULL || v->t.id == T_NULL) {
			if (rs->nulls[col] == NULL) {
				rs->nulls[col] = rdb_big_alloc(rs->cap);
				if (rs->nulls[col] == NULL)
					return RDB_ENOMEM;
			}
			if (v->t.id == T_NULL)
				memset(rs->nulls[col] + rs->n, 1, n);
			else if (sel == NULL)
				memcpy(rs->nulls[col] + rs->n, v->null, n);
			else
				for (i = 0; i < n; i++)
					rs->nulls[col][rs->n + i] = v->null[sel[i]];
		} else if (rs->nulls[col] != NULL) {
			memset(rs->nulls[col] + rs->n, 0, n);
		}
	}
	rs->n += n;
	return 0;
}

int rs_add_row(struct rowstore *rs, const struct sql_val *v)
{
	size_t col;

	if (rs_reserve(rs, 1) != 0)
		return RDB_ENOMEM;
	for (col = 0; col < rs->ncols; col++) {
		int id = rs->types[col].id;
		size_t w = val_width(id);
		uint8_t *dst;
		const struct sql_val *u = &v[col];

		if (rs_skipped(rs, col))
			continue;
		dst = (uint8_t *)rs->vals[col] + rs->n * w;

		memset(dst, 0, w);
		if (u->null || u->t.id == T_NULL || id == T_NULL) {
			if (rs->nulls[col] == NULL &&
			    (rs->nulls[col] = rdb_big_alloc(rs->cap)) == NULL)
				return RDB_ENOMEM;
			rs->nulls[col][rs->n] = 1;
			if (sql_is_strlike(id))
				((struct sql_str *)dst)->p = "";
			continue;
		}
		if (rs->nulls[col] != NULL)
			rs->nulls[col][rs->n] = 0;
		if (sql_is_strlike(id)) {
			struct sql_str *s = (struct sql_str *)dst;
			s->p = "";
			s->n = u->u.s.n;
			if (s->n > 0) {
				char *p = sql_arena_alloc(&rs->text, s->n);
				if (p == NULL)
					return RDB_ENOMEM;
				memcpy(p, u->u.s.p, s->n);
				s->p = p;
			}
		} else if (id == T_DOUBLE) {
			memcpy(dst, &u->u.d, 8);
		} else if (id == T_DECIMAL) {
			memcpy(dst, &u->u.x, 16);
		} else if (id == T_INTERVAL) {
			memcpy(dst, &u->u.iv, sizeof(u->u.iv));
		} else {
			memcpy(dst, &u->u.i, 8);
		}
	}
	rs->n++;
	return 0;
}

void rs_get(const struct rowstore *rs, size_t col, size_t r,
    struct sql_val *v)
{
	struct sql_vec vec;

	vec.t = rs->types[col];
	vec.null = rs->nulls[col];
	vec.v.p = rs->vals[col];
	sql_vec_get(&vec, r, v);
}

int rs_gather(const struct rowstore *rs, size_t col, const uint32_t *idx,
    size_t n, struct sql_vec *out, struct sql_arena *a)
{
	int id = rs->types[col].id;
	size_t w = val_width(id), i;

	if (sql_vec_alloc(out, rs->types[col], n, a) != 0)
		return RDB_ENOMEM;
	if (id == T_NULL)
		return 0;
	if (rs_skipped(rs, col)) {
		/* values no one reads: NULLs (the values unspecified) */
		if ((out->null = sql_arena_alloc(a, n ? n : 1)) == NULL)
			return RDB_ENOMEM;
		memset(out->null, 1, n);
		return 0;
	}
	if (w == 8) {
		const int64_t *s = rs->vals[col];
		for (i = 0; i < n; i++)
			out->v.i[i] = s[idx[i]];
	} else {
		const uint8_t *s = rs->vals[col];
		for (i = 0; i < n; i++)
			memcpy((uint8_t *)out->v.p + i * w, s + (size_t)idx[i] * w, w);
	}
	if (rs->nulls[col] != NULL) {
		out->null = sql_arena_alloc(a, n ? n : 1);
		if (out->null == NULL)
			return RDB_ENOMEM;
		for (i = 0; i < n; i++)
			out->null[i] = rs->nulls[col][idx[i]];
	}
	return 0;
}

int rs_chunk(const struct rowstore *rs, const uint32_t *idx, size_t n,
    struct sql_chunk *ch, struct sql_arena *a)
{
	size_t c;

	memset(ch, 0, sizeof(*ch));
	ch->n = n;
	ch->ncols = rs->ncols;
	ch->cols = sql_arena_alloc(a, sizeof(*ch->cols) * (rs->ncols + 1));
	if (ch->cols == NULL)
		return RDB_ENOMEM;
	for (c = 0; c < rs->ncols; c++)
		if (rs_gather(rs, c, idx, n, &ch->cols[c], a) != 0)
			return RDB_ENOMEM;
	return 0;
}

/* A vector view of column col of the store (all rows). */
void rs_view(const struct rowstore *rs, size_t col, struct sql_vec *v)
{
	v->t = rs->types[col];
	v->bits = 0;
	v->null = rs->nulls[col];
	v->v.p = rs->vals[col];
}

/* ---- scan ---- */

struct scan_op {
	struct op o;
	char *table;
	size_t *cols;
	size_t ncols;
	struct rdb_pred *preds;
	size_t npreds;
	int with_rowid;
	struct rdb_scan *scan;
	const struct rdb_batch *b;
	struct rdb_txn *txn;            /* NULL: the statement's */
	size_t pos;                     /* next row of b */
	int done;
	/* a versions scan: its ranges, and the columns it adds */
	unsigned versions;
	uint64_t ins_min, ins_max, del_min, del_max;
	size_t nextra;
	struct rdb_index_probe *probe;  /* an INDEX SCAN's; one allocation */
	double keep;                    /* the share of rows the join key
	                                   sets let through, as estimated */
};

/* A slice's strings (struct rdb_str) are taken as sql_str. */
_Static_assert(sizeof(struct sql_str) == sizeof(struct rdb_str) &&
    offsetof(struct sql_str, p) == offsetof(struct rdb_str, p) &&
    offsetof(struct sql_str, n) == offsetof(struct rdb_str, n),
    "struct sql_str is not laid out as struct rdb_str");

static int scan_convert(struct exec *x, struct scan_op *s, size_t start,
    size_t n)
{
	struct op *o = &s->o;
	size_t c, i;

	for (c = 0; c < s->ncols + s->nextra; c++) {
		const struct rdb_vec *rv = &s->b->cols[c];
		struct sql_vec *v = &o->out.cols[c];
		const uint8_t *val = rv->values;

		if (sql_vec_alloc(v, o->types[c], n, &o->out.arena) != 0)
			return oom(x);
		switch (s->b->wide && rv->type != RDB_DECIMAL &&
		    rv->offsets == NULL ? RDB_BIGINT : rv->type) {
		case RDB_BOOLEAN:
			for (i = 0; i < n; i++)
				v->v.i[i] = val[start + i];
			break;
		case RDB_INTEGER: case RDB_DATE: {
			const int32_t *p = (const int32_t *)val + start;
			for (i = 0; i < n; i++)
				v->v.i[i] = p[i];
			break;
		}
		case RDB_BIGINT: case RDB_TIMESTAMP: case RDB_DOUBLE:
			/* same layout: use the batch's values where they are
			 * (they live until the next scan call, as our chunk) */
			v->v.p = (void *)(val + 8 * start);
			break;
		case RDB_DECIMAL:
			v->v.p = (void *)(val + 16 * start);
			v->bits = s->b->wide ? rv->bits : 0;
			break;
		default:
			if (s->b->wide) {	/* strings: ours as they are */
				v->v.s = (struct sql_str *)((const struct rdb_str *)
				    val + start);
				break;
			}
			for (i = 0; i < n; i++) {
				uint32_t a = rv->offsets[start + i];
				v->v.s[i].p = (const char *)val + a;
				v->v.s[i].n = rv->offsets[start + i + 1] - a;
			}
		}
		if (rv->validity != NULL) {
			int any = 0;
			v->null = sql_arena_alloc(&o->out.arena, n);
			if (v->null == NULL)
				return oom(x);
			for (i = 0; i < n; i++) {
				size_t r = start + i;
				v->null[i] = !(rv->validity[r >> 3] >> (r & 7) & 1);
				any |= v->null[i];
			}
			if (!any)
				v->null = NULL;
		}
	}
	if (s->with_rowid) {
		struct sql_vec *v = &o->out.cols[s->ncols + s->nextra];
		if (sql_vec_alloc(v, o->types[s->ncols + s->nextra], n,
		    &o->out.arena) != 0)
			return oom(x);
		for (i = 0; i < n; i++)
			v->v.i[i] = (int64_t)s->b->rowids[start + i];
	}
	o->out.n = n;
	return 1;
}

static int scan_next(struct exec *x, struct op *o)
{
	struct scan_op *s = (struct scan_op *)o;
	int rc;

	if (s->done)
		return 0;
	if (s->scan == NULL) {
		struct rdb_scan_options so;
		memset(&so, 0, sizeof(so));
		so.cols = s->cols;
		so.ncols = s->ncols;
		so.preds = s->preds;
		so.npreds = s->npreds;
		so.threads = x->threads;
		so.versions = s->versions;
		so.ins_min = s->ins_min;
		so.ins_max = s->ins_max;
		so.del_min = s->del_min;
		so.del_max = s->del_max;
		so.probe = s->probe;
		so.slice = SQL_CHUNK;   /* used when x->threads is 1 */
		rc = rdb_scan_open(s->txn ? s->txn : x->txn, s->table, &so, &s->scan);
		if (rc != RDB_OK) {
			if (s->txn != NULL)     /* an AS OF snapshot's handle */
				snprintf(x->cx.err.msg, sizeof(x->cx.err.msg), "%s",
				    rdb_txn_errmsg(s->txn));
			x->cx.err.code = rc;
			return rc;
		}
	}
	while (s->b == NULL || s->pos >= s->b->nrows) {
		rc = rdb_scan_next(s->scan, &s->b);
		if (rc < 0) {
			x->cx.err.code = rc;
			return rc;
		}
		if (rc == 0) {
			s->done = 1;
			return 0;
		}
		s->pos = 0;
		if (x->cx.interrupt != NULL && *x->cx.interrupt)
			return RDB_EINTR;
	}
	{
		size_t n = s->b->nrows - s->pos;
		if (n > SQL_CHUNK)
			n = SQL_CHUNK;
		rc = scan_convert(x, s, s->pos, n);
		s->pos += n;
		return rc;
	}
}

static void scan_close(struct op *o)
{
	struct scan_op *s = (struct scan_op *)o;

	rdb_scan_close(s->scan);
	free(s->table);
	free(s->cols);
	free(s->preds);
	free(s->probe);
}

static const struct op_vt scan_vt = { "SCAN", scan_next, scan_close, NULL };

struct op *op_scan(struct exec *x, const char *table, size_t ncols,
    const size_t *cols, const struct sql_type *types,
    const struct rdb_pred *preds, size_t npreds, int with_rowid)
{
	struct sql_type *t = calloc(ncols + 2, sizeof(*t));
	struct scan_op *s;

	if (t == NULL) {
		oom(x);
		return NULL;
	}
	if (ncols)
		memcpy(t, types, ncols * sizeof(*t));
	t[ncols].id = T_BIGINT;
	s = op_new(x, sizeof(*s), &scan_vt, ncols + (with_rowid ? 1 : 0), t);
	free(t);
	if (s == NULL)
		return NULL;
	s->table = strdup(table);
	s->cols = malloc((ncols + 1) * sizeof(*cols));
	s->preds = malloc((npreds + 1) * sizeof(*preds));
	if (s->table == NULL || s->cols == NULL || s->preds == NULL) {
		op_free(&s->o);
		oom(x);
		return NULL;
	}
	if (ncols)
		memcpy(s->cols, cols, ncols * sizeof(*cols));
	if (npreds)
		memcpy(s->preds, preds, npreds * sizeof(*preds));
	s->ncols = ncols;
	s->npreds = npreds;
	s->with_rowid = with_rowid;
	s->keep = 1;
	/* A scan of no columns still needs a row count: read the first
	 * column and project it away. */
	if (ncols == 0) {
		s->cols[0] = 0;
	}
	snprintf(s->o.detail, sizeof(s->o.detail), "%s", table);
	return &s->o;
}

void op_scan_index(struct op *o, struct rdb_index_probe *probe,
    const char *index)
{
	struct scan_op *s = (struct scan_op *)o;
	size_t len = strlen(o->detail);

	free(s->probe);
	s->probe = probe;
	snprintf(o->detail + len, sizeof(o->detail) - len, " USING %s", index);
}

void op_scan_txn(struct op *o, struct rdb_txn *txn, const char *label)
{
	struct scan_op *s = (struct scan_op *)o;

	s->txn = txn;
	snprintf(s->o.detail, sizeof(s->o.detail), "%s", label);
}

struct op *op_scan_versions(struct exec *x, const char *table, size_t ncols,
    const size_t *cols, const struct sql_type *types,
    const struct rdb_pred *preds, size_t npreds, unsigned versions,
    const uint64_t range[4])
{
	size_t *c = calloc(ncols + RDB_VERSIONS_EXTRA + 1, sizeof(*c));
	struct scan_op *s;
	struct op *o;

	if (c == NULL) {
		oom(x);
		return NULL;
	}
	if (ncols)
		memcpy(c, cols, ncols * sizeof(*c));
	o = op_scan(x, table, ncols + RDB_VERSIONS_EXTRA, c, types, preds,
	    npreds, 0);
	free(c);
	if (o == NULL)
		return NULL;
	s = (struct scan_op *)o;
	s->ncols = ncols;
	s->nextra = RDB_VERSIONS_EXTRA;
	s->versions = versions;
	s->ins_min = range[0];
	s->ins_max = range[1];
	s->del_min = range[2];
	s->del_max = range[3];
	return o;
}

uint64_t op_scan_skipped(const struct op *o)
{
	const struct scan_op *s = (const struct scan_op *)o;

	return o->vt == &scan_vt && s->scan != NULL ? rdb_scan_skipped(s->scan) :
	    0;
}

/* ---- values ---- */

struct values_op {
	struct op o;
	size_t nrows, pos;
	struct sql_expr ***rows;
};

static int values_next(struct exec *x, struct op *o)
{
	struct values_op *v = (struct values_op *)o;
	size_t n = v->nrows - v->pos, c, i;

	if (n == 0)
		return 0;
	if (n > SQL_CHUNK)
		n = SQL_CHUNK;
	for (c = 0; c < o->ncols; c++) {
		if (sql_vec_alloc(&o->out.cols[c], o->types[c], n,
		    &o->out.arena) != 0)
			return oom(x);
	}
	for (i = 0; i < n; i++) {
		struct sql_expr **row = v->rows[v->pos + i];
		for (c = 0; c < o->ncols; c++) {
			struct sql_val val;
			int rc = sql_eval_const(x, row[c], &val, &o->out.arena);
			if (rc != 0)
				return rc;
			val.t = o->types[c];
			if (sql_vec_set(&o->out.cols[c], i, &val, &o->out.arena) != 0)
				return oom(x);
		}
	}
	v->pos += n;
	o->out.n = n;
	return 1;
}

static const struct op_vt values_vt = { "VALUES", values_next, NULL, NULL };

struct op *op_values(struct exec *x, size_t ncols,
    const struct sql_type *types, size_t nrows, struct sql_expr ***rows)
{
	struct values_op *v = op_new(x, sizeof(*v), &values_vt, ncols, types);

	if (v == NULL)
		return NULL;
	v->nrows = nrows;
	v->rows = rows;
	snprintf(v->o.detail, sizeof(v->o.detail), "%zu rows", nrows);
	return &v->o;
}

/* ---- filter ---- */

struct filter_op {
	struct op o;
	struct sql_expr *pred;
	struct sql_expr *conj[16];      /* pred's conjuncts, applied in turn */
	int nconj;
	struct sql_arena scratch;
	uint32_t sel[SQL_CHUNK];
	uint32_t kept[SQL_CHUNK];       /* input rows every conjunct so far
	                                   kept */
	uint8_t *reads;                 /* per conjunct, per column: read */
	/* per conjunct: the predicate of the scan below that is the same
	 * test, or -1 (op_filter_zone) */
	int zpred[16];
};

/* Split e's ANDs into v (at most max); the rest stays as one node. */
static int split_conj(struct sql_expr *e, struct sql_expr **v, int n, int max)
{
	if (e->k == E_OP && e->op == OP_AND && n + 2 <= max) {
		n = split_conj(e->args[0], v, n, max - 1);
		return split_conj(e->args[1], v, n, max);
	}
	v[n] = e;
	return n + 1;
}

/* Keep rows sel[0..nsel) of src in dst (arrays from a). */
/* Rows sel[0..nsel) of sv into dv (arrays from a). */
static int gather_col(const struct sql_vec *sv, const uint32_t *sel,
    size_t nsel, struct sql_vec *dv, struct sql_arena *a)
{
	size_t i;

	if (sql_vec_alloc(dv, sv->t, nsel, a) != 0)
		return -1;
	if (sv->t.id == T_NULL)
		return 0;
	dv->bits = sv->bits;    /* a subset of sv's values */
	switch (val_width(sv->t.id)) {
	case 8:
		for (i = 0; i < nsel; i++)
			dv->v.i[i] = sv->v.i[sel[i]];
		break;
	case 16:
		for (i = 0; i < nsel; i++)
			dv->v.x[i] = sv->v.x[sel[i]];
		break;
	default: {
		size_t w = val_width(sv->t.id);
		for (i = 0; i < nsel; i++)
			memcpy((uint8_t *)dv->v.p + i * w,
			    (const uint8_t *)sv->v.p + sel[i] * w, w);
	}
	}
	if (sv->null != NULL) {
		dv->null = sql_arena_alloc(a, nsel ? nsel : 1);
		if (dv->null == NULL)
			return -1;
		for (i = 0; i < nsel; i++)
			dv->null[i] = sv->null[sel[i]];
	}
	return 0;
}

int sql_expr_cols(const struct sql_expr *e, uint8_t *use, size_t ncols)
{
	int i;

	if (e == NULL)
		return 0;
	switch (e->k) {
	case E_CONST: case E_PARAM:
		return 0;
	case E_COL:
		if (e->col < 0 || (size_t)e->col >= ncols)
			return -1;
		use[e->col] = 1;
		return 0;
	case E_OP: case E_FUNC: case E_CASE: case E_CAST:
		for (i = 0; i < e->nargs; i++)
			if (sql_expr_cols(e->args[i], use, ncols) != 0)
				return -1;
		return e->filter != NULL || e->order != NULL ? -1 : 0;
	default:
		return -1;
	}
}

/* Conjuncts one after the other, each on the rows the ones before kept:
 * a selective first test spares the work of the others. The kept rows
 * are a selection of the input chunk, composed conjunct by conjunct;
 * a conjunct sees only the columns it reads gathered, and the output
 * gathers every column once, at the end. */
static int filter_next(struct exec *x, struct op *o)
{
	struct filter_op *f = (struct filter_op *)o;
	struct op *k = o->kid[0];
	size_t c, i;
	int rc, j;

	for (;;) {
		const struct sql_chunk *in;
		struct sql_chunk view;
		size_t nsel = 0, nkept;
		int all = 1;            /* every input row kept so far */
		uint32_t hold;
		if ((rc = op_next(x, k)) <= 0)
			return rc;
		sql_arena_reset(&f->scratch);
		in = &k->out;
		nkept = in->n;
		hold = k->vt == &scan_vt && ((struct scan_op *)k)->b != NULL ?
		    ((struct scan_op *)k)->b->preds_hold : 0;
		for (j = 0; j < f->nconj && nkept > 0; j++) {
			const struct sql_chunk *cur = in;
			/* the zone maps say every row passes */
			if (f->zpred[j] >= 0 && (hold >> f->zpred[j] & 1))
				continue;
			if (!all) {
				/* the columns conjunct j reads, gathered */
				view.n = nkept;
				view.ncols = o->ncols;
				view.cols = sql_arena_alloc(&f->scratch,
				    sizeof(*view.cols) * (o->ncols + 1));
				if (view.cols == NULL)
					return oom(x);
				memset(&view.arena, 0, sizeof(view.arena));
				for (c = 0; c < o->ncols; c++) {
					if (!f->reads[j * o->ncols + c]) {
						view.cols[c] = in->cols[c];
						continue;
					}
					if (gather_col(&in->cols[c], f->kept, nkept,
					    &view.cols[c], &f->scratch) != 0)
						return oom(x);
				}
				cur = &view;
			}
			rc = sql_eval_filter(x, f->conj[j], cur, f->sel, &nsel,
			    &f->scratch);
			if (rc != 0)
				return rc;
			if (nsel == nkept)
				continue;
			if (all)
				memcpy(f->kept, f->sel, nsel * sizeof(*f->sel));
			else
				for (i = 0; i < nsel; i++)
					f->kept[i] = f->kept[f->sel[i]];
			all = 0;
			nkept = nsel;
		}
		if (nkept == 0)
			continue;
		/* most rows kept: the parent takes the chunk as it is and
		 * the rows as a selection, no column copied */
		if (o->sel_ok && !all && nkept >= in->n - in->n / 8) {
			for (c = 0; c < o->ncols; c++)
				o->out.cols[c] = in->cols[c];
			o->out.n = in->n;
			o->osel = f->kept;
			o->onsel = nkept;
			return 1;
		}
		for (c = 0; c < o->ncols; c++) {
			if (all)
				o->out.cols[c] = in->cols[c];
			else if (gather_col(&in->cols[c], f->kept, nkept,
			    &o->out.cols[c], &o->out.arena) != 0)
				return oom(x);
		}
		o->out.n = nkept;
		return 1;
	}
}

static void filter_close(struct op *o)
{
	sql_arena_release(&((struct filter_op *)o)->scratch);
	free(((struct filter_op *)o)->reads);
}

static int filter_prune(struct op *o, const uint8_t *need, uint8_t **kneed)
{
	size_t c;

	for (c = 0; c < o->ncols; c++)
		kneed[0][c] = need == NULL || need[c];
	return sql_expr_cols(((struct filter_op *)o)->pred, kneed[0], o->ncols);
}

static const struct op_vt filter_vt = { "FILTER", filter_next, filter_close,
	filter_prune };

struct op *op_filter(struct exec *x, struct op *kid, struct sql_expr *pred)
{
	struct filter_op *f = op_new(x, sizeof(*f), &filter_vt, kid->ncols,
	    kid->types);
	int j;

	if (f == NULL) {
		op_free(kid);
		return NULL;
	}
	f->o.kid[0] = kid;
	f->pred = pred;
	f->nconj = split_conj(pred, f->conj, 0, 16);
	sql_arena_init(&f->scratch);
	f->reads = calloc((size_t)f->nconj * kid->ncols + 1, 1);
	if (f->reads == NULL) {
		op_free(&f->o);
		oom(x);
		return NULL;
	}
	for (j = 0; j < f->nconj; j++) {
		f->zpred[j] = -1;
		if (sql_expr_cols(f->conj[j], f->reads + (size_t)j * kid->ncols,
		    kid->ncols) != 0)
			memset(f->reads + (size_t)j * kid->ncols, 1, kid->ncols);
	}
	return &f->o;
}

void op_filter_zone(struct op *o, const int *zpred, int n)
{
	struct filter_op *f = (struct filter_op *)o;
	int j;

	if (o->vt != &filter_vt || n != f->nconj || o->kid[0]->vt != &scan_vt)
		return;
	for (j = 0; j < n; j++)
		f->zpred[j] = zpred[j] < 32 ? zpred[j] : -1;
}

/* ---- project ---- */

struct project_op {
	struct op o;
	struct sql_expr **exprs;
	struct sql_exprs cse;           /* exprs, common parts shared */
};

/* Evaluate the list over in into out's columns. */
static int project_eval(struct exec *x, struct project_op *p,
    const struct sql_chunk *in)
{
	struct op *o = &p->o;
	struct sql_chunk view;
	size_t c;
	int rc;

	if ((rc = sql_exprs_begin(x, &p->cse, in, &view, &o->out.arena)) != 0)
		return rc;
	for (c = 0; c < o->ncols; c++) {
		rc = sql_eval(x, p->cse.roots[c], &view, &o->out.cols[c],
		    &o->out.arena);
		if (rc != 0)
			return rc;
		o->out.cols[c].t = o->types[c];
	}
	o->out.n = in->n;
	return 0;
}

static int project_next(struct exec *x, struct op *o)
{
	struct project_op *p = (struct project_op *)o;
	struct op *k = o->kid[0];
	struct sql_chunk dense;
	int rc;

	if ((rc = op_next(x, k)) <= 0)
		return rc;
	if (k->osel == NULL)
		return (rc = project_eval(x, p, &k->out)) == 0 ? 1 : rc;
	/* rows as a selection (op_take_sel): over the whole chunk, the
	 * selection passed on; what fails there runs again on the
	 * selected rows alone */
	if (project_eval(x, p, &k->out) == 0) {
		o->osel = k->osel;
		o->onsel = k->onsel;
		return 1;
	}
	rdb_err_clear(&x->cx.err);
	op_drop_sel(k);         /* it will fail again: no more selections */
	sql_arena_reset(&o->out.arena);
	memset(&dense, 0, sizeof(dense));
	if (sql_chunk_gather(&k->out, k->osel, k->onsel, &dense,
	    &o->out.arena) != 0)
		return oom(x);
	return (rc = project_eval(x, p, &dense)) == 0 ? 1 : rc;
}

static void project_close(struct op *o)
{
	sql_exprs_release(&((struct project_op *)o)->cse);
}

static int project_prune(struct op *o, const uint8_t *need,
    uint8_t **kneed)
{
	const struct project_op *p = (const struct project_op *)o;
	size_t c;

	for (c = 0; c < o->ncols; c++)
		if ((need == NULL || need[c]) && sql_expr_cols(p->exprs[c],
		    kneed[0], o->kid[0]->ncols) != 0)
			return -1;
	return 0;
}

static const struct op_vt project_vt = { "PROJECT", project_next,
	project_close, project_prune };

/* May a projection evaluate exprs over rows that are not its own? */
static int sel_safe(struct sql_expr *const *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sql_expr_has_sub(e[i]) || sql_expr_volatile(e[i]))
			return 0;
	return 1;
}

void op_drop_sel(struct op *o)
{
	o->sel_ok = 0;
	if (o->vt == &project_vt)
		op_drop_sel(o->kid[0]);
}

void op_take_sel(struct op *o)
{
	if (o->vt == &filter_vt) {
		o->sel_ok = 1;
	} else if (o->vt == &project_vt &&
	    sel_safe(((struct project_op *)o)->exprs, o->ncols)) {
		o->sel_ok = 1;
		op_take_sel(o->kid[0]);
	}
}

struct op *op_project(struct exec *x, struct op *kid, size_t n,
    struct sql_expr **exprs)
{
	struct sql_type *t = calloc(n + 1, sizeof(*t));
	struct project_op *p;
	size_t i;

	if (t == NULL) {
		op_free(kid);
		oom(x);
		return NULL;
	}
	for (i = 0; i < n; i++)
		t[i] = exprs[i]->t;
	p = op_new(x, sizeof(*p), &project_vt, n, t);
	free(t);
	if (p == NULL) {
		op_free(kid);
		return NULL;
	}
	p->o.kid[0] = kid;
	p->exprs = exprs;
	if (sql_exprs_init(x, &p->cse, kid->ncols, n, exprs) != 0) {
		op_free(&p->o);
		return NULL;
	}
	if (p->cse.nshared > 0)
		snprintf(p->o.detail, sizeof(p->o.detail), "%zu common "
		    "subexpression%s", p->cse.nshared,
		    p->cse.nshared == 1 ? "" : "s");
	return &p->o;
}

/* ---- hash table over a row store ---- */

/*
 * A join's table is open addressing with linear probing. A bucket
 * stands for one key of the build side and heads the chain of the
 * build rows that have it, linked through next[] newest first; a flag
 * in the bucket says whether the chain has more than one row. When the
 * join has one integer key, the bucket holds the key itself: a probe
 * reads one bucket, one cache miss, and has its build rows without
 * comparing any of them, and a unique build side (a primary key) never
 * reads next[]. Keys that all fit in 32 bits (those of TPC-H and most
 * others) take buckets of 8 bytes, eight to a cache line, so that the
 * table stays near the size of the chained one it replaced (22-40
 * bytes a build row with next[] and the filter, against 20-28); wider
 * keys take 16. Other keys keep their hash in the bucket (its high 32
 * bits in a narrow one), and a probe compares each row of the chain it
 * finds. A filter of a bit per hash value answers most probes of keys
 * the table lacks from a smaller array.
 */
struct ht_slot {                        /* narrow */
	uint32_t key;                   /* the key, or the hash's bits 32 on */
	uint32_t ref;                   /* first row + 1, | HT_MORE; 0 empty */
};

struct ht_wslot {                       /* wide */
	int64_t key;                    /* the key, or the hash */
	uint32_t first;                 /* first row + 1; 0 empty */
	uint32_t more;                  /* the chain has more rows */
};

/* ref's flag: the chain has more rows. A narrow table is for fewer
 * build rows than that; a wide one for any number. */
#define HT_MORE ((uint32_t)1 << 31)

/* The most bytes of buckets a table is made sparser into (they stay
 * in the cache); a table bigger than a quarter of that is read ahead. */
#define HT_SPARSE ((size_t)1 << 20)

struct htab {
	struct ht_slot *s;              /* narrow buckets, or NULL */
	struct ht_wslot *w;             /* wide buckets, or NULL */
	uint32_t *next;                 /* row -> next row + 1 of its key */
	size_t mask;
	int intkey;                     /* buckets hold the integer key */
	int64_t *pair;                  /* or two keys packed into one
	                                   (pair_key), for each build row */
	int64_t pa, pb;                 /* the least of each build key */
	uint64_t pna, pnb;              /* their spans; 0: 32 bits each */
	int ahead;                      /* too big to stay in the cache: a
	                                   probe reads its buckets ahead */
	uint64_t *filter;               /* a bit per hash (bits 32 on), or
	                                   NULL */
	size_t fmask;                   /* its bits - 1 */
};

/* The filter bit of hash hv: the table may hold the key if it is set. */
static inline size_t ht_fbit(uint64_t hv, size_t fmask)
{
	return (size_t)(hv >> 32) & fmask;
}

/* Add row to the chain of key, whose hash is hv, in a narrow table
 * (key a 32-bit key or the hash's bits 32 on) or a wide one; rows come
 * in increasing order. */
static inline void ht_insert(struct htab *t, uint64_t hv, int64_t key,
    uint32_t row)
{
	size_t s = hv & t->mask, bit = ht_fbit(hv, t->fmask);

	t->filter[bit >> 6] |= (uint64_t)1 << (bit & 63);
	for (;; s = (s + 1) & t->mask) {
		if (t->s != NULL) {
			struct ht_slot *b = &t->s[s];
			if (b->ref == 0) {
				b->key = (uint32_t)key;
				b->ref = row + 1;
				return;
			}
			if (b->key != (uint32_t)key)
				continue;
			t->next[row] = b->ref & ~HT_MORE;
			b->ref = (row + 1) | HT_MORE;
		} else {
			struct ht_wslot *b = &t->w[s];
			if (b->first == 0) {
				b->key = key;
				b->first = row + 1;
				return;
			}
			if (b->key != key)
				continue;
			t->next[row] = b->first;
			b->first = row + 1;
			b->more = 1;
		}
		return;
	}
}

static void ht_release(struct htab *h)
{
	rdb_big_free(h->pair);
	rdb_big_free(h->s);
	rdb_big_free(h->w);
	rdb_big_free(h->next);
	rdb_big_free(h->filter);
	memset(h, 0, sizeof(*h));
}

/* ---- hash join ---- */

/* How many rows ahead a table's buckets (and filter words) are read
 * into the cache (a memory access outlasts dozens of rows of the
 * bucket loop). */
#define HEAD_AHEAD 64

/* Keys of a join that may each filter its probe side's scan. */
#define HJ_RT_KEYS 4

struct hj_op {
	struct op o;
	int kind;
	size_t nkeys;
	struct sql_expr **lkeys, **rkeys;
	struct sql_expr *residual;
	int build_right;
	int built;
	int borrowed;                   /* rs and ht belong to another op */
	struct rowstore rs;             /* build rows, then their keys */
	size_t bcols;                   /* columns of the build side */
	size_t *kcol;                   /* per key: its column in rs, a
	                                   build column when the key is one */
	struct htab ht;
	uint8_t *matched;               /* build rows matched (outer build) */
	int build_null;                 /* a build row has a NULL key */
	/* probe state */
	struct sql_arena scratch;
	int have;                       /* a probe chunk is being joined */
	int phase;                      /* 0 pairs, 1 unmatched probe rows */
	size_t prow;                    /* next probe row */
	uint32_t pchain;                /* next build row in the chain + 1 */
	size_t upos;
	struct sql_vec *pkeys;
	int64_t *ppair;                 /* probe rows' packed pair keys (ht.pair) */
	uint64_t *phash;
	uint32_t *pfirst;               /* probe rows: their chain's first
	                                   build row + 1, 0 none */
	uint8_t *pmore;                 /* probe rows: that chain has more
	                                   than one row */
	int pexact;                     /* every row of those chains matches */
	int pints;                      /* every key an integer on both sides */
	int nofilter;                   /* most rows found a chain: the
	                                   table's filter is not read */
	uint8_t *pmatch;                /* probe rows: 1 matched, 2 NULL key */
	int probe_done;
	size_t unmatched_pos;           /* emitting unmatched build rows */
	uint32_t *obuild, *oprobe;      /* pairs of the output chunk */
	uint64_t *rtset[HJ_RT_KEYS];    /* the build keys, for the probe
	                                   side's scan (hj_scan_filter) */
	uint64_t *tset[HJ_RT_KEYS];     /* another join's, for the build
	                                   side's scan (hj_pass_filter) */
	/* an outer build side probed in parallel: the parts share matched
	 * (set with atomic stores), and the original emits the build rows
	 * once every other part has finished probing */
	struct hj_share *share;
	int share_told;                 /* a part: it said it finished */
	struct hj_op *src;              /* the join whose table this one
	                                   uses (op_share_builds), or NULL */
	int lent;                       /* another join uses this one's */
	/* what the operators above read (op_prune), or NULL for all: the
	 * output columns to emit, and the build columns to keep */
	const uint8_t *need, *bkeep;
};

struct hj_share {
	unsigned nparts;
	unsigned done;                  /* parts other than 0 finished */
};

/* Read build side b into rs: its columns, then the keys evaluated. */
static int hj_fill(struct exec *x, struct op *b, struct sql_expr **keys,
    size_t nkeys, struct rowstore *rs, struct sql_arena *scratch)
{
	size_t c;
	int rc;

	while ((rc = op_next(x, b)) > 0) {
		struct sql_chunk tmp;
		sql_arena_reset(scratch);
		tmp.n = b->out.n;
		tmp.ncols = b->ncols + nkeys;
		tmp.cols = sql_arena_alloc(scratch, sizeof(*tmp.cols) *
		    (tmp.ncols + 1));
		if (tmp.cols == NULL)
			return oom(x);
		memcpy(tmp.cols, b->out.cols, b->ncols * sizeof(*tmp.cols));
		for (c = 0; c < nkeys; c++) {
			rc = sql_eval(x, keys[c], &b->out, &tmp.cols[b->ncols + c],
			    scratch);
			if (rc != 0)
				return rc;
		}
		if (rs_append(rs, &tmp, NULL, 0) != 0)
			return oom(x);
		if (rs->n >= UINT32_MAX - SQL_CHUNK)
			return sql_error(&x->cx, "join build side too large");
		if (x->memory_limit && rs->bytes + rs->text.used >
		    x->memory_limit)
			return sql_error(&x->cx, "hash join exceeds the memory "
			    "limit (%llu MB); raise --memory-limit",
			    (unsigned long long)(x->memory_shown >> 20));
		if (x->abort != NULL && *x->abort)
			return RDB_EINTR;
	}
	return rc < 0 ? rc : 0;
}

/*
 * Room in rs for the est rows the planner expects of a build side, so
 * that its columns do not grow by doubling (a copy or a move each time,
 * and fresh pages while they are small). Big columns are mapped
 * (rdb_big_alloc): what an estimate overshoots is never touched and
 * costs no memory. The room stays within half the memory limit, whose
 * check counts it; a failure here is left for the growth to report.
 */
static void hj_presize(const struct exec *x, struct rowstore *rs, double est)
{
	double row = 0;
	size_t c;

	if (!(est >= SQL_CHUNK))
		return;
	for (c = 0; c < rs->ncols; c++)
		row += (double)val_width(rs->types[c].id) + 1;
	if (x->memory_limit && est * row > (double)(x->memory_limit / 2))
		est = (double)(x->memory_limit / 2) / row;
	if (est > (double)((size_t)1 << 26))     /* 64M rows: the
						   estimate may be wild */
		est = (double)((size_t)1 << 26);
	if (est > rs->n + SQL_CHUNK)
		(void)rs_reserve(rs, (size_t)est - rs->n);
}

/* A worker reading one part of a build side. */
struct hj_worker {
	pthread_t t;
	struct exec x;
	struct op *b;
	struct sql_expr **keys;
	size_t nkeys;
	struct rowstore rs;
	struct sql_arena scratch;
	int rc;
};

static void *hj_worker_run(void *arg)
{
	struct hj_worker *w = arg;

	w->rc = hj_fill(&w->x, w->b, w->keys, w->nkeys, &w->rs, &w->scratch);
	if (w->rc != 0 && w->x.abort != NULL)
		*w->x.abort = 1;
	rdb_seg_scratch_release();
	return NULL;
}

/* Append all rows of src to dst (same columns), a column at a time;
 * the text they point to moves with src's arena, src is left empty of
 * text. (Through rs_gather and rs_append a chunk at a time it took 4.3
 * ms for the 195,000 rows of a worker's part of TPC-H Q8's orders.) */
static int rs_move(struct rowstore *dst, struct rowstore *src)
{
	size_t c, n = src->n;

	if (n == 0)
		return 0;
	if (rs_reserve(dst, n) != 0)
		return RDB_ENOMEM;
	for (c = 0; c < dst->ncols; c++) {
		size_t w = val_width(dst->types[c].id);
		if (rs_skipped(dst, c))
			continue;
		memcpy((uint8_t *)dst->vals[c] + dst->n * w, src->vals[c], n * w);
		if (src->nulls[c] != NULL) {
			if (dst->nulls[c] == NULL &&
			    (dst->nulls[c] = rdb_big_alloc(dst->cap)) == NULL)
				return RDB_ENOMEM;
			memcpy(dst->nulls[c] + dst->n, src->nulls[c], n);
		} else if (dst->nulls[c] != NULL) {
			memset(dst->nulls[c] + dst->n, 0, n);
		}
	}
	sql_arena_adopt(&dst->text, &src->text);
	dst->n += n;
	return 0;
}

/*
 * A large build side whose pipeline can be split (scans, filters,
 * projections) is read by one thread per CPU, each into its own row
 * store, then put together: the scan and filter of the build (TPC-H
 * Q12's lineitem) no longer run on one core. 0 when done, 1 when the
 * caller must read it alone, or an error.
 */
static int hj_build_parallel(struct exec *x, struct hj_op *h, struct op *b,
    struct sql_expr **keys, size_t nkeys)
{
	struct hj_worker *w;
	volatile int abort_flag = 0;
	long n = x->threads > 0 ? x->threads : sysconf(_SC_NPROCESSORS_ONLN);
	int i, started = 0, rc = 0;
	double share;

	if (n > 8)
		n = 8;
	if (n <= 1 || x->threads == 1 || !op_clonable(b))
		return 1;
	if ((rc = op_prebuild(x, b)) != 0)
		return rc;
	if (op_scan_bytes(b) < SQL_PAR_BYTES)
		return 1;
	for (i = 0; i < (int)nkeys; i++)
		if (sql_expr_has_sub(keys[i]))
			return 1;
	if ((w = calloc((size_t)n, sizeof(*w))) == NULL)
		return oom(x);
	share = b->est / (double)n;
	for (i = 1; i < n; i++) {
		sql_arena_init(&w[i].scratch);
		if (rs_init(&w[i].rs, h->rs.ncols, h->rs.types) != 0 ||
		    (h->rs.skip != NULL && rs_skip(&w[i].rs, h->rs.skip) != 0)) {
			rc = oom(x);
			goto out;
		}
		if ((w[i].b = op_clone(x, b, (unsigned)i, (unsigned)n)) == NULL) {
			rc = x->cx.err.code ? x->cx.err.code : RDB_ENOMEM;
			goto out;
		}
		w[i].keys = keys;
		w[i].nkeys = nkeys;
		w[i].x = *x;
		rdb_err_clear(&w[i].x.cx.err);
		w[i].x.memory_limit = x->memory_limit / (uint64_t)n;
		w[i].x.abort = &abort_flag;
		hj_presize(&w[i].x, &w[i].rs, share);
	}
	if (op_clone(x, b, 0, (unsigned)n) == NULL) {
		rc = x->cx.err.code ? x->cx.err.code : RDB_ENOMEM;
		goto out;
	}
	for (i = 1; i < n; i++) {
		if (pthread_create(&w[i].t, NULL, hj_worker_run, &w[i]) != 0) {
			rc = sql_error(&x->cx, "cannot start a thread");
			abort_flag = 1;
			break;
		}
		started = i;
	}
	if (rc == 0) {
		struct exec mine = *x;
		mine.abort = &abort_flag;
		mine.memory_limit = x->memory_limit / (uint64_t)n;
		hj_presize(&mine, &h->rs, share);
		rc = hj_fill(&mine, b, keys, nkeys, &h->rs, &h->scratch);
		if (rc != 0) {
			abort_flag = 1;
			x->cx.err = mine.cx.err;
		}
	}
	for (i = 1; i <= started; i++)
		pthread_join(w[i].t, NULL);
	for (i = 1; i <= started; i++)
		if (w[i].rc != 0 && (rc == 0 || rc == RDB_EINTR)) {
			rc = w[i].rc;
			x->cx.err = w[i].x.cx.err;
		}
	if (rc == 0) {
		size_t total = 0;
		for (i = 1; i < n; i++)
			total += w[i].rs.n;
		if (rs_reserve(&h->rs, total) != 0)
			rc = oom(x);
	}
	for (i = 1; i < n && rc == 0; i++) {
		if (rs_move(&h->rs, &w[i].rs) != 0)
			rc = oom(x);
		else if (h->rs.n >= UINT32_MAX - SQL_CHUNK)
			rc = sql_error(&x->cx, "join build side too large");
	}
out:
	for (i = 1; i < n; i++) {
		op_free(w[i].b);
		rs_release(&w[i].rs);
		sql_arena_release(&w[i].scratch);
	}
	free(w);
	return rc;
}

/*
 * The table over the keys of the build rows in h->rs. Its buckets
 * number a power of two, at least twice the rows; a small build side
 * gets up to 8 times, within HT_SPARSE bytes, so that a probe seldom
 * finds another key in its bucket and goes on to the next, a branch
 * the CPU cannot predict (SF 1 lineitem joined to its 10,000
 * suppliers, scans included: 70 ms with 2 times, 60 with 8). The
 * filter has 16 bits a row or more: a key not in the table passes
 * with a chance of 3%, so that a probe that mostly misses mostly reads
 * a bit and stops (SF 1 lineitem joined to 36,000 parts of 200,000,
 * scans included: 100 ms without it, 75 with). Each bucket is written
 * HEAD_AHEAD rows after its prefetch.
 */
/* Two integer keys as one: their offsets from the build keys' least
 * values, a * span of b + b, when the spans' product is under 2^31 (the
 * table's buckets then hold 32-bit keys), else each of 32 bits side by
 * side. 0 when a key is outside what the build side holds (so matches
 * nothing), else 1 with *k set. */
static inline int pair_key(const struct htab *t, int64_t a, int64_t b,
    int64_t *k)
{
	if (t->pna != 0) {
		uint64_t ua = (uint64_t)a - (uint64_t)t->pa;
		uint64_t ub = (uint64_t)b - (uint64_t)t->pb;
		if (ua >= t->pna || ub >= t->pnb)
			return 0;
		*k = (int64_t)(ua * t->pnb + ub);
		return 1;
	}
	if (a < INT32_MIN || a > INT32_MAX || b < INT32_MIN || b > INT32_MAX)
		return 0;
	*k = (int64_t)((uint64_t)(uint32_t)a << 32 | (uint32_t)b);
	return 1;
}

/* Two integer keys whose build values all fit 32 bits are looked up as
 * one integer (TPC-H Q9's partsupp on ps_partkey, ps_suppkey): buckets
 * hold the packed key, chains hold only matches, and no probe reads
 * the build rows' keys to compare them. The packed keys into t->pair,
 * a NULL in either key making the row's pair NULL (pnull); 0 when the
 * keys are not such a pair. */
static int ht_pair(struct hj_op *h, uint8_t **pnull)
{
	struct htab *t = &h->ht;
	const int64_t *a, *b;
	const uint8_t *na, *nbl;
	int64_t alo = INT64_MAX, ahi = INT64_MIN, blo = INT64_MAX,
	    bhi = INT64_MIN;
	size_t i, n = h->rs.n;

	*pnull = NULL;
	if (h->nkeys != 2 || !sql_is_intlike(h->rs.types[h->kcol[0]].id) ||
	    !sql_is_intlike(h->rs.types[h->kcol[1]].id))
		return 0;
	a = h->rs.vals[h->kcol[0]];
	b = h->rs.vals[h->kcol[1]];
	na = h->rs.nulls[h->kcol[0]];
	nbl = h->rs.nulls[h->kcol[1]];
	for (i = 0; i < n; i++)
		if ((na == NULL || !na[i]) && (nbl == NULL || !nbl[i])) {
			alo = a[i] < alo ? a[i] : alo;
			ahi = a[i] > ahi ? a[i] : ahi;
			blo = b[i] < blo ? b[i] : blo;
			bhi = b[i] > bhi ? b[i] : bhi;
		}
	t->pna = 0;
	if (alo > ahi) {
		/* every row has a NULL key: any packing does */
	} else if ((uint64_t)ahi - (uint64_t)alo < ((uint64_t)1 << 31) &&
	    (uint64_t)bhi - (uint64_t)blo < ((uint64_t)1 << 31) &&
	    ((uint64_t)ahi - (uint64_t)alo + 1) *
	    ((uint64_t)bhi - (uint64_t)blo + 1) <= ((uint64_t)1 << 31)) {
		t->pa = alo;
		t->pb = blo;
		t->pna = (uint64_t)ahi - (uint64_t)alo + 1;
		t->pnb = (uint64_t)bhi - (uint64_t)blo + 1;
	} else if (alo < INT32_MIN || ahi > INT32_MAX || blo < INT32_MIN ||
	    bhi > INT32_MAX) {
		return 0;
	}
	if ((t->pair = rdb_big_alloc((n + 1) * sizeof(*t->pair))) == NULL)
		return -1;
	if ((na != NULL || nbl != NULL) &&
	    (*pnull = rdb_big_alloc(n + 1)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((na != NULL && na[i]) || (nbl != NULL && nbl[i]))
			(*pnull)[i] = 1;
		else
			(void)pair_key(t, a[i], b[i], &t->pair[i]);
	}
	return 1;
}

static int ht_build(struct exec *x, struct hj_op *h)
{
	struct htab *t = &h->ht;
	size_t nb = h->rs.n, cap = 16, bits = 512, slot, i, c;
	int narrow = nb < HT_MORE - 1, rc;
	uint64_t *hash;
	uint8_t *pnull = NULL;

	t->intkey = h->nkeys == 1 && sql_is_intlike(h->rs.types[h->kcol[0]].id);
	if (!t->intkey && (rc = ht_pair(h, &pnull)) != 0) {
		if (rc < 0) {
			rdb_big_free(pnull);
			return oom(x);
		}
		t->intkey = 1;
	}
	if (t->intkey && narrow) {
		const int64_t *k = t->pair ? t->pair : h->rs.vals[h->kcol[0]];
		const uint8_t *nl = t->pair ? pnull : h->rs.nulls[h->kcol[0]];
		int64_t lo = 0, hi = 0;
		for (i = 0; i < nb; i++)
			if (nl == NULL || !nl[i]) {
				lo = k[i] < lo ? k[i] : lo;
				hi = k[i] > hi ? k[i] : hi;
			}
		narrow = lo >= INT32_MIN && hi <= INT32_MAX;
	}
	slot = narrow ? sizeof(*t->s) : sizeof(*t->w);
	while (cap < 2 * nb)
		cap <<= 1;
	while (cap < 8 * nb && 2 * cap * slot <= HT_SPARSE)
		cap <<= 1;
	t->mask = cap - 1;
	t->ahead = cap * slot > HT_SPARSE / 4;
	while (bits < 16 * nb && bits < ((size_t)1 << 32))
		bits <<= 1;
	t->fmask = bits - 1;
	if (narrow)
		t->s = rdb_big_alloc(cap * slot);
	else
		t->w = rdb_big_alloc(cap * slot);
	t->next = rdb_big_alloc((nb + 1) * sizeof(uint32_t));
	t->filter = rdb_big_alloc(bits / 8);
	if ((t->s == NULL && t->w == NULL) || t->next == NULL ||
	    t->filter == NULL) {
		rdb_big_free(pnull);
		return oom(x);
	}
	/* buckets and filter are read before they are written */
	rdb_big_prefault(narrow ? (void *)t->s : (void *)t->w);
	rdb_big_prefault(t->filter);
	if (t->intkey) {
		const int64_t *k = t->pair ? t->pair : h->rs.vals[h->kcol[0]];
		const uint8_t *nl = t->pair ? pnull : h->rs.nulls[h->kcol[0]];
		size_t sz = narrow ? sizeof(*t->s) : sizeof(*t->w);
		const uint8_t *base = narrow ? (const uint8_t *)t->s :
		    (const uint8_t *)t->w;
		for (i = 0; i < nb; i++) {
			if (i + HEAD_AHEAD < nb)
				__builtin_prefetch(base + sz * (sql_mix64((uint64_t)
				    k[i + HEAD_AHEAD]) & t->mask), 1);
			if (nl != NULL && nl[i]) {
				h->build_null = 1;
				continue;       /* a NULL key never matches */
			}
			ht_insert(t, sql_mix64((uint64_t)k[i]), k[i], (uint32_t)i);
		}
		rdb_big_free(pnull);
		return 0;
	}
	/* the hashes a key column at a time, as the probe's
	 * (sql_hash_val), then the buckets */
	if ((hash = rdb_big_alloc((nb + 1) * sizeof(*hash))) == NULL)
		return oom(x);
	for (c = 0; c < h->nkeys; c++) {
		struct sql_vec v;
		rs_view(&h->rs, h->kcol[c], &v);
		for (i = 0; i < nb; i++)
			hash[i] = sql_hash_val(&v, i, c == 0 ? 0 : hash[i]);
	}
	for (i = 0; i < nb; i++) {
		if (i + HEAD_AHEAD < nb) {
			size_t s = hash[i + HEAD_AHEAD] & t->mask;
			if (narrow)
				__builtin_prefetch(&t->s[s], 1);
			else
				__builtin_prefetch(&t->w[s], 1);
		}
		for (c = 0; c < h->nkeys; c++) {
			const uint8_t *nl = h->rs.nulls[h->kcol[c]];
			if (nl != NULL && nl[i])
				break;
		}
		if (c < h->nkeys) {
			h->build_null = 1;
			continue;
		}
		ht_insert(t, hash[i], narrow ? (int64_t)(hash[i] >> 32) :
		    (int64_t)hash[i], (uint32_t)i);
	}
	rdb_big_free(hash);
	return 0;
}

static int probe_outer(const struct hj_op *h);
static const struct op_vt hj_vt;

/* Set sizes of a join filter: bits over the build keys' range. */
#define RT_MAX_RANGE ((uint64_t)1 << 27)

/* The probe side of join l when its column *col is a probe column l
 * passes through (inner joins, semi and anti joins building their right
 * side), *col then that side's; NULL when it is not. */
static struct op *probe_through(const struct hj_op *l, int *col)
{
	size_t bc = l->o.kid[l->build_right ? 1 : 0]->ncols;

	if (l->build_right ? !(l->kind == JK_INNER || l->kind >= JK_SEMI) :
	    l->kind != JK_INNER)
		return NULL;
	if (l->build_right ? (size_t)*col >= l->o.kid[0]->ncols :
	    (size_t)*col < bc)
		return NULL;
	if (!l->build_right)
		*col -= (int)bc;
	return l->o.kid[l->build_right ? 0 : 1];
}

/*
 * The scan column op p's column *col comes from: down through filters,
 * column projections, the probe side of joins that pass probe rows
 * through (inner joins, semi and anti joins building their right side)
 * and the build side of inner joins not built yet (nor sharing their
 * table), so that a row dropped there would not have reached p. The
 * scan (not yet started), *col set to its column; or NULL.
 */
static struct scan_op *key_scan(struct op *p, int *col)
{
	struct scan_op *s;

	for (;;) {
		if (p->vt == &project_vt) {
			const struct sql_expr *e = ((struct project_op *)p)->exprs[*col];
			if (e->k != E_COL)
				return NULL;
			*col = e->col;
		} else if (p->vt == &hj_vt) {
			const struct hj_op *l = (const struct hj_op *)p;
			size_t bc = p->kid[l->build_right ? 1 : 0]->ncols;
			size_t pc = p->kid[l->build_right ? 0 : 1]->ncols;
			int build = l->build_right ? (size_t)*col >= pc :
			    (size_t)*col < bc;
			if (build) {
				/* a build column: its rows not read yet */
				if (l->kind != JK_INNER || l->built ||
				    l->borrowed || l->src != NULL || l->lent)
					return NULL;
				if (l->build_right)
					*col -= (int)pc;
				p = p->kid[l->build_right ? 1 : 0];
			} else if ((p = probe_through(l, col)) == NULL) {
				return NULL;
			}
			continue;
		} else if (p->vt != &filter_vt) {
			break;
		}
		p = p->kid[0];
	}
	if (p->vt != &scan_vt)
		return NULL;
	s = (struct scan_op *)p;
	if (s->scan != NULL || s->versions || *col < 0 ||
	    (size_t)*col >= s->ncols)
		return NULL;
	return s;
}

/* The keys of build column c of join h as a set of bits from *lo (NULL
 * keys left out), *nk their number, the distinct ones counted when they
 * fill half their span or are more than most; NULL (no error) when there
 * are none or they span more than RT_MAX_RANGE. */
static uint64_t *key_bits(struct exec *x, const struct hj_op *h, size_t c,
    size_t most, int64_t *lo, uint64_t *span, size_t *nk)
{
	const int64_t *bk = h->rs.vals[c];
	const uint8_t *bn = h->rs.nulls[c];
	int64_t l = INT64_MAX, hi = INT64_MIN;
	size_t i, n = h->rs.n;
	uint64_t *set;

	*nk = 0;
	for (i = 0; i < n; i++) {
		if (bn != NULL && bn[i])
			continue;
		l = bk[i] < l ? bk[i] : l;
		hi = bk[i] > hi ? bk[i] : hi;
		(*nk)++;
	}
	if (*nk == 0 || (uint64_t)hi - (uint64_t)l >= RT_MAX_RANGE)
		return NULL;
	*lo = l;
	*span = (uint64_t)hi - (uint64_t)l + 1;
	if ((set = calloc((*span - 1) / 64 + 1, 8)) == NULL) {
		oom(x);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		uint64_t u;
		if (bn != NULL && bn[i])
			continue;
		u = (uint64_t)bk[i] - (uint64_t)l;
		set[u >> 6] |= (uint64_t)1 << (u & 63);
	}
	/* build rows repeat keys: the distinct ones count (TPC-H Q10's
	 * 115,000 rows of lineitem and orders hold 38,000 customers) */
	if (*nk > *span / 2 || *nk > most) {
		*nk = 0;
		for (i = 0; i <= (*span - 1) / 64; i++)
			*nk += (size_t)__builtin_popcountll(set[i]);
	}
	return set;
}

/* Scan s drops the rows whose column col is not among the keys of build
 * column c of join j (key_bits), unless they fill most of their range
 * or are many for the scan's rows; the set is kept in *keep, for the
 * join that frees it. */
static int keys_to_scan(struct exec *x, const struct hj_op *j, size_t c,
    struct scan_op *s, int col, uint64_t **keep)
{
	struct rdb_pred *np;
	int64_t lo;
	uint64_t span;
	size_t nk;

	if ((*keep = key_bits(x, j, c, s->o.est / 2 < (double)SIZE_MAX ?
	    (size_t)(s->o.est / 2) : SIZE_MAX, &lo, &span, &nk)) == NULL)
		return x->cx.err.code;
	/* keys that fill most of their range keep most rows: no filter */
	if (nk > span / 2 || nk > s->o.est / 2) {
		free(*keep);
		*keep = NULL;
		return 0;
	}
	if ((np = realloc(s->preds, (s->npreds + 1) * sizeof(*np))) == NULL)
		return oom(x);
	s->preds = np;
	np = &s->preds[s->npreds++];
	memset(np, 0, sizeof(*np));
	np->col = s->cols[col];
	np->set = *keep;
	np->set_lo = lo;
	np->set_n = span;
	/* the scan's keys taken as spread over the set's range */
	s->keep *= (double)nk / (double)span;
	return 0;
}

/*
 * A runtime join filter: when an inner join (or a semi join keeping its
 * probe rows) on one integer key has built a side much smaller than the
 * table its probe side scans, the build keys become a set the scan tests
 * each row's key against (rdb_pred.set), through filters and column
 * projections: probe rows that cannot match are dropped before the
 * scan decodes their other columns, and row groups outside the keys'
 * range are not read at all. The join still probes what comes.
 */
static int hj_key_filter(struct exec *x, struct hj_op *h, size_t kx)
{
	struct op *p = h->o.kid[h->build_right ? 0 : 1];
	const struct sql_expr *key;
	struct scan_op *s;
	int col;

	key = (h->build_right ? h->lkeys : h->rkeys)[kx];
	if (key->k != E_COL || !sql_is_intlike(key->t.id) ||
	    !sql_is_intlike(h->rs.types[h->kcol[kx]].id))
		return 0;
	col = key->col;
	if ((s = key_scan(p, &col)) == NULL || h->rs.n > s->o.est)
		return 0;
	return keys_to_scan(x, h, h->kcol[kx], s, col, &h->rtset[kx]);
}

static int hj_build(struct exec *x, struct hj_op *h);

/*
 * A join filter passed on: when the probe rows of inner join h reach it
 * through an inner or semi join j on the same key, every probe key is
 * one of j's build keys, so h's build side needs only the rows with one
 * of them (TPC-H Q9: p_partkey = l_partkey = ps_partkey, the parts named
 * '%green%' keep 43,000 of partsupp's 800,000 rows from h's build). j is
 * built first. Key kx of h; its set is kept in h->tset[kx].
 */
static int hj_pass_filter(struct exec *x, struct hj_op *h, size_t kx)
{
	struct op *p = h->o.kid[h->build_right ? 0 : 1];
	const struct sql_expr *pkey = (h->build_right ? h->lkeys : h->rkeys)[kx];
	const struct sql_expr *bkey = (h->build_right ? h->rkeys : h->lkeys)[kx];
	struct op *b = h->o.kid[h->build_right ? 1 : 0];
	struct hj_op *j = NULL;
	struct scan_op *s;
	size_t jk = 0;
	int col, bcol, rc;

	if (pkey->k != E_COL || bkey->k != E_COL || h->lent ||
	    !sql_is_intlike(pkey->t.id) || !sql_is_intlike(bkey->t.id))
		return 0;
	bcol = bkey->col;
	if ((s = key_scan(b, &bcol)) == NULL)
		return 0;
	/* down the probe side, as key_scan goes, to a join on the column */
	col = pkey->col;
	while (j == NULL) {
		if (p->vt == &project_vt) {
			const struct sql_expr *e = ((struct project_op *)p)->exprs[col];
			if (e->k != E_COL)
				return 0;
			col = e->col;
			p = p->kid[0];
		} else if (p->vt == &filter_vt) {
			p = p->kid[0];
		} else if (p->vt == &hj_vt) {
			struct hj_op *l = (struct hj_op *)p;
			const struct sql_expr *const *lk;
			struct op *q = probe_through(l, &col);
			if (q == NULL)
				return 0;
			lk = (const struct sql_expr *const *)(l->build_right ?
			    l->lkeys : l->rkeys);
			for (jk = 0; jk < l->nkeys; jk++)
				if (lk[jk]->k == E_COL && lk[jk]->col == col &&
				    (l->kind == JK_INNER || l->kind == JK_SEMI))
					break;
			if (jk < l->nkeys)
				j = l;
			else
				p = q;
		} else {
			return 0;
		}
	}
	if (!j->built && (rc = hj_build(x, j)) != 0)
		return rc;
	if (!sql_is_intlike(j->rs.types[j->kcol[jk]].id) || j->rs.n == 0 ||
	    j->rs.n > s->o.est / 2)
		return 0;
	return keys_to_scan(x, j, j->kcol[jk], s, bcol, &h->tset[kx]);
}

/* The filters of join h's keys (hj_key_filter): a row must match every
 * key, so each key's set alone is a test it must pass. */
static int hj_scan_filter(struct exec *x, struct hj_op *h)
{
	size_t k;
	int rc;

	/* probe rows without a match must not be output: not for an outer
	 * probe side, an anti join's probe rows, nor NOT IN (whose NULLs
	 * on the probe side count) */
	if (h->rs.n == 0 || h->kind == JK_ANTI_NA || probe_outer(h) ||
	    (h->build_right && h->kind == JK_ANTI))
		return 0;
	for (k = 0; k < h->nkeys && k < HJ_RT_KEYS; k++)
		if ((rc = hj_key_filter(x, h, k)) != 0)
			return rc;
	return 0;
}

/* Join n probes the built table of h (borrowed, not owned). */
static void hj_borrow(struct hj_op *n, const struct hj_op *h)
{
	n->rs = h->rs;
	n->bcols = h->bcols;
	n->kcol = h->kcol;
	n->ht = h->ht;
	n->build_null = h->build_null;  /* NOT IN needs it */
	n->borrowed = 1;
	n->built = 1;
}

static int hj_build(struct exec *x, struct hj_op *h)
{
	struct op *b = h->o.kid[h->build_right ? 1 : 0];
	struct sql_expr **keys = h->build_right ? h->rkeys : h->lkeys;
	struct sql_expr **ekeys;
	struct sql_type *t;
	size_t c, ne = 0;
	int rc;

	if (h->src != NULL) {   /* the same table: src's, built once */
		if (!h->src->built && (rc = hj_build(x, h->src)) != 0)
			return rc;
		hj_borrow(h, h->src);
		return hj_scan_filter(x, h);
	}

	/* a key that is a build column is looked up there; the others
	 * are evaluated into columns after the build side's */
	t = calloc(b->ncols + h->nkeys + 1, sizeof(*t));
	ekeys = calloc(h->nkeys + 1, sizeof(*ekeys));
	h->kcol = calloc(h->nkeys + 1, sizeof(*h->kcol));
	if (t == NULL || ekeys == NULL || h->kcol == NULL) {
		free(t);
		free(ekeys);
		return oom(x);
	}
	memcpy(t, b->types, b->ncols * sizeof(*t));
	for (c = 0; c < h->nkeys; c++) {
		const struct sql_expr *k = keys[c];
		if (k->k == E_COL && k->col >= 0 && (size_t)k->col < b->ncols &&
		    k->t.id == b->types[k->col].id &&
		    k->t.prec == b->types[k->col].prec &&
		    k->t.scale == b->types[k->col].scale) {
			h->kcol[c] = (size_t)k->col;
			continue;
		}
		h->kcol[c] = b->ncols + ne;
		t[b->ncols + ne] = keys[c]->t;
		ekeys[ne++] = keys[c];
	}
	h->bcols = b->ncols;
	rc = rs_init(&h->rs, b->ncols + ne, t);
	free(t);
	if (rc == 0 && h->bkeep != NULL && !h->lent) {
		/* build columns no one above reads (the keys are read) */
		uint8_t *skip = calloc(b->ncols + ne + 1, 1);
		if (skip == NULL)
			rc = RDB_ENOMEM;
		for (c = 0; skip != NULL && c < b->ncols; c++)
			skip[c] = !h->bkeep[c];
		for (c = 0; skip != NULL && c < h->nkeys; c++)
			skip[h->kcol[c]] = 0;
		if (skip != NULL) {
			size_t kept = 0;
			for (c = 0; c < b->ncols; c++)
				kept += !skip[c];
			if (kept < b->ncols)
				snprintf(h->o.detail + strlen(h->o.detail),
				    sizeof(h->o.detail) - strlen(h->o.detail),
				    ", keeps %zu of %zu build columns", kept,
				    b->ncols);
			rc = rs_skip(&h->rs, skip);
		}
		free(skip);
	}
	if (rc != 0) {
		free(ekeys);
		return oom(x);
	}
	if (h->kind == JK_INNER)
		for (c = 0; c < h->nkeys && c < HJ_RT_KEYS; c++)
			if ((rc = hj_pass_filter(x, h, c)) != 0) {
				free(ekeys);
				return rc;
			}
	rc = hj_build_parallel(x, h, b, ekeys, ne);
	if (rc == 1) {
		hj_presize(x, &h->rs, b->est);
		rc = hj_fill(x, b, ekeys, ne, &h->rs, &h->scratch);
	}
	free(ekeys);
	if (rc != 0)
		return rc;
	if ((rc = ht_build(x, h)) != 0)
		return rc;
	if ((rc = hj_scan_filter(x, h)) != 0)
		return rc;
	if (h->kind == JK_FULL || (h->build_right ? h->kind == JK_RIGHT :
	    h->kind == JK_LEFT) || (!h->build_right && h->kind >= JK_SEMI)) {
		h->matched = calloc(h->rs.n + 1, 1);
		if (h->matched == NULL)
			return oom(x);
	}
	h->built = 1;
	return 0;
}

/* Does the build side keep unmatched rows (outer on the build side)? */
static int build_outer(const struct hj_op *h)
{
	return h->matched != NULL;
}

static int probe_outer(const struct hj_op *h)
{
	return h->kind == JK_FULL || (h->build_right ? h->kind == JK_LEFT :
	    h->kind == JK_RIGHT);
}

/* Semi and anti joins: is left row i (probe, build right) or build row
 * i (build left) kept, given whether it matched? pm is the probe row's
 * pmatch state (2: NULL key). */
static int semi_keep(const struct hj_op *h, int matched, int pm)
{
	if (h->kind == JK_SEMI)
		return matched;
	if (h->kind == JK_ANTI)
		return !matched;
	/* NOT IN: any row of an empty set passes; otherwise a NULL in
	 * the set, or a NULL left key, makes the answer unknown */
	if (h->rs.n == 0)
		return 1;
	return !matched && !h->build_null && pm != 2;
}

/* Write the pairs (probe row, build row or -1) into the output chunk,
 * then apply the residual; returns the rows kept. */
/* A column of n rows no operator reads (op_prune): NULLs, the values
 * unspecified. */
static int vec_unread(struct sql_vec *dst, struct sql_type t, size_t n,
    struct sql_arena *a)
{
	if (sql_vec_alloc(dst, t, n, a) != 0)
		return -1;
	if (t.id != T_NULL && (dst->null = sql_arena_alloc(a, n ? n : 1)) == NULL)
		return -1;
	if (t.id != T_NULL)
		memset(dst->null, 1, n);
	return 0;
}

static int hj_emit(struct exec *x, struct hj_op *h, const struct sql_chunk *p,
    size_t n)
{
	struct op *o = &h->o;
	struct op *pk = o->kid[h->build_right ? 0 : 1];
	size_t pc = pk->ncols, c, i;
	size_t loff = h->build_right ? 0 : h->bcols;    /* probe offset */
	size_t boff = h->build_right ? pc : 0;
	int anynull = 0;

	for (i = 0; i < n; i++)
		anynull |= h->obuild[i] == UINT32_MAX;
	for (c = 0; c < pc; c++) {
		struct sql_vec *dst = &o->out.cols[loff + c];
		if (h->need != NULL && !h->need[loff + c]) {
			if (vec_unread(dst, pk->types[c], n, &o->out.arena) != 0)
				return oom(x);
			continue;
		}
		if (p == NULL) {
			/* unmatched build rows: probe columns NULL */
			struct sql_val nv;
			memset(&nv, 0, sizeof(nv));
			nv.t = pk->types[c];
			nv.null = 1;
			if (sql_vec_alloc(dst, pk->types[c], n, &o->out.arena) != 0 ||
			    (dst->null = sql_arena_alloc(&o->out.arena, n)) == NULL)
				return oom(x);
			memset(dst->null, 1, n);
			memset(dst->v.p, 0, n * val_width(pk->types[c].id));
			continue;
		}
		{
			const struct sql_vec *src = &p->cols[c];
			size_t w = val_width(src->t.id);
			if (sql_vec_alloc(dst, pk->types[c], n, &o->out.arena) != 0)
				return oom(x);
			if (src->t.id != T_NULL) {
				const uint32_t *op = h->oprobe;
				if (w == 8)
					for (i = 0; i < n; i++)
						dst->v.i[i] = src->v.i[op[i]];
				else
					for (i = 0; i < n; i++)
						memcpy((uint8_t *)dst->v.p + i * w,
						    (const uint8_t *)src->v.p + op[i] * w, w);
				if (src->null != NULL) {
					dst->null = sql_arena_alloc(&o->out.arena, n);
					if (dst->null == NULL)
						return oom(x);
					for (i = 0; i < n; i++)
						dst->null[i] = src->null[h->oprobe[i]];
				}
			}
		}
	}
	for (c = 0; c < h->bcols; c++) {
		struct sql_vec *dst = &o->out.cols[boff + c];
		if (h->need != NULL && !h->need[boff + c]) {
			if (vec_unread(dst, h->rs.types[c], n, &o->out.arena) != 0)
				return oom(x);
			continue;
		}
		if (!anynull) {
			if (rs_gather(&h->rs, c, h->obuild, n, dst, &o->out.arena) != 0)
				return oom(x);
			continue;
		}
		{
			uint32_t *idx = sql_arena_alloc(&o->out.arena, n * 4 + 4);
			if (idx == NULL)
				return oom(x);
			for (i = 0; i < n; i++)
				idx[i] = h->obuild[i] == UINT32_MAX ? 0 : h->obuild[i];
			if (h->rs.n == 0) {
				if (sql_vec_alloc(dst, h->rs.types[c], n,
				    &o->out.arena) != 0)
					return oom(x);
				memset(dst->v.p, 0, n * val_width(h->rs.types[c].id));
			} else if (rs_gather(&h->rs, c, idx, n, dst,
			    &o->out.arena) != 0) {
				return oom(x);
			}
			if (dst->null == NULL) {
				dst->null = sql_arena_alloc(&o->out.arena, n);
				if (dst->null == NULL)
					return oom(x);
				memset(dst->null, 0, n);
			}
			for (i = 0; i < n; i++)
				if (h->obuild[i] == UINT32_MAX)
					dst->null[i] = 1;
		}
	}
	o->out.n = n;
	return 0;
}

/* Compare probe row i's keys with build row b's. */
static int keys_equal(struct hj_op *h, size_t i, uint32_t b)
{
	size_t c;

	/* NULL keys never get here: a probe row with one has no chain, a
	 * build row with one is in no chain */
	if (h->pints) {
		for (c = 0; c < h->nkeys; c++)
			if (((const int64_t *)h->rs.vals[h->kcol[c]])[b] !=
			    h->pkeys[c].v.i[i])
				return 0;
		return 1;
	}
	for (c = 0; c < h->nkeys; c++) {
		struct sql_vec v;
		rs_view(&h->rs, h->kcol[c], &v);
		if (!sql_vec_eq(&h->pkeys[c], i, &v, b))
			return 0;
	}
	return 1;
}

enum { PF_INT, PF_OTHER, PF_HASH };

/*
 * Each probe row's chain: its first build row + 1 (0 for none) into
 * pfirst, whether it has more rows into pmore (its next[] link then
 * read into the cache, as is the first row's key when the caller will
 * compare it). The buckets are read HEAD_AHEAD rows after their
 * prefetch (phash has that many more hashes), so that a big table's
 * cache misses overlap instead of waiting in turn. how: PF_INT,
 * integer keys looked for in a table of integer keys; PF_OTHER, keys
 * of another type in such a table (the hashes agree where the values
 * are equal); PF_HASH, hashes looked for in a table of hashes, whose
 * chains the caller compares row by row. narrow: the table's buckets
 * are; filter: the table has one. Rows with a NULL key are the
 * caller's to clear.
 */
static inline __attribute__((always_inline)) size_t probe_find(
    struct hj_op *h, size_t n, int how, int narrow, int filter, int ahead)
{
	const struct ht_slot *ts = h->ht.s;
	const struct ht_wslot *tw = h->ht.w;
	const uint64_t *ph = h->phash;
	const int64_t *k = h->ppair != NULL ? h->ppair : h->pkeys[0].v.i;
	const uint64_t *fl = h->ht.filter;
	const uint32_t *next = h->ht.next;
	uint32_t *pf = h->pfirst;
	uint8_t *pmore = h->pmore;
	size_t mask = h->ht.mask, fmask = h->ht.fmask, i, s, hits = 0;

	for (i = 0; i < n; i++) {
		uint32_t first = 0, more = 0;
		if (ahead && narrow)
			__builtin_prefetch(&ts[ph[i + HEAD_AHEAD] & mask]);
		else if (ahead)
			__builtin_prefetch(&tw[ph[i + HEAD_AHEAD] & mask]);
		if (filter) {
			size_t bit;
			if (ahead) {
				bit = ht_fbit(ph[i + HEAD_AHEAD], fmask);
				__builtin_prefetch(&fl[bit >> 6]);
			}
			bit = ht_fbit(ph[i], fmask);
			if (!((fl[bit >> 6] >> (bit & 63)) & 1))
				goto done;      /* surely none */
		}
		s = ph[i] & mask;
		if (how == PF_INT && narrow) {
			/* whether the key is in the first bucket, in the
			 * second, or in neither of them and one is empty (a
			 * miss) is found without a branch, which would go
			 * either way at random; only a longer run of full
			 * buckets takes the loop */
			size_t s1 = (s + 1) & mask;
			uint32_t r0 = ts[s].ref, r1 = ts[s1].ref, r;
			int m0 = (r0 != 0) & ((int64_t)(int32_t)ts[s].key == k[i]);
			int m1 = (r1 != 0) & ((int64_t)(int32_t)ts[s1].key == k[i]);
			r = m0 ? r0 : m1 ? r1 : 0;
			if (r != 0 || r0 == 0 || r1 == 0) {
				first = r & ~HT_MORE;
				more = r >> 31;
				goto found;
			}
			s = (s1 + 1) & mask;
		}
		for (;; s = (s + 1) & mask) {
			int64_t bk;
			uint32_t f;
			if (narrow) {
				uint32_t r = ts[s].ref;
				if (r == 0)
					break;
				f = r & ~HT_MORE;
				/* a 32-bit key is never equal to a wider one */
				bk = how == PF_HASH ? (int64_t)ts[s].key :
				    (int64_t)(int32_t)ts[s].key;
			} else {
				if ((f = tw[s].first) == 0)
					break;
				bk = tw[s].key;
			}
			if (how == PF_INT ? bk == k[i] : how == PF_HASH ?
			    (uint64_t)bk == (narrow ? ph[i] >> 32 : ph[i]) :
			    sql_mix64((uint64_t)bk) == ph[i] &&
			    keys_equal(h, i, f - 1)) {
				first = f;
				more = narrow ? ts[s].ref >> 31 : tw[s].more;
				break;
			}
		}
found:
		if (more)
			__builtin_prefetch(&next[first - 1]);
		if (how == PF_HASH && first != 0)
			__builtin_prefetch((const uint8_t *)h->rs.vals[h->kcol[0]] +
			    (size_t)(first - 1) *
			    val_width(h->rs.types[h->kcol[0]].id));
done:
		pf[i] = first;
		pmore[i] = (uint8_t)more;
		hits += first != 0;
	}
	return hits;
}

/*
 * probe_find with its constant arguments. The filter is read while
 * most probe rows of the last chunk missed (when most find their key,
 * it costs more than it saves).
 */
static void probe_find_int(struct hj_op *h, size_t n)
{
	size_t hits = 0;

	switch ((h->ht.s != NULL) << 2 | !h->nofilter << 1 | h->ht.ahead) {
	case 0: hits = probe_find(h, n, PF_INT, 0, 0, 0); break;
	case 1: hits = probe_find(h, n, PF_INT, 0, 0, 1); break;
	case 2: hits = probe_find(h, n, PF_INT, 0, 1, 0); break;
	case 3: hits = probe_find(h, n, PF_INT, 0, 1, 1); break;
	case 4: hits = probe_find(h, n, PF_INT, 1, 0, 0); break;
	case 5: hits = probe_find(h, n, PF_INT, 1, 0, 1); break;
	case 6: hits = probe_find(h, n, PF_INT, 1, 1, 0); break;
	case 7: hits = probe_find(h, n, PF_INT, 1, 1, 1); break;
	}
	h->nofilter = hits * 2 > n;
}

static void probe_find_other(struct hj_op *h, size_t n, int how)
{
	int narrow = h->ht.s != NULL, filter = !h->nofilter;
	size_t hits;

	if (how == PF_HASH)
		hits = narrow ? probe_find(h, n, PF_HASH, 1, filter, 1) :
		    probe_find(h, n, PF_HASH, 0, filter, 1);
	else
		hits = narrow ? probe_find(h, n, PF_OTHER, 1, filter, 1) :
		    probe_find(h, n, PF_OTHER, 0, filter, 1);
	h->nofilter = hits * 2 > n;
}

static int hj_probe_chunk(struct exec *x, struct hj_op *h, struct op *pk)
{
	struct sql_expr **keys = h->build_right ? h->lkeys : h->rkeys;
	size_t c, i, n = pk->out.n;
	int nulls = 0;

	sql_arena_reset(&h->scratch);
	h->pkeys = sql_arena_alloc(&h->scratch, sizeof(*h->pkeys) *
	    (h->nkeys + 1));
	h->phash = sql_arena_alloc(&h->scratch, 8 * (n + HEAD_AHEAD));
	h->pmatch = sql_arena_alloc(&h->scratch, n + 1);
	if (h->pkeys == NULL || h->phash == NULL || h->pmatch == NULL)
		return oom(x);
	memset(h->pmatch, 0, n);
	for (c = 0; c < h->nkeys; c++) {
		int rc = sql_eval(x, keys[c], &pk->out, &h->pkeys[c], &h->scratch);
		if (rc != 0)
			return rc;
	}
	h->ppair = NULL;
	if (h->ht.pair != NULL && (!sql_is_intlike(h->pkeys[0].t.id) ||
	    !sql_is_intlike(h->pkeys[1].t.id)))
		return sql_error(&x->cx, "internal: join keys of two types");
	if (h->ht.pair != NULL) {
		/* two integer keys looked up packed (ht_pair); a row whose
		 * key is wider than 32 bits cannot match: 3, no chain */
		const int64_t *a = h->pkeys[0].v.i, *b = h->pkeys[1].v.i;
		const uint8_t *na = h->pkeys[0].null, *nb = h->pkeys[1].null;
		if ((h->ppair = sql_arena_alloc(&h->scratch, 8 * n + 8)) == NULL)
			return oom(x);
		for (i = 0; i < n; i++) {
			if ((na != NULL && na[i]) || (nb != NULL && nb[i])) {
				h->pmatch[i] = 2;	/* NULL key: no match */
				h->ppair[i] = 0;
			} else if (!pair_key(&h->ht, a[i], b[i], &h->ppair[i])) {
				h->pmatch[i] = 3;
				h->ppair[i] = 0;
			}
			h->phash[i] = sql_mix64((uint64_t)h->ppair[i]);
		}
		nulls = 1;
	} else if (h->nkeys == 1 && sql_is_intlike(h->pkeys[0].t.id)) {
		/* one integer key (the usual join): a tight loop, the same
		 * hash as sql_hash_val's */
		const int64_t *k = h->pkeys[0].v.i;
		const uint8_t *nl = h->pkeys[0].null;
		for (i = 0; i < n; i++)
			h->phash[i] = sql_mix64((uint64_t)k[i]);
		if ((nulls = nl != NULL))
			for (i = 0; i < n; i++)
				if (nl[i])
					h->pmatch[i] = 2;
	} else {
		for (c = 0; c < h->nkeys; c++)
			nulls |= h->pkeys[c].null != NULL;
		for (i = 0; i < n; i++) {
			uint64_t hv = 0;
			for (c = 0; c < h->nkeys; c++) {
				if (h->pkeys[c].null != NULL && h->pkeys[c].null[i])
					h->pmatch[i] = 2;   /* NULL key: no match */
				hv = sql_hash_val(&h->pkeys[c], i, hv);
			}
			h->phash[i] = hv;
		}
	}
	h->pfirst = sql_arena_alloc(&h->scratch, 4 * n + 4);
	h->pmore = sql_arena_alloc(&h->scratch, n + 1);
	if (h->pfirst == NULL || h->pmore == NULL)
		return oom(x);
	memset(h->phash + n, 0, 8 * HEAD_AHEAD);
	h->pexact = h->ht.intkey;
	h->pints = 1;
	for (c = 0; c < h->nkeys; c++)
		h->pints &= sql_is_intlike(h->pkeys[c].t.id) &&
		    sql_is_intlike(h->rs.types[h->kcol[c]].id);
	if (!h->ht.intkey)
		probe_find_other(h, n, PF_HASH);
	else if (h->ppair != NULL ||
	    (h->nkeys == 1 && sql_is_intlike(h->pkeys[0].t.id)))
		probe_find_int(h, n);
	else
		probe_find_other(h, n, PF_OTHER);
	if (nulls)
		for (i = 0; i < n; i++)
			if (h->pmatch[i] >= 2) {
				h->pfirst[i] = h->pmore[i] = 0; /* a NULL key */
				if (h->pmatch[i] == 3)
					h->pmatch[i] = 0;	/* a wide one */
			}
	h->have = 1;
	h->prow = 0;
	h->pchain = 0;
	h->phase = 0;
	h->upos = 0;
	return 0;
}

/*
 * The usual probe, whose chains hold only matches (integer keys): the
 * pairs of rows h->prow on (resuming at build row h->pchain) into
 * oprobe / obuild until SQL_CHUNK of them; their number. A chain of one
 * row (a unique build key) is a pair without a read of next[]. With
 * first (a semi or anti join without a residual), no pairs: a probe
 * row with a chain is marked matched.
 */
static size_t probe_exact(struct hj_op *h, size_t nrows, int first)
{
	const uint32_t *pf = h->pfirst;
	const uint8_t *more = h->pmore;
	uint8_t *pm = h->pmatch;
	const uint32_t *next = h->ht.next;
	uint32_t *oprobe = h->oprobe, *obuild = h->obuild;
	size_t i = h->prow, n = 0;
	uint32_t b = h->pchain;

	if (first) {
		for (; i < nrows; i++)
			if (pf[i] != 0)
				pm[i] = 1;
		h->prow = i;
		h->pchain = 0;
		return 0;
	}
	for (; i < nrows; i++) {
		if (b == 0) {
			if ((b = pf[i]) == 0)
				continue;
			if (!more[i]) {
				if (n == SQL_CHUNK)
					break;
				oprobe[n] = (uint32_t)i;
				obuild[n++] = b - 1;
				b = 0;
				continue;
			}
		}
		for (; b != 0; b = next[b - 1]) {
			if (n == SQL_CHUNK)
				goto full;
			oprobe[n] = (uint32_t)i;
			obuild[n++] = b - 1;
		}
	}
full:
	h->prow = i;
	h->pchain = i < nrows ? b : 0;
	return n;
}

/*
 * The end of one part's probe of a shared outer build side: a part other
 * than the original says so and ends (0); the original waits for every
 * other part, then emits the build rows (1), unless the query is being
 * stopped (< 0).
 */
static int hj_share_wait(struct exec *x, struct hj_op *h)
{
	struct hj_share *sh = h->share;

	if (h->borrowed) {
		if (!h->share_told)
			__atomic_add_fetch(&sh->done, 1, __ATOMIC_RELEASE);
		h->share_told = 1;
		return 0;
	}
	while (__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE) + 1 < sh->nparts) {
		struct timespec ts = { 0, 50000 };
		if ((x->abort != NULL && *x->abort) ||
		    (x->cx.interrupt != NULL && *x->cx.interrupt))
			return RDB_EINTR;
		nanosleep(&ts, NULL);
	}
	return 1;
}

/*
 * Pairs of (probe row, build row) fill the output chunk; a residual is
 * applied to the chunk and failing pairs dropped. When a probe chunk is
 * used up, an outer probe side then gets its unmatched rows with NULLs,
 * and when the probe side ends an outer build side gets its own.
 */
static int hj_next(struct exec *x, struct op *o)
{
	struct hj_op *h = (struct hj_op *)o;
	struct op *pk = o->kid[h->build_right ? 0 : 1];
	int rc;

	if (!h->built && (rc = hj_build(x, h)) != 0)
		return rc;
	for (;;) {
		size_t n = 0, k;
		/* nothing of an earlier round is returned: its arrays go */
		sql_arena_reset(&o->out.arena);
		if (!h->have && !h->probe_done) {
			rc = op_next(x, pk);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				h->probe_done = 1;
				continue;
			}
			if ((rc = hj_probe_chunk(x, h, pk)) != 0)
				return rc;
		}
		if (h->have && h->phase == 0) {
			/* a semi or anti join probing the right side needs one
			 * match per row, so without a residual it stops at it */
			int first = h->kind >= JK_SEMI && h->build_right &&
			    h->residual == NULL;
			if (h->pexact)
				n = probe_exact(h, pk->out.n, first);
			/* chains of a hash: each row's keys compared */
			while (!h->pexact && h->prow < pk->out.n && n < SQL_CHUNK) {
				size_t i = h->prow;
				uint32_t b = h->pchain;
				if (b == 0)
					b = h->pfirst[i];
				if (first) {
					for (; b != 0; b = h->ht.next[b - 1])
						if (keys_equal(h, i, b - 1)) {
							h->pmatch[i] = 1;
							break;
						}
					h->prow++;
					continue;
				}
				while (b != 0 && n < SQL_CHUNK) {
					if (keys_equal(h, i, b - 1)) {
						h->oprobe[n] = (uint32_t)i;
						h->obuild[n++] = b - 1;
					}
					b = h->ht.next[b - 1];
				}
				if (b != 0) {
					h->pchain = b;
					break;
				}
				h->pchain = 0;
				h->prow++;
			}
			if (h->prow >= pk->out.n) {
				if (probe_outer(h) || (h->kind >= JK_SEMI &&
				    h->build_right))
					h->phase = 1;
				else
					h->have = 0;
			}
			if (n == 0)
				continue;
			if ((rc = hj_emit(x, h, &pk->out, n)) != 0)
				return rc;
			if (h->residual != NULL) {
				uint32_t *sel = sql_arena_alloc(&o->out.arena, 4 * n + 4);
				size_t nsel;
				struct sql_chunk all = o->out;
				if (sel == NULL)
					return oom(x);
				rc = sql_eval_filter(x, h->residual, &all, sel, &nsel,
				    &o->out.arena);
				if (rc != 0)
					return rc;
				for (k = 0; k < nsel; k++) {
					h->oprobe[k] = h->oprobe[sel[k]];
					h->obuild[k] = h->obuild[sel[k]];
				}
				if (nsel != n && (rc = hj_emit(x, h, &pk->out, nsel)) != 0)
					return rc;
				n = nsel;
			}
			/* the probe rows matched, for outer, semi and anti
			 * joins; the build rows, for an outer build side */
			if (probe_outer(h) || h->kind >= JK_SEMI) {
				uint8_t *pm = h->pmatch;
				const uint32_t *op = h->oprobe;
				for (k = 0; k < n; k++)
					pm[op[k]] = 1;
			}
			if (h->matched != NULL) {
				uint8_t *bm = h->matched;
				const uint32_t *ob = h->obuild;
				if (h->share != NULL)	/* other parts mark too */
					for (k = 0; k < n; k++)
						__atomic_store_n(&bm[ob[k]], 1,
						    __ATOMIC_RELAXED);
				else
					for (k = 0; k < n; k++)
						bm[ob[k]] = 1;
			}
			if (n == 0 || h->kind >= JK_SEMI)
				continue;       /* semi, anti: rows come later */
			return 1;
		}
		if (h->have && h->phase == 1) {
			while (h->upos < pk->out.n && n < SQL_CHUNK) {
				if (h->kind >= JK_SEMI ? semi_keep(h,
				    h->pmatch[h->upos] == 1, h->pmatch[h->upos]) :
				    h->pmatch[h->upos] != 1) {
					h->oprobe[n] = (uint32_t)h->upos;
					h->obuild[n++] = UINT32_MAX;
				}
				h->upos++;
			}
			if (h->upos >= pk->out.n)
				h->have = 0;
			if (n == 0)
				continue;
			if ((rc = hj_emit(x, h, &pk->out, n)) != 0)
				return rc;
			return 1;
		}
		/* probe finished: unmatched build rows for outer builds */
		if (!build_outer(h))
			return 0;
		if (h->share != NULL && (rc = hj_share_wait(x, h)) <= 0)
			return rc;	/* a part, or an error */
		while (h->unmatched_pos < h->rs.n && n < SQL_CHUNK) {
			if (h->kind >= JK_SEMI ? semi_keep(h,
			    h->matched[h->unmatched_pos], 0) :
			    !h->matched[h->unmatched_pos])
				h->obuild[n++] = (uint32_t)h->unmatched_pos;
			h->unmatched_pos++;
		}
		if (n == 0)
			return 0;
		if ((rc = hj_emit(x, h, NULL, n)) != 0)
			return rc;
		return 1;
	}
}

static void hj_close(struct op *o)
{
	struct hj_op *h = (struct hj_op *)o;
	size_t c;

	if (!h->borrowed) {
		rs_release(&h->rs);
		ht_release(&h->ht);
	}
	if (!h->borrowed) {
		free(h->matched);
		free(h->share);
		free(h->kcol);
	}
	free(h->obuild);
	free(h->oprobe);
	free((void *)h->need);
	free((void *)h->bkeep);
	for (c = 0; c < HJ_RT_KEYS; c++) {
		free(h->rtset[c]);
		free(h->tset[c]);
	}
	sql_arena_release(&h->scratch);
}

/*
 * The columns above read, and the join's keys and residual: those a
 * side gives, the others not emitted, nor kept in the build side's rows
 * (TPC-H Q3: orders joined to customer keep o_orderkey, o_orderdate and
 * o_shippriority of their six columns).
 */
static int hj_prune(struct op *o, const uint8_t *need, uint8_t **kneed)
{
	struct hj_op *h = (struct hj_op *)o;
	size_t n0 = o->kid[0]->ncols, c;
	uint8_t *out = calloc(o->ncols + 1, 1), *keep;
	int b = h->build_right ? 1 : 0, rc = 0;

	if (out == NULL)
		return -1;
	for (c = 0; c < o->ncols; c++)
		out[c] = need == NULL || need[c];
	if (sql_expr_cols(h->residual, out, o->ncols) != 0)
		rc = -1;
	for (c = 0; rc == 0 && c < h->nkeys; c++)
		if (sql_expr_cols(h->lkeys[c], kneed[0], n0) != 0 ||
		    sql_expr_cols(h->rkeys[c], kneed[1], o->kid[1]->ncols) != 0)
			rc = -1;
	for (c = 0; rc == 0 && c < o->ncols; c++)
		if (out[c])
			kneed[c < n0 ? 0 : 1][c < n0 ? c : c - n0] = 1;
	/* what the build side keeps: what its kid must give */
	keep = rc == 0 ? malloc(o->kid[b]->ncols + 1) : NULL;
	if (rc == 0 && keep == NULL)
		rc = -1;
	if (rc == 0) {
		memcpy(keep, kneed[b], o->kid[b]->ncols);
		free((void *)h->need);
		free((void *)h->bkeep);
		h->need = out;
		h->bkeep = keep;
		return 0;
	}
	free(out);
	return -1;
}

static const struct op_vt hj_vt = { "HASH JOIN", hj_next, hj_close,
	hj_prune };

static struct sql_type *concat_types(const struct op *l, const struct op *r)
{
	struct sql_type *t = calloc(l->ncols + r->ncols + 1, sizeof(*t));

	if (t == NULL)
		return NULL;
	memcpy(t, l->types, l->ncols * sizeof(*t));
	memcpy(t + l->ncols, r->types, r->ncols * sizeof(*t));
	return t;
}

static const char *const kinds[] = { "inner", "left", "right", "full",
	"semi", "anti", "anti (NOT IN)" };

/* A join operator of size bytes over left and right, whose output is
 * the columns of left, then of right; frees both on failure. */
static void *join_new(struct exec *x, size_t size, const struct op_vt *vt,
    struct op *left, struct op *right)
{
	struct sql_type *t = concat_types(left, right);
	struct op *o = NULL;

	if (t == NULL)
		oom(x);
	else
		o = op_new(x, size, vt, left->ncols + right->ncols, t);
	free(t);
	if (o == NULL) {
		op_free(left);
		op_free(right);
		return NULL;
	}
	o->kid[0] = left;
	o->kid[1] = right;
	return o;
}

struct op *op_hashjoin(struct exec *x, struct op *left, struct op *right,
    int kind, size_t nkeys, struct sql_expr **lkeys,
    struct sql_expr **rkeys, struct sql_expr *residual, int build_right)
{
	struct hj_op *h = join_new(x, sizeof(*h), &hj_vt, left, right);

	if (h == NULL)
		return NULL;
	h->kind = kind;
	h->nkeys = nkeys;
	h->lkeys = lkeys;
	h->rkeys = rkeys;
	h->residual = residual;
	h->build_right = build_right;
	h->obuild = malloc(4 * (SQL_CHUNK + 1));
	h->oprobe = malloc(4 * (SQL_CHUNK + 1));
	sql_arena_init(&h->scratch);
	if (h->obuild == NULL || h->oprobe == NULL) {
		op_free(&h->o);
		oom(x);
		return NULL;
	}
	snprintf(h->o.detail, sizeof(h->o.detail), "%s, %zu key%s, build %s%s",
	    kinds[kind], nkeys, nkeys == 1 ? "" : "s", build_right ? "right" :
	    "left", residual ? ", residual filter" : "");
	return &h->o;
}

/* ---- nested-loop join ---- */

struct nl_op {
	struct op o;
	int kind;
	struct sql_expr *cond;
	int built;
	struct rowstore rs;             /* the right side */
	uint8_t *matched;               /* right rows matched (RIGHT/FULL) */
	int have;
	size_t lrow, rrow;
	int lmatched;
	int left_done;
	size_t unmatched_pos;
	uint32_t *lidx, *ridx;
	struct sql_arena scratch;
};

static int nl_emit(struct exec *x, struct nl_op *j, const struct sql_chunk *l,
    size_t n)
{
	struct op *o = &j->o;
	struct op *lk = o->kid[0];
	size_t c, i;

	for (c = 0; c < lk->ncols; c++) {
		struct sql_vec *dst = &o->out.cols[c];
		const struct sql_vec *src = l ? &l->cols[c] : NULL;
		size_t w = val_width(lk->types[c].id);
		if (sql_vec_alloc(dst, lk->types[c], n, &o->out.arena) != 0 ||
		    (dst->null = sql_arena_alloc(&o->out.arena, n + 1)) == NULL)
			return oom(x);
		memset(dst->null, 0, n);
		for (i = 0; i < n; i++) {
			if (src == NULL || j->lidx[i] == UINT32_MAX ||
			    src->t.id == T_NULL) {
				memset((uint8_t *)dst->v.p + i * w, 0, w);
				dst->null[i] = 1;
				continue;
			}
			memcpy((uint8_t *)dst->v.p + i * w,
			    (const uint8_t *)src->v.p + j->lidx[i] * w, w);
			dst->null[i] = src->null ? src->null[j->lidx[i]] : 0;
		}
	}
	for (c = 0; c < j->rs.ncols; c++) {
		struct sql_vec *dst = &o->out.cols[lk->ncols + c];
		size_t w = val_width(j->rs.types[c].id);
		if (sql_vec_alloc(dst, j->rs.types[c], n, &o->out.arena) != 0 ||
		    (dst->null = sql_arena_alloc(&o->out.arena, n + 1)) == NULL)
			return oom(x);
		for (i = 0; i < n; i++) {
			if (j->ridx[i] == UINT32_MAX || j->rs.types[c].id == T_NULL) {
				memset((uint8_t *)dst->v.p + i * w, 0, w);
				dst->null[i] = 1;
				continue;
			}
			memcpy((uint8_t *)dst->v.p + i * w,
			    (const uint8_t *)j->rs.vals[c] + (size_t)j->ridx[i] * w, w);
			dst->null[i] = j->rs.nulls[c] ? j->rs.nulls[c][j->ridx[i]] : 0;
		}
	}
	o->out.n = n;
	return 0;
}

static int nl_next(struct exec *x, struct op *o)
{
	struct nl_op *j = (struct nl_op *)o;
	struct op *lk = o->kid[0], *rk = o->kid[1];
	int rc;

	if (!j->built) {
		if (rs_init(&j->rs, rk->ncols, rk->types) != 0)
			return oom(x);
		while ((rc = op_next(x, rk)) > 0) {
			if (rs_append(&j->rs, &rk->out, NULL, 0) != 0)
				return oom(x);
			if (x->memory_limit && j->rs.bytes + j->rs.text.used >
			    x->memory_limit)
				return sql_error(&x->cx, "join exceeds the memory limit");
		}
		if (rc < 0)
			return rc;
		if (j->rs.n >= UINT32_MAX)
			return sql_error(&x->cx, "join side too large");
		if (j->kind == JK_RIGHT || j->kind == JK_FULL) {
			j->matched = calloc(j->rs.n + 1, 1);
			if (j->matched == NULL)
				return oom(x);
		}
		j->built = 1;
	}
	for (;;) {
		size_t n = 0;
		int louter = j->kind == JK_LEFT || j->kind == JK_FULL;
		/* a round that kept no pair returns nothing: free its arrays */
		sql_arena_reset(&o->out.arena);
		sql_arena_reset(&j->scratch);
		if (!j->have && !j->left_done) {
			rc = op_next(x, lk);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				j->left_done = 1;
				continue;
			}
			j->have = 1;
			j->lrow = 0;
			j->rrow = 0;
			j->lmatched = 0;
		}
		if (j->have) {
			size_t start_row = j->lrow;
			/* pairs of one left row at a time (keeps "matched" exact) */
			while (j->rrow < j->rs.n && n < SQL_CHUNK) {
				j->lidx[n] = (uint32_t)j->lrow;
				j->ridx[n++] = (uint32_t)j->rrow++;
			}
			if (n > 0) {
				if ((rc = nl_emit(x, j, &lk->out, n)) != 0)
					return rc;
				if (j->cond != NULL) {
					uint32_t *sel;
					size_t nsel, k;
					struct sql_chunk all = o->out;
					sql_arena_reset(&j->scratch);
					sel = sql_arena_alloc(&j->scratch, 4 * n + 4);
					if (sel == NULL)
						return oom(x);
					rc = sql_eval_filter(x, j->cond, &all, sel, &nsel,
					    &j->scratch);
					if (rc != 0)
						return rc;
					for (k = 0; k < nsel; k++) {
						j->lidx[k] = j->lidx[sel[k]];
						j->ridx[k] = j->ridx[sel[k]];
					}
					if (nsel != n && (rc = nl_emit(x, j, &lk->out,
					    nsel)) != 0)
						return rc;
					n = nsel;
				}
				if (n > 0)
					j->lmatched = 1;
				if (j->matched != NULL) {
					size_t k;
					for (k = 0; k < n; k++)
						j->matched[j->ridx[k]] = 1;
				}
			}
			if (j->rrow >= j->rs.n) {
				int add = louter && !j->lmatched;
				if (add) {
					j->lidx[n] = (uint32_t)start_row;
					j->ridx[n++] = UINT32_MAX;
					if ((rc = nl_emit(x, j, &lk->out, n)) != 0)
						return rc;
				}
				j->lrow++;
				j->rrow = 0;
				j->lmatched = 0;
				if (j->lrow >= lk->out.n)
					j->have = 0;
			}
			if (n > 0)
				return 1;
			continue;
		}
		if (j->matched == NULL)
			return 0;
		while (j->unmatched_pos < j->rs.n && n < SQL_CHUNK) {
			if (!j->matched[j->unmatched_pos]) {
				j->lidx[n] = UINT32_MAX;
				j->ridx[n++] = (uint32_t)j->unmatched_pos;
			}
			j->unmatched_pos++;
		}
		if (n == 0)
			return 0;
		if ((rc = nl_emit(x, j, NULL, n)) != 0)
			return rc;
		return 1;
	}
}

static void nl_close(struct op *o)
{
	struct nl_op *j = (struct nl_op *)o;

	rs_release(&j->rs);
	free(j->matched);
	free(j->lidx);
	free(j->ridx);
	sql_arena_release(&j->scratch);
}

static const struct op_vt nl_vt = { "NESTED LOOP JOIN", nl_next, nl_close, NULL };

struct op *op_nljoin(struct exec *x, struct op *left, struct op *right,
    int kind, struct sql_expr *cond)
{
	struct nl_op *j = join_new(x, sizeof(*j), &nl_vt, left, right);

	if (j == NULL)
		return NULL;
	j->kind = kind;
	j->cond = cond;
	j->lidx = malloc(4 * (SQL_CHUNK + 2));
	j->ridx = malloc(4 * (SQL_CHUNK + 2));
	sql_arena_init(&j->scratch);
	if (j->lidx == NULL || j->ridx == NULL) {
		op_free(&j->o);
		oom(x);
		return NULL;
	}
	snprintf(j->o.detail, sizeof(j->o.detail), "%s%s", kinds[kind],
	    cond ? ", condition" : "");
	return &j->o;
}

/* ---- limit ---- */

struct limit_op {
	struct op o;
	int64_t limit, offset;
	int64_t seen;
};

static int limit_next(struct exec *x, struct op *o)
{
	struct limit_op *l = (struct limit_op *)o;
	struct op *k = o->kid[0];
	int rc;

	for (;;) {
		int64_t n, start = 0, end;
		size_t c;
		if (l->limit >= 0 && l->seen >= l->offset + l->limit)
			return 0;
		if ((rc = op_next(x, k)) <= 0)
			return rc;
		n = (int64_t)k->out.n;
		if (l->seen + n <= l->offset) {
			l->seen += n;
			continue;
		}
		if (l->seen < l->offset)
			start = l->offset - l->seen;
		end = n;
		if (l->limit >= 0 && l->seen + end > l->offset + l->limit)
			end = l->offset + l->limit - l->seen;
		l->seen += n;
		for (c = 0; c < o->ncols; c++) {
			struct sql_vec v = k->out.cols[c];
			size_t w = val_width(v.t.id);
			if (v.t.id != T_NULL)
				v.v.p = (uint8_t *)v.v.p + (size_t)start * w;
			if (v.null != NULL)
				v.null += start;
			o->out.cols[c] = v;
		}
		o->out.n = (size_t)(end - start);
		if (o->out.n == 0)
			continue;
		return 1;
	}
}

static int limit_prune(struct op *o, const uint8_t *need, uint8_t **kneed)
{
	size_t c;

	for (c = 0; c < o->ncols; c++)
		kneed[0][c] = need == NULL || need[c];
	return 0;
}

static const struct op_vt limit_vt = { "LIMIT", limit_next, NULL, limit_prune };

struct op *op_limit(struct exec *x, struct op *kid, int64_t limit,
    int64_t offset)
{
	struct limit_op *l = op_new(x, sizeof(*l), &limit_vt, kid->ncols,
	    kid->types);

	if (l == NULL) {
		op_free(kid);
		return NULL;
	}
	l->o.kid[0] = kid;
	l->limit = limit;
	l->offset = offset;
	snprintf(l->o.detail, sizeof(l->o.detail), "%lld offset %lld",
	    (long long)limit, (long long)offset);
	return &l->o;
}

/* ---- explain ---- */

int op_explain(const struct op *o, int depth, int analyze, struct rdb_buf *b)
{
	char line[512];
	int n;

	if (o == NULL)
		return 0;
	n = snprintf(line, sizeof(line), "%*s%s%s%s%s", depth * 2, "",
	    depth ? "-> " : "", o->vt == &scan_vt &&
	    ((const struct scan_op *)o)->probe != NULL ? "INDEX " : "",
	    o->vt->name, o->detail[0] ? " " : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	if (rdb_buf_append(b, line, (size_t)n) != 0 ||
	    rdb_buf_append(b, o->detail, strlen(o->detail)) != 0)
		return RDB_ENOMEM;
	if (analyze && o->vt == &scan_vt && ((const struct scan_op *)o)->versions)
		n = snprintf(line, sizeof(line), " (rows=%llu time=%.3f ms "
		    "row groups skipped=%llu)", (unsigned long long)o->rows,
		    (double)o->ns / 1e6, (unsigned long long)op_scan_skipped(o));
	else if (analyze)
		n = snprintf(line, sizeof(line), " (rows=%llu time=%.3f ms)",
		    (unsigned long long)o->rows, (double)o->ns / 1e6);
	else
		n = snprintf(line, sizeof(line), " (estimated rows=%.0f)", o->est);
	if (rdb_buf_append(b, line, (size_t)n) != 0 || rdb_buf_put8(b, '\n'))
		return RDB_ENOMEM;
	if (op_explain(o->kid[0], depth + 1, analyze, b) != 0 ||
	    op_explain(o->kid[1], depth + 1, analyze, b) != 0)
		return RDB_ENOMEM;
	return 0;
}

/* ---- materialize ---- */

struct mat_op {
	struct op o;
	struct rowstore rs;
	int filled;
	size_t pos;
	uint32_t idx[SQL_CHUNK];
};

static int mat_next(struct exec *x, struct op *o)
{
	struct mat_op *m = (struct mat_op *)o;
	size_t n, i, c;
	int rc;

	if (!m->filled) {
		struct op *k = o->kid[0];
		while ((rc = op_next(x, k)) > 0) {
			if (rs_append(&m->rs, &k->out, NULL, 0) != 0)
				return oom(x);
			if (x->memory_limit && m->rs.bytes + m->rs.text.used >
			    x->memory_limit)
				return sql_error(&x->cx, "the rows to insert exceed the "
				    "memory limit (%llu MB); raise --memory-limit",
				    (unsigned long long)(x->memory_shown >> 20));
			if (m->rs.n >= UINT32_MAX - SQL_CHUNK)
				return sql_error(&x->cx, "too many rows");
		}
		if (rc < 0)
			return rc;
		m->filled = 1;
	}
	if (m->pos >= m->rs.n)
		return 0;
	n = m->rs.n - m->pos > SQL_CHUNK ? SQL_CHUNK : m->rs.n - m->pos;
	for (i = 0; i < n; i++)
		m->idx[i] = (uint32_t)(m->pos + i);
	for (c = 0; c < o->ncols; c++)
		if (rs_gather(&m->rs, c, m->idx, n, &o->out.cols[c],
		    &o->out.arena) != 0)
			return oom(x);
	m->pos += n;
	o->out.n = n;
	return 1;
}

static void mat_close(struct op *o)
{
	rs_release(&((struct mat_op *)o)->rs);
}

static const struct op_vt mat_vt = { "MATERIALIZE", mat_next, mat_close, NULL };

struct op *op_materialize(struct exec *x, struct op *kid)
{
	struct mat_op *m = op_new(x, sizeof(*m), &mat_vt, kid->ncols, kid->types);

	if (m == NULL) {
		op_free(kid);
		return NULL;
	}
	m->o.kid[0] = kid;
	if (rs_init(&m->rs, kid->ncols, kid->types) != 0) {
		op_free(&m->o);
		oom(x);
		return NULL;
	}
	m->o.est = kid->est;
	return &m->o;
}

int op_scans(const struct op *o, const char *table)
{
	if (o == NULL)
		return 0;
	if (o->vt == &scan_vt && !strcmp(((const struct scan_op *)o)->table,
	    table))
		return 1;
	return op_scans(o->kid[0], table) || op_scans(o->kid[1], table);
}

int op_stateless(const struct op *o)
{
	return o->vt == &filter_vt || o->vt == &project_vt;
}

/* Does hash join h keep its build rows' matches (an outer build side)? */
static int hj_outer_build(const struct hj_op *h)
{
	return h->kind == JK_FULL || (h->build_right ? h->kind == JK_RIGHT :
	    h->kind == JK_LEFT) || (!h->build_right && h->kind >= JK_SEMI);
}

struct op *op_restart_child(struct op *o, int doit)
{
	struct hj_op *h;

	if (op_stateless(o))
		return o->kid[0];
	if (o->vt != &hj_vt)
		return NULL;
	h = (struct hj_op *)o;
	if (h->borrowed || hj_outer_build(h))
		return NULL;
	if (doit) {
		/* the table stays; the probe starts over */
		h->have = 0;
		h->phase = 0;
		h->prow = 0;
		h->pchain = 0;
		h->upos = 0;
		h->probe_done = 0;
		h->unmatched_pos = 0;
	}
	return o->kid[h->build_right ? 0 : 1];
}

int op_hashjoin_build_from(struct op *o, int right)
{
	struct hj_op *h = (struct hj_op *)o;

	if (o->vt != &hj_vt || h->kind != JK_INNER || h->built || h->borrowed)
		return -1;
	if (h->build_right != right) {
		char *b = strstr(o->detail, "build ");
		h->build_right = right;
		if (b != NULL)
			snprintf(b, sizeof(o->detail) - (size_t)(b - o->detail),
			    "build %s%s", right ? "right" : "left",
			    h->residual ? ", residual filter" : "");
	}
	return 0;
}

/* ---- grouping sets ---- */

/*
 * Each input chunk goes out once per grouping set, the keys a set lacks
 * replaced by NULL and its constants (set number, GROUPING() values)
 * added, so that one hash aggregate over all the keys and constants
 * computes every set in one pass over the input. The keys are
 * evaluated once per chunk; the kid's columns are passed on, not
 * copied (the kid's chunk lives until we pull the next one).
 */
struct expand_op {
	struct op o;
	size_t nkeys, nsets, nconst;
	struct sql_expr **keys;
	const uint8_t *in;
	const int64_t *consts;
	size_t set;                     /* next set of the current chunk */
	int have;
	struct sql_vec *kv, *nullv;     /* per key: its values, all NULL */
	struct sql_arena chunk;         /* for them, per input chunk */
};

static int expand_next(struct exec *x, struct op *o)
{
	struct expand_op *e = (struct expand_op *)o;
	struct op *k = o->kid[0];
	size_t c, i, n;
	int rc;

	if (!e->have || e->set == e->nsets) {
		if ((rc = op_next(x, k)) <= 0)
			return rc;
		e->have = 1;
		e->set = 0;
		sql_arena_reset(&e->chunk);
		n = k->out.n;
		e->kv = sql_arena_alloc(&e->chunk, sizeof(*e->kv) * (e->nkeys + 1));
		e->nullv = sql_arena_alloc(&e->chunk, sizeof(*e->nullv) *
		    (e->nkeys + 1));
		if (e->kv == NULL || e->nullv == NULL)
			return oom(x);
		for (c = 0; c < e->nkeys; c++) {
			struct sql_vec *nv = &e->nullv[c];
			if ((rc = sql_eval(x, e->keys[c], &k->out, &e->kv[c],
			    &e->chunk)) != 0)
				return rc;
			e->kv[c].t = o->types[c];
			if (sql_vec_alloc(nv, o->types[c], n, &e->chunk) != 0 ||
			    (nv->null == NULL &&
			    (nv->null = sql_arena_alloc(&e->chunk, n + 1)) == NULL))
				return oom(x);
			memset(nv->v.p, 0, (n ? n : 1) * val_width(o->types[c].id));
			memset(nv->null, 1, n);
		}
	}
	n = k->out.n;
	for (c = 0; c < e->nkeys; c++)
		o->out.cols[c] = e->in[e->set * e->nkeys + c] ? e->kv[c] :
		    e->nullv[c];
	for (c = 0; c < e->nconst; c++) {
		struct sql_vec *v = &o->out.cols[e->nkeys + c];
		int64_t val = e->consts[e->set * e->nconst + c];
		if (sql_vec_alloc(v, o->types[e->nkeys + c], n, &o->out.arena) != 0)
			return oom(x);
		for (i = 0; i < n; i++)
			v->v.i[i] = val;
	}
	for (c = 0; c < k->ncols; c++)
		o->out.cols[e->nkeys + e->nconst + c] = k->out.cols[c];
	o->out.n = n;
	e->set++;
	return 1;
}

static void expand_close(struct op *o)
{
	sql_arena_release(&((struct expand_op *)o)->chunk);
}

static const struct op_vt expand_vt = { "GROUPING SETS", expand_next,
	expand_close, NULL };

struct op *op_expand(struct exec *x, struct op *kid, size_t nkeys,
    struct sql_expr **keys, size_t nsets, const uint8_t *in, size_t nconst,
    const int64_t *consts)
{
	size_t n = nkeys + nconst + kid->ncols, c;
	struct sql_type *t = calloc(n + 1, sizeof(*t));
	struct expand_op *e;

	if (t == NULL) {
		op_free(kid);
		oom(x);
		return NULL;
	}
	for (c = 0; c < nkeys; c++)
		t[c] = keys[c]->t;
	for (c = 0; c < nconst; c++)
		t[nkeys + c].id = T_INT;
	for (c = 0; c < kid->ncols; c++)
		t[nkeys + nconst + c] = kid->types[c];
	e = op_new(x, sizeof(*e), &expand_vt, n, t);
	free(t);
	if (e == NULL) {
		op_free(kid);
		return NULL;
	}
	e->o.kid[0] = kid;
	e->nkeys = nkeys;
	e->keys = keys;
	e->nsets = nsets;
	e->in = in;
	e->nconst = nconst;
	e->consts = consts;
	sql_arena_init(&e->chunk);
	e->o.est = kid->est * (double)nsets;
	snprintf(e->o.detail, sizeof(e->o.detail), "%zu set%s of %zu key%s",
	    nsets, nsets == 1 ? "" : "s", nkeys, nkeys == 1 ? "" : "s");
	return &e->o;
}

/* ---- hash joins sharing a table ---- */

/* Do plans a and b give the same rows, in the same order: the same
 * scans (of the same snapshot) under equal filters and projections? */
static int op_same(const struct op *a, const struct op *b)
{
	size_t i;

	if (a->vt != b->vt || a->ncols != b->ncols)
		return 0;
	for (i = 0; i < a->ncols; i++)
		if (a->types[i].id != b->types[i].id ||
		    a->types[i].prec != b->types[i].prec ||
		    a->types[i].scale != b->types[i].scale)
			return 0;
	if (a->vt == &scan_vt) {
		const struct scan_op *s = (const struct scan_op *)a;
		const struct scan_op *t = (const struct scan_op *)b;
		if (s->scan != NULL || t->scan != NULL || s->versions ||
		    t->versions || s->probe != NULL || t->probe != NULL ||
		    s->txn != t->txn || s->with_rowid != t->with_rowid ||
		    strcmp(s->table, t->table) != 0 || s->ncols != t->ncols ||
		    s->npreds != t->npreds)
			return 0;
		for (i = 0; i < s->ncols; i++)
			if (s->cols[i] != t->cols[i])
				return 0;
		for (i = 0; i < s->npreds; i++)
			if (!plan_pred_eq(&s->preds[i], &t->preds[i]))
				return 0;
		return 1;
	}
	if (a->vt == &filter_vt) {
		const struct filter_op *f = (const struct filter_op *)a;
		const struct filter_op *g = (const struct filter_op *)b;
		if (sql_expr_has_sub(f->pred) || sql_expr_volatile(f->pred) ||
		    !sql_expr_eq(f->pred, g->pred))
			return 0;
		return op_same(a->kid[0], b->kid[0]);
	}
	if (a->vt == &project_vt) {
		const struct project_op *p = (const struct project_op *)a;
		const struct project_op *q = (const struct project_op *)b;
		for (i = 0; i < a->ncols; i++)
			if (sql_expr_has_sub(p->exprs[i]) ||
			    sql_expr_volatile(p->exprs[i]) ||
			    !sql_expr_eq(p->exprs[i], q->exprs[i]))
				return 0;
		return op_same(a->kid[0], b->kid[0]);
	}
	return 0;
}

/* May join h use another's table: one no probe marks (no outer build
 * side), not built yet? */
static int hj_shareable(const struct hj_op *h)
{
	return !h->built && !h->borrowed && h->src == NULL &&
	    h->kind != JK_FULL && (h->build_right ? h->kind != JK_RIGHT :
	    h->kind == JK_INNER);
}

/* The shareable hash joins of the plan under o, at most max, in v. */
static size_t hj_list(struct op *o, struct hj_op **v, size_t n, size_t max)
{
	size_t k;

	if (o == NULL)
		return n;
	if (o->vt == &hj_vt && n < max &&
	    hj_shareable((struct hj_op *)o))
		v[n++] = (struct hj_op *)o;
	for (k = 0; k < 2; k++)
		n = hj_list(o->kid[k], v, n, max);
	return n;
}

void op_share_builds(struct op *o)
{
	struct hj_op *v[64];
	size_t n = hj_list(o, v, 0, 64), i, j, k;

	for (i = 0; i < n; i++) {
		struct hj_op *h = v[i];
		struct op *hb = h->o.kid[h->build_right ? 1 : 0];
		struct sql_expr **hk = h->build_right ? h->rkeys : h->lkeys;
		if (h->src != NULL)
			continue;
		for (j = i + 1; j < n; j++) {
			struct hj_op *g = v[j];
			struct op *gb = g->o.kid[g->build_right ? 1 : 0];
			struct sql_expr **gk = g->build_right ? g->rkeys : g->lkeys;
			if (g->src != NULL || g->nkeys != h->nkeys ||
			    !op_same(hb, gb))
				continue;
			for (k = 0; k < h->nkeys; k++)
				if (sql_expr_volatile(hk[k]) ||
				    sql_expr_has_sub(hk[k]) ||
				    !sql_expr_eq(hk[k], gk[k]) ||
				    hk[k]->t.id != gk[k]->t.id)
					break;
			if (k < h->nkeys)
				continue;
			g->src = h;
			h->lent = 1;
			snprintf(g->o.detail + strlen(g->o.detail),
			    sizeof(g->o.detail) - strlen(g->o.detail),
			    ", table shared");
		}
	}
}

/* ---- where a column comes from ---- */

int op_col_source(const struct op *o, size_t col, const char **table,
    size_t *tcol)
{
	while (o->vt == &filter_vt || o->vt == &project_vt ||
	    o->vt == &hj_vt) {
		if (o->vt == &hj_vt) {
			/* a probe column: the rows of a probe chunk come out
			 * before those of the next; not when the build side's
			 * unmatched rows come at the end */
			const struct hj_op *h = (const struct hj_op *)o;
			size_t nl = o->kid[0]->ncols;
			if (h->build_right ? h->kind == JK_RIGHT ||
			    h->kind == JK_FULL || col >= nl :
			    h->kind == JK_LEFT || h->kind == JK_FULL || col < nl)
				return -1;
			o = o->kid[h->build_right ? 0 : 1];
			if (!h->build_right)
				col -= nl;
			continue;
		}
		if (o->vt == &project_vt) {
			const struct sql_expr *e =
			    ((const struct project_op *)o)->exprs[col];
			if (e == NULL || e->k != E_COL || e->col < 0)
				return -1;
			col = (size_t)e->col;
		}
		o = o->kid[0];
		if (col >= o->ncols)
			return -1;
	}
	if (o->vt == &scan_vt) {
		const struct scan_op *s = (const struct scan_op *)o;
		if (s->txn != NULL || s->versions || s->probe != NULL ||
		    col >= s->ncols)
			return -1;
		*table = s->table;
		*tcol = s->cols[col];
		return 0;
	}
	return -1;
}

/* ---- cloning pipelines for parallel workers ---- */

int op_clonable(const struct op *o)
{
	size_t c;

	if (o->vt == &scan_vt)
		return ((const struct scan_op *)o)->scan == NULL &&
		    !((const struct scan_op *)o)->with_rowid &&
		    !((const struct scan_op *)o)->versions &&
		    ((const struct scan_op *)o)->probe == NULL;
	if (o->vt == &filter_vt) {
		const struct filter_op *f = (const struct filter_op *)o;
		return !sql_expr_has_sub(f->pred) && op_clonable(o->kid[0]);
	}
	if (o->vt == &project_vt) {
		const struct project_op *p = (const struct project_op *)o;
		for (c = 0; c < o->ncols; c++)
			if (sql_expr_has_sub(p->exprs[c]))
				return 0;
		return op_clonable(o->kid[0]);
	}
	if (o->vt == &expand_vt) {
		const struct expand_op *e = (const struct expand_op *)o;
		for (c = 0; c < e->nkeys; c++)
			if (sql_expr_has_sub(e->keys[c]))
				return 0;
		return op_clonable(o->kid[0]);
	}
	if (o->vt == &hj_vt) {
		const struct hj_op *h = (const struct hj_op *)o;
		for (c = 0; c < h->nkeys; c++)
			if (sql_expr_has_sub(h->lkeys[c]) ||
			    sql_expr_has_sub(h->rkeys[c]))
				return 0;
		if (sql_expr_has_sub(h->residual))
			return 0;
		/* the probe side runs in every worker against one shared
		 * build; an outer build side shares its "matched" array
		 * (hj_share_wait), but NOT IN's, whose NULLs count */
		if ((!h->build_right && h->kind == JK_ANTI_NA) || h->have)
			return 0;
		return op_clonable(o->kid[h->build_right ? 0 : 1]);
	}
	return 0;
}

static int scan_start(struct exec *x, struct scan_op *s, unsigned part,
    unsigned nparts)
{
	struct rdb_scan_options so;
	int rc;

	memset(&so, 0, sizeof(so));
	so.cols = s->cols;
	so.ncols = s->ncols;
	so.preds = s->preds;
	so.npreds = s->npreds;
	so.threads = 1;         /* the workers are the parallelism */
	so.slice = SQL_CHUNK;   /* chunks decoded as they are wanted */
	so.part = part;
	so.nparts = nparts;
	rc = rdb_scan_open(s->txn ? s->txn : x->txn, s->table, &so, &s->scan);
	if (rc != RDB_OK) {
		if (s->txn != NULL)     /* an AS OF snapshot's handle */
			snprintf(x->cx.err.msg, sizeof(x->cx.err.msg), "%s",
			    rdb_txn_errmsg(s->txn));
		x->cx.err.code = rc;
		return rc;
	}
	return 0;
}

/*
 * Part part of nparts of the pipeline o: scans read every nparts-th row
 * group (opened here, in the calling thread), filters and projections
 * are copied, hash joins share their (built here) table. The original
 * becomes part 0. Returns NULL after an error.
 */
struct op *op_clone(struct exec *x, struct op *o, unsigned part,
    unsigned nparts)
{
	struct op *c, *k;

	if (o->vt == &scan_vt) {
		struct scan_op *s = (struct scan_op *)o, *n;
		if (part == 0) {
			if (scan_start(x, s, 0, nparts) != 0)
				return NULL;
			return o;
		}
		c = op_scan(x, s->table, s->ncols, s->cols, o->types, s->preds,
		    s->npreds, 0);
		if (c == NULL)
			return NULL;
		n = (struct scan_op *)c;
		n->txn = s->txn;
		if (scan_start(x, n, part, nparts) != 0) {
			op_free(c);
			return NULL;
		}
		c->est = o->est / nparts;
		return c;
	}
	if (o->vt == &filter_vt || o->vt == &project_vt ||
	    o->vt == &expand_vt) {
		if ((k = op_clone(x, o->kid[0], part, nparts)) == NULL)
			return NULL;
		if (part == 0)
			return o;
		if (o->vt == &filter_vt) {
			c = op_filter(x, k, ((struct filter_op *)o)->pred);
		} else if (o->vt == &project_vt) {
			c = op_project(x, k, o->ncols, ((struct project_op *)o)->exprs);
		} else {
			struct expand_op *e = (struct expand_op *)o;
			c = op_expand(x, k, e->nkeys, e->keys, e->nsets, e->in,
			    e->nconst, e->consts);
		}
		if (c != NULL)
			c->est = o->est / nparts;
		return c;
	}
	if (o->vt == &hj_vt) {
		struct hj_op *h = (struct hj_op *)o, *n;
		int pi = h->build_right ? 0 : 1;
		if (!h->built && hj_build(x, h) != 0)
			return NULL;
		if ((k = op_clone(x, o->kid[pi], part, nparts)) == NULL)
			return NULL;
		if (part == 0)
			return o;
		/* a probe of the original's table: borrowed, not owned */
		n = op_new(x, sizeof(*n), &hj_vt, o->ncols, o->types);
		if (n == NULL) {
			op_free(k);
			return NULL;
		}
		n->o.kid[pi] = k;
		n->kind = h->kind;
		n->nkeys = h->nkeys;
		n->lkeys = h->lkeys;
		n->rkeys = h->rkeys;
		n->residual = h->residual;
		n->build_right = h->build_right;
		if (h->need != NULL) {
			uint8_t *nd = malloc(o->ncols + 1);
			if (nd == NULL) {
				op_free(&n->o);
				oom(x);
				return NULL;
			}
			memcpy(nd, h->need, o->ncols);
			n->need = nd;
		}
		hj_borrow(n, h);
		if (h->matched != NULL) {
			if (h->share == NULL &&
			    (h->share = calloc(1, sizeof(*h->share))) == NULL) {
				op_free(&n->o);
				oom(x);
				return NULL;
			}
			h->share->nparts = nparts;
			n->share = h->share;
			n->matched = h->matched;
		}
		n->obuild = malloc(4 * (SQL_CHUNK + 1));
		n->oprobe = malloc(4 * (SQL_CHUNK + 1));
		sql_arena_init(&n->scratch);
		if (n->obuild == NULL || n->oprobe == NULL) {
			op_free(&n->o);
			oom(x);
			return NULL;
		}
		snprintf(n->o.detail, sizeof(n->o.detail), "%s", o->detail);
		n->o.est = o->est / nparts;
		return &n->o;
	}
	sql_error(&x->cx, "internal: operator %s cannot run in parallel",
	    o->vt->name);
	return NULL;
}

int op_prebuild(struct exec *x, struct op *o)
{
	for (;;) {
		if (o->vt == &filter_vt || o->vt == &project_vt ||
		    o->vt == &expand_vt) {
			o = o->kid[0];
		} else if (o->vt == &hj_vt) {
			struct hj_op *h = (struct hj_op *)o;
			if (!h->built && hj_build(x, h) != 0)
				return x->cx.err.code ? x->cx.err.code : RDB_ENOMEM;
			o = o->kid[h->build_right ? 0 : 1];
		} else {
			return 0;
		}
	}
}

int op_prune(struct op *o, const uint8_t *need, struct sql_arena *a)
{
	uint8_t *kneed[2] = { NULL, NULL };
	int k, rc;

	if (o == NULL)
		return 0;
	for (k = 0; k < 2; k++)
		if (o->kid[k] != NULL &&
		    (kneed[k] = sql_arena_alloc(a, o->kid[k]->ncols + 1)) == NULL)
			return RDB_ENOMEM;
		else if (kneed[k] != NULL)
			memset(kneed[k], 0, o->kid[k]->ncols + 1);
	/* an operator that cannot tell: its kids' columns all count */
	if (o->vt->prune == NULL || o->vt->prune(o, need, kneed) != 0)
		kneed[0] = kneed[1] = NULL;
	for (k = 0; k < 2; k++)
		if ((rc = op_prune(o->kid[k], kneed[k], a)) != 0)
			return rc;
	return 0;
}

double op_scan_bytes(const struct op *o)
{
	if (o->vt == &scan_vt) {
		double w = 0, wt = 0, keep = ((const struct scan_op *)o)->keep;
		size_t c;
		for (c = 0; c < o->ncols; c++) {
			int id = o->types[c].id;
			if (sql_is_strlike(id))
				wt += 32;
			else
				w += id == T_DECIMAL ? 16 : 8;
		}
		/* with key sets: a key column for every row, the rest for
		 * the rows they keep, but text, whose chunks are
		 * decompressed whole (TPC-H Q10's customers: 25% kept, and
		 * two threads still gain) */
		return o->est * (keep < 1 ? 8 + keep * w + wt : w + wt);
	}
	if (o->vt == &filter_vt || o->vt == &project_vt ||
	    o->vt == &expand_vt)
		return op_scan_bytes(o->kid[0]);
	if (o->vt == &hj_vt)
		return op_scan_bytes(o->kid[((const struct hj_op *)o)->build_right ?
		    0 : 1]);
	return o->est * 8;
}

/* ---- concatenation and repetition (set operations) ---- */

struct concat_op {
	struct op o;
	int side;
};

static int concat_next(struct exec *x, struct op *o)
{
	struct concat_op *c = (struct concat_op *)o;
	int rc;
	size_t i;

	while (c->side < 2) {
		struct op *k = o->kid[c->side];
		if ((rc = op_next(x, k)) < 0)
			return rc;
		if (rc == 0) {
			c->side++;
			continue;
		}
		for (i = 0; i < o->ncols; i++)
			o->out.cols[i] = k->out.cols[i];
		o->out.n = k->out.n;
		return 1;
	}
	return 0;
}

static const struct op_vt concat_vt = { "UNION ALL", concat_next, NULL, NULL };

struct op *op_concat(struct exec *x, struct op *l, struct op *r)
{
	struct concat_op *c = op_new(x, sizeof(*c), &concat_vt, l->ncols,
	    l->types);

	if (c == NULL) {
		op_free(l);
		op_free(r);
		return NULL;
	}
	c->o.kid[0] = l;
	c->o.kid[1] = r;
	c->o.est = l->est + r->est;
	return &c->o;
}

struct repeat_op {
	struct op o;
	int have;
	size_t row;             /* next input row */
	int64_t left;           /* copies of it still to give */
	uint32_t idx[SQL_CHUNK];
};

static int repeat_next(struct exec *x, struct op *o)
{
	struct repeat_op *r = (struct repeat_op *)o;
	struct op *k = o->kid[0];
	size_t n = 0, c;
	int rc;

	for (;;) {
		const int64_t *cnt;
		const uint8_t *nl;
		if (!r->have) {
			if ((rc = op_next(x, k)) <= 0)
				return rc;
			r->have = 1;
			r->row = 0;
			r->left = -1;
		}
		cnt = k->out.cols[o->ncols].v.i;
		nl = k->out.cols[o->ncols].null;
		while (r->row < k->out.n && n < SQL_CHUNK) {
			if (r->left < 0)
				r->left = nl != NULL && nl[r->row] ? 0 : cnt[r->row];
			if (r->left <= 0) {
				r->row++;
				r->left = -1;
				continue;
			}
			r->idx[n++] = (uint32_t)r->row;
			r->left--;
		}
		if (n > 0) {
			for (c = 0; c < o->ncols; c++) {
				const struct sql_vec *src = &k->out.cols[c];
				struct sql_vec *dst = &o->out.cols[c];
				struct sql_val v;
				size_t i;
				if (sql_vec_alloc(dst, src->t, n, &o->out.arena) != 0)
					return oom(x);
				for (i = 0; i < n; i++) {
					sql_vec_get(src, r->idx[i], &v);
					if (sql_vec_set(dst, i, &v, &o->out.arena) != 0)
						return oom(x);
				}
			}
			o->out.n = n;
			if (r->row >= k->out.n)
				r->have = 0;    /* the input chunk is done */
			else
				return 1;
			/* the next call pulls a new input chunk: our output
			 * was copied, so it survives that */
			return 1;
		}
		r->have = 0;
	}
}

static const struct op_vt repeat_vt = { "REPEAT", repeat_next, NULL, NULL };

struct op *op_repeat(struct exec *x, struct op *kid)
{
	struct repeat_op *r = op_new(x, sizeof(*r), &repeat_vt, kid->ncols - 1,
	    kid->types);

	if (r == NULL) {
		op_free(kid);
		return NULL;
	}
	r->o.kid[0] = kid;
	r->o.est = kid->est;
	return &r->o;
}


/* ---- shared WITH queries ---- */

struct cte_store {
	struct op *producer;
	struct rowstore rs;
	int state;                      /* 0 not run, 1 rows kept, < 0 failed */
	char name[64];
	char **names;
	struct cte_store *next;
};

struct cte_store *cte_store_new(struct exec *x, struct op *producer,
    const char *name, char **names)
{
	struct cte_store *st = calloc(1, sizeof(*st));

	if (st == NULL || rs_init(&st->rs, producer->ncols, producer->types)) {
		free(st);
		op_free(producer);
		oom(x);
		return NULL;
	}
	st->producer = producer;
	st->names = names;
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->next = x->stores;
	x->stores = st;
	return st;
}

char **cte_store_names(const struct cte_store *st)
{
	return st->names;
}

void cte_stores_release(struct exec *x)
{
	while (x->stores != NULL) {
		struct cte_store *st = x->stores;
		x->stores = st->next;
		op_free(st->producer);
		rs_release(&st->rs);
		free(st);
	}
}

struct cte_scan_op {
	struct op o;
	struct cte_store *st;
	size_t pos;
};

static int cte_fill(struct exec *x, struct cte_store *st)
{
	int rc;

	while ((rc = op_next(x, st->producer)) > 0) {
		if (rs_append(&st->rs, &st->producer->out, NULL, 0) != 0)
			return oom(x);
		if (x->memory_limit && st->rs.bytes + st->rs.text.used >
		    x->memory_limit)
			return sql_error(&x->cx, "the rows of WITH query '%s' exceed "
			    "the memory limit (%llu MB); raise --memory-limit",
			    st->name, (unsigned long long)(x->memory_shown >> 20));
	}
	return rc;
}

static int cte_next(struct exec *x, struct op *o)
{
	struct cte_scan_op *c = (struct cte_scan_op *)o;
	struct cte_store *st = c->st;
	uint32_t idx[SQL_CHUNK];
	size_t n, i, k;
	int rc;

	if (st->state == 0) {
		rc = cte_fill(x, st);
		if (rc < 0) {
			st->state = rc;
			return rc;
		}
		st->state = 1;
	}
	if (st->state < 0)
		return sql_error(&x->cx, "WITH query '%s' failed", st->name);
	if (c->pos >= st->rs.n)
		return 0;
	n = st->rs.n - c->pos < SQL_CHUNK ? st->rs.n - c->pos : SQL_CHUNK;
	sql_arena_reset(&o->out.arena);
	for (i = 0; i < n; i++)
		idx[i] = (uint32_t)(c->pos + i);
	for (k = 0; k < o->ncols; k++)
		if (rs_gather(&st->rs, k, idx, n, &o->out.cols[k],
		    &o->out.arena) != 0)
			return oom(x);
	o->out.n = n;
	c->pos += n;
	return 1;
}

static const struct op_vt cte_vt = { "WITH QUERY", cte_next, NULL, NULL };

struct op *op_cte_scan(struct exec *x, struct cte_store *st)
{
	struct cte_scan_op *c = op_new(x, sizeof(*c), &cte_vt,
	    st->producer->ncols, st->producer->types);

	if (c == NULL)
		return NULL;
	c->st = st;
	c->o.est = st->producer->est;
	snprintf(c->o.detail, sizeof(c->o.detail), "%s, computed once for "
	    "all its references", st->name);
	return &c->o;
}

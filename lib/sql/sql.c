/*
 * sql.c - SQL sessions: statements, transactions and results
 * (the rdb_sql_* functions of rdb.h).
 *
 * A statement runs in the session's open transaction (BEGIN), or in one
 * of its own: a read transaction for queries, a write transaction for
 * everything else, committed only when the statement worked, so a
 * failed statement changes nothing.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sql/plan.h"

struct rdb_sql {
	struct rdb_db *db;
	char *program;
	char *message;                  /* for the commit log, or NULL */
	uint64_t as_of;                 /* every statement reads at it */
	uint64_t memory_limit;
	uint64_t recursion_limit;       /* 0: none */
	int threads;
	struct rdb_txn *txn;            /* BEGIN ... COMMIT */
	int aborted;                    /* an error inside BEGIN */
	struct sql_param *params;
	size_t nparams;
	volatile int interrupt;
	struct rdb_err err;
	uint64_t rng;
	struct rdb_view_desc **tv;      /* CREATE TEMP VIEW: the session's
	                                   views, strings owned, in the
	                                   order they were made */
	size_t ntv;
};

static const struct {
	const char *name;
	int agg;
} agg_names[] = {
	{ "avg", AGG_AVG }, { "bool_and", AGG_BOOL_AND },
	{ "bool_or", AGG_BOOL_OR }, { "count", AGG_COUNT },
	{ "every", AGG_BOOL_AND }, { "group_concat", AGG_STRING_AGG },
	{ "max", AGG_MAX }, { "mean", AGG_AVG }, { "min", AGG_MIN },
	{ "stddev", AGG_STDDEV }, { "stddev_pop", AGG_STDDEV_POP },
	{ "stddev_samp", AGG_STDDEV }, { "string_agg", AGG_STRING_AGG },
	{ "sum", AGG_SUM }, { "total", AGG_SUM }, { "var_pop", AGG_VAR_POP },
	{ "var_samp", AGG_VARIANCE }, { "variance", AGG_VARIANCE },
	{ NULL, 0 }
};

int sql_agg_find(const char *name)
{
	int i;

	for (i = 0; agg_names[i].name != NULL; i++)
		if (!strcmp(agg_names[i].name, name))
			return agg_names[i].agg;
	return AGG_NONE;
}

int rdb_sql_open(struct rdb_db *db, const struct rdb_sql_options *o,
    struct rdb_sql **sp)
{
	struct rdb_sql *s = calloc(1, sizeof(*s));

	*sp = NULL;
	if (s == NULL)
		return RDB_ENOMEM;
	s->db = db;
	if (o != NULL) {
		s->program = o->program ? strdup(o->program) : NULL;
		s->message = o->message ? strdup(o->message) : NULL;
		s->memory_limit = o->memory_limit;
		s->threads = o->threads;
		s->recursion_limit = o->recursion_limit;
		s->as_of = o->as_of;
		if ((o->program != NULL && s->program == NULL) ||
		    (o->message != NULL && s->message == NULL)) {
			free(s->program);
			free(s->message);
			free(s);
			return RDB_ENOMEM;
		}
	}
	if (s->recursion_limit == 0)
		s->recursion_limit = RDB_RECURSION_LIMIT;
	else if (s->recursion_limit == UINT64_MAX)
		s->recursion_limit = 0;
	if (s->memory_limit == 0) {
		long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
		s->memory_limit = pages > 0 && psz > 0 ?
		    (uint64_t)pages * (uint64_t)psz / 4 : (uint64_t)1 << 30;
	}
	s->rng = (uint64_t)rdb_now_us() ^ ((uint64_t)getpid() << 32);
	*sp = s;
	return RDB_OK;
}

/* ---- temporary views ---- */

static void tv_free(struct rdb_view_desc *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v->cols != NULL && i < v->ncols; i++)
		free((char *)v->cols[i]);
	free((char **)v->cols);
	free((char *)v->name);
	free((char *)v->sql);
	free(v);
}

static int tv_find(const struct rdb_sql *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ntv; i++)
		if (strcasecmp(s->tv[i]->name, name) == 0)
			return (int)i;
	return -1;
}

static struct rdb_view_desc *tv_new(const char *name, char **cols,
    size_t ncols, const char *sql)
{
	struct rdb_view_desc *v = calloc(1, sizeof(*v));
	char **c = calloc(ncols + 1, sizeof(*c));

	if (v == NULL || c == NULL) {
		free(v);
		free(c);
		return NULL;
	}
	v->cols = (const char *const *)c;
	v->name = strdup(name);
	v->sql = strdup(sql);
	if (v->name == NULL || v->sql == NULL) {
		tv_free(v);
		return NULL;
	}
	for (; v->ncols < ncols; v->ncols++)
		if ((c[v->ncols] = strdup(cols[v->ncols])) == NULL) {
			tv_free(v);
			return NULL;
		}
	return v;
}

int rdb_sql_temp_views(struct rdb_sql *s,
    const struct rdb_view_desc *const **views, size_t *n)
{
	*views = (const struct rdb_view_desc *const *)s->tv;
	*n = s->ntv;
	return RDB_OK;
}

void rdb_sql_close(struct rdb_sql *s)
{
	size_t i;

	if (s == NULL)
		return;
	rdb_txn_abort(s->txn);
	for (i = 0; i < s->ntv; i++)
		tv_free(s->tv[i]);
	free(s->tv);
	for (i = 0; i < s->nparams; i++) {
		free(s->params[i].name);
		free(s->params[i].value);
	}
	free(s->params);
	free(s->program);
	free(s->message);
	free(s);
}

const char *rdb_sql_errmsg(const struct rdb_sql *s)
{
	if (s == NULL)
		return "out of memory";
	return s->err.msg[0] ? s->err.msg : rdb_strerror(s->err.code);
}

int rdb_sql_bind(struct rdb_sql *s, const char *name, const char *value)
{
	size_t i;
	char *v;

	if (name[0] == ':')
		name++;
	v = strdup(value);
	if (v == NULL)
		return RDB_ENOMEM;
	for (i = 0; i < s->nparams; i++)
		if (!strcmp(s->params[i].name, name)) {
			free(s->params[i].value);
			s->params[i].value = v;
			return RDB_OK;
		}
	{
		struct sql_param *np = realloc(s->params, (s->nparams + 1) *
		    sizeof(*np));
		if (np == NULL) {
			free(v);
			return RDB_ENOMEM;
		}
		s->params = np;
		np[s->nparams].name = strdup(name);
		np[s->nparams].value = v;
		if (np[s->nparams].name == NULL) {
			free(v);
			return RDB_ENOMEM;
		}
		s->nparams++;
	}
	return RDB_OK;
}

void rdb_sql_interrupt(struct rdb_sql *s)
{
	s->interrupt = 1;
}

int rdb_sql_in_transaction(const struct rdb_sql *s)
{
	return s->txn != NULL;
}

/* ---- chunks to batches ---- */

static enum rdb_type out_type(int id)
{
	if (id == T_NULL || id == T_INTERVAL)
		return RDB_TEXT;
	return (enum rdb_type)id;
}

struct batchbuf {
	struct rdb_batch b;
	struct rdb_vec *cols;
	size_t ncols;
	struct rdb_buf *data;           /* per column: values */
	struct rdb_buf *valid;
	struct rdb_buf *offs;
};

static void bb_release(struct batchbuf *bb)
{
	size_t c;

	for (c = 0; c < bb->ncols; c++) {
		rdb_buf_release(&bb->data[c]);
		rdb_buf_release(&bb->valid[c]);
		rdb_buf_release(&bb->offs[c]);
	}
	free(bb->data);
	free(bb->valid);
	free(bb->offs);
	free(bb->cols);
	memset(bb, 0, sizeof(*bb));
}

static int bb_init(struct batchbuf *bb, size_t ncols)
{
	memset(bb, 0, sizeof(*bb));
	bb->ncols = ncols;
	bb->cols = calloc(ncols + 1, sizeof(*bb->cols));
	bb->data = calloc(ncols + 1, sizeof(*bb->data));
	bb->valid = calloc(ncols + 1, sizeof(*bb->valid));
	bb->offs = calloc(ncols + 1, sizeof(*bb->offs));
	if (bb->cols == NULL || bb->data == NULL || bb->valid == NULL ||
	    bb->offs == NULL)
		return RDB_ENOMEM;
	return RDB_OK;
}

/* Convert chunk c into bb's batch with the given column types. */
static int bb_fill(struct batchbuf *bb, const struct sql_chunk *c,
    const struct sql_type *types)
{
	size_t col, i, n = c->n;

	bb->b.nrows = n;
	bb->b.ncols = bb->ncols;
	bb->b.cols = bb->cols;
	bb->b.rowids = NULL;
	for (col = 0; col < bb->ncols; col++) {
		const struct sql_vec *v = &c->cols[col];
		struct rdb_vec *rv = &bb->cols[col];
		struct rdb_buf *d = &bb->data[col], *va = &bb->valid[col];
		enum rdb_type t = out_type(types[col].id);
		size_t w = rdb_type_width(t);
		int anynull = 0;

		rv->type = t;
		rv->precision = types[col].prec;
		rv->scale = types[col].scale;
		d->len = 0;
		va->len = 0;
		if (rdb_buf_reserve(va, n / 8 + 1) != 0)
			return RDB_ENOMEM;
		memset(va->p, 0, n / 8 + 1);
		for (i = 0; i < n; i++) {
			if (v->t.id == T_NULL || (v->null != NULL && v->null[i]))
				anynull = 1;
			else
				va->p[i >> 3] |= (uint8_t)(1u << (i & 7));
		}
		rv->validity = anynull ? va->p : NULL;
		if (w > 0) {
			if (rdb_buf_reserve(d, n * w + 16) != 0)
				return RDB_ENOMEM;
			switch (t) {
			case RDB_BOOLEAN:
				for (i = 0; i < n; i++)
					d->p[i] = v->t.id == T_NULL ? 0 : (uint8_t)(v->v.i[i] != 0);
				break;
			case RDB_INTEGER: case RDB_DATE:
				for (i = 0; i < n; i++) {
					int32_t x = v->t.id == T_NULL ? 0 : (int32_t)v->v.i[i];
					memcpy(d->p + 4 * i, &x, 4);
				}
				break;
			default:
				if (v->t.id == T_NULL)
					memset(d->p, 0, n * w);
				else
					memcpy(d->p, v->v.p, n * w);
			}
			rv->values = d->p;
			rv->offsets = NULL;
		} else {
			struct rdb_buf *o = &bb->offs[col];
			uint32_t off = 0;
			o->len = 0;
			if (rdb_buf_reserve(o, 4 * (n + 1)) != 0)
				return RDB_ENOMEM;
			for (i = 0; i < n; i++) {
				((uint32_t *)(void *)o->p)[i] = off;
				if (v->t.id == T_NULL || (v->null != NULL && v->null[i]))
					continue;
				if (v->t.id == T_INTERVAL) {
					struct sql_val val;
					size_t before = d->len;
					sql_vec_get(v, i, &val);
					if (sql_val_text(&val, d) != 0)
						return RDB_ENOMEM;
					off += (uint32_t)(d->len - before);
					continue;
				}
				if ((uint64_t)off + v->v.s[i].n > UINT32_MAX)
					return RDB_ENOMEM;
				if (rdb_buf_append(d, v->v.s[i].p, v->v.s[i].n) != 0)
					return RDB_ENOMEM;
				off += v->v.s[i].n;
			}
			((uint32_t *)(void *)o->p)[n] = off;
			if (rdb_buf_reserve(d, 1) != 0)
				return RDB_ENOMEM;
			rv->values = d->p;
			rv->offsets = (uint32_t *)(void *)o->p;
		}
	}
	return RDB_OK;
}

/* ---- statements ---- */

struct stmt_run {
	struct rdb_sql *s;
	struct exec x;
	struct sql_arena a;
	const struct sql_sink_ *unused;
};

/* Fill the session error from the statement's or the database's. */
static int fail(struct rdb_sql *s, struct exec *x, int rc)
{
	if (rc == 0)
		rc = RDB_ERROR;
	if (x->cx.err.code == RDB_ESQL || x->cx.err.code == RDB_EINTR ||
	    (x->cx.err.msg[0] && x->cx.err.code == rc)) {
		s->err = x->cx.err;
		if (s->err.code == 0)
			s->err.code = rc;
		return s->err.code;
	}
	if (x->cx.err.msg[0] && rc == RDB_ENOMEM) {
		s->err = x->cx.err;
		s->err.code = rc;
		return rc;
	}
	s->err.code = rc;
	snprintf(s->err.msg, sizeof(s->err.msg), "%s", rdb_errmsg(s->db));
	if (!strcmp(s->err.msg, "no error") || s->err.msg[0] == '\0')
		snprintf(s->err.msg, sizeof(s->err.msg), "%s", rdb_strerror(rc));
	return rc;
}

static int storage_err(struct exec *x, struct rdb_db *db, int rc)
{
	x->cx.err.code = rc;
	snprintf(x->cx.err.msg, sizeof(x->cx.err.msg), "%s", rdb_errmsg(db));
	return rc;
}

static int run_query(struct rdb_sql *s, struct exec *x, struct sql_arena *a,
    struct sql_select *sel, const struct rdb_sql_sink *sink)
{
	struct plan_out p;
	struct batchbuf bb;
	int rc;

	if ((rc = plan_select(x, a, sel, &p)) != 0)
		return rc;
	if (bb_init(&bb, p.ncols) != 0) {
		op_free(p.op);
		return sql_error(&x->cx, "out of memory");
	}
	if (sink != NULL && sink->columns != NULL) {
		struct rdb_vec *tv = calloc(p.ncols + 1, sizeof(*tv));
		size_t i;
		if (tv == NULL) {
			rc = sql_error(&x->cx, "out of memory");
			goto out;
		}
		for (i = 0; i < p.ncols; i++) {
			tv[i].type = out_type(p.types[i].id);
			tv[i].precision = p.types[i].prec;
			tv[i].scale = p.types[i].scale;
		}
		rc = sink->columns(sink->arg, p.ncols, (const char *const *)p.names,
		    tv);
		free(tv);
		if (rc != 0) {
			rc = RDB_EINTR;
			x->cx.err.code = rc;
			snprintf(x->cx.err.msg, sizeof(x->cx.err.msg), "stopped");
			goto out;
		}
	}
	while ((rc = op_next(x, p.op)) > 0) {
		if (sink == NULL || sink->rows == NULL)
			continue;
		if (bb_fill(&bb, &p.op->out, p.types) != 0) {
			rc = sql_error(&x->cx, "out of memory");
			goto out;
		}
		if (sink->rows(sink->arg, &bb.b) != 0) {
			rc = RDB_EINTR;
			x->cx.err.code = rc;
			snprintf(x->cx.err.msg, sizeof(x->cx.err.msg), "stopped");
			goto out;
		}
	}
	(void)s;
out:
	bb_release(&bb);
	op_free(p.op);
	return rc < 0 ? rc : 0;
}

static int run_explain(struct exec *x, struct sql_arena *a,
    struct sql_stmt *st, const struct rdb_sql_sink *sink)
{
	struct plan_out p;
	struct rdb_buf text;
	int rc;

	if (st->inner->k != S_SELECT)
		return sql_error(&x->cx, "EXPLAIN works on SELECT statements");
	x->analyze = st->analyze;
	if ((rc = plan_select(x, a, st->inner->sel, &p)) != 0)
		return rc;
	if (st->analyze) {
		while ((rc = op_next(x, p.op)) > 0)
			;
		if (rc < 0) {
			op_free(p.op);
			return rc;
		}
	}
	rdb_buf_init(&text);
	if (op_explain(p.op, 0, st->analyze, &text) != 0) {
		op_free(p.op);
		rdb_buf_release(&text);
		return sql_error(&x->cx, "out of memory");
	}
	op_free(p.op);
	if (sink != NULL) {
		const char *name = "plan";
		struct rdb_vec tv;
		struct rdb_batch b;
		struct rdb_vec col;
		uint32_t *offs = NULL;
		size_t lines = 0, i, k = 0;
		memset(&tv, 0, sizeof(tv));
		tv.type = RDB_TEXT;
		if (sink->columns != NULL && sink->columns(sink->arg, 1, &name, &tv)) {
			rdb_buf_release(&text);
			return 0;
		}
		for (i = 0; i < text.len; i++)
			lines += text.p[i] == '\n';
		offs = malloc(4 * (lines + 1));
		if (offs == NULL) {
			rdb_buf_release(&text);
			return sql_error(&x->cx, "out of memory");
		}
		offs[0] = 0;
		for (i = 0; i < text.len; i++)
			if (text.p[i] == '\n') {
				/* drop the newline from each line: shift later text */
				offs[++k] = (uint32_t)i;
			}
		/* lines are [offs[j] + (j ? 1 : 0), offs[j+1]) - rebuild
		 * without newlines for a plain offsets array */
		{
			struct rdb_buf clean;
			uint32_t *o2 = malloc(4 * (lines + 1));
			size_t j, start = 0;
			rdb_buf_init(&clean);
			if (o2 == NULL) {
				free(offs);
				rdb_buf_release(&text);
				return sql_error(&x->cx, "out of memory");
			}
			for (j = 0; j < lines; j++) {
				size_t end = offs[j + 1];
				o2[j] = (uint32_t)clean.len;
				rdb_buf_append(&clean, text.p + start, end - start);
				start = end + 1;
			}
			o2[lines] = (uint32_t)clean.len;
			rdb_buf_reserve(&clean, 1);
			memset(&col, 0, sizeof(col));
			col.type = RDB_TEXT;
			col.values = clean.p;
			col.offsets = o2;
			b.nrows = lines;
			b.ncols = 1;
			b.cols = &col;
			b.rowids = NULL;
			if (sink->rows != NULL && lines > 0)
				sink->rows(sink->arg, &b);
			free(o2);
			rdb_buf_release(&clean);
		}
		free(offs);
	}
	rdb_buf_release(&text);
	return 0;
}

static int find_table(struct exec *x, struct rdb_db *db, const char *name,
    uint32_t pos, const struct rdb_table_desc **td)
{
	int rc = rdb_table_find(x->txn, name, td);

	if (rc == RDB_ENOENT && plan_view_find(x, name) != NULL)
		return sql_err_at(x, pos, "'%s' is a view, not a table", name);
	if (rc == RDB_ENOENT)
		return sql_err_at(x, pos, "no such table '%s'", name);
	if (rc != RDB_OK)
		return storage_err(x, db, rc);
	return 0;
}

/*
 * INSERT, UPDATE, DELETE ... RETURNING (PostgreSQL): the items over the
 * rows written (the new versions for UPDATE, the removed ones for
 * DELETE), kept until the statement has succeeded - and committed, when
 * it is its own transaction - and only then given to the sink, so a
 * statement that fails returns nothing, as it changes nothing.
 */
struct returning {
	size_t n;                       /* items, * expanded; 0: none */
	struct sql_expr **e;            /* bound over the table's columns */
	char **names;
	struct sql_type *types;
	struct rowstore rs;
	int live;                       /* rs initialised */
	struct sql_arena scratch;
};

static void ret_release(struct returning *r)
{
	if (r->live)
		rs_release(&r->rs);
	sql_arena_release(&r->scratch);
	memset(r, 0, sizeof(*r));
}

/* Bind the RETURNING items of st over the columns of td. */
static int ret_bind(struct exec *x, struct sql_arena *a,
    const struct sql_stmt *st, const struct rdb_table_desc *td,
    struct returning *r)
{
	size_t cap = 0, c;
	int i, rc;

	for (i = 0; i < st->nret; i++)
		cap += st->ret[i]->k == E_STAR ? td->ncols : 1;
	r->e = sql_arena_alloc(a, sizeof(*r->e) * (cap + 1));
	r->names = sql_arena_alloc(a, sizeof(*r->names) * (cap + 1));
	r->types = sql_arena_alloc(a, sizeof(*r->types) * (cap + 1));
	if (r->e == NULL || r->names == NULL || r->types == NULL)
		return sql_error(&x->cx, "out of memory");
	for (i = 0; i < st->nret; i++) {
		struct sql_expr *e = st->ret[i];
		if (e->k == E_STAR) {
			if (e->qual != NULL && strcmp(e->qual, td->name) != 0)
				return sql_err_at(x, e->pos, "no table '%s' in RETURNING "
				    "(there is '%s')", e->qual, td->name);
			for (c = 0; c < td->ncols; c++) {
				struct sql_type t = { (uint8_t)td->cols[c].type,
					td->cols[c].precision, td->cols[c].scale };
				if ((r->e[r->n] = plan_col(a, (int)c, t)) == NULL)
					return sql_error(&x->cx, "out of memory");
				r->names[r->n] = (char *)td->cols[c].name;
				r->types[r->n++] = t;
			}
			continue;
		}
		/* named as a select list's items are (before binding) */
		r->names[r->n] = st->retalias[i] ? st->retalias[i] :
		    e->k == E_NAME ? e->name : st->rettext[i];
		if ((rc = plan_bind_table(x, a, td, e, &r->e[r->n])) != 0)
			return rc;
		r->types[r->n] = r->e[r->n]->t;
		r->n++;
	}
	if (rs_init(&r->rs, r->n, r->types) != 0)
		return sql_error(&x->cx, "out of memory");
	r->live = 1;
	sql_arena_init(&r->scratch);
	return 0;
}

/* Keep the RETURNING values of the rows of ch (the table's columns
 * first); r may be NULL (no RETURNING). */
static int ret_add(struct exec *x, struct returning *r,
    const struct sql_chunk *ch)
{
	struct sql_chunk out;
	size_t i;
	int rc;

	if (r == NULL || r->n == 0 || ch->n == 0)
		return 0;
	sql_arena_reset(&r->scratch);
	memset(&out, 0, sizeof(out));
	out.n = ch->n;
	out.ncols = r->n;
	out.cols = sql_arena_alloc(&r->scratch, sizeof(*out.cols) * r->n);
	if (out.cols == NULL)
		return sql_error(&x->cx, "out of memory");
	for (i = 0; i < r->n; i++)
		if ((rc = sql_eval(x, r->e[i], ch, &out.cols[i], &r->scratch)) != 0)
			return rc;
	if (rs_append(&r->rs, &out, NULL, 0) != 0)
		return sql_error(&x->cx, "out of memory");
	if (x->memory_limit != 0 && r->rs.bytes > x->memory_limit)
		return sql_error(&x->cx, "the rows of RETURNING need more than "
		    "the memory limit");
	return 0;
}

/* Give the kept rows to sink: the statement has succeeded. */
static int ret_emit(struct exec *x, struct returning *r,
    const struct rdb_sql_sink *sink)
{
	struct batchbuf bb;
	struct sql_arena ca;
	uint32_t *idx;
	size_t done, c, j;
	int rc = 0;

	if (sink == NULL)
		return 0;
	if (sink->columns != NULL) {
		struct rdb_vec *tv = calloc(r->n + 1, sizeof(*tv));
		if (tv == NULL)
			return sql_error(&x->cx, "out of memory");
		for (c = 0; c < r->n; c++) {
			tv[c].type = out_type(r->types[c].id);
			tv[c].precision = r->types[c].prec;
			tv[c].scale = r->types[c].scale;
		}
		rc = sink->columns(sink->arg, r->n, (const char *const *)r->names,
		    tv);
		free(tv);
		if (rc != 0)
			return 0;
	}
	if (sink->rows == NULL || r->rs.n == 0)
		return 0;
	idx = malloc(sizeof(*idx) * SQL_CHUNK);
	if (idx == NULL || bb_init(&bb, r->n) != 0) {
		free(idx);
		return sql_error(&x->cx, "out of memory");
	}
	sql_arena_init(&ca);
	for (done = 0; done < r->rs.n && rc == 0; done += SQL_CHUNK) {
		struct sql_chunk ch;
		size_t n = r->rs.n - done > SQL_CHUNK ? SQL_CHUNK : r->rs.n - done;
		sql_arena_reset(&ca);
		for (j = 0; j < n; j++)
			idx[j] = (uint32_t)(done + j);
		if (rs_chunk(&r->rs, idx, n, &ch, &ca) != 0)
			rc = sql_error(&x->cx, "out of memory");
		if (rc == 0 && bb_fill(&bb, &ch, r->types) != 0)
			rc = sql_error(&x->cx, "out of memory");
		if (rc == 0 && sink->rows(sink->arg, &bb.b) != 0)
			break;          /* the reader stopped; the rows stay */
	}
	sql_arena_release(&ca);
	bb_release(&bb);
	free(idx);
	return rc;
}

/* Insert the rows of ch (whose columns are the table's, in order),
 * through bb; types are the table's. */
static int insert_chunk(struct exec *x, struct rdb_db *db,
    const struct rdb_table_desc *td, struct batchbuf *bb,
    const struct sql_type *types, const struct sql_chunk *ch)
{
	size_t c, i;
	int rc;

	for (c = 0; c < td->ncols; c++) {
		const struct sql_vec *v = &ch->cols[c];
		if (!td->cols[c].not_null)
			continue;
		for (i = 0; i < ch->n; i++)
			if (v->t.id == T_NULL || (v->null != NULL && v->null[i]))
				return sql_error(&x->cx, "NULL in column '%s' of '%s', "
				    "which is NOT NULL", td->cols[c].name, td->name);
	}
	for (c = 0; c < td->ncols; c++) {
		const struct sql_vec *v = &ch->cols[c];
		if (v->t.id != T_TEXT && v->t.id != T_JSON)
			continue;
		for (i = 0; i < ch->n; i++)
			if ((v->null == NULL || !v->null[i]) &&
			    !rdb_utf8_valid((const uint8_t *)v->v.s[i].p,
			    v->v.s[i].n))
				return sql_error(&x->cx, "invalid UTF-8 in column '%s'",
				    td->cols[c].name);
	}
	if (bb_fill(bb, ch, types) != 0)
		return sql_error(&x->cx, "out of memory");
	if ((rc = rdb_insert(x->txn, td->name, &bb->b, NULL)) != RDB_OK)
		return storage_err(x, db, rc);
	return 0;
}

static struct sql_type *table_types(const struct rdb_table_desc *td)
{
	struct sql_type *types = calloc(td->ncols + 1, sizeof(*types));
	size_t c;

	for (c = 0; types != NULL && c < td->ncols; c++) {
		types[c].id = (uint8_t)td->cols[c].type;
		types[c].prec = td->cols[c].precision;
		types[c].scale = td->cols[c].scale;
	}
	return types;
}

/* Insert the rows of op (whose columns are the table's, in order). */
static int insert_rows(struct exec *x, struct rdb_db *db,
    const struct rdb_table_desc *td, struct op *op, uint64_t *count,
    struct returning *ret)
{
	struct batchbuf bb;
	struct sql_type *types = table_types(td);
	int rc;

	if (types == NULL || bb_init(&bb, td->ncols) != 0) {
		free(types);
		return sql_error(&x->cx, "out of memory");
	}
	while ((rc = op_next(x, op)) > 0) {
		if ((rc = insert_chunk(x, db, td, &bb, types, &op->out)) != 0 ||
		    (rc = ret_add(x, ret, &op->out)) != 0)
			break;
		*count += op->out.n;
	}
	bb_release(&bb);
	free(types);
	return rc < 0 ? rc : 0;
}

/* The stored DEFAULT of column c, parsed and bound. */
static int default_expr(struct exec *x, struct sql_arena *a,
    const struct rdb_column_desc *c, struct sql_expr **out)
{
	struct sql_expr *e;
	const char *keep = x->text;
	size_t keeplen = x->textlen;
	int rc;

	x->text = c->default_sql;
	x->textlen = strlen(c->default_sql);
	rc = sql_parse_expr(&x->cx, a, x->text, x->textlen, &e);
	if (rc == 0)
		rc = plan_bind_const(x, a, e, out);
	x->text = keep;
	x->textlen = keeplen;
	if (rc != 0) {
		char msg[sizeof(x->cx.err.msg)];
		snprintf(msg, sizeof(msg), "%s", x->cx.err.msg);
		return sql_error(&x->cx, "the DEFAULT of column '%s' is invalid: "
		    "%s", c->name, msg);
	}
	return 0;
}

/*
 * INSERT OR REPLACE and INSERT OR IGNORE. A row's keys are its PRIMARY
 * KEY (all its columns together) and each UNIQUE column; a key with a
 * NULL part clashes with nothing. As SQLite, rows go in one after the
 * other: under REPLACE a new row first deletes every row, old or new,
 * that shares one of its keys; under IGNORE a new row that shares a key
 * with a row already there is left out.
 */
struct kmap {
	uint64_t *hash;                 /* per slot; 0 empty */
	uint64_t *off;                  /* per slot: key offset in keys */
	size_t *val;                    /* per slot */
	size_t mask, n;
	struct rdb_buf keys;            /* u32 length, then the bytes */
};

static void kmap_free(struct kmap *k)
{
	free(k->hash);
	free(k->off);
	free(k->val);
	rdb_buf_release(&k->keys);
}

static int kmap_grow(struct kmap *k)
{
	size_t cap = k->mask ? (k->mask + 1) * 2 : 256, i, j;
	uint64_t *h = calloc(cap, sizeof(*h)), *o = calloc(cap, sizeof(*o));
	size_t *v = calloc(cap, sizeof(*v));

	if (h == NULL || o == NULL || v == NULL) {
		free(h);
		free(o);
		free(v);
		return -1;
	}
	for (i = 0; k->mask && i <= k->mask; i++) {
		if (k->hash[i] == 0)
			continue;
		for (j = k->hash[i] & (cap - 1); h[j] != 0; j = (j + 1) & (cap - 1))
			;
		h[j] = k->hash[i];
		o[j] = k->off[i];
		v[j] = k->val[i];
	}
	free(k->hash);
	free(k->off);
	free(k->val);
	k->hash = h;
	k->off = o;
	k->val = v;
	k->mask = cap - 1;
	return 0;
}

/* The value of key p[0..n), or NULL; with add, a new key is added (its
 * value 0) when missing; NULL then means out of memory. */
static size_t *kmap_get(struct kmap *k, const uint8_t *p, size_t n, int add)
{
	uint64_t h = rdb_hash64(p, n) | 1;
	uint32_t len = (uint32_t)n;
	size_t j;

	if (k->mask == 0 && (!add || kmap_grow(k) != 0))
		return NULL;
	for (j = h & k->mask; k->hash[j] != 0; j = (j + 1) & k->mask) {
		uint32_t l;
		if (k->hash[j] != h)
			continue;
		memcpy(&l, k->keys.p + k->off[j], 4);
		if (l == len && memcmp(k->keys.p + k->off[j] + 4, p, n) == 0)
			return &k->val[j];
	}
	if (!add)
		return NULL;
	if ((k->n + 1) * 2 > k->mask + 1) {
		if (kmap_grow(k) != 0)
			return NULL;
		return kmap_get(k, p, n, add);
	}
	k->hash[j] = h;
	k->off[j] = k->keys.len;
	k->val[j] = 0;
	if (rdb_buf_append(&k->keys, &len, 4) != RDB_OK ||
	    rdb_buf_append(&k->keys, p, n) != RDB_OK)
		return NULL;
	k->n++;
	return &k->val[j];
}

/* Key g of a row (cols[g]: its columns, -1 ended) into b: the key's
 * number, then each value; 1 when a part is NULL, -1 out of memory. */
static int row_key(const int *cols, int g, const struct sql_val *row,
    struct rdb_buf *b)
{
	uint8_t gb = (uint8_t)g;
	int i;

	b->len = 0;
	if (rdb_buf_append(b, &gb, 1) != RDB_OK)
		return -1;
	for (i = 0; cols[i] >= 0; i++) {
		const struct sql_val *v = &row[cols[i]];
		int id = v->t.id, r;
		if (v->null)
			return 1;
		if (sql_is_strlike(id)) {
			uint32_t n = v->u.s.n;
			r = rdb_buf_append(b, &n, 4) != RDB_OK ||
			    rdb_buf_append(b, v->u.s.p, n) != RDB_OK;
		} else if (id == T_DOUBLE) {
			double d = v->u.d == 0 ? 0 : v->u.d;    /* -0 is 0 */
			r = rdb_buf_append(b, &d, sizeof(d)) != RDB_OK;
		} else if (id == T_DECIMAL) {
			r = rdb_buf_append(b, &v->u.x, sizeof(v->u.x)) != RDB_OK;
		} else {
			r = rdb_buf_append(b, &v->u.i, sizeof(v->u.i)) != RDB_OK;
		}
		if (r)
			return -1;
	}
	return 0;
}

/* The keys of td: keys[g] lists the columns of key g, -1 ended. */
static int table_keys(const struct rdb_table_desc *td, int ***out)
{
	int **keys = calloc(td->ncols + 2, sizeof(*keys)), n = 0, k = 0;
	size_t c;

	if (keys == NULL)
		return -1;
	for (c = 0; c < td->ncols; c++)
		if (td->cols[c].primary_key)
			k++;
	if (k > 0) {
		if ((keys[n] = malloc(sizeof(int) * (size_t)(k + 1))) == NULL)
			goto oom;
		for (c = 0, k = 0; c < td->ncols; c++)
			if (td->cols[c].primary_key)
				keys[n][k++] = (int)c;
		keys[n++][k] = -1;
	}
	for (c = 0; c < td->ncols; c++)
		if (td->cols[c].unique) {
			if ((keys[n] = malloc(sizeof(int) * 2)) == NULL)
				goto oom;
			keys[n][0] = (int)c;
			keys[n++][1] = -1;
		}
	*out = keys;
	return n;
oom:
	for (k = 0; k < n; k++)
		free(keys[k]);
	free(keys);
	return -1;
}

static int insert_conflict(struct exec *x, struct rdb_db *db,
    const struct rdb_table_desc *td, struct op *op, int mode,
    uint64_t *count, struct returning *ret)
{
	struct sql_type *types = table_types(td);
	struct sql_val *row = calloc(td->ncols + 1, sizeof(*row));
	size_t *cols = calloc(td->ncols + 1, sizeof(*cols));
	struct rowstore rows;
	struct kmap seen, old;
	struct rdb_buf key;
	struct batchbuf bb;
	struct op *scan = NULL;
	uint8_t *keep = NULL;
	uint64_t *ids = NULL;
	size_t nids = 0, capids = 0, r, c, done;
	int **keys = NULL, nkeys = 0, g, rc = 0, have_rows = 0, have_bb = 0;

	memset(&seen, 0, sizeof(seen));
	memset(&old, 0, sizeof(old));
	rdb_buf_init(&key);
	if (types == NULL || row == NULL || cols == NULL ||
	    (nkeys = table_keys(td, &keys)) < 0)
		goto oom;
	if (rs_init(&rows, td->ncols, types) != 0)
		goto oom;
	have_rows = 1;
	while ((rc = op_next(x, op)) > 0)
		if (rs_append(&rows, &op->out, NULL, 0) != 0)
			goto oom;
	if (rc < 0)
		goto out;
	if ((keep = malloc(rows.n + 1)) == NULL)
		goto oom;
	memset(keep, 1, rows.n + 1);
	for (c = 0; c < td->ncols; c++)
		cols[c] = c;
	if (nkeys > 0) {
		/* the table's rows, by key (IGNORE) or to find those a new
		 * row replaces (REPLACE, once the new rows' keys are known) */
		scan = op_scan(x, td->name, td->ncols, cols, types, NULL, 0, 1);
		if (scan == NULL) {
			rc = RDB_ENOMEM;
			goto out;
		}
	}
	if (mode == CONFLICT_IGNORE && nkeys > 0) {
		while ((rc = op_next(x, scan)) > 0) {
			const struct sql_chunk *ch = &scan->out;
			size_t i;
			for (i = 0; i < ch->n; i++) {
				for (c = 0; c < td->ncols; c++)
					sql_vec_get(&ch->cols[c], i, &row[c]);
				for (g = 0; g < nkeys; g++) {
					int k = row_key(keys[g], g, row, &key);
					if (k < 0 || (k == 0 &&
					    kmap_get(&old, key.p, key.len, 1) == NULL))
						goto oom;
				}
			}
		}
		if (rc < 0)
			goto out;
	}
	for (r = 0; r < rows.n && nkeys > 0; r++) {
		for (c = 0; c < td->ncols; c++)
			rs_get(&rows, c, r, &row[c]);
		for (g = 0; g < nkeys && mode == CONFLICT_IGNORE; g++) {
			int k = row_key(keys[g], g, row, &key);
			if (k < 0)
				goto oom;
			if (k == 0 && (kmap_get(&old, key.p, key.len, 0) != NULL ||
			    kmap_get(&seen, key.p, key.len, 0) != NULL))
				keep[r] = 0;
		}
		if (!keep[r])
			continue;
		for (g = 0; g < nkeys; g++) {
			size_t *v;
			int k = row_key(keys[g], g, row, &key);
			if (k < 0)
				goto oom;
			if (k == 1)
				continue;
			if ((v = kmap_get(&seen, key.p, key.len, 1)) == NULL)
				goto oom;
			if (*v > 0)             /* an earlier new row: replaced */
				keep[*v - 1] = 0;
			*v = r + 1;
		}
	}
	if (mode == CONFLICT_REPLACE && nkeys > 0) {
		while ((rc = op_next(x, scan)) > 0) {
			const struct sql_chunk *ch = &scan->out;
			const struct sql_vec *rid = &ch->cols[td->ncols];
			size_t i;
			for (i = 0; i < ch->n; i++) {
				for (c = 0; c < td->ncols; c++)
					sql_vec_get(&ch->cols[c], i, &row[c]);
				for (g = 0; g < nkeys; g++) {
					int k = row_key(keys[g], g, row, &key);
					if (k < 0)
						goto oom;
					if (k == 0 && kmap_get(&seen, key.p, key.len, 0) != NULL)
						break;
				}
				if (g == nkeys)
					continue;
				if (nids == capids) {
					size_t cap = capids ? capids * 2 : 64;
					uint64_t *ni = realloc(ids, cap * sizeof(*ni));
					if (ni == NULL)
						goto oom;
					ids = ni;
					capids = cap;
				}
				ids[nids++] = (uint64_t)rid->v.i[i];
			}
		}
		if (rc < 0)
			goto out;
		if (nids > 0 && (rc = rdb_delete(x->txn, td->name, ids,
		    nids)) != RDB_OK) {
			rc = storage_err(x, db, rc);
			goto out;
		}
	}
	if (bb_init(&bb, td->ncols) != 0)
		goto oom;
	have_bb = 1;
	rc = 0;
	for (done = 0; done < rows.n && rc == 0; ) {
		struct sql_chunk ch;
		struct sql_arena ca;
		uint32_t idx[SQL_CHUNK];
		size_t n = 0;
		for (; done < rows.n && n < SQL_CHUNK; done++)
			if (keep[done])
				idx[n++] = (uint32_t)done;
		if (n == 0)
			break;
		sql_arena_init(&ca);
		if (rs_chunk(&rows, idx, n, &ch, &ca) != 0)
			rc = sql_error(&x->cx, "out of memory");
		if (rc == 0 && (rc = insert_chunk(x, db, td, &bb, types, &ch)) == 0 &&
		    (rc = ret_add(x, ret, &ch)) == 0)
			*count += n;
		sql_arena_release(&ca);
	}
	goto out;
oom:
	rc = sql_error(&x->cx, "out of memory");
out:
	if (have_bb)
		bb_release(&bb);
	if (have_rows)
		rs_release(&rows);
	op_free(scan);
	for (g = 0; keys != NULL && g < nkeys; g++)
		free(keys[g]);
	free(keys);
	kmap_free(&seen);
	kmap_free(&old);
	rdb_buf_release(&key);
	free(keep);
	free(ids);
	free(row);
	free(cols);
	free(types);
	return rc < 0 ? rc : 0;
}

/* After rows of td changed: its PRIMARY KEY and UNIQUE columns still
 * hold each value once [F-MAN-018]. */
static int check_keys(struct exec *x, struct rdb_db *db,
    const struct rdb_table_desc *td)
{
	size_t c;
	int rc;

	for (c = 0; c < td->ncols; c++)
		if (td->cols[c].primary_key || td->cols[c].unique)
			break;
	if (c == td->ncols) {
		for (c = 0; c < td->nindexes; c++)
			if (td->indexes[c]->unique)
				break;
		if (c == td->nindexes)
			return 0;
	}
	if ((rc = rdb_table_check_unique(x->txn, td->name)) != RDB_OK)
		return storage_err(x, db, rc);
	return 0;
}

static int run_insert(struct exec *x, struct sql_arena *a, struct rdb_db *db,
    struct sql_stmt *st, uint64_t *count, struct returning *ret)
{
	const struct rdb_table_desc *td;
	struct plan_out p;
	int *srcof, rc, i;
	size_t c;
	struct sql_expr **proj;
	struct op *op;

	if ((rc = find_table(x, db, st->table, st->pos, &td)) != 0)
		return rc;
	if (st->nret > 0 && ret != NULL &&
	    (rc = ret_bind(x, a, st, td, ret)) != 0)
		return rc;
	srcof = sql_arena_alloc(a, sizeof(int) * (td->ncols + 1));
	proj = sql_arena_alloc(a, sizeof(*proj) * (td->ncols + 1));
	if (srcof == NULL || proj == NULL)
		return sql_error(&x->cx, "out of memory");
	for (c = 0; c < td->ncols; c++)
		srcof[c] = st->ncols > 0 ? -1 : (int)c;
	for (i = 0; i < st->ncols; i++) {
		for (c = 0; c < td->ncols; c++)
			if (!strcmp(td->cols[c].name, st->cols[i]))
				break;
		if (c == td->ncols) {
			const char *best = NULL;
			int bd = 99;
			for (c = 0; c < td->ncols; c++) {
				int d = plan_distance(st->cols[i], td->cols[c].name);
				if (d <= 2 && d < bd) {
					bd = d;
					best = td->cols[c].name;
				}
			}
			if (best != NULL)
				return sql_err_at(x, st->pos, "table '%s' has no column "
				    "'%s'; did you mean '%s'?", td->name, st->cols[i], best);
			return sql_err_at(x, st->pos, "table '%s' has no column '%s'",
			    td->name, st->cols[i]);
		}
		if (srcof[c] >= 0)
			return sql_err_at(x, st->pos, "column '%s' listed twice",
			    st->cols[i]);
		srcof[c] = i;
	}
	if (st->sel == NULL) {
		/* DEFAULT VALUES: one row of NULLs */
		static struct sql_expr **one_row[1];
		p.op = op_values(x, 0, NULL, 1, one_row);
		p.ncols = 0;
		if (p.op == NULL)
			return RDB_ENOMEM;
		for (c = 0; c < td->ncols; c++)
			srcof[c] = -1;
	} else {
		if ((rc = plan_select(x, a, st->sel, &p)) != 0)
			return rc;
		if (p.ncols != (st->ncols > 0 ? (size_t)st->ncols : td->ncols)) {
			op_free(p.op);
			return sql_err_at(x, st->pos, "INSERT has %zu value%s for %zu "
			    "column%s", p.ncols, p.ncols == 1 ? "" : "s",
			    st->ncols > 0 ? (size_t)st->ncols : td->ncols,
			    (st->ncols > 0 ? (size_t)st->ncols : td->ncols) == 1 ?
			    "" : "s");
		}
	}
	for (c = 0; c < td->ncols; c++) {
		struct sql_type t;
		t.id = (uint8_t)td->cols[c].type;
		t.prec = td->cols[c].precision;
		t.scale = td->cols[c].scale;
		if (srcof[c] >= 0) {
			proj[c] = plan_col(a, srcof[c], p.op->types[srcof[c]]);
		} else if (td->cols[c].default_sql != NULL) {
			if ((rc = default_expr(x, a, &td->cols[c], &proj[c])) != 0) {
				op_free(p.op);
				return rc;
			}
		} else {
			proj[c] = plan_col(a, 0, t);
			if (proj[c] != NULL) {
				proj[c]->k = E_CONST;
				proj[c]->val.t = t;
				proj[c]->val.null = 1;
			}
		}
		if (proj[c] == NULL) {
			op_free(p.op);
			return sql_error(&x->cx, "out of memory");
		}
		proj[c]->pos = st->pos;
		if ((rc = plan_coerce(x, a, &proj[c], t)) != 0) {
			op_free(p.op);
			return rc;
		}
	}
	if ((op = op_project(x, p.op, td->ncols, proj)) == NULL)
		return RDB_ENOMEM;
	if (op_scans(op, td->name) && (op = op_materialize(x, op)) == NULL)
		return RDB_ENOMEM;
	if (st->conflict != CONFLICT_ABORT)
		rc = insert_conflict(x, db, td, op, st->conflict, count, ret);
	else
		rc = insert_rows(x, db, td, op, count, ret);
	op_free(op);
	if (rc == 0)
		rc = check_keys(x, db, td);
	return rc;
}

/* UPDATE and DELETE: scan the table with row ids, filter, then delete
 * the matching rows and (UPDATE) insert their new versions. All matches
 * are found before anything changes. */
static int run_modify(struct exec *x, struct sql_arena *a, struct rdb_db *db,
    struct sql_stmt *st, uint64_t *count, struct returning *ret)
{
	const struct rdb_table_desc *td;
	struct op *op;
	size_t *cols, c;
	struct sql_type *types;
	struct sql_expr *where = NULL;
	uint64_t *ids = NULL;
	size_t nids = 0, capids = 0;
	struct rowstore rows;
	int rc, i, have_rows = 0;

	if ((rc = find_table(x, db, st->table, st->pos, &td)) != 0)
		return rc;
	if (st->nret > 0 && ret != NULL &&
	    (rc = ret_bind(x, a, st, td, ret)) != 0)
		return rc;
	cols = sql_arena_alloc(a, sizeof(*cols) * (td->ncols + 1));
	types = sql_arena_alloc(a, sizeof(*types) * (td->ncols + 2));
	if (cols == NULL || types == NULL)
		return sql_error(&x->cx, "out of memory");
	for (c = 0; c < td->ncols; c++) {
		cols[c] = c;
		types[c].id = (uint8_t)td->cols[c].type;
		types[c].prec = td->cols[c].precision;
		types[c].scale = td->cols[c].scale;
	}
	if (st->where != NULL) {
		if ((rc = plan_bind_table(x, a, td, st->where, &where)) != 0)
			return rc;
		if (where->t.id != T_BOOL) {
			struct sql_type bt = { T_BOOL, 0, 0 };
			if ((rc = plan_coerce(x, a, &where, bt)) != 0)
				return rc;
		}
	}
	op = op_scan(x, td->name, td->ncols, cols, types, NULL, 0, 1);
	if (op == NULL)
		return RDB_ENOMEM;
	if (where != NULL && (op = op_filter(x, op, where)) == NULL)
		return RDB_ENOMEM;
	if (st->k == S_UPDATE) {
		struct sql_expr **proj = sql_arena_alloc(a, sizeof(*proj) *
		    (td->ncols + 2));
		if (proj == NULL) {
			op_free(op);
			return sql_error(&x->cx, "out of memory");
		}
		for (c = 0; c < td->ncols; c++)
			proj[c] = plan_col(a, (int)c, types[c]);
		proj[td->ncols] = plan_col(a, (int)td->ncols, (struct sql_type){
		    T_BIGINT, 0, 0 });
		for (i = 0; i < st->ncols; i++) {
			struct sql_expr *e;
			for (c = 0; c < td->ncols; c++)
				if (!strcmp(td->cols[c].name, st->cols[i]))
					break;
			if (c == td->ncols) {
				op_free(op);
				return sql_err_at(x, st->sets[i]->pos, "table '%s' has no "
				    "column '%s'", td->name, st->cols[i]);
			}
			if ((rc = plan_bind_table(x, a, td, st->sets[i], &e)) != 0 ||
			    (rc = plan_coerce(x, a, &e, types[c])) != 0) {
				op_free(op);
				return rc;
			}
			proj[c] = e;
		}
		if ((op = op_project(x, op, td->ncols + 1, proj)) == NULL)
			return RDB_ENOMEM;
		types[td->ncols].id = T_BIGINT;
		types[td->ncols].prec = types[td->ncols].scale = 0;
		if (rs_init(&rows, td->ncols, types) != 0) {
			op_free(op);
			return sql_error(&x->cx, "out of memory");
		}
		have_rows = 1;
	}
	while ((rc = op_next(x, op)) > 0) {
		const struct sql_chunk *ch = &op->out;
		const struct sql_vec *rid = &ch->cols[td->ncols];
		size_t k;
		while (nids + ch->n > capids) {
			size_t cap = capids ? capids * 2 : 1024;
			uint64_t *ni = realloc(ids, cap * sizeof(*ni));
			if (ni == NULL) {
				rc = sql_error(&x->cx, "out of memory");
				goto out;
			}
			ids = ni;
			capids = cap;
		}
		for (k = 0; k < ch->n; k++)
			ids[nids++] = (uint64_t)rid->v.i[k];
		if ((rc = ret_add(x, ret, ch)) != 0)
			goto out;
		if (have_rows && rs_append(&rows, ch, NULL, 0) != 0) {
			rc = sql_error(&x->cx, "out of memory");
			goto out;
		}
	}
	if (rc < 0)
		goto out;
	if (nids > 0 && (rc = rdb_delete(x->txn, td->name, ids, nids)) != RDB_OK) {
		storage_err(x, db, rc);
		goto out;
	}
	*count = nids;
	if (have_rows && rows.n > 0) {
		/* re-insert the new versions through a row-store scan */
		struct batchbuf bb;
		struct sql_arena ca;
		size_t done;
		uint32_t *idx = malloc(4 * SQL_CHUNK);
		if (idx == NULL || bb_init(&bb, td->ncols) != 0) {
			free(idx);
			rc = sql_error(&x->cx, "out of memory");
			goto out;
		}
		sql_arena_init(&ca);
		for (done = 0; done < rows.n && rc == 0; done += SQL_CHUNK) {
			struct sql_chunk ch;
			size_t n = rows.n - done > SQL_CHUNK ? SQL_CHUNK : rows.n - done, j;
			sql_arena_reset(&ca);
			for (j = 0; j < n; j++)
				idx[j] = (uint32_t)(done + j);
			if (rs_chunk(&rows, idx, n, &ch, &ca) != 0) {
				rc = sql_error(&x->cx, "out of memory");
				break;
			}
			rc = insert_chunk(x, db, td, &bb, types, &ch);
		}
		sql_arena_release(&ca);
		bb_release(&bb);
		free(idx);
	}
out:
	if (have_rows)
		rs_release(&rows);
	free(ids);
	op_free(op);
	if (rc == 0 && st->k == S_UPDATE)
		rc = check_keys(x, db, td);
	return rc < 0 ? rc : 0;
}

static int coldefs(struct exec *x, struct sql_arena *a, struct sql_stmt *st,
    struct rdb_column_def **out)
{
	struct rdb_column_def *d = sql_arena_alloc(a, sizeof(*d) *
	    (size_t)(st->ndefs + 1));
	int i, j, npk = 0, ntab = 0;

	if (d == NULL)
		return sql_error(&x->cx, "out of memory");
	for (i = 0; i < st->ndefs; i++) {
		struct sql_coldef *c = &st->defs[i];
		if (c->dflt != NULL) {
			/* check it now: a constant expression of the column's type */
			struct sql_expr *b;
			int rc;
			if (strlen(c->dflt_text) > RDB_MAX_DEFAULT_SQL)
				return sql_err_at(x, c->pos, "DEFAULT of '%s' is longer "
				    "than %d bytes", c->name, RDB_MAX_DEFAULT_SQL);
			if ((rc = plan_bind_const(x, a, c->dflt, &b)) != 0 ||
			    (rc = plan_coerce(x, a, &b, c->t)) != 0)
				return rc;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(st->defs[j].name, c->name))
				return sql_err_at(x, c->pos, "column '%s' given twice",
				    c->name);
		memset(&d[i], 0, sizeof(d[i]));
		d[i].name = c->name;
		d[i].type = (enum rdb_type)c->t.id;
		d[i].precision = c->t.prec;
		d[i].scale = c->t.scale;
		d[i].not_null = c->not_null;
		d[i].default_sql = c->dflt != NULL ? c->dflt_text : NULL;
		d[i].primary_key = c->pk;
		d[i].unique = c->unique && !c->pk;
		if (c->pk && !c->pk_table)
			npk++;
		ntab += c->pk_table;
	}
	if (npk > 1 || (npk > 0 && ntab > 0))
		return sql_err_at(x, st->pos, "a table has one PRIMARY KEY: give "
		    "several columns as PRIMARY KEY (a, b)");
	*out = d;
	return 0;
}

/* CREATE TABLE name: a view's name is taken [F-MAN-017]; *skip when IF
 * NOT EXISTS makes that no error. */
static int name_is_view(struct exec *x, const struct sql_stmt *st, int *skip)
{
	const struct rdb_view_desc *v = plan_view_find(x, st->table);
	const struct rdb_view_desc *dv;
	const struct rdb_index_desc *xd;

	*skip = 0;
	if (v == NULL && rdb_index_find(x->txn, st->table, &xd) == RDB_OK)
		return sql_err_at(x, st->pos, "an index named '%s' already exists",
		    xd->name);
	if (v == NULL)
		return 0;
	*skip = st->if_exists;
	if (st->if_exists)
		return 0;
	if (rdb_view_find(x->txn, st->table, &dv) != RDB_OK || dv != v)
		return sql_err_at(x, st->pos, "a temporary view named '%s' "
		    "already exists", v->name);
	return sql_err_at(x, st->pos, "a view named '%s' already exists",
	    v->name);
}

static int run_ddl(struct exec *x, struct sql_arena *a, struct rdb_db *db,
    struct sql_stmt *st, uint64_t *count)
{
	const struct rdb_table_desc *td;
	struct rdb_column_def *defs;
	int rc, skip;

	switch (st->k) {
	case S_CREATE:
		if (rdb_table_find(x->txn, st->table, &td) == RDB_OK) {
			if (st->if_exists)
				return 0;
			return sql_err_at(x, st->pos, "table '%s' already exists",
			    st->table);
		}
		if ((rc = name_is_view(x, st, &skip)) != 0 || skip)
			return rc;
		if ((rc = coldefs(x, a, st, &defs)) != 0)
			return rc;
		if ((rc = rdb_table_create(x->txn, st->table, defs,
		    (size_t)st->ndefs)) != RDB_OK)
			return storage_err(x, db, rc);
		return 0;
	case S_CREATE_AS: {
		struct plan_out p;
		size_t c;
		if (rdb_table_find(x->txn, st->table, &td) == RDB_OK) {
			if (st->if_exists)
				return 0;
			return sql_err_at(x, st->pos, "table '%s' already exists",
			    st->table);
		}
		if ((rc = name_is_view(x, st, &skip)) != 0 || skip)
			return rc;
		if ((rc = plan_select(x, a, st->sel, &p)) != 0)
			return rc;
		defs = sql_arena_alloc(a, sizeof(*defs) * (p.ncols + 1));
		if (defs == NULL) {
			op_free(p.op);
			return sql_error(&x->cx, "out of memory");
		}
		for (c = 0; c < p.ncols; c++) {
			size_t k;
			memset(&defs[c], 0, sizeof(defs[c]));
			defs[c].name = p.names[c];
			defs[c].type = out_type(p.types[c].id);
			defs[c].precision = p.types[c].prec;
			defs[c].scale = p.types[c].scale;
			for (k = 0; k < c; k++)
				if (!strcmp(defs[k].name, defs[c].name)) {
					op_free(p.op);
					return sql_err_at(x, st->pos, "the query has two "
					    "columns named '%s'; name them with AS",
					    defs[c].name);
				}
		}
		if ((rc = rdb_table_create(x->txn, st->table, defs, p.ncols)) != 0) {
			op_free(p.op);
			return storage_err(x, db, rc);
		}
		if ((rc = rdb_table_find(x->txn, st->table, &td)) != RDB_OK) {
			op_free(p.op);
			return storage_err(x, db, rc);
		}
		{
			/* the query's INTERVAL and NULL columns become text */
			struct sql_expr **proj = sql_arena_alloc(a, sizeof(*proj) *
			    (p.ncols + 1));
			struct op *op;
			if (proj == NULL) {
				op_free(p.op);
				return sql_error(&x->cx, "out of memory");
			}
			for (c = 0; c < p.ncols; c++) {
				struct sql_type t;
				t.id = (uint8_t)defs[c].type;
				t.prec = defs[c].precision;
				t.scale = defs[c].scale;
				proj[c] = plan_col(a, (int)c, p.types[c]);
				if (proj[c] == NULL || (rc = plan_coerce(x, a, &proj[c],
				    t)) != 0) {
					op_free(p.op);
					return rc ? rc : sql_error(&x->cx, "out of memory");
				}
			}
			if ((op = op_project(x, p.op, p.ncols, proj)) == NULL)
				return RDB_ENOMEM;
			rc = insert_rows(x, db, td, op, count, NULL);
			op_free(op);
			return rc;
		}
	}
	case S_DROP:
		if (rdb_table_find(x->txn, st->table, &td) != RDB_OK) {
			if (plan_view_find(x, st->table) != NULL)
				return sql_err_at(x, st->pos, "'%s' is a view; DROP VIEW "
				    "drops it", st->table);
			if (st->if_exists)
				return 0;
			return sql_err_at(x, st->pos, "no such table '%s'", st->table);
		}
		if ((rc = rdb_table_drop(x->txn, st->table)) != RDB_OK)
			return storage_err(x, db, rc);
		return 0;
	case S_ALTER:
		if ((rc = find_table(x, db, st->table, st->pos, &td)) != 0)
			return rc;
		switch (st->alter) {
		case A_ADD:
			if ((rc = coldefs(x, a, st, &defs)) != 0)
				return rc;
			rc = rdb_column_add(x->txn, st->table, defs);
			if (rc == RDB_OK && defs[0].default_sql != NULL) {
				/* rows already there take the default, as if
				 * inserted with it */
				struct sql_stmt up;
				char **cols = sql_arena_alloc(a, sizeof(char *));
				struct sql_expr **sets = sql_arena_alloc(a, sizeof(*sets));
				uint64_t n = 0;
				if (cols == NULL || sets == NULL)
					return sql_error(&x->cx, "out of memory");
				memset(&up, 0, sizeof(up));
				up.k = S_UPDATE;
				up.pos = st->pos;
				up.table = st->table;
				up.ncols = 1;
				cols[0] = st->defs[0].name;
				sets[0] = st->defs[0].dflt;
				up.cols = cols;
				up.sets = sets;
				return run_modify(x, a, db, &up, &n, NULL);
			}
			break;
		case A_DROP:
			rc = rdb_column_drop(x->txn, st->table, st->name);
			break;
		case A_RENAME_COL:
			rc = rdb_column_rename(x->txn, st->table, st->name,
			    st->new_name);
			break;
		case A_RENAME:
			rc = rdb_table_rename(x->txn, st->table, st->new_name);
			break;
		}
		if (rc != RDB_OK)
			return storage_err(x, db, rc);
		return 0;
	default:
		return sql_error(&x->cx, "internal: statement %d", st->k);
	}
}

/* ---- FLASHBACK TABLE and PURGE TABLE ---- */

/* Append name to f as a quoted identifier: "a ""b""". */
static void put_ident(FILE *f, const char *name)
{
	fputc('"', f);
	for (; *name != '\0'; name++) {
		if (*name == '"')
			fputc('"', f);
		fputc(*name, f);
	}
	fputc('"', f);
}

/* Run the one statement of text (made here, so never wrong but for
 * what the data says) in x's transaction. */
static int run_made(struct exec *x, struct sql_arena *a, struct rdb_db *db,
    const char *text, uint64_t *count)
{
	struct sql_stmt *st = NULL;
	size_t pos = 0;
	int rc;

	if ((rc = sql_parse(&x->cx, a, text, strlen(text), &pos, &st)) != RDB_OK)
		return rc;
	if (st == NULL)
		return sql_error(&x->cx, "internal: no statement in '%s'", text);
	st->pos = 0;
	if (st->k == S_INSERT)
		return run_insert(x, a, db, st, count, NULL);
	return run_modify(x, a, db, st, count, NULL);
}

/*
 * FLASHBACK TABLE t TO TIMESTAMP | COMMIT point: the rows of t become
 * those it had at the point, in the transaction's one commit, by
 * deleting every row and inserting the old ones (DELETE, then INSERT
 * ... SELECT ... AS OF COMMIT n), so the flashback is itself a commit
 * that another flashback can undo. The contents go back, not the
 * schema: columns are matched by identity with those of then (a column
 * renamed since is the same column), a column added since takes its
 * default, and one dropped since stays dropped (a column id is never
 * used again [F-MAN-010]).
 */
static int run_flashback_point(struct exec *x, struct sql_arena *a,
    struct rdb_db *db, struct sql_stmt *st, uint64_t *deleted,
    uint64_t *inserted)
{
	const struct rdb_table_desc *now, *then = NULL;
	const struct rdb_table_desc *const *all;
	struct rdb_txn *past;
	uint64_t commit;
	char *text = NULL;
	size_t len = 0, i, j, n, ncols = 0;
	FILE *f;
	int rc;

	if ((rc = find_table(x, db, st->table, st->pos, &now)) != 0)
		return rc;
	if ((rc = asof_snapshot(x, a, st->point, &commit, &past)) != 0)
		return rc;
	if ((rc = rdb_table_list(past, &all, &n)) != RDB_OK)
		return sql_error(&x->cx, "%s", rdb_strerror(rc));
	for (i = 0; i < n; i++)
		if (all[i]->id == now->id)
			then = all[i];
	if (then == NULL)
		return sql_err_at(x, st->pos, "table '%s' did not exist at commit "
		    "%llu", now->name, (unsigned long long)commit);
	if ((f = open_memstream(&text, &len)) == NULL)
		return sql_error(&x->cx, "out of memory");
	fputs("DELETE FROM ", f);
	put_ident(f, now->name);
	if (fclose(f) != 0)
		return sql_error(&x->cx, "out of memory");
	rc = run_made(x, a, db, text, deleted);
	free(text);
	text = NULL;
	if (rc != 0)
		return rc;
	if ((f = open_memstream(&text, &len)) == NULL)
		return sql_error(&x->cx, "out of memory");
	for (int part = 0; part < 2; part++) {
		fputs(part == 0 ? "INSERT INTO " : ") SELECT ", f);
		if (part == 0) {
			put_ident(f, now->name);
			fputs(" (", f);
		}
		ncols = 0;
		for (i = 0; i < now->ncols; i++)
			for (j = 0; j < then->ncols; j++)
				if (then->cols[j].id == now->cols[i].id) {
					fputs(ncols++ > 0 ? ", " : "", f);
					put_ident(f, part == 0 ? now->cols[i].name
					    : then->cols[j].name);
				}
	}
	fputs(" FROM ", f);
	put_ident(f, then->name);
	fprintf(f, " AS OF COMMIT %llu", (unsigned long long)commit);
	if (fclose(f) != 0) {
		free(text);
		return sql_error(&x->cx, "out of memory");
	}
	if (ncols == 0) {
		free(text);
		return sql_err_at(x, st->pos, "no column of table '%s' existed at "
		    "commit %llu", now->name, (unsigned long long)commit);
	}
	rc = run_made(x, a, db, text, inserted);
	free(text);
	return rc;
}

static int run_flashback(struct exec *x, struct sql_arena *a,
    struct rdb_db *db, struct sql_stmt *st, struct rdb_sql_result *res)
{
	uint64_t del = 0, ins = 0;
	int rc;

	if (st->k == S_PURGE) {
		if ((rc = rdb_table_purge(x->txn, st->table)) != RDB_OK)
			return storage_err(x, db, rc);
		return 0;
	}
	if (st->before_drop) {
		rc = rdb_table_undrop(x->txn, st->table, st->new_name, NULL);
		if (rc == RDB_EEXIST) {
			storage_err(x, db, rc);
			sql_err_at(x, st->pos, "%s (FLASHBACK TABLE %s TO BEFORE DROP "
			    "RENAME TO another_name)", rdb_errmsg(db), st->table);
			x->cx.err.code = RDB_ESQL;
			return RDB_ESQL;
		}
		if (rc != RDB_OK)
			return storage_err(x, db, rc);
		return 0;
	}
	if ((rc = run_flashback_point(x, a, db, st, &del, &ins)) != 0)
		return rc;
	res->changed = del + ins;
	res->deleted = del;
	return 0;
}

/* ---- views ---- */

static int view_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 255 && rdb_utf8_valid((const uint8_t *)name, n);
}

/*
 * CREATE [OR REPLACE] [TEMP] VIEW: the query is planned, for its columns
 * and to show it works, but not run; the view keeps its text. A view of
 * the database is a catalog change of the statement's transaction; a
 * temporary one changes the session at once.
 */
static int create_view(struct rdb_sql *s, struct exec *x, struct sql_arena *a,
    struct rdb_db *db, struct sql_stmt *st)
{
	const struct rdb_table_desc *td;
	const struct rdb_view_desc *old = NULL, *dv;
	struct rdb_view_desc *nv = NULL;
	struct plan_out p;
	char **names;
	size_t n, i, j;
	int ti = tv_find(s, st->table), rc;

	/* the name is free, or the view's that is replaced [F-MAN-017] */
	if (rdb_table_find(x->txn, st->table, &td) == RDB_OK) {
		if (st->if_exists)
			return 0;
		return sql_err_at(x, st->pos, "a table named '%s' already exists",
		    st->table);
	}
	if (rdb_view_find(x->txn, st->table, &dv) == RDB_OK) {
		if (st->temp)
			return sql_err_at(x, st->pos, "view '%s' of the database "
			    "already exists; a temporary view cannot take its name",
			    st->table);
		old = dv;
	}
	if (ti >= 0) {
		if (!st->temp)
			return sql_err_at(x, st->pos, "a temporary view named '%s' "
			    "already exists", st->table);
		old = s->tv[ti];
	}
	if (old != NULL && st->if_exists)
		return 0;
	if (old != NULL && !st->replace)
		return sql_err_at(x, st->pos, "view '%s' already exists (CREATE OR "
		    "REPLACE VIEW replaces it)", st->table);
	if (!view_name_ok(st->table))
		return sql_err_at(x, st->pos, "a view name must be 1 to 255 bytes "
		    "of UTF-8");
	if (strlen(st->query) > RDB_MAX_VIEW_SQL)
		return sql_err_at(x, st->pos, "the query of view '%s' is longer "
		    "than %d bytes", st->table, RDB_MAX_VIEW_SQL);

	x->used_temp = NULL;
	x->used_param = 0;
	if ((rc = plan_select(x, a, st->sel, &p)) != 0)
		return rc;
	n = p.ncols;
	names = sql_arena_alloc(a, sizeof(*names) * (n + 1));
	/* copies: the names may be those of the view being replaced */
	for (i = 0; names != NULL && i < n; i++) {
		const char *nm = (int)i < st->ncols ? st->cols[i] : p.names[i];
		if ((names[i] = sql_arena_strdup(a, nm, strlen(nm))) == NULL)
			names = NULL;
	}
	op_free(p.op);
	if (names == NULL)
		return sql_error(&x->cx, "out of memory");
	if (x->used_param)
		return sql_err_at(x, st->pos, "the query of a view cannot use "
		    "parameters: it runs later, without them");
	if (!st->temp && x->used_temp != NULL)
		return sql_err_at(x, st->pos, "view '%s' would use the temporary "
		    "view '%s', which ends with the session; make it TEMP too",
		    st->table, x->used_temp);
	if ((size_t)st->ncols > n)
		return sql_err_at(x, st->pos, "view '%s' has %d column names but "
		    "its query gives %zu columns", st->table, st->ncols, n);
	for (i = 0; i < n; i++) {
		if (!view_name_ok(names[i]))
			return sql_err_at(x, st->pos, "column %zu of view '%s' needs "
			    "a name of 1 to 255 bytes: name it with AS or a column "
			    "list", i + 1, st->table);
		for (j = 0; j < i; j++)
			if (strcasecmp(names[i], names[j]) == 0)
				return sql_err_at(x, st->pos, "view '%s' would have two "
				    "columns named '%s'; name them with AS or a column "
				    "list", st->table, names[i]);
	}

	if (!st->temp) {
		if (old != NULL && (rc = rdb_view_drop(x->txn, st->table)) != RDB_OK)
			return storage_err(x, db, rc);
		if ((rc = rdb_view_create(x->txn, st->table,
		    (const char *const *)names, n, st->query)) != RDB_OK)
			return storage_err(x, db, rc);
	} else {
		if ((nv = tv_new(st->table, names, n, st->query)) == NULL)
			return sql_error(&x->cx, "out of memory");
		if (ti < 0) {
			struct rdb_view_desc **t = realloc(s->tv, (s->ntv + 1) *
			    sizeof(*t));
			if (t == NULL) {
				tv_free(nv);
				return sql_error(&x->cx, "out of memory");
			}
			s->tv = t;
			s->tv[s->ntv++] = nv;
		} else {
			s->tv[ti] = nv;
		}
		x->tviews = (const struct rdb_view_desc *const *)s->tv;
		x->ntviews = s->ntv;
	}
	/* a view that uses itself through others would expand forever:
	 * plan it as it now is */
	rc = RDB_ESQL;
	if ((dv = plan_view_find(x, st->table)) != NULL &&
	    (rc = plan_view(x, a, dv, &p)) == 0)
		op_free(p.op);
	if (rc != 0 && st->temp) {
		/* put the session back as it was */
		ti = tv_find(s, st->table);
		if (old != NULL) {
			s->tv[ti] = (struct rdb_view_desc *)old;
		} else {
			memmove(&s->tv[ti], &s->tv[ti + 1], (s->ntv - (size_t)ti - 1) *
			    sizeof(*s->tv));
			s->ntv--;
		}
		x->ntviews = s->ntv;
		tv_free(nv);
		return rc;
	}
	if (rc != 0)
		return rc;
	if (st->temp && old != NULL)
		tv_free((struct rdb_view_desc *)old);
	return 0;
}

static int drop_view(struct rdb_sql *s, struct exec *x, struct rdb_db *db,
    struct sql_stmt *st)
{
	const struct rdb_table_desc *td;
	const struct rdb_view_desc *v;
	int ti = tv_find(s, st->table), rc;

	if (ti >= 0) {
		tv_free(s->tv[ti]);
		memmove(&s->tv[ti], &s->tv[ti + 1], (s->ntv - (size_t)ti - 1) *
		    sizeof(*s->tv));
		s->ntv--;
		x->ntviews = s->ntv;
		return 0;
	}
	if (rdb_view_find(x->txn, st->table, &v) == RDB_OK) {
		if ((rc = rdb_view_drop(x->txn, st->table)) != RDB_OK)
			return storage_err(x, db, rc);
		return 0;
	}
	if (rdb_table_find(x->txn, st->table, &td) == RDB_OK)
		return sql_err_at(x, st->pos, "'%s' is a table, not a view; DROP "
		    "TABLE drops it", st->table);
	if (st->if_exists)
		return 0;
	return sql_err_at(x, st->pos, "no such view '%s'", st->table);
}

/* CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (columns) */
static int create_index(struct exec *x, struct rdb_db *db,
    struct sql_stmt *st)
{
	const struct rdb_table_desc *td;
	const struct rdb_index_desc *xd;
	int i, j, rc;

	if (rdb_index_find(x->txn, st->name, &xd) == RDB_OK) {
		if (st->if_exists)
			return 0;
		return sql_err_at(x, st->pos, "index '%s' already exists",
		    st->name);
	}
	if (rdb_table_find(x->txn, st->name, &td) == RDB_OK)
		return sql_err_at(x, st->pos, "a table named '%s' already exists",
		    st->name);
	if (plan_view_find(x, st->name) != NULL)
		return sql_err_at(x, st->pos, "a view named '%s' already exists",
		    st->name);
	if ((rc = find_table(x, db, st->table, st->pos, &td)) != 0)
		return rc;
	if (st->ncols > RDB_MAX_INDEX_KEYS)
		return sql_err_at(x, st->pos, "index '%s' has %d columns; at most "
		    "%d are allowed", st->name, st->ncols, RDB_MAX_INDEX_KEYS);
	for (i = 0; i < st->ncols; i++) {
		size_t c;
		for (c = 0; c < td->ncols; c++)
			if (strcasecmp(td->cols[c].name, st->cols[i]) == 0)
				break;
		if (c == td->ncols)
			return sql_err_at(x, st->pos, "no column '%s' in table '%s'",
			    st->cols[i], td->name);
		for (j = 0; j < i; j++)
			if (strcasecmp(st->cols[j], st->cols[i]) == 0)
				return sql_err_at(x, st->pos, "column '%s' appears twice "
				    "in index '%s'", st->cols[i], st->name);
	}
	if ((rc = rdb_index_create(x->txn, st->name, st->table,
	    (const char *const *)st->cols, st->desc, (size_t)st->ncols,
	    st->unique)) != RDB_OK)
		return storage_err(x, db, rc);
	return 0;
}

static int drop_index(struct exec *x, struct rdb_db *db, struct sql_stmt *st)
{
	const struct rdb_index_desc *xd;
	int rc;

	if (rdb_index_find(x->txn, st->table, &xd) != RDB_OK) {
		if (st->if_exists)
			return 0;
		return sql_err_at(x, st->pos, "no such index '%s'", st->table);
	}
	if ((rc = rdb_index_drop(x->txn, st->table)) != RDB_OK)
		return storage_err(x, db, rc);
	return 0;
}

static const char *tag_of(const struct sql_stmt *st)
{
	switch (st->k) {
	case S_SELECT: return "SELECT";
	case S_INSERT: return "INSERT";
	case S_UPDATE: return "UPDATE";
	case S_DELETE: return "DELETE";
	case S_CREATE: case S_CREATE_AS: return "CREATE TABLE";
	case S_DROP: return "DROP TABLE";
	case S_ALTER: return "ALTER TABLE";
	case S_BEGIN: return "BEGIN";
	case S_COMMIT: return "COMMIT";
	case S_ROLLBACK: return "ROLLBACK";
	case S_EXPLAIN: return "EXPLAIN";
	case S_CREATE_VIEW: return "CREATE VIEW";
	case S_DROP_VIEW: return "DROP VIEW";
	case S_FLASHBACK: return "FLASHBACK TABLE";
	case S_PURGE: return "PURGE TABLE";
	case S_CREATE_INDEX: return "CREATE INDEX";
	case S_DROP_INDEX: return "DROP INDEX";
	}
	return "?";
}

int rdb_sql_exec(struct rdb_sql *s, const char *text, size_t len,
    size_t *pos, const struct rdb_sql_sink *sink, struct rdb_sql_result *res)
{
	struct sql_arena a;
	struct sql_stmt *st = NULL;
	struct exec x;
	struct rdb_txn *own = NULL;
	struct returning ret;
	int rc, writes;

	memset(res, 0, sizeof(*res));
	memset(&ret, 0, sizeof(ret));
	rdb_err_clear(&s->err);
	s->interrupt = 0;
	sql_arena_init(&a);
	memset(&x, 0, sizeof(x));
	x.cx.arena = &a;
	x.cx.now_us = rdb_now_us();
	x.cx.rng = s->rng;
	x.cx.interrupt = &s->interrupt;
	x.text = text;
	x.textlen = len;
	x.params = s->params;
	x.nparams = s->nparams;
	x.memory_limit = s->memory_limit;
	x.memory_shown = s->memory_limit;
	x.threads = s->threads;
	x.recursion_limit = s->recursion_limit;
	x.tviews = (const struct rdb_view_desc *const *)s->tv;
	x.ntviews = s->ntv;
	x.db = s->db;
	rc = sql_parse(&x.cx, &a, text, len, pos, &st);
	if (rc != RDB_OK) {
		rc = fail(s, &x, rc);
		goto out;
	}
	if (st == NULL)
		goto out;
	snprintf(res->tag, sizeof(res->tag), "%s", tag_of(st));
	/* temporary views change the session, not the database */
	writes = st->k != S_SELECT && st->k != S_EXPLAIN &&
	    !(st->k == S_CREATE_VIEW && st->temp) &&
	    !(st->k == S_DROP_VIEW && tv_find(s, st->table) >= 0);
	if (s->as_of != 0 && writes) {
		/* a session in the past reads; changing history is not
		 * something a statement can do */
		char c[32];
		snprintf(c, sizeof(c), "%llu", (unsigned long long)s->as_of);
		rc = sql_error(&x.cx, "cannot run %s: the session reads the "
		    "database as of commit %s, and the past cannot change", res->tag,
		    c);
		rc = fail(s, &x, rc);
		goto out;
	}
	/* transaction control */
	if (st->k == S_BEGIN) {
		if (s->txn != NULL) {
			rc = sql_error(&x.cx, "a transaction is already open");
			rc = fail(s, &x, rc);
			goto out;
		}
		rc = rdb_txn_begin(s->db, RDB_TXN_WRITE, 0, &s->txn);
		if (rc != RDB_OK)
			rc = fail(s, &x, rc);
		s->aborted = 0;
		goto out;
	}
	if (st->k == S_COMMIT || st->k == S_ROLLBACK) {
		if (s->txn == NULL) {
			rc = sql_error(&x.cx, "no transaction is open");
			rc = fail(s, &x, rc);
			goto out;
		}
		if (st->k == S_ROLLBACK || s->aborted) {
			rdb_txn_abort(s->txn);
			s->txn = NULL;
			if (st->k == S_COMMIT) {
				s->aborted = 0;
				rc = sql_error(&x.cx, "the transaction had an error and "
				    "was rolled back");
				rc = fail(s, &x, rc);
			}
			s->aborted = 0;
			goto out;
		}
		{
			struct rdb_commit_opts co = { s->program, NULL,
				s->message };
			rc = rdb_txn_commit(s->txn, &co, &res->commit);
			s->txn = NULL;
			if (rc != RDB_OK)
				rc = fail(s, &x, rc);
		}
		goto out;
	}
	if (s->txn != NULL && s->aborted) {
		rc = sql_error(&x.cx, "the transaction had an error: only ROLLBACK "
		    "(or COMMIT, which rolls back) is accepted now");
		rc = fail(s, &x, rc);
		goto out;
	}
	if (s->txn != NULL) {
		x.txn = s->txn;
	} else {
		rc = rdb_txn_begin(s->db, writes ? RDB_TXN_WRITE : 0, s->as_of,
		    &own);
		if (rc != RDB_OK) {
			rc = fail(s, &x, rc);
			goto out;
		}
		x.txn = own;
		x.txn_reads = !writes;
	}
	switch (st->k) {
	case S_SELECT:
		res->returns_rows = 1;
		rc = run_query(s, &x, &a, st->sel, sink);
		break;
	case S_EXPLAIN:
		res->returns_rows = 1;
		rc = run_explain(&x, &a, st, sink);
		break;
	case S_INSERT:
		rc = run_insert(&x, &a, s->db, st, &res->changed, &ret);
		break;
	case S_UPDATE: case S_DELETE:
		rc = run_modify(&x, &a, s->db, st, &res->changed, &ret);
		break;
	case S_CREATE_VIEW:
		rc = create_view(s, &x, &a, s->db, st);
		break;
	case S_DROP_VIEW:
		rc = drop_view(s, &x, s->db, st);
		break;
	case S_CREATE_INDEX:
		rc = create_index(&x, s->db, st);
		break;
	case S_DROP_INDEX:
		rc = drop_index(&x, s->db, st);
		break;
	case S_FLASHBACK: case S_PURGE:
		rc = run_flashback(&x, &a, s->db, st, res);
		break;
	default:
		rc = run_ddl(&x, &a, s->db, st, &res->changed);
		break;
	}	cte_stores_release(&x);         /* their scans, before the commit */

	if (rc != 0) {
		rc = fail(s, &x, rc);
		rdb_txn_abort(own);
		if (s->txn != NULL)
			s->aborted = 1;
		goto out;
	}
	if (own != NULL) {
		struct rdb_commit_opts co = { s->program, NULL,
			s->message };
		rc = rdb_txn_commit(own, &co, &res->commit);
		if (rc != RDB_OK)
			rc = fail(s, &x, rc);
	}
	if (rc == RDB_OK && st->nret > 0) {
		/* RETURNING: done, so its rows may be seen */
		res->returns_rows = 1;
		if ((rc = ret_emit(&x, &ret, sink)) != 0)
			rc = fail(s, &x, rc);
	}
out:
	ret_release(&ret);
	cte_stores_release(&x);
	files_release(&x);
	asof_release(&x);
	s->rng = x.cx.rng;
	sql_arena_release(&a);
	return rc;
}

/*
 * series.c - the table functions generate_series and range: a series of
 * BIGINTs, or of DATEs or TIMESTAMPs a fixed INTERVAL apart, made a
 * chunk at a time as it is read, so a billion of them cost no memory.
 *
 * As PostgreSQL and DuckDB: generate_series includes its stop, range
 * stops before it; a negative step counts down, a zero step is an error,
 * a NULL argument gives no rows; one argument n is the series from 0.
 * A temporal series adds its step to the previous value (from January
 * 31 by a month: February 29, March 29, ...), as PostgreSQL does. The
 * arguments are constants: a series cannot depend on the rows of
 * another table of the FROM (there is no LATERAL).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/plan.h"

struct series_op {
	struct op o;
	int temporal;           /* DATE or TIMESTAMP: step is iv */
	int incl;               /* generate_series: stop is in the series */
	int desc;               /* counting down */
	int done;
	int64_t cur, stop, step;
	struct sql_interval iv;
};

/* The value after cur, or 0 when there is none (past stop, or out of
 * the type's range). */
static int series_step(struct series_op *s, int64_t cur, int64_t *nx)
{
	if (s->temporal) {
		struct sql_ctx quiet;   /* out of range ends the series */
		memset(&quiet, 0, sizeof(quiet));
		if (sql_date_add(&quiet, s->o.types[0].id, cur, &s->iv, 1, nx))
			return 0;
		return 1;
	}
	return !__builtin_add_overflow(cur, s->step, nx);
}

/* Is v still in the series? */
static int series_in(const struct series_op *s, int64_t v)
{
	if (s->desc)
		return s->incl ? v >= s->stop : v > s->stop;
	return s->incl ? v <= s->stop : v < s->stop;
}

static int series_next(struct exec *x, struct op *o)
{
	struct series_op *s = (struct series_op *)o;
	struct sql_vec *v = &o->out.cols[0];
	size_t n = 0;
	int64_t cur = s->cur;

	if (s->done)
		return 0;
	if (sql_vec_alloc(v, o->types[0], SQL_CHUNK, &o->out.arena) != 0)
		return sql_error(&x->cx, "out of memory");
	if (!s->temporal && !s->desc && s->incl) {
		/* the common case, kept to a tight loop */
		int64_t last = s->stop;
		while (n < SQL_CHUNK && cur <= last) {
			v->v.i[n++] = cur;
			if (__builtin_add_overflow(cur, s->step, &cur)) {
				s->done = 1;
				break;
			}
		}
		if (n < SQL_CHUNK && !s->done)
			s->done = 1;
	} else {
		while (n < SQL_CHUNK) {
			if (!series_in(s, cur)) {
				s->done = 1;
				break;
			}
			v->v.i[n++] = cur;
			if (!series_step(s, cur, &cur)) {
				s->done = 1;
				break;
			}
		}
	}
	s->cur = cur;
	o->out.n = n;
	return n > 0 ? 1 : 0;
}

static const struct op_vt series_vt = { "SERIES", series_next, NULL, NULL };

int series_name(const char *name)
{
	return !strcasecmp(name, "generate_series") || !strcasecmp(name, "range");
}

/* Does e name a column (which a series cannot depend on)? */
static const struct sql_expr *names_column(const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return NULL;
	if (e->k == E_NAME || (e->k == E_STAR && e->qual != NULL))
		return e;
	for (i = 0; i < e->nargs; i++) {
		const struct sql_expr *c = names_column(e->args[i]);
		if (c != NULL)
			return c;
	}
	return NULL;
}

static int is_temporal(int id)
{
	return id == T_DATE || id == T_TIMESTAMP;
}

int series_plan(struct exec *x, struct sql_arena *a, const struct sql_from *f,
    struct plan_out *out)
{
	const char *fn = !strcasecmp(f->name, "range") ? "range" :
	    "generate_series";
	struct sql_val v[3];
	int untyped[3] = { 0, 0, 0 };
	struct series_op *s;
	struct sql_type t = { T_BIGINT, 0, 0 };
	int i, rc, n = f->nfargs, anynull = 0;
	char **names;

	if (n < 1 || n > 3)
		return sql_err_at(x, f->pos, "%s takes 1 to 3 arguments (start, "
		    "stop, step), not %d", fn, n);
	for (i = 0; i < n; i++) {
		const struct sql_expr *c;
		struct sql_expr *e;
		if (f->fnames[i] != NULL)
			return sql_err_at(x, f->fargs[i]->pos, "%s has no named "
			    "arguments", fn);
		if ((c = names_column(f->fargs[i])) != NULL)
			return sql_err_at(x, c->pos, "the arguments of %s must be "
			    "constants: it cannot read the columns of another table",
			    fn);
		if ((e = plan_expr_copy(a, f->fargs[i])) == NULL)
			return sql_error(&x->cx, "out of memory");
		if ((rc = plan_bind_const(x, a, e, &e)) != 0 ||
		    (rc = sql_eval_const(x, e, &v[i], a)) != 0)
			return rc;
		anynull |= v[i].null;
		/* '5' or :n: text that takes the type its place asks for */
		untyped[i] = v[i].t.id == T_TEXT && (f->fargs[i]->k == E_PARAM ||
		    (f->fargs[i]->flags & EF_STRLIT));
	}
	if (n == 1) {
		/* range(n): from 0 */
		v[1] = v[0];
		untyped[1] = untyped[0];
		untyped[0] = 0;
		v[0].t.id = T_BIGINT;
		v[0].null = 0;
		v[0].u.i = 0;
		if (untyped[1] && !v[1].null) {
			struct sql_val c;
			if (sql_cast(&x->cx, &v[1], t, &c) != 0)
				return sql_err_at(x, f->fargs[0]->pos, "%s: %s", fn,
				    x->cx.err.msg);
			v[1] = c;
		}
		if (v[1].t.id != T_INT && v[1].t.id != T_BIGINT &&
		    v[1].t.id != T_NULL)
			return sql_err_at(x, f->fargs[0]->pos, "%s(stop) takes a "
			    "BIGINT, not %s", fn, sql_type_name(v[1].t,
			    (char [32]){ 0 }, 32));
		n = 2;
	}
	/* a string literal next to a DATE or TIMESTAMP is one too */
	if (is_temporal(v[0].t.id) || is_temporal(v[1].t.id) ||
	    (n == 3 && v[2].t.id == T_INTERVAL)) {
		t.id = v[0].t.id == T_TIMESTAMP || v[1].t.id == T_TIMESTAMP ||
		    (!is_temporal(v[0].t.id) && !is_temporal(v[1].t.id)) ?
		    T_TIMESTAMP : T_DATE;
		if (n == 3 && v[2].t.id == T_INTERVAL && !v[2].null &&
		    v[2].u.iv.us != 0)
			t.id = T_TIMESTAMP;
		for (i = 0; i < 2; i++) {
			struct sql_val c;
			if (v[i].null || v[i].t.id == t.id)
				continue;
			if (v[i].t.id != T_DATE && v[i].t.id != T_TEXT)
				break;
			if ((rc = sql_cast(&x->cx, &v[i], t, &c)) != 0)
				return sql_err_at(x, f->fargs[i]->pos, "%s: %s", fn,
				    x->cx.err.msg);
			v[i] = c;
		}
		if (i < 2 || n < 3 || (v[2].t.id != T_INTERVAL &&
		    v[2].t.id != T_NULL))
			return sql_err_at(x, f->pos, "%s over dates and timestamps "
			    "takes (start, stop, step), step an INTERVAL", fn);
	} else {
		for (i = 0; i < n; i++) {
			if ((untyped[i] || (v[i].t.id == T_DECIMAL &&
			    v[i].t.scale == 0)) && !v[i].null) {
				/* -9223372036854775808 is a DECIMAL literal */
				struct sql_val c;
				if (sql_cast(&x->cx, &v[i], t, &c) != 0)
					return sql_err_at(x, f->fargs[i < f->nfargs ? i : 0]->pos,
					    "%s: %s", fn, x->cx.err.msg);
				v[i] = c;
			}
			if (v[i].t.id != T_INT && v[i].t.id != T_BIGINT &&
			    v[i].t.id != T_NULL) {
				char tn[32];
				return sql_err_at(x, f->fargs[i < f->nfargs ? i : 0]->pos,
				    "%s takes BIGINT arguments, or DATE or TIMESTAMP "
				    "ones with an INTERVAL step, not %s", fn,
				    sql_type_name(v[i].t, tn, sizeof(tn)));
			}
		}
	}
	if ((s = op_new(x, sizeof(*s), &series_vt, 1, &t)) == NULL)
		return RDB_ENOMEM;
	s->incl = fn[0] == 'g';
	s->temporal = t.id != T_BIGINT;
	if (anynull) {
		/* PostgreSQL: no rows */
		s->done = 1;
		snprintf(s->o.detail, sizeof(s->o.detail), "%s, NULL: no rows", fn);
		s->o.est = 1;
		goto named;
	}
	s->cur = v[0].u.i;
	s->stop = v[1].u.i;
	if (s->temporal) {
		int64_t nx;
		s->iv = v[2].u.iv;
		if (sql_date_add(&x->cx, t.id, s->cur, &s->iv, 1, &nx) != 0) {
			/* the first step already leaves the type's range */
			memset(&x->cx.err, 0, sizeof(x->cx.err));
			nx = s->cur + (s->iv.months < 0 || s->iv.days < 0 ||
			    s->iv.us < 0 ? -1 : 1);
		}
		if (nx == s->cur) {
			op_free(&s->o);
			return sql_err_at(x, f->fargs[2]->pos, "the step of %s cannot "
			    "be zero", fn);
		}
		s->desc = nx < s->cur;
		s->o.est = 1000;
		snprintf(s->o.detail, sizeof(s->o.detail), "%s by an interval", fn);
	} else {
		__int128 span;
		s->step = n == 3 ? v[2].u.i : 1;
		if (s->step == 0) {
			op_free(&s->o);
			return sql_err_at(x, f->fargs[2]->pos, "the step of %s cannot "
			    "be zero", fn);
		}
		s->desc = s->step < 0;
		/* values in the series: exact, for the planner */
		span = (__int128)s->stop - s->cur;
		if (!s->incl)
			span -= s->desc ? -1 : 1;
		span = (s->desc ? span > 0 : span < 0) ? 0 : span / s->step + 1;
		s->o.est = span < 1 ? 1 : (double)span;
		snprintf(s->o.detail, sizeof(s->o.detail), "%s(%lld, %lld, %lld)",
		    fn, (long long)s->cur, (long long)s->stop, (long long)s->step);
	}
named:
	names = sql_arena_alloc(a, sizeof(*names));
	if (names == NULL) {
		op_free(&s->o);
		return sql_error(&x->cx, "out of memory");
	}
	/* PostgreSQL: the column is named by the alias when there is no
	 * column list, else by the function */
	names[0] = f->alias != NULL && f->ncolalias == 0 ? f->alias :
	    (char *)(fn[0] == 'g' ? "generate_series" : "range");
	out->op = &s->o;
	out->ncols = 1;
	out->names = names;
	out->types = s->o.types;
	return 0;
}

/*
 * plan.c - the binder and planner.
 *
 * Binding resolves names against the FROM clause's columns, fixes every
 * node's type and inserts the casts that make both sides of an operator
 * one family (see expr.c). Expressions are first bound against a
 * "global" numbering of all FROM columns; the planner then decides
 * which columns each scan reads (projection pushdown), where each
 * WHERE conjunct runs (pushed into the scan of the only table it
 * names, or into the join that first has all its tables), the join
 * order (greedy, smallest estimated result first, hash joins built on
 * the smaller side), and finally remaps column numbers to the layout
 * of the operator that evaluates each expression.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/plan.h"

#define MAX_RELS 64

struct gcol {
	int rel;
	int idx;                        /* column of the relation */
	const char *name;
	struct sql_type t;
	int hidden;                     /* merged away by USING/NATURAL */
	int pseudo;                     /* a pseudo-column of FOR SYSTEM_TIME
	                                   versions: by name only, not in *
	                                   nor in NATURAL joins */
	struct sql_expr *merged;        /* FULL JOIN USING: what an
	                                   unqualified name means */
	double ndv;                     /* distinct values at most; 0 not
	                                   yet known */
};

struct rel {
	const char *alias;              /* the name it is qualified by */
	const struct rdb_table_desc *td;        /* a table, or */
	struct plan_out sub;            /* a planned subquery */
	struct rdb_txn *txn;            /* a file's table: its own */
	const char *label;              /* and its function, for EXPLAIN */
	int versions;                   /* FOR SYSTEM_TIME BETWEEN, FROM ...
	                                   TO, ALL: versions of commits */
	uint64_t vlo, vhi;              /* vlo..vhi, the pseudo-columns after
	                                   the table's */
	int ncols;
	int goff;                       /* first global column */
	double rows;                    /* estimated rows before filters */
};

/* Binding state of one SELECT. */
struct bind {
	struct exec *x;
	struct sql_arena *a;
	struct rel rels[MAX_RELS];
	int nrels;
	struct gcol *cols;
	int ncols, capcols;
	/* aggregation */
	int agg_ok;                     /* aggregates may appear */
	int win_ok;                     /* window functions may appear */
	const struct sql_select *sel;   /* its WINDOW clause */
	int aggregating;                /* the query aggregates */
	int in_output;                  /* binding the select list or
	                                   ORDER BY */
	struct agg_spec *aggs;
	int naggs, capaggs;
	const char *clause;             /* "WHERE", for messages */
	/* GROUP BY: the distinct keys (bound), and the distinct GROUPING()
	 * calls, each as indexes into keys */
	struct sql_expr **keys;
	int nkeys;
	struct gcall {
		int n;
		int *key;
	} *gcalls;
	int ngcalls, capgcalls;
	/* the aggregate's output: keys at 0, GROUPING() values from gcol
	 * (-1: they are constants), aggregates from aggoff */
	int gcol, aggoff;
	int nsets;
	const uint8_t *in;              /* set s has key k: in[s * nkeys + k] */
	/* a subquery's: the query around it, and the columns of that query
	 * this one names (each becomes a value at run time) */
	struct bind *outer;
	struct sql_outer *refs;
	int nrefs, caprefs;
	/* semi and anti joins of WHERE (decorrelated subqueries) */
	struct bsemi {
		int rel;                /* its derived table */
		int kind;               /* JK_SEMI, JK_ANTI, JK_ANTI_NA */
		struct sql_expr *cond;  /* bound */
		int done;
	} *semis;
	int nsemis;
};

static int oom(struct exec *x)
{
	return sql_error(&x->cx, "out of memory");
}

int sql_err_at(struct exec *x, uint32_t pos, const char *fmt, ...)
{
	char where[64], msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x->text != NULL) {
		sql_pos_text(x->text, x->textlen, pos, where, sizeof(where));
		return sql_error(&x->cx, "%s (at %s)", msg, where);
	}
	return sql_error(&x->cx, "%s", msg);
}

int plan_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), i, j;
	int d[64], prev, t;

	if (n > 60 || m > 60)
		return 99;
	for (j = 0; j <= m; j++)
		d[j] = (int)j;
	for (i = 1; i <= n; i++) {
		prev = d[0];
		d[0] = (int)i;
		for (j = 1; j <= m; j++) {
			t = d[j];
			d[j] = prev + (a[i - 1] != b[j - 1]);
			if (d[j - 1] + 1 < d[j])
				d[j] = d[j - 1] + 1;
			if (t + 1 < d[j])
				d[j] = t + 1;
			prev = t;
		}
	}
	return d[m];
}

static int close_enough(const char *want, const char *have)
{
	int d = plan_distance(want, have);
	size_t n = strlen(want);

	return d <= 2 && (size_t)d * 3 <= n + 1;
}

/* ---- expression helpers ---- */

static struct sql_expr *new_expr(struct sql_arena *a, enum sql_ek k,
    uint32_t pos)
{
	struct sql_expr *e = sql_arena_alloc(a, sizeof(*e));

	if (e != NULL) {
		memset(e, 0, sizeof(*e));
		e->k = k;
		e->pos = pos;
	}
	return e;
}

struct sql_expr *plan_col(struct sql_arena *a, int col, struct sql_type t)
{
	struct sql_expr *e = new_expr(a, E_COL, 0);

	if (e != NULL) {
		e->col = col;
		e->t = t;
	}
	return e;
}

static struct sql_expr *mk_op(struct sql_arena *a, int op, uint32_t pos,
    struct sql_expr *l, struct sql_expr *r)
{
	struct sql_expr *e = new_expr(a, E_OP, pos);

	if (e == NULL)
		return NULL;
	e->op = op;
	e->nargs = r ? 2 : 1;
	e->args = sql_arena_alloc(a, sizeof(*e->args) * 2);
	if (e->args == NULL)
		return NULL;
	e->args[0] = l;
	e->args[1] = r;
	return e;
}

static int type_eq(struct sql_type a, struct sql_type b)
{
	return a.id == b.id && (a.id != T_DECIMAL ||
	    (a.prec == b.prec && a.scale == b.scale));
}

/* Structural equality and volatility of expressions live in expr.c,
 * for the executor too. */
#define expr_eq sql_expr_eq
#define is_volatile sql_expr_volatile

static int all_const(const struct sql_expr *e)
{
	int i;

	if (e->k == E_CONST)
		return 1;
	if (e->k != E_OP && e->k != E_FUNC && e->k != E_CAST && e->k != E_CASE)
		return 0;
	for (i = 0; i < e->nargs; i++)
		if (e->args[i] != NULL && !all_const(e->args[i]))
			return 0;
	return !is_volatile(e);
}

/* Replace a constant subtree by its value. A failing evaluation leaves
 * the tree alone: it may never run (CASE WHEN false THEN 1/0). */
static void fold(struct exec *x, struct sql_arena *a, struct sql_expr *e)
{
	struct sql_val v;
	struct rdb_err keep = x->cx.err;
	struct sql_arena *ka = x->cx.arena;

	if (e->k == E_CONST || !all_const(e))
		return;
	x->cx.arena = a;
	if (sql_eval_const(x, e, &v, a) != 0) {
		x->cx.err = keep;
		x->cx.arena = ka;
		return;
	}
	x->cx.arena = ka;
	if (!v.null && sql_is_strlike(v.t.id)) {
		char *p = sql_arena_strdup(a, v.u.s.p, v.u.s.n);
		if (p == NULL)
			return;
		v.u.s.p = p;
	}
	v.t = e->t;
	e->k = E_CONST;
	e->val = v;
	e->nargs = 0;
	e->flags &= ~EF_STRLIT;
}

int plan_coerce(struct exec *x, struct sql_arena *a, struct sql_expr **ep,
    struct sql_type t)
{
	struct sql_expr *e = *ep, *c;
	char t1[32], t2[32];

	if (type_eq(e->t, t))
		return 0;
	if (e->k == E_CONST && (e->val.null || e->t.id == T_NULL)) {
		e->t = t;
		e->val.t = t;
		e->val.null = 1;
		return 0;
	}
	if (t.id == T_NULL)
		return 0;
	if (!sql_castable(e->t, t) && !(e->t.id == T_TEXT))
		return sql_err_at(x, e->pos, "cannot convert %s to %s",
		    sql_type_name(e->t, t1, sizeof(t1)),
		    sql_type_name(t, t2, sizeof(t2)));
	c = new_expr(a, E_CAST, e->pos);
	if (c == NULL || (c->args = sql_arena_alloc(a, sizeof(*c->args))) == NULL)
		return oom(x);
	c->nargs = 1;
	c->args[0] = e;
	c->t = t;
	if (e->k == E_CONST) {
		/* a literal: convert now, and report a bad one with its place */
		struct sql_val v;
		struct sql_arena *ka = x->cx.arena;
		x->cx.arena = a;
		if (sql_cast(&x->cx, &e->val, t, &v) != 0) {
			char msg[sizeof(x->cx.err.msg)];
			x->cx.arena = ka;
			snprintf(msg, sizeof(msg), "%s", x->cx.err.msg);
			return sql_err_at(x, e->pos, "%s", msg);
		}
		x->cx.arena = ka;
		c->k = E_CONST;
		c->val = v;
		c->nargs = 0;
	}
	*ep = c;
	return 0;
}

/* The type both a and b convert to, or -1 (with an error). */
static int common_type(struct exec *x, const struct sql_expr *a,
    const struct sql_expr *b, struct sql_type *out, uint32_t pos)
{
	struct sql_type ta = a->t, tb = b->t;
	char n1[32], n2[32];

	if (ta.id == T_NULL) {
		*out = tb;
		return 0;
	}
	if (tb.id == T_NULL) {
		*out = ta;
		return 0;
	}
	if ((a->flags & EF_STRLIT) && !(b->flags & EF_STRLIT)) {
		*out = tb;
		return 0;
	}
	if ((b->flags & EF_STRLIT) && !(a->flags & EF_STRLIT)) {
		*out = ta;
		return 0;
	}
	if (type_eq(ta, tb)) {
		*out = ta;
		return 0;
	}
	if ((sql_is_numeric(ta.id) || ta.id == T_BOOL) &&
	    (sql_is_numeric(tb.id) || tb.id == T_BOOL)) {
		memset(out, 0, sizeof(*out));
		if (ta.id == T_DOUBLE || tb.id == T_DOUBLE) {
			out->id = T_DOUBLE;
		} else if (ta.id == T_DECIMAL || tb.id == T_DECIMAL) {
			int sa = ta.id == T_DECIMAL ? ta.scale : 0;
			int sb = tb.id == T_DECIMAL ? tb.scale : 0;
			int ia = ta.id == T_DECIMAL ? ta.prec - ta.scale : 19;
			int ib = tb.id == T_DECIMAL ? tb.prec - tb.scale : 19;
			int s = sa > sb ? sa : sb, i = ia > ib ? ia : ib;
			out->id = T_DECIMAL;
			out->scale = (uint8_t)s;
			out->prec = (uint8_t)(i + s > 38 ? 38 : i + s);
		} else if (ta.id == T_BIGINT || tb.id == T_BIGINT) {
			out->id = T_BIGINT;
		} else if (ta.id == T_INT || tb.id == T_INT) {
			out->id = T_INT;
		} else {
			out->id = T_BOOL;
		}
		return 0;
	}
	if ((ta.id == T_DATE && tb.id == T_TIMESTAMP) ||
	    (ta.id == T_TIMESTAMP && tb.id == T_DATE)) {
		memset(out, 0, sizeof(*out));
		out->id = T_TIMESTAMP;
		return 0;
	}
	if (sql_is_strlike(ta.id) && sql_is_strlike(tb.id)) {
		memset(out, 0, sizeof(*out));
		out->id = ta.id == T_BLOB || tb.id == T_BLOB ? T_BLOB : T_TEXT;
		return 0;
	}
	return sql_err_at(x, pos, "cannot compare or combine %s and %s",
	    sql_type_name(ta, n1, sizeof(n1)), sql_type_name(tb, n2, sizeof(n2)));
}

/* ---- binding ---- */

static int bind(struct bind *b, struct sql_expr **ep);
static struct sql_expr *copy_tree(struct sql_arena *a,
    const struct sql_expr *e);

/* Column col of the bind's own FROM named by e (qual.name), or -1. */
static int own_col(const struct bind *b, const struct sql_expr *e)
{
	int i, found = -1;

	for (i = 0; i < b->ncols; i++) {
		const struct gcol *c = &b->cols[i];
		if (e->qual != NULL) {
			const char *al = b->rels[c->rel].alias;
			if (al == NULL || strcasecmp(al, e->qual) != 0)
				continue;
		} else if (c->hidden) {
			continue;
		}
		if (strcasecmp(c->name, e->name) != 0)
			continue;
		if (found >= 0)
			return -2;
		found = i;
	}
	return found;
}

/*
 * A name not in this query's FROM: a column of the query around it (a
 * correlated subquery). While binding a subquery for its type, such a
 * name is recorded as a reference and stands for a NULL of its type;
 * when the subquery runs for one outer row, the value is in
 * x->outer_vals. 0 when found (e rewritten), 1 when not, or an error.
 */
static int outer_col(struct bind *b, struct sql_expr *e)
{
	size_t k;
	int i;

	for (k = 0; k < b->x->nouter_vals; k++) {
		const struct sql_outer *o = &b->x->outer_vals[k];
		if (strcasecmp(o->name, e->name) != 0 || (e->qual != NULL &&
		    (o->qual == NULL || strcasecmp(o->qual, e->qual) != 0)))
			continue;
		e->k = E_CONST;
		e->val = o->val;
		e->t = o->val.t;
		e->nargs = 0;
		return 0;
	}
	if (b->outer == NULL)
		return 1;
	i = own_col(b->outer, e);
	if (i == -2)
		return sql_err_at(b->x, e->pos, "column reference '%s' is "
		    "ambiguous", e->name);
	if (i < 0) {
		/* a column of a query further out: the query around this
		 * one names it too (carries it as an argument), so that
		 * when that query runs the value is in x->outer_vals */
		if (b->outer->outer != NULL)
			return outer_col(b->outer, e);
		return 1;
	}
	for (k = 0; k < (size_t)b->nrefs; k++)
		if (b->refs[k].gcol == i)
			break;
	if (k == (size_t)b->nrefs) {
		if (sql_arena_grow(b->a, &b->refs, b->nrefs, &b->caprefs,
		    sizeof(*b->refs), 8) != 0)
			return oom(b->x);
		memset(&b->refs[k], 0, sizeof(b->refs[k]));
		b->refs[k].gcol = i;
		b->refs[k].qual = b->outer->rels[b->outer->cols[i].rel].alias;
		b->refs[k].name = b->outer->cols[i].name;
		b->refs[k].val.t = b->outer->cols[i].t;
		b->refs[k].val.null = 1;
		b->nrefs++;
	}
	/* typing only: a NULL of the column's type */
	e->k = E_CONST;
	e->val.null = 1;
	e->val.t = b->outer->cols[i].t;
	e->t = e->val.t;
	e->nargs = 0;
	return 0;
}

static int find_col(struct bind *b, struct sql_expr *e)
{
	int i, found = -1, nfound = 0, relmatch = 0;

	for (i = 0; i < b->ncols; i++) {
		struct gcol *c = &b->cols[i];
		if (e->qual != NULL) {
			const char *al = b->rels[c->rel].alias;
			if (al == NULL || strcmp(al, e->qual) != 0)
				continue;
			relmatch = 1;
		} else if (c->hidden) {
			continue;
		}
		if (strcmp(c->name, e->name) != 0)
			continue;
		if (nfound++ == 0)
			found = i;
	}
	if (nfound == 0 && !(e->flags & EF_QUOTED)) {
		/* an unquoted name also finds a column whose name differs
		 * only in case (a CSV header "Name"), when just one does */
		for (i = 0; i < b->ncols; i++) {
			struct gcol *c = &b->cols[i];
			if (e->qual != NULL) {
				const char *al = b->rels[c->rel].alias;
				if (al == NULL || strcasecmp(al, e->qual) != 0)
					continue;
			} else if (c->hidden) {
				continue;
			}
			if (strcasecmp(c->name, e->name) != 0)
				continue;
			if (nfound++ == 0)
				found = i;
		}
	}
	if (nfound > 1)
		return sql_err_at(b->x, e->pos, "column reference '%s' is "
		    "ambiguous", e->name);
	if (found < 0 && (b->outer != NULL || b->x->nouter_vals > 0)) {
		int rc = outer_col(b, e);
		if (rc <= 0)
			return rc;
	}
	if (found < 0) {
		const char *best = NULL;
		int bd = 99;
		if (e->qual != NULL && !relmatch) {
			for (i = 0; i < b->nrels; i++) {
				const char *al = b->rels[i].alias;
				if (al != NULL && close_enough(e->qual, al) &&
				    plan_distance(e->qual, al) < bd) {
					bd = plan_distance(e->qual, al);
					best = al;
				}
			}
			if (best != NULL)
				return sql_err_at(b->x, e->pos, "no table '%s' in FROM; "
				    "did you mean '%s'?", e->qual, best);
			return sql_err_at(b->x, e->pos, "no table '%s' in FROM",
			    e->qual);
		}
		for (i = 0; i < b->ncols; i++) {
			int d = plan_distance(e->name, b->cols[i].name);
			if (b->cols[i].hidden && b->rels[b->cols[i].rel].alias != NULL &&
			    strncmp(b->rels[b->cols[i].rel].alias, "__sq", 4) == 0)
				continue;
			if (close_enough(e->name, b->cols[i].name) && d < bd) {
				bd = d;
				best = b->cols[i].name;
			}
		}
		if (best != NULL)
			return sql_err_at(b->x, e->pos, "no such column '%s%s%s'; "
			    "did you mean '%s'?", e->qual ? e->qual : "",
			    e->qual ? "." : "", e->name, best);
		return sql_err_at(b->x, e->pos, "no such column '%s%s%s'",
		    e->qual ? e->qual : "", e->qual ? "." : "", e->name);
	}
	if (b->cols[found].merged != NULL && e->qual == NULL) {
		struct sql_expr *m = copy_tree(b->a, b->cols[found].merged);
		if (m == NULL)
			return oom(b->x);
		m->pos = e->pos;
		*e = *m;
		return 0;
	}
	e->k = E_COL;
	e->col = found;
	e->t = b->cols[found].t;
	return 0;
}

static int bind_args(struct bind *b, struct sql_expr *e)
{
	int i, rc;

	for (i = 0; i < e->nargs; i++)
		if (e->args[i] != NULL && (rc = bind(b, &e->args[i])) != 0)
			return rc;
	return 0;
}

/* Make a boolean of e: BOOLEAN stays, numbers compare with zero (as
 * SQLite), NULL becomes a NULL BOOLEAN. */
static int as_bool(struct bind *b, struct sql_expr **ep)
{
	struct sql_expr *e = *ep;
	struct sql_type bt = { T_BOOL, 0, 0 };
	char tn[32];

	if (e->t.id == T_BOOL)
		return 0;
	if (e->t.id == T_NULL || sql_is_numeric(e->t.id) ||
	    (e->flags & EF_STRLIT))
		return plan_coerce(b->x, b->a, ep, bt);
	return sql_err_at(b->x, e->pos, "argument must be BOOLEAN, not %s",
	    sql_type_name(e->t, tn, sizeof(tn)));
}

static int unify2(struct bind *b, struct sql_expr **l, struct sql_expr **r,
    uint32_t pos)
{
	struct sql_type t;
	int rc;

	if ((rc = common_type(b->x, *l, *r, &t, pos)) != 0)
		return rc;
	if ((rc = plan_coerce(b->x, b->a, l, t)) != 0 ||
	    (rc = plan_coerce(b->x, b->a, r, t)) != 0)
		return rc;
	return 0;
}

static int bind_arith(struct bind *b, struct sql_expr *e)
{
	struct sql_expr **l = &e->args[0], **r = &e->args[1];
	int lt = (*l)->t.id, rt = (*r)->t.id, rc;
	struct sql_type t = { T_BIGINT, 0, 0 };
	char n1[32], n2[32];

	if (lt == T_NULL && rt == T_NULL) {
		e->t = t;
		return 0;
	}
	/* literals take the other side's type */
	if (((*l)->flags & EF_STRLIT) && rt != T_TEXT && rt != T_NULL) {
		if (rt == T_DATE || rt == T_TIMESTAMP) {
			struct sql_type iv = { T_INTERVAL, 0, 0 };
			if ((rc = plan_coerce(b->x, b->a, l, iv)) != 0)
				return rc;
		} else if ((rc = plan_coerce(b->x, b->a, l, (*r)->t)) != 0) {
			return rc;
		}
		lt = (*l)->t.id;
	}
	if (((*r)->flags & EF_STRLIT) && lt != T_TEXT && lt != T_NULL) {
		if ((lt == T_DATE || lt == T_TIMESTAMP) && e->op != OP_SUB) {
			struct sql_type iv = { T_INTERVAL, 0, 0 };
			if ((rc = plan_coerce(b->x, b->a, r, iv)) != 0)
				return rc;
		} else if (lt == T_DATE || lt == T_TIMESTAMP) {
			/* date - '...': an interval if it reads as one */
			struct sql_interval iv;
			struct sql_type it = { T_INTERVAL, 0, 0 };
			if ((*r)->k == E_CONST && sql_parse_interval((*r)->val.u.s.p,
			    (*r)->val.u.s.n, NULL, &iv) == 0)
				rc = plan_coerce(b->x, b->a, r, it);
			else
				rc = plan_coerce(b->x, b->a, r, (*l)->t);
			if (rc != 0)
				return rc;
		} else if ((rc = plan_coerce(b->x, b->a, r, (*l)->t)) != 0) {
			return rc;
		}
		rt = (*r)->t.id;
	}
	if (lt == T_NULL)
		lt = rt;
	if (rt == T_NULL)
		rt = lt;
	/* dates and intervals */
	if (lt == T_DATE || lt == T_TIMESTAMP || lt == T_INTERVAL ||
	    rt == T_INTERVAL || rt == T_DATE || rt == T_TIMESTAMP) {
		memset(&t, 0, sizeof(t));
		if ((lt == T_DATE || lt == T_TIMESTAMP) && rt == T_INTERVAL &&
		    (e->op == OP_ADD || e->op == OP_SUB)) {
			t.id = (uint8_t)lt;
			if (lt == T_DATE && !((*r)->k == E_CONST && !(*r)->val.null &&
			    (*r)->val.u.iv.us == 0)) {
				struct sql_type ts = { T_TIMESTAMP, 0, 0 };
				if ((rc = plan_coerce(b->x, b->a, l, ts)) != 0)
					return rc;
				t.id = T_TIMESTAMP;
			}
		} else if (lt == T_INTERVAL && (rt == T_DATE || rt == T_TIMESTAMP) &&
		    e->op == OP_ADD) {
			t.id = (uint8_t)rt;
			if (rt == T_DATE && !((*l)->k == E_CONST && !(*l)->val.null &&
			    (*l)->val.u.iv.us == 0)) {
				struct sql_type ts = { T_TIMESTAMP, 0, 0 };
				if ((rc = plan_coerce(b->x, b->a, r, ts)) != 0)
					return rc;
				t.id = T_TIMESTAMP;
			}
		} else if (lt == T_DATE && rt == T_DATE && e->op == OP_SUB) {
			t.id = T_BIGINT;
		} else if (lt == T_DATE && (rt == T_INT || rt == T_BIGINT) &&
		    (e->op == OP_ADD || e->op == OP_SUB)) {
			t.id = T_DATE;
		} else if ((lt == T_INT || lt == T_BIGINT) && rt == T_DATE &&
		    e->op == OP_ADD) {
			/* n + date: the same as date + n */
			struct sql_expr *tmp = *l;
			*l = *r;
			*r = tmp;
			t.id = T_DATE;
		} else if (lt == T_TIMESTAMP && rt == T_TIMESTAMP &&
		    e->op == OP_SUB) {
			t.id = T_INTERVAL;
		} else if (lt == T_INTERVAL && rt == T_INTERVAL &&
		    (e->op == OP_ADD || e->op == OP_SUB)) {
			t.id = T_INTERVAL;
		} else if ((lt == T_DATE && rt == T_TIMESTAMP) ||
		    (lt == T_TIMESTAMP && rt == T_DATE)) {
			struct sql_type ts = { T_TIMESTAMP, 0, 0 };
			if (e->op != OP_SUB)
				goto bad;
			if ((rc = plan_coerce(b->x, b->a, l, ts)) != 0 ||
			    (rc = plan_coerce(b->x, b->a, r, ts)) != 0)
				return rc;
			t.id = T_INTERVAL;
		} else {
			goto bad;
		}
		if ((*l)->t.id == T_NULL || (*r)->t.id == T_NULL) {
			/* keep NULL operands typed so kernels see one layout */
		}
		e->t = t;
		return 0;
	}
	if (!(sql_is_numeric(lt) || lt == T_BOOL) ||
	    !(sql_is_numeric(rt) || rt == T_BOOL))
		goto bad;
	if ((*l)->t.id == T_NULL || (*r)->t.id == T_NULL) {
		struct sql_type ot = (*l)->t.id == T_NULL ? (*r)->t : (*l)->t;
		if (ot.id == T_INT || ot.id == T_BOOL)
			ot.id = T_BIGINT;
		if (e->op == OP_DIV && ot.id == T_DECIMAL)
			ot.id = T_DOUBLE;
		if ((rc = plan_coerce(b->x, b->a, l, ot)) != 0 ||
		    (rc = plan_coerce(b->x, b->a, r, ot)) != 0)
			return rc;
		if (ot.id == T_DECIMAL && e->op == OP_MUL) {
			ot.scale = (uint8_t)(ot.scale * 2 > 38 ? 38 : ot.scale * 2);
			ot.prec = 38;
		}
		e->t = ot;
		return 0;
	}
	if (lt == T_DOUBLE || rt == T_DOUBLE ||
	    ((lt == T_DECIMAL || rt == T_DECIMAL) && e->op == OP_DIV)) {
		struct sql_type d = { T_DOUBLE, 0, 0 };
		if ((rc = plan_coerce(b->x, b->a, l, d)) != 0 ||
		    (rc = plan_coerce(b->x, b->a, r, d)) != 0)
			return rc;
		e->t = d;
		return 0;
	}
	if (lt == T_DECIMAL || rt == T_DECIMAL) {
		struct sql_type da = (*l)->t, db = (*r)->t;
		memset(&t, 0, sizeof(t));
		t.id = T_DECIMAL;
		if (da.id != T_DECIMAL) {
			da.id = T_DECIMAL;
			da.prec = 19;
			da.scale = 0;
		}
		if (db.id != T_DECIMAL) {
			db.id = T_DECIMAL;
			db.prec = 19;
			db.scale = 0;
		}
		if (e->op == OP_MUL) {
			if (da.scale + db.scale > 38)
				return sql_err_at(b->x, e->pos, "DECIMAL product "
				    "needs more than 38 digits after the point");
			t.scale = (uint8_t)(da.scale + db.scale);
			t.prec = 38;
			if ((rc = plan_coerce(b->x, b->a, l, da)) != 0 ||
			    (rc = plan_coerce(b->x, b->a, r, db)) != 0)
				return rc;
		} else {
			int s = da.scale > db.scale ? da.scale : db.scale;
			struct sql_type ca = da, cb = db;
			t.scale = (uint8_t)s;
			t.prec = 38;
			ca.scale = cb.scale = (uint8_t)s;
			ca.prec = (uint8_t)(da.prec + (s - da.scale) > 38 ? 38 :
			    da.prec + (s - da.scale));
			cb.prec = (uint8_t)(db.prec + (s - db.scale) > 38 ? 38 :
			    db.prec + (s - db.scale));
			if ((rc = plan_coerce(b->x, b->a, l, ca)) != 0 ||
			    (rc = plan_coerce(b->x, b->a, r, cb)) != 0)
				return rc;
		}
		e->t = t;
		return 0;
	}
	/* integers: computed in 64 bits */
	t.id = T_BIGINT;
	if ((rc = plan_coerce(b->x, b->a, l, t)) != 0 ||
	    (rc = plan_coerce(b->x, b->a, r, t)) != 0)
		return rc;
	e->t = t;
	return 0;
bad:
	return sql_err_at(b->x, e->pos, "operator does not apply to %s and %s",
	    sql_type_name((*l)->t, n1, sizeof(n1)),
	    sql_type_name((*r)->t, n2, sizeof(n2)));
}

static int to_text(struct bind *b, struct sql_expr **ep)
{
	struct sql_type t = { T_TEXT, 0, 0 };

	if (sql_is_strlike((*ep)->t.id))
		return 0;
	return plan_coerce(b->x, b->a, ep, t);
}

static int bind_op(struct bind *b, struct sql_expr *e)
{
	struct sql_type bt = { T_BOOL, 0, 0 };
	int rc, i;

	if (e->op == OP_BETWEEN || e->op == OP_NOT_BETWEEN) {
		/* x BETWEEN lo AND hi -> x >= lo AND x <= hi;
		 * NOT BETWEEN -> x < lo OR x > hi */
		int neg = e->op == OP_NOT_BETWEEN;
		struct sql_expr *x0 = e->args[0], *lo = e->args[1], *hi = e->args[2];
		struct sql_expr *ge, *le, *x1 = copy_tree(b->a, x0);
		if (x1 == NULL)
			return oom(b->x);
		if (e->flags & EF_SYMMETRIC) {
			/* x BETWEEN SYMMETRIC a AND b: either order of the bounds */
			struct sql_expr *one = mk_op(b->a, e->op, e->pos, x0, lo);
			struct sql_expr *two = mk_op(b->a, e->op, e->pos, x1,
			    copy_tree(b->a, hi));
			if (one == NULL || two == NULL || two->args[1] == NULL)
				return oom(b->x);
			one->nargs = two->nargs = 3;
			one->args = sql_arena_alloc(b->a, sizeof(*one->args) * 3);
			two->args = sql_arena_alloc(b->a, sizeof(*two->args) * 3);
			if (one->args == NULL || two->args == NULL)
				return oom(b->x);
			one->args[0] = x0;
			one->args[1] = lo;
			one->args[2] = hi;
			two->args[0] = x1;
			two->args[1] = copy_tree(b->a, hi);
			two->args[2] = copy_tree(b->a, lo);
			if (two->args[1] == NULL || two->args[2] == NULL)
				return oom(b->x);
			if ((rc = bind(b, &one)) != 0 || (rc = bind(b, &two)) != 0)
				return rc;
			e->op = neg ? OP_AND : OP_OR;
			e->nargs = 2;
			e->args[0] = one;
			e->args[1] = two;
			e->t = bt;
			e->flags &= ~EF_SYMMETRIC;
			return 0;
		}
		ge = mk_op(b->a, neg ? OP_LT : OP_GE, e->pos, x0, lo);
		le = mk_op(b->a, neg ? OP_GT : OP_LE, e->pos, x1, hi);
		if (ge == NULL || le == NULL)
			return oom(b->x);
		if ((rc = bind(b, &ge)) != 0 || (rc = bind(b, &le)) != 0)
			return rc;
		e->op = neg ? OP_OR : OP_AND;
		e->nargs = 2;
		e->args[0] = ge;
		e->args[1] = le;
		e->t = bt;
		return 0;
	}
	if ((rc = bind_args(b, e)) != 0)
		return rc;
	switch (e->op) {
	case OP_NOT:
		if ((rc = as_bool(b, &e->args[0])) != 0)
			return rc;
		e->t = bt;
		return 0;
	case OP_NEG: {
		int id = e->args[0]->t.id;
		if ((e->args[0]->flags & EF_STRLIT)) {
			struct sql_type d = { T_DOUBLE, 0, 0 };
			if ((rc = plan_coerce(b->x, b->a, &e->args[0], d)) != 0)
				return rc;
			id = T_DOUBLE;
		}
		if (id == T_NULL) {
			struct sql_type it = { T_BIGINT, 0, 0 };
			if ((rc = plan_coerce(b->x, b->a, &e->args[0], it)) != 0)
				return rc;
		} else if (!sql_is_numeric(id) && id != T_INTERVAL) {
			char tn[32];
			return sql_err_at(b->x, e->pos, "cannot negate %s",
			    sql_type_name(e->args[0]->t, tn, sizeof(tn)));
		}
		e->t = e->args[0]->t;
		if (e->t.id == T_INT) {
			struct sql_type it = { T_BIGINT, 0, 0 };
			if ((rc = plan_coerce(b->x, b->a, &e->args[0], it)) != 0)
				return rc;
			e->t = it;
		}
		return 0;
	}
	case OP_AND: case OP_OR:
		if ((rc = as_bool(b, &e->args[0])) != 0 ||
		    (rc = as_bool(b, &e->args[1])) != 0)
			return rc;
		e->t = bt;
		return 0;
	case OP_IS_NULL: case OP_IS_NOT_NULL:
		e->t = bt;
		return 0;
	case OP_IS_TRUE: case OP_IS_FALSE: case OP_IS_NOT_TRUE:
	case OP_IS_NOT_FALSE:
		if ((rc = as_bool(b, &e->args[0])) != 0)
			return rc;
		e->t = bt;
		return 0;
	case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
	case OP_IS_DISTINCT: case OP_IS_NOT_DISTINCT:
		if ((rc = unify2(b, &e->args[0], &e->args[1], e->pos)) != 0)
			return rc;
		e->t = bt;
		return 0;
	case OP_IN: case OP_NOT_IN: {
		struct sql_type t = e->args[0]->t;
		int strlit = (e->args[0]->flags & EF_STRLIT) != 0;
		for (i = 1; i < e->nargs; i++) {
			struct sql_expr tmp;
			memset(&tmp, 0, sizeof(tmp));
			tmp.t = t;
			tmp.flags = strlit ? EF_STRLIT : 0;
			if ((rc = common_type(b->x, &tmp, e->args[i], &t,
			    e->args[i]->pos)) != 0)
				return rc;
			strlit = strlit && (e->args[i]->flags & EF_STRLIT);
		}
		for (i = 0; i < e->nargs; i++)
			if ((rc = plan_coerce(b->x, b->a, &e->args[i], t)) != 0)
				return rc;
		e->t = bt;
		return 0;
	}
	case OP_LIKE: case OP_NOT_LIKE: case OP_ILIKE: case OP_NOT_ILIKE:
		for (i = 0; i < e->nargs; i++)
			if ((rc = to_text(b, &e->args[i])) != 0)
				return rc;
		e->t = bt;
		return 0;
	case OP_CONCAT:
		if ((rc = to_text(b, &e->args[0])) != 0 ||
		    (rc = to_text(b, &e->args[1])) != 0)
			return rc;
		e->t.id = T_TEXT;
		return 0;
	case OP_JSON_GET: case OP_JSON_GET_TEXT: {
		const struct sql_func *f = sql_func_find(e->op == OP_JSON_GET ?
		    "json_extract" : "json_extract_string");
		struct sql_type at[2];
		if (f == NULL)
			return sql_err_at(b->x, e->pos, "JSON functions are missing");
		at[0] = e->args[0]->t;
		at[1] = e->args[1]->t;
		if (f->resolve(&b->x->cx, at, 2, &e->t) != 0)
			return sql_err_at(b->x, e->pos, "%s", b->x->cx.err.msg);
		for (i = 0; i < 2; i++)
			if ((rc = plan_coerce(b->x, b->a, &e->args[i], at[i])) != 0)
				return rc;
		e->k = E_FUNC;
		e->fn = f;
		return 0;
	}
	default:
		return bind_arith(b, e);
	}
}

static int bind_case(struct bind *b, struct sql_expr *e)
{
	int rc, i, nw, start = 0;
	struct sql_type t;
	struct sql_expr *acc = NULL;

	if (e->flags & EF_CASE_OPERAND) {
		/* CASE x WHEN v THEN ... -> CASE WHEN x = v THEN ... */
		struct sql_expr *x0 = e->args[0];
		int n = e->nargs - 1;
		struct sql_expr **na = sql_arena_alloc(b->a, sizeof(*na) *
		    (size_t)(n ? n : 1));
		if (na == NULL)
			return oom(b->x);
		if ((rc = bind(b, &x0)) != 0)
			return rc;
		nw = (n - ((e->flags & EF_CASE_ELSE) ? 1 : 0)) / 2;
		for (i = 0; i < n; i++)
			na[i] = e->args[i + 1];
		for (i = 0; i < nw; i++) {
			na[2 * i] = mk_op(b->a, OP_EQ, na[2 * i]->pos, x0, na[2 * i]);
			if (na[2 * i] == NULL)
				return oom(b->x);
		}
		e->args = na;
		e->nargs = n;
		e->flags &= ~EF_CASE_OPERAND;
	}
	(void)start;
	nw = (e->nargs - ((e->flags & EF_CASE_ELSE) ? 1 : 0)) / 2;
	if ((rc = bind_args(b, e)) != 0)
		return rc;
	for (i = 0; i < nw; i++)
		if ((rc = as_bool(b, &e->args[2 * i])) != 0)
			return rc;
	memset(&t, 0, sizeof(t));
	t.id = T_NULL;
	for (i = 0; i < e->nargs; i++) {
		if (i < 2 * nw && i % 2 == 0)
			continue;
		if (acc == NULL) {
			acc = e->args[i];
			t = acc->t;
			continue;
		}
		{
			struct sql_expr tmp;
			memset(&tmp, 0, sizeof(tmp));
			tmp.t = t;
			tmp.flags = acc->flags & EF_STRLIT;
			if ((rc = common_type(b->x, &tmp, e->args[i], &t,
			    e->args[i]->pos)) != 0)
				return rc;
			if (!(e->args[i]->flags & EF_STRLIT))
				acc = e->args[i];
		}
	}
	if (t.id == T_NULL)
		t.id = T_INT;
	for (i = 0; i < e->nargs; i++) {
		if (i < 2 * nw && i % 2 == 0)
			continue;
		if ((rc = plan_coerce(b->x, b->a, &e->args[i], t)) != 0)
			return rc;
	}
	e->t = t;
	return 0;
}

/* Bind the arguments of aggregate call e into *spp, its type included.
 * As a window function (window), its arguments may hold aggregates of
 * the query (sum(sum(x)) OVER ()). */
static int agg_prepare(struct bind *b, struct sql_expr *e, int fn,
    struct agg_spec *spp, int window)
{
	struct agg_spec sp;
	struct sql_type t = { T_BIGINT, 0, 0 };
	char tn[32];
	int rc, i, saved = b->agg_ok;

	memset(&sp, 0, sizeof(sp));
	sp.fn = fn;
	sp.distinct = e->distinct;
	if (!window)
		b->agg_ok = 0;
	b->clause = "the argument of an aggregate";
	if (fn == AGG_COUNT && e->nargs == 1 && e->args[0]->k == E_STAR) {
		sp.fn = AGG_COUNT_STAR;
		if (e->distinct)
			return sql_err_at(b->x, e->pos, "count(DISTINCT *) is not "
			    "valid");
	} else if (fn == AGG_COUNT && e->nargs == 0) {
		sp.fn = AGG_COUNT_STAR;
	} else {
		int want = fn == AGG_STRING_AGG ? 2 : 1;
		if (e->nargs < 1 || e->nargs > want)
			return sql_err_at(b->x, e->pos, "%s takes %d argument%s",
			    e->name, want, want > 1 ? "s" : "");
		for (i = 0; i < e->nargs; i++)
			if (e->args[i]->k == E_STAR)
				return sql_err_at(b->x, e->pos, "%s(*) is not valid",
				    e->name);
		if ((rc = bind_args(b, e)) != 0)
			return rc;
		sp.arg = e->args[0];
		if (e->nargs > 1)
			sp.arg2 = e->args[1];
	}
	if (e->filter != NULL) {
		if ((rc = bind(b, &e->filter)) != 0 ||
		    (rc = as_bool(b, &e->filter)) != 0)
			return rc;
		sp.filter = e->filter;
	}
	if (e->order != NULL && fn != AGG_STRING_AGG)
		return sql_err_at(b->x, e->pos, "ORDER BY inside %s is not "
		    "supported", e->name);
	if (e->order != NULL)
		return sql_err_at(b->x, e->pos, "string_agg(... ORDER BY ...) is "
		    "not supported yet");
	b->agg_ok = saved;
	switch (sp.fn) {
	case AGG_COUNT_STAR: case AGG_COUNT:
		break;
	case AGG_SUM: case AGG_AVG: {
		int id = sp.arg->t.id;
		if ((sp.arg->flags & EF_STRLIT) || id == T_NULL ||
		    ((e->flags & EF_TOTAL) && sql_is_numeric(id))) {
			struct sql_type d = { T_DOUBLE, 0, 0 };
			if ((rc = plan_coerce(b->x, b->a, &sp.arg, d)) != 0)
				return rc;
			id = T_DOUBLE;
		}
		if (id == T_BOOL) {
			struct sql_type it = { T_BIGINT, 0, 0 };
			if ((rc = plan_coerce(b->x, b->a, &sp.arg, it)) != 0)
				return rc;
			id = T_BIGINT;
		}
		if (!sql_is_numeric(id))
			return sql_err_at(b->x, e->pos, "%s(%s) does not exist",
			    e->name, sql_type_name(sp.arg->t, tn, sizeof(tn)));
		if (sp.fn == AGG_AVG)
			t.id = T_DOUBLE;
		else if (id == T_DOUBLE)
			t.id = T_DOUBLE;
		else if (id == T_DECIMAL) {
			t.id = T_DECIMAL;
			t.prec = 38;
			t.scale = sp.arg->t.scale;
		} else {
			t.id = T_BIGINT;
		}
		break;
	}
	case AGG_MIN: case AGG_MAX:
		t = sp.arg->t;
		if (t.id == T_NULL)
			t.id = T_INT;
		break;
	case AGG_STDDEV: case AGG_STDDEV_POP: case AGG_VARIANCE:
	case AGG_VAR_POP:
		if (!sql_is_numeric(sp.arg->t.id) && sp.arg->t.id != T_NULL)
			return sql_err_at(b->x, e->pos, "%s(%s) does not exist",
			    e->name, sql_type_name(sp.arg->t, tn, sizeof(tn)));
		t.id = T_DOUBLE;
		break;
	case AGG_STRING_AGG:
		if (sp.distinct && sp.arg2 != NULL && !strcmp(e->name, "group_concat"))
			return sql_err_at(b->x, e->pos, "group_concat(DISTINCT x) "
			    "takes no separator, as in SQLite; string_agg(DISTINCT "
			    "x, sep) does");
		if ((rc = to_text(b, &sp.arg)) != 0)
			return rc;
		if (sp.arg2 != NULL) {
			if (sp.arg2->k != E_CONST)
				return sql_err_at(b->x, sp.arg2->pos, "the separator "
				    "of string_agg must be a constant");
			if ((rc = to_text(b, &sp.arg2)) != 0)
				return rc;
		}
		t.id = T_TEXT;
		break;
	case AGG_BOOL_AND: case AGG_BOOL_OR:
		if ((rc = as_bool(b, &sp.arg)) != 0)
			return rc;
		t.id = T_BOOL;
		break;
	}
	sp.t = t;
	*spp = sp;
	return 0;
}

static int bind_agg(struct bind *b, struct sql_expr *e, int fn)
{
	struct agg_spec sp;
	int rc, i;

	if (!b->agg_ok)
		return sql_err_at(b->x, e->pos, "aggregate functions are not "
		    "allowed in %s", b->clause ? b->clause : "this context");
	if ((rc = agg_prepare(b, e, fn, &sp, 0)) != 0)
		return rc;
	/* the same aggregate twice is computed once (sum(random()) twice
	 * is two aggregates) */
	for (i = 0; i < b->naggs; i++) {
		struct agg_spec *o = &b->aggs[i];
		if (is_volatile(sp.arg) || is_volatile(sp.filter)) {
			i = b->naggs;
			break;
		}
		if (o->fn == sp.fn && o->distinct == sp.distinct &&
		    expr_eq(o->arg, sp.arg) && expr_eq(o->arg2, sp.arg2) &&
		    expr_eq(o->filter, sp.filter))
			break;
	}
	if (i == b->naggs) {
		if (sql_arena_grow(b->a, &b->aggs, b->naggs, &b->capaggs,
		    sizeof(*b->aggs), 8) != 0)
			return oom(b->x);
		b->aggs[b->naggs++] = sp;
	}
	e->k = E_AGG;
	e->col = i;
	e->t = sp.t;
	e->nargs = 0;
	return 0;
}

/* GROUPING(k1, k2, ...): which of the keys the row's grouping set
 * lacks, as bits (k1 the highest). Each argument must be a GROUP BY
 * key; the value is a column the aggregate gives (or a constant). */
static int bind_grouping(struct bind *b, struct sql_expr *e)
{
	const char *clause = b->clause;
	struct gcall gc;
	int i, k, rc;

	if (!b->agg_ok) {
		if (b->in_output && !b->aggregating)
			return sql_err_at(b->x, e->pos, "GROUPING() is allowed only "
			    "in a query with GROUP BY");
		return sql_err_at(b->x, e->pos, "GROUPING() is not allowed in %s",
		    clause ? clause : "this context");
	}
	if (e->nargs < 1 || e->nargs > 31)
		return sql_err_at(b->x, e->pos, "GROUPING() takes 1 to 31 "
		    "arguments, not %d", e->nargs);
	gc.n = e->nargs;
	if ((gc.key = sql_arena_alloc(b->a, sizeof(int) * (size_t)e->nargs)) ==
	    NULL)
		return oom(b->x);
	b->agg_ok = 0;
	b->clause = "GROUPING()";
	for (i = 0; i < e->nargs; i++) {
		if ((rc = bind(b, &e->args[i])) != 0)
			return rc;
		for (k = 0; k < b->nkeys; k++)
			if (expr_eq(e->args[i], b->keys[k]))
				break;
		if (k == b->nkeys)
			return sql_err_at(b->x, e->args[i]->pos, "argument %d of "
			    "GROUPING() is not a GROUP BY key", i + 1);
		gc.key[i] = k;
	}
	b->agg_ok = 1;
	b->clause = clause;
	for (i = 0; i < b->ngcalls; i++)
		if (b->gcalls[i].n == gc.n && !memcmp(b->gcalls[i].key, gc.key,
		    sizeof(int) * (size_t)gc.n))
			break;
	if (i == b->ngcalls) {
		if (sql_arena_grow(b->a, &b->gcalls, b->ngcalls, &b->capgcalls,
		    sizeof(*b->gcalls), 4) != 0)
			return oom(b->x);
		b->gcalls[b->ngcalls++] = gc;
	}
	e->k = E_GROUPING;
	e->col = i;
	e->t.id = T_INT;
	e->t.prec = e->t.scale = 0;
	e->fn = NULL;
	return 0;
}

static int bind_func(struct bind *b, struct sql_expr *e)
{
	const struct sql_func *f;
	struct sql_type at[64];
	int rc, i, agg = sql_agg_find(e->name);

	if (agg == AGG_SUM && !strcmp(e->name, "total") &&
	    !(e->flags & EF_TOTAL) && e->over == NULL) {
		/* total(x): SQLite's sum, a DOUBLE, 0.0 over no values; as
		 * coalesce(sum(x::DOUBLE), 0.0) */
		struct sql_expr *s = sql_arena_alloc(b->a, sizeof(*s)), **na;
		struct sql_expr *z = new_expr(b->a, E_CONST, e->pos);
		na = sql_arena_alloc(b->a, sizeof(*na) * 2);
		if (s == NULL || z == NULL || na == NULL)
			return oom(b->x);
		*s = *e;
		s->flags |= EF_TOTAL;
		z->val.t.id = T_DOUBLE;
		z->val.u.d = 0;
		z->t = z->val.t;
		na[0] = s;
		na[1] = z;
		e->name = "coalesce";
		e->args = na;
		e->nargs = 2;
		e->distinct = 0;
		e->filter = NULL;
		e->order = NULL;
		return bind_func(b, e);
	}
	if (agg != AGG_NONE)
		return bind_agg(b, e, agg);
	if (e->distinct || e->filter != NULL)
		return sql_err_at(b->x, e->pos, "DISTINCT and FILTER apply only "
		    "to aggregate functions, not %s", e->name);
	if (!strcmp(e->name, "grouping"))
		return bind_grouping(b, e);
	if (!strcmp(e->name, "coalesce") || !strcmp(e->name, "ifnull") ||
	    !strcmp(e->name, "nvl")) {
		/* coalesce(a, b, c) -> CASE WHEN a IS NOT NULL THEN a ... ELSE c */
		int n = e->nargs, k = 0;
		struct sql_expr **na;
		if (n < 1)
			return sql_err_at(b->x, e->pos, "%s needs arguments", e->name);
		na = sql_arena_alloc(b->a, sizeof(*na) * (size_t)(2 * n));
		if (na == NULL)
			return oom(b->x);
		for (i = 0; i < n - 1; i++) {
			struct sql_expr *c = copy_tree(b->a, e->args[i]);
			if (c == NULL)
				return oom(b->x);
			na[k] = mk_op(b->a, OP_IS_NOT_NULL, e->pos, c, NULL);
			if (na[k] == NULL)
				return oom(b->x);
			na[k++]->nargs = 1;
			na[k++] = e->args[i];
		}
		na[k++] = e->args[n - 1];
		e->k = E_CASE;
		e->args = na;
		e->nargs = k;
		e->flags |= EF_CASE_ELSE;
		return bind_case(b, e);
	}
	if (!strcmp(e->name, "nullif")) {
		/* nullif(a, b) -> CASE WHEN a = b THEN NULL ELSE a END */
		struct sql_expr **na, *a2, *nul;
		if (e->nargs != 2)
			return sql_err_at(b->x, e->pos, "nullif takes 2 arguments");
		if ((rc = bind_args(b, e)) != 0)
			return rc;
		na = sql_arena_alloc(b->a, sizeof(*na) * 3);
		a2 = sql_arena_alloc(b->a, sizeof(*a2));
		nul = new_expr(b->a, E_CONST, e->pos);
		if (na == NULL || a2 == NULL || nul == NULL)
			return oom(b->x);
		*a2 = *e->args[0];
		nul->val.null = 1;
		nul->t.id = T_NULL;
		na[0] = mk_op(b->a, OP_EQ, e->pos, a2, e->args[1]);
		if (na[0] == NULL)
			return oom(b->x);
		if ((rc = unify2(b, &na[0]->args[0], &na[0]->args[1], e->pos)) != 0)
			return rc;
		na[0]->t.id = T_BOOL;
		na[1] = nul;
		na[2] = e->args[0];
		e->k = E_CASE;
		e->args = na;
		e->nargs = 3;
		e->flags |= EF_CASE_ELSE;
		return bind_case(b, e);
	}
	if (!strcmp(e->name, "iif") || !strcmp(e->name, "if")) {
		if (e->nargs != 3)
			return sql_err_at(b->x, e->pos, "%s takes 3 arguments",
			    e->name);
		e->k = E_CASE;
		e->flags |= EF_CASE_ELSE;
		return bind_case(b, e);
	}
	f = sql_func_find(e->name);
	if (f == NULL) {
		const char *best = NULL;
		const struct sql_func *g;
		size_t k;
		int bd = 99;
		for (k = 0; (g = sql_func_at(k)) != NULL; k++) {
			int d = plan_distance(e->name, g->name);
			if (close_enough(e->name, g->name) && d < bd) {
				bd = d;
				best = g->name;
			}
		}
		if (best != NULL)
			return sql_err_at(b->x, e->pos, "no function '%s'; did you "
			    "mean '%s'?", e->name, best);
		return sql_err_at(b->x, e->pos, "no function '%s'", e->name);
	}
	if (e->nargs < f->minargs || (f->maxargs >= 0 && e->nargs > f->maxargs)) {
		if (f->minargs == f->maxargs)
			return sql_err_at(b->x, e->pos, "%s takes %d argument%s, not "
			    "%d", f->name, f->minargs, f->minargs == 1 ? "" : "s",
			    e->nargs);
		if (f->maxargs < 0)
			return sql_err_at(b->x, e->pos, "%s takes at least %d "
			    "argument%s, not %d", f->name, f->minargs,
			    f->minargs == 1 ? "" : "s", e->nargs);
		return sql_err_at(b->x, e->pos, "%s takes %d to %d arguments, not "
		    "%d", f->name, f->minargs, f->maxargs, e->nargs);
	}
	if (e->nargs > 64)
		return sql_err_at(b->x, e->pos, "too many arguments");
	for (i = 0; i < e->nargs; i++)
		if (e->args[i]->k == E_STAR)
			return sql_err_at(b->x, e->args[i]->pos, "%s(*) is not valid",
			    f->name);
	if ((rc = bind_args(b, e)) != 0)
		return rc;
	for (i = 0; i < e->nargs; i++)
		at[i] = e->args[i]->t;
	if (f->resolve(&b->x->cx, at, e->nargs, &e->t) != 0) {
		char msg[sizeof(b->x->cx.err.msg)];
		snprintf(msg, sizeof(msg), "%s", b->x->cx.err.msg);
		return sql_err_at(b->x, e->pos, "%s", msg);
	}
	for (i = 0; i < e->nargs; i++)
		if ((rc = plan_coerce(b->x, b->a, &e->args[i], at[i])) != 0)
			return rc;
	e->fn = f;
	/* round(DECIMAL, n) with a constant n has n digits after the point,
	 * a fact of the value the function's types alone cannot know */
	if (!strcmp(f->name, "round") && e->nargs == 2 && e->t.id == T_DECIMAL &&
	    e->args[1]->k == E_CONST && !e->args[1]->val.null &&
	    sql_is_intlike(e->args[1]->t.id) && e->args[1]->val.u.i >= 0 &&
	    e->args[1]->val.u.i < e->t.scale) {
		struct sql_expr *fn = sql_arena_alloc(b->a, sizeof(*fn));
		struct sql_type t = e->t;
		if (fn == NULL)
			return oom(b->x);
		*fn = *e;
		t.scale = (uint8_t)e->args[1]->val.u.i;
		e->k = E_CAST;
		e->nargs = 1;
		e->args = sql_arena_alloc(b->a, sizeof(*e->args));
		if (e->args == NULL)
			return oom(b->x);
		e->args[0] = fn;
		e->t = t;
		e->fn = NULL;
	}
	return 0;
}

static int bind_param(struct bind *b, struct sql_expr *e)
{
	size_t i;

	b->x->used_param = 1;
	for (i = 0; i < b->x->nparams; i++) {
		if (!strcmp(b->x->params[i].name, e->name)) {
			const char *v = b->x->params[i].value;
			e->k = E_CONST;
			e->t.id = T_TEXT;
			e->val.t = e->t;
			e->val.null = 0;
			e->val.u.s.p = v;
			e->val.u.s.n = (uint32_t)strlen(v);
			e->flags |= EF_STRLIT;
			return 0;
		}
	}
	return sql_err_at(b->x, e->pos, "no value for parameter ':%s' (give it "
	    "with -p %s=VALUE)", e->name, e->name);
}

enum { SUB_SCALAR, SUB_EXISTS, SUB_IN, SUB_ANY, SUB_ALL };

struct sql_sub {
	int kind;
	int neg;                        /* NOT IN */
	int op;                         /* ANY / ALL: the comparison */
	struct sql_select *tmpl;        /* planned afresh for each run */
	int nrefs;                      /* outer columns: args after IN's */
	struct sql_outer *refs;
	int first;                      /* args[first] is the first ref */
	struct sql_type t;              /* the subquery's column */
	const struct cte_scope *ctes;   /* the WITH names it may use */
	/* the outer values in force where it was bound (the query around
	 * it runs for one row of a query further out): they stay visible
	 * to every run of it */
	const struct sql_outer *env;
	size_t nenv;
	/* uncorrelated: run once, its answer kept (in keep) for every
	 * row; an IN set sorted, its NULLs counted apart */
	struct sql_arena *keep;
	int ran, found;
	struct sql_val scalar, *set;
	size_t nset;
	int set_null;
};

/*
 * A subquery: planned once now for its type and the columns of this
 * query it names (which become its arguments, so the planner carries
 * them to where it runs), and planned afresh from its text each time it
 * runs: once per chunk when it names no outer column, once per row when
 * it does (correlated).
 */
static int bind_subquery(struct bind *b, struct sql_expr *e)
{
	struct sql_select *trial;
	struct sql_sub *info;
	struct plan_out p;
	int rc, k;

	info = sql_arena_alloc(b->a, sizeof(*info));
	if (info == NULL)
		return oom(b->x);
	memset(info, 0, sizeof(*info));
	info->kind = (e->flags & 0x200) ? SUB_EXISTS :
	    (e->flags & (0x800 | 0x1000)) ? SUB_IN :
	    (e->flags & 0x20000) ? SUB_ALL : (e->flags & 0x40000) ? SUB_ANY :
	    SUB_SCALAR;
	info->op = e->op;
	info->neg = (e->flags & 0x1000) != 0;
	info->ctes = b->x->ctes;
	info->env = b->x->outer_vals;
	info->nenv = b->x->nouter_vals;
	info->keep = b->a;
	if ((info->kind == SUB_IN || info->kind == SUB_ANY ||
	    info->kind == SUB_ALL) && (rc = bind(b, &e->args[0])) != 0)
		return rc;
	info->tmpl = sql_select_copy(b->a, e->sub);
	trial = sql_select_copy(b->a, e->sub);
	if (info->tmpl == NULL || trial == NULL)
		return oom(b->x);
	b->x->pending_outer = b;
	b->x->last_refs = NULL;
	b->x->last_nrefs = 0;
	rc = plan_select(b->x, b->a, trial, &p);
	b->x->pending_outer = NULL;
	if (rc != 0)
		return rc;
	info->refs = b->x->last_refs;
	info->nrefs = b->x->last_nrefs;
	if (info->kind != SUB_EXISTS && p.ncols != 1) {
		op_free(p.op);
		return sql_err_at(b->x, e->pos, "a subquery used as a value must "
		    "return one column, not %zu", p.ncols);
	}
	info->t = p.types[0];
	op_free(p.op);
	if (info->kind == SUB_IN || info->kind == SUB_ANY ||
	    info->kind == SUB_ALL) {
		struct sql_expr tmp;
		struct sql_type t;
		memset(&tmp, 0, sizeof(tmp));
		tmp.t = info->t;
		if ((rc = common_type(b->x, e->args[0], &tmp, &t, e->pos)) != 0 ||
		    (rc = plan_coerce(b->x, b->a, &e->args[0], t)) != 0)
			return rc;
	}
	info->first = info->kind == SUB_IN || info->kind == SUB_ANY ||
	    info->kind == SUB_ALL ? 1 : 0;
	{
		struct sql_expr **args = sql_arena_alloc(b->a, sizeof(*args) *
		    (size_t)(info->first + info->nrefs + 1));
		if (args == NULL)
			return oom(b->x);
		if (info->first)
			args[0] = e->args[0];
		for (k = 0; k < info->nrefs; k++) {
			args[info->first + k] = plan_col(b->a, info->refs[k].gcol,
			    info->refs[k].val.t);
			if (args[info->first + k] == NULL)
				return oom(b->x);
			args[info->first + k]->pos = e->pos;
		}
		e->args = args;
		e->nargs = info->first + info->nrefs;
	}
	e->subinfo = info;
	if (info->kind == SUB_SCALAR)
		e->t = info->t;
	else
		e->t.id = T_BOOL;
	return 0;
}

/* ---- window functions ---- */

static const struct {
	const char *name;
	int fn, min, max;
} winfns[] = {
	{ "row_number", WFN_ROW_NUMBER, 0, 0 },
	{ "rank", WFN_RANK, 0, 0 },
	{ "dense_rank", WFN_DENSE_RANK, 0, 0 },
	{ "percent_rank", WFN_PERCENT_RANK, 0, 0 },
	{ "cume_dist", WFN_CUME_DIST, 0, 0 },
	{ "ntile", WFN_NTILE, 1, 1 },
	{ "lag", WFN_LAG, 1, 3 },
	{ "lead", WFN_LEAD, 1, 3 },
	{ "first_value", WFN_FIRST_VALUE, 1, 1 },
	{ "last_value", WFN_LAST_VALUE, 1, 1 },
	{ "nth_value", WFN_NTH_VALUE, 2, 2 },
};

/* The window w stands for, with the WINDOW clause's names resolved
 * (OVER name, OVER (name ORDER BY …)), as a new struct. */
static int resolve_window(struct bind *b, const struct sql_window *w,
    struct sql_window **out, int depth)
{
	struct sql_window *r = sql_arena_alloc(b->a, sizeof(*r));
	int i, rc;

	if (r == NULL)
		return oom(b->x);
	*r = *w;
	r->ref = NULL;
	if (w->ref != NULL) {
		const struct sql_window *base = NULL;
		struct sql_window *rb;
		for (i = 0; b->sel != NULL && i < b->sel->nwindows; i++)
			if (strcasecmp(b->sel->wnames[i], w->ref) == 0)
				base = b->sel->windows[i];
		if (base == NULL)
			return sql_err_at(b->x, w->pos, "no window named '%s'", w->ref);
		if (depth > 16)
			return sql_err_at(b->x, w->pos, "window '%s' refers to itself",
			    w->ref);
		if ((rc = resolve_window(b, base, &rb, depth + 1)) != 0)
			return rc;
		if (w->npart > 0)
			return sql_err_at(b->x, w->pos, "cannot override the PARTITION "
			    "BY of window '%s'", w->ref);
		if (w->norder > 0 && rb->norder > 0)
			return sql_err_at(b->x, w->pos, "cannot override the ORDER BY "
			    "of window '%s'", w->ref);
		if (rb->unit != 0 && (w->unit != 0 || w->norder > 0))
			return sql_err_at(b->x, w->pos, "cannot copy window '%s' "
			    "because it has a frame clause", w->ref);
		r->npart = rb->npart;
		r->part = rb->part;
		if (w->norder == 0) {
			r->norder = rb->norder;
			r->order = rb->order;
		}
		if (w->unit == 0) {
			r->unit = rb->unit;
			r->start = rb->start;
			r->end = rb->end;
			r->soff = rb->soff;
			r->eoff = rb->eoff;
			r->exclude = rb->exclude;
		}
	}
	*out = r;
	return 0;
}

/* A frame offset: a constant, not negative; as an integer (ROWS,
 * GROUPS) or in the units of the order key (RANGE). */
static int frame_offset(struct bind *b, struct sql_window *w,
    struct sql_expr *e, int64_t *n, double *d)
{
	struct sql_expr *c;
	struct sql_val v;
	int rc;

	if ((rc = plan_bind_const(b->x, b->a, e, &c)) != 0)
		return rc;
	if ((rc = sql_eval_const(b->x, c, &v, b->a)) != 0)
		return rc;
	if (v.null)
		return sql_err_at(b->x, e->pos, "a frame offset must not be NULL");
	if (w->unit != WF_RANGE) {
		if (!sql_is_intlike(v.t.id))
			return sql_err_at(b->x, e->pos, "a ROWS or GROUPS frame offset "
			    "must be an integer");
		if (v.u.i < 0)
			return sql_err_at(b->x, e->pos, "a frame offset must not be "
			    "negative");
		*n = v.u.i;
		return 0;
	}
	{
		int kt = w->order[0].e->t.id;
		if (v.t.id == T_INTERVAL) {
			if (kt != T_DATE && kt != T_TIMESTAMP)
				return sql_err_at(b->x, e->pos, "an INTERVAL offset "
				    "needs a DATE or TIMESTAMP order key");
			if (v.u.iv.months != 0)
				return sql_err_at(b->x, e->pos, "a RANGE offset in months "
				    "or years is not supported; give days");
			*d = kt == T_DATE ? (double)v.u.iv.days +
			    (double)v.u.iv.us / 86400e6 :
			    (double)v.u.iv.days * 86400e6 + (double)v.u.iv.us;
			if (v.u.iv.days < 0 || v.u.iv.us < 0)
				return sql_err_at(b->x, e->pos, "a frame offset must not "
				    "be negative");
			return 0;
		}
		if (!sql_is_numeric(v.t.id))
			return sql_err_at(b->x, e->pos, "a RANGE offset must be a "
			    "number or an INTERVAL");
		*d = v.t.id == T_DOUBLE ? v.u.d : v.t.id == T_DECIMAL ?
		    sql_dec_to_double(v.u.x, v.t.scale) : (double)v.u.i;
		if (*d < 0)
			return sql_err_at(b->x, e->pos, "a frame offset must not be "
			    "negative");
		if (kt == T_TIMESTAMP)
			*d *= 86400e6;  /* a number of days */
		return 0;
	}
}

/* f(args) [FILTER (WHERE …)] OVER (…): arguments, partition and order
 * keys bound into args; the node becomes E_WINDOW. */
static int bind_window(struct bind *b, struct sql_expr *e)
{
	struct sql_window *w;
	struct sql_expr **args;
	int fn = -1, agg = sql_agg_find(e->name), i, rc, n = 0;
	int saved_win = b->win_ok, saved_agg = b->agg_ok;
	const char *saved_clause = b->clause;
	struct sql_type t = { T_BIGINT, 0, 0 };

	if (!b->win_ok)
		return sql_err_at(b->x, e->pos, "window functions are not allowed "
		    "in %s", b->clause ? b->clause : "this context");
	if ((rc = resolve_window(b, e->over, &w, 0)) != 0)
		return rc;
	if (agg == AGG_NONE) {
		for (i = 0; i < (int)(sizeof(winfns) / sizeof(winfns[0])); i++)
			if (strcasecmp(winfns[i].name, e->name) == 0)
				fn = i;
		if (fn < 0)
			return sql_err_at(b->x, e->pos, "%s is not a window function "
			    "or an aggregate", e->name);
		if (e->nargs < winfns[fn].min || e->nargs > winfns[fn].max)
			return sql_err_at(b->x, e->pos, "%s takes %d%s%d argument%s",
			    winfns[fn].name, winfns[fn].min, winfns[fn].min ==
			    winfns[fn].max ? "" : " to ", winfns[fn].max,
			    winfns[fn].max == 1 ? "" : "s");
		if (e->filter != NULL)
			return sql_err_at(b->x, e->pos, "FILTER is only for aggregates");
	}
	if (e->distinct && agg == AGG_NONE)
		return sql_err_at(b->x, e->pos, "DISTINCT is only for aggregates");
	if ((e->flags & EF_IGNORE_NULLS) && (agg != AGG_NONE ||
	    (winfns[fn].fn != WFN_LAG && winfns[fn].fn != WFN_LEAD &&
	    winfns[fn].fn != WFN_FIRST_VALUE && winfns[fn].fn != WFN_LAST_VALUE &&
	    winfns[fn].fn != WFN_NTH_VALUE)))
		return sql_err_at(b->x, e->pos, "IGNORE NULLS is only for lag, "
		    "lead, first_value, last_value and nth_value");
	/* min and max of the distinct values are those of all */
	w->distinct = e->distinct && agg != AGG_MIN && agg != AGG_MAX;
	w->ignore_nulls = (e->flags & EF_IGNORE_NULLS) != 0;
	b->win_ok = 0;
	b->clause = "the arguments of a window function";
	w->nfargs = 0;
	w->hasfilter = 0;
	args = sql_arena_alloc(b->a, sizeof(*args) * (size_t)(e->nargs + 3 +
	    w->npart + w->norder + 1));
	if (args == NULL)
		return oom(b->x);
	if (agg != AGG_NONE) {
		struct agg_spec sp;
		if ((rc = agg_prepare(b, e, agg, &sp, 1)) != 0)
			return rc;
		w->fn = WFN_AGG;
		w->aggfn = sp.fn;
		t = sp.t;
		if (sp.arg != NULL)
			args[n++] = sp.arg;
		if (sp.arg2 != NULL)
			args[n++] = sp.arg2;
		w->nfargs = n;
	} else {
		w->fn = winfns[fn].fn;
		if ((rc = bind_args(b, e)) != 0)
			return rc;
		for (i = 0; i < e->nargs; i++)
			args[n++] = e->args[i];
		w->nfargs = n;
		switch (w->fn) {
		case WFN_PERCENT_RANK: case WFN_CUME_DIST:
			t.id = T_DOUBLE;
			break;
		case WFN_NTILE:
			if ((rc = plan_coerce(b->x, b->a, &args[0], t)) != 0)
				return rc;
			break;
		case WFN_LAG: case WFN_LEAD: case WFN_FIRST_VALUE:
		case WFN_LAST_VALUE: case WFN_NTH_VALUE:
			t = args[0]->t;
			if (t.id == T_NULL && n == 3)
				t = args[2]->t;
			if (t.id == T_NULL)
				t.id = T_INT;
			if (args[0]->t.id != t.id &&
			    (rc = plan_coerce(b->x, b->a, &args[0], t)) != 0)
				return rc;
			if (n >= 2) {
				struct sql_type bt = { T_BIGINT, 0, 0 };
				if ((rc = plan_coerce(b->x, b->a, &args[1], bt)) != 0)
					return rc;
			}
			if (n == 3) {
				struct sql_expr tmp;
				struct sql_type ct;
				memset(&tmp, 0, sizeof(tmp));
				tmp.t = t;
				if ((rc = common_type(b->x, &tmp, args[2], &ct,
				    args[2]->pos)) != 0)
					return rc;
				if (!type_eq(ct, t)) {
					/* the default widens the result (PostgreSQL:
					 * one type for both) */
					t = ct;
					if ((rc = plan_coerce(b->x, b->a, &args[0], t)) != 0)
						return rc;
				}
				if ((rc = plan_coerce(b->x, b->a, &args[2], t)) != 0)
					return rc;
			}
			break;
		default:
			break;
		}
	}
	b->clause = "a window's PARTITION BY or ORDER BY";
	for (i = 0; i < w->npart; i++) {
		struct sql_expr *c = plan_expr_copy(b->a, w->part[i]);
		if (c == NULL)
			return oom(b->x);
		if ((rc = bind(b, &c)) != 0)
			return rc;
		args[n++] = c;
	}
	{
		struct sql_order *o = sql_arena_alloc(b->a, sizeof(*o) *
		    (size_t)(w->norder + 1));
		if (o == NULL)
			return oom(b->x);
		for (i = 0; i < w->norder; i++) {
			struct sql_expr *c = plan_expr_copy(b->a, w->order[i].e);
			o[i] = w->order[i];
			if (c == NULL)
				return oom(b->x);
			if ((rc = bind(b, &c)) != 0)
				return rc;
			args[n++] = c;
			o[i].e = c;
		}
		w->order = o;
	}
	if (e->filter != NULL) {
		args[n++] = e->filter;
		w->hasfilter = 1;
	}
	b->win_ok = saved_win;
	b->agg_ok = saved_agg;
	b->clause = saved_clause;
	/* the frame */
	if (w->unit != 0) {
		if (w->start == WB_UNBOUNDED_FOLLOWING)
			return sql_err_at(b->x, w->pos, "a frame cannot start at "
			    "UNBOUNDED FOLLOWING");
		if (w->end == WB_UNBOUNDED_PRECEDING)
			return sql_err_at(b->x, w->pos, "a frame cannot end at "
			    "UNBOUNDED PRECEDING");
		if ((w->start == WB_CURRENT && w->end == WB_PRECEDING) ||
		    (w->start == WB_FOLLOWING && (w->end == WB_PRECEDING ||
		    w->end == WB_CURRENT)))
			return sql_err_at(b->x, w->pos, "a frame cannot end before "
			    "it starts");
		if (w->unit == WF_GROUPS && w->norder == 0)
			return sql_err_at(b->x, w->pos, "GROUPS frames need an ORDER "
			    "BY in the window");
		if (w->unit == WF_RANGE && (w->soff != NULL || w->eoff != NULL)) {
			int kt = w->norder == 1 ? w->order[0].e->t.id : -1;
			if (w->norder != 1)
				return sql_err_at(b->x, w->pos, "a RANGE frame with an "
				    "offset needs exactly one ORDER BY key");
			if (!sql_is_numeric(kt) && kt != T_DATE && kt != T_TIMESTAMP)
				return sql_err_at(b->x, w->pos, "a RANGE frame with an "
				    "offset needs a number, DATE or TIMESTAMP key");
		}
		if (w->soff != NULL && (rc = frame_offset(b, w, w->soff, &w->soffn,
		    &w->soffd)) != 0)
			return rc;
		if (w->eoff != NULL && (rc = frame_offset(b, w, w->eoff, &w->eoffn,
		    &w->eoffd)) != 0)
			return rc;
	}
	e->k = E_WINDOW;
	e->over = w;
	e->args = args;
	e->nargs = n;
	e->t = t;
	e->filter = NULL;
	return 0;
}

static int bind(struct bind *b, struct sql_expr **ep)
{
	struct sql_expr *e = *ep;
	int rc;

	switch (e->k) {
	case E_CONST:
		e->t = e->val.t;
		return 0;
	case E_COL: case E_AGG: case E_GROUPING:
		return 0;
	case E_PARAM:
		return bind_param(b, e);
	case E_NAME:
		return find_col(b, e);
	case E_STAR:
		return sql_err_at(b->x, e->pos, "'*' is not valid here");
	case E_SUBQUERY:
		return bind_subquery(b, e);
	case E_CAST: {
		char t1[32], t2[32];
		struct sql_type to = e->t;
		if ((rc = bind(b, &e->args[0])) != 0)
			return rc;
		if (!sql_castable(e->args[0]->t, to))
			return sql_err_at(b->x, e->pos, "cannot cast %s to %s",
			    sql_type_name(e->args[0]->t, t1, sizeof(t1)),
			    sql_type_name(to, t2, sizeof(t2)));
		if (e->args[0]->k == E_CONST) {
			/* fold now so a bad literal is reported here */
			struct sql_expr *c = e->args[0];
			c->flags &= ~EF_STRLIT;
			if ((rc = plan_coerce(b->x, b->a, &c, to)) != 0) {
				if (!(e->flags & EF_TRY))
					return rc;
				/* TRY_CAST of a bad literal: NULL */
				rdb_err_clear(&b->x->cx.err);
				c = e->args[0];
				c->val.null = 1;
				c->val.t = to;
				c->t = to;
				*ep = c;
				return 0;
			}
			if (c->k == E_CONST) {
				*ep = c;
				c->flags &= ~EF_STRLIT;
				return 0;
			}
			e->args[0] = c->k == E_CAST ? c->args[0] : c;
		}
		e->flags &= ~EF_STRLIT;
		if (type_eq(e->args[0]->t, to) && to.id != T_NULL) {
			*ep = e->args[0];
			(*ep)->flags &= ~EF_STRLIT;
		}
		return 0;
	}
	case E_OP:
		rc = bind_op(b, e);
		break;
	case E_CASE:
		rc = bind_case(b, e);
		break;
	case E_FUNC:
		if (e->over != NULL)
			return bind_window(b, e);
		if (e->flags & EF_IGNORE_NULLS)
			return sql_err_at(b->x, e->pos, "IGNORE NULLS is only for "
			    "window functions");
		rc = bind_func(b, e);
		break;
	case E_WINDOW:
		return 0;
	default:
		return sql_err_at(b->x, e->pos, "internal: node %d", e->k);
	}
	if (rc == 0 && e->k != E_AGG)
		fold(b->x, b->a, e);
	return rc;
}

/* ---- column sets and remapping ---- */

static void mark_used(const struct sql_expr *e, uint8_t *used)
{
	int i;

	if (e == NULL)
		return;
	if (e->k == E_COL)
		used[e->col] = 1;
	for (i = 0; i < e->nargs; i++)
		mark_used(e->args[i], used);
	mark_used(e->filter, used);
}

/* The relations e refers to, as a bit mask. */
static uint64_t rel_mask(const struct bind *b, const struct sql_expr *e)
{
	uint64_t m = 0;
	int i;

	if (e == NULL)
		return 0;
	if (e->k == E_COL)
		m |= 1ULL << b->cols[e->col].rel;
	for (i = 0; i < e->nargs; i++)
		m |= rel_mask(b, e->args[i]);
	return m;
}

/* A copy of e with every column c replaced by map[c]. */
static struct sql_expr *remap(struct exec *x, struct sql_arena *a,
    const struct sql_expr *e, const int *map)
{
	struct sql_expr *c;
	int i;

	if (e == NULL)
		return NULL;
	c = sql_arena_alloc(a, sizeof(*c));
	if (c == NULL) {
		oom(x);
		return NULL;
	}
	*c = *e;
	if (e->k == E_COL) {
		if (map[e->col] < 0) {
			sql_error(&x->cx, "internal: column %d not available", e->col);
			return NULL;
		}
		c->col = map[e->col];
		return c;
	}
	if (e->nargs > 0) {
		c->args = sql_arena_alloc(a, sizeof(*c->args) * (size_t)e->nargs);
		if (c->args == NULL) {
			oom(x);
			return NULL;
		}
		for (i = 0; i < e->nargs; i++) {
			if (e->args[i] == NULL) {
				c->args[i] = NULL;
				continue;
			}
			if ((c->args[i] = remap(x, a, e->args[i], map)) == NULL)
				return NULL;
		}
	}
	return c;
}

/* ---- FROM ---- */

static int add_rel(struct bind *b, struct sql_from *f)
{
	struct rel *r;
	int i, rc;

	if (b->nrels == MAX_RELS)
		return sql_err_at(b->x, f->pos, "too many tables in FROM (at most "
		    "%d)", MAX_RELS);
	r = &b->rels[b->nrels];
	memset(r, 0, sizeof(*r));
	r->goff = b->ncols;
	if (f->k == F_TABLE) {
		/* a WITH name in scope hides a table of the same name */
		const struct cte_scope *nd;
		for (nd = b->x->ctes; nd != NULL; nd = nd->next)
			if (strcasecmp(nd->cte->name, f->name) == 0)
				break;
		if (nd != NULL && (f->asof != NULL || f->versions))
			return sql_err_at(b->x, f->pos, "'%s' is a WITH query: AS OF "
			    "reads stored tables only", f->name);
		if (nd != NULL && nd->wt != NULL) {
			/* the recursive term's own name: its working table */
			if ((rc = plan_worktable(b->x, nd->wt, &r->sub)) != 0)
				return rc;
		} else if (nd != NULL && nd->shared && nd->store != NULL) {
			/* a later reference to a shared WITH query */
			r->sub.op = op_cte_scan(b->x, nd->store);
			if (r->sub.op == NULL)
				return RDB_ENOMEM;
			r->sub.ncols = r->sub.op->ncols;
			r->sub.names = cte_store_names(nd->store);
			r->sub.types = r->sub.op->types;
		} else if (nd != NULL) {
			if (nd->cte->recursive) {
				if ((rc = plan_recursive(b->x, b->a, nd, &r->sub)) != 0)
					return rc;
			} else {
				const struct cte_scope *keep = b->x->ctes;
				struct sql_select *copy = sql_select_copy(b->a,
				    nd->cte->sel);
				if (copy == NULL)
					return oom(b->x);
				/* its query sees the names defined before it */
				b->x->ctes = nd->next;
				rc = plan_select(b->x, b->a, copy, &r->sub);
				b->x->ctes = keep;
				if (rc != 0)
					return rc;
			}
			if (nd->shared) {
				/* the first reference: the plan goes to the store */
				struct cte_scope *m = (struct cte_scope *)nd;
				m->store = cte_store_new(b->x, r->sub.op, nd->cte->name,
				    r->sub.names);
				r->sub.op = m->store ? op_cte_scan(b->x, m->store) : NULL;
				if (r->sub.op == NULL)
					return RDB_ENOMEM;
				r->sub.types = r->sub.op->types;
			}
		}
		if (nd != NULL) {
			r->alias = f->alias ? f->alias : f->name;
			r->ncols = (int)r->sub.ncols;
			r->rows = r->sub.op->est > 0 ? r->sub.op->est : 1000;
			if (nd->cte->ncols > 0 && f->ncolalias == 0) {
				if (nd->cte->ncols > r->ncols)
					return sql_err_at(b->x, nd->cte->pos, "'%s' has %d "
					    "columns but %d names were given", nd->cte->name,
					    r->ncols, nd->cte->ncols);
				f->colalias = nd->cte->cols;
				f->ncolalias = nd->cte->ncols;
			}
			goto columns;
		}
	}
	if (f->k == F_TABLE && f->versions) {
		/* the versions of its rows: the end point's snapshot and
		 * catalog, and the pseudo-columns */
		if ((rc = versions_table(b->x, b->a, f, &r->txn, &r->td, &r->label,
		    &r->vlo, &r->vhi)) != 0)
			return rc;
		r->versions = 1;
		r->alias = f->alias ? f->alias : f->name;
		r->ncols = (int)r->td->ncols + RDB_VERSIONS_EXTRA;
		{
			struct rdb_table_stats st;
			r->rows = rdb_table_stats(r->txn, r->td->name, &st, NULL) ==
			    RDB_OK ? (double)(st.rows + st.deleted) : 1000;
		}
		goto columns;
	}
	if (f->k == F_TABLE && f->asof != NULL) {
		/* the table as it was: its own snapshot and catalog */
		if ((rc = asof_table(b->x, b->a, f, &r->txn, &r->td, &r->label)) != 0)
			return rc;
		r->alias = f->alias ? f->alias : f->name;
		r->ncols = (int)r->td->ncols;
		{
			struct rdb_table_stats st;
			r->rows = rdb_table_stats(r->txn, r->td->name, &st, NULL) ==
			    RDB_OK ? (double)st.rows : 1000;
		}
		goto columns;
	}
	if (f->k == F_FUNC && series_name(f->name)) {
		if ((rc = series_plan(b->x, b->a, f, &r->sub)) != 0)
			return rc;
		r->alias = f->alias ? f->alias : f->name;
		r->ncols = 1;
		r->rows = r->sub.op->est > 0 ? r->sub.op->est : 1000;
		goto columns;
	}
	if (f->k == F_FUNC) {
		if ((rc = files_table(b->x, b->a, f, &r->txn, &r->td)) != 0)
			return rc;
		r->alias = f->alias ? f->alias : f->name;
		r->ncols = (int)r->td->ncols;
		r->label = sql_arena_strdup(b->a, f->name, strlen(f->name));
		{
			struct rdb_table_stats st;
			r->rows = rdb_table_stats(r->txn, r->td->name, &st, NULL) ==
			    RDB_OK ? (double)st.rows : 1000;
		}
		goto columns;
	}
	if (f->k == F_TABLE) {
		/* a view: planned from its text, as a subquery in FROM */
		const struct rdb_view_desc *v = f->asof != NULL || f->versions ?
		    NULL : plan_view_find(b->x, f->name);
		if (v != NULL) {
			if ((rc = plan_view(b->x, b->a, v, &r->sub)) != 0)
				return rc;
			r->alias = f->alias ? f->alias : f->name;
			r->ncols = (int)r->sub.ncols;
			r->rows = r->sub.op->est > 0 ? r->sub.op->est : 1000;
			goto columns;
		}
	}
	if (f->k == F_TABLE) {
		rc = rdb_table_find(b->x->txn, f->name, &r->td);
		if (rc == RDB_ENOENT) {
			/* a table whose name differs only in case, if just one */
			const struct rdb_table_desc *const *all;
			size_t n, k, hits = 0;
			if (rdb_table_list(b->x->txn, &all, &n) == RDB_OK)
				for (k = 0; k < n; k++)
					if (strcasecmp(all[k]->name, f->name) == 0) {
						r->td = all[k];
						hits++;
					}
			if (hits == 1)
				rc = RDB_OK;
		}
		if (rc == RDB_ENOENT) {
			const struct rdb_table_desc *const *all;
			size_t n, k;
			const char *best = NULL;
			int bd = 99;
			if (rdb_table_list(b->x->txn, &all, &n) == RDB_OK)
				for (k = 0; k < n; k++) {
					int d = plan_distance(f->name, all[k]->name);
					if (close_enough(f->name, all[k]->name) && d < bd) {
						bd = d;
						best = all[k]->name;
					}
				}
			if (best != NULL)
				return sql_err_at(b->x, f->pos, "no such table '%s'; did "
				    "you mean '%s'?", f->name, best);
			return sql_err_at(b->x, f->pos, "no such table '%s'", f->name);
		}
		if (rc != RDB_OK) {
			b->x->cx.err.code = rc;
			return rc;
		}
		r->alias = f->alias ? f->alias : f->name;
		r->ncols = (int)r->td->ncols;
		{
			struct rdb_table_stats st;
			if (rdb_table_stats(b->x->txn, f->name, &st, NULL) == RDB_OK)
				r->rows = (double)st.rows;
			else
				r->rows = 1000;
		}
	} else {
		if ((rc = plan_select(b->x, b->a, f->sub, &r->sub)) != 0)
			return rc;
		r->alias = f->alias;
		r->ncols = (int)r->sub.ncols;
		r->rows = r->sub.op->est > 0 ? r->sub.op->est : 1000;
	}
columns:
	if (f->ncolalias > r->ncols) {
		/* not yet counted in b->nrels: its plan is ours to free */
		op_free(r->sub.op);
		r->sub.op = NULL;
		return sql_err_at(b->x, f->pos, "'%s' has %d columns but %d names "
		    "were given", r->alias ? r->alias : "subquery", r->ncols,
		    f->ncolalias);
	}
	for (i = 0; i < r->ncols; i++) {
		struct gcol *c;
		if (sql_arena_grow(b->a, &b->cols, b->ncols, &b->capcols,
		    sizeof(*b->cols), 32) != 0)
			return oom(b->x);
		c = &b->cols[b->ncols++];
		memset(c, 0, sizeof(*c));
		c->rel = b->nrels;
		c->idx = i;
		c->hidden = f->hidden;
		if (r->versions && i >= (int)r->td->ncols) {
			static const char *const pn[RDB_VERSIONS_EXTRA] = {
				"rdb_valid_from", "rdb_valid_to", "rdb_commit_from",
				"rdb_commit_to", "rdb_op" };
			static const uint8_t pt[RDB_VERSIONS_EXTRA] = { T_TIMESTAMP,
				T_TIMESTAMP, T_BIGINT, T_BIGINT, T_TEXT };
			int k = i - (int)r->td->ncols;
			c->name = pn[k];
			c->t.id = pt[k];
			c->pseudo = 1;
			continue;
		}
		if (i < f->ncolalias)
			c->name = f->colalias[i];
		else if (r->td != NULL)
			c->name = r->td->cols[i].name;
		else
			c->name = r->sub.names[i];
		if (r->td != NULL) {
			c->t.id = (uint8_t)r->td->cols[i].type;
			c->t.prec = r->td->cols[i].precision;
			c->t.scale = r->td->cols[i].scale;
		} else {
			c->t = r->sub.types[i];
		}
	}
	b->nrels++;
	return 0;
}

/* A join tree node as the planner sees it. */
struct unit {
	int outer;                      /* an outer join, planned as one */
	int rel;                        /* base relation (when !outer) */
	struct sql_from *f;             /* the outer join node */
	uint64_t mask;                  /* relations inside */
};

struct jgroup {
	int top;                        /* the query's own: semi joins apply */
	struct unit *units;
	int nunits, capunits;
	struct sql_expr **conj;
	int nconj, capconj;
};

static int group_add_conj(struct bind *b, struct jgroup *g,
    struct sql_expr *e);

/* Collect the conjuncts of e into v (at most max). */
static int split_and(struct sql_expr *e, struct sql_expr **v, int n, int max)
{
	if (e->k == E_OP && e->op == OP_AND) {
		n = split_and(e->args[0], v, n, max);
		return n < 0 ? n : split_and(e->args[1], v, n, max);
	}
	if (n >= max)
		return -1;
	v[n] = e;
	return n + 1;
}

static int split_or(struct sql_expr *e, struct sql_expr **v, int n, int max)
{
	if (e->k == E_OP && e->op == OP_OR) {
		n = split_or(e->args[0], v, n, max);
		return n < 0 ? n : split_or(e->args[1], v, n, max);
	}
	if (n >= max)
		return -1;
	v[n] = e;
	return n + 1;
}

static struct sql_expr *or_all(struct bind *b, struct sql_expr **v, int n)
{
	struct sql_expr *e = NULL;
	int i;

	for (i = 0; i < n; i++) {
		if (e == NULL) {
			e = v[i];
			continue;
		}
		if ((e = mk_op(b->a, OP_OR, v[i]->pos, e, v[i])) == NULL)
			return NULL;
		e->t.id = T_BOOL;
	}
	return e;
}

static struct sql_expr *and_all(struct bind *b, struct sql_expr **v, int n);
static uint64_t rel_mask(const struct bind *b, const struct sql_expr *e);

/*
 * (A AND B) OR (A AND C) -> A AND (B OR C): a join condition repeated in
 * every branch of an OR becomes a join key. And for each relation that
 * every branch restricts, the OR of those restrictions is an implied
 * filter that can run at its scan (TPC-H Q7, Q19).
 */
static int add_or(struct bind *b, struct jgroup *g, struct sql_expr *e)
{
	enum { MAXD = 16, MAXC = 32 };
	struct sql_expr *dis[MAXD], *cj[MAXD][MAXC];
	int nd, nc[MAXD], i, j, k, rc;
	int common[MAXC], ncommon = 0;

	nd = split_or(e, dis, 0, MAXD);
	if (nd < 2)
		return 1;
	for (i = 0; i < nd; i++)
		if ((nc[i] = split_and(dis[i], cj[i], 0, MAXC)) < 0)
			return 1;
	for (k = 0; k < nc[0]; k++) {
		int all = 1;
		for (i = 1; i < nd && all; i++) {
			int found = 0;
			for (j = 0; j < nc[i] && !found; j++)
				found = expr_eq(cj[0][k], cj[i][j]);
			all = found;
		}
		if (all)
			common[ncommon++] = k;
	}
	if (ncommon > 0) {
		struct sql_expr *rest[MAXD];
		for (k = 0; k < ncommon; k++)
			if ((rc = group_add_conj(b, g, cj[0][common[k]])) != 0)
				return rc;
		for (i = 0; i < nd; i++) {
			struct sql_expr *keep[MAXC];
			int nk = 0;
			for (j = 0; j < nc[i]; j++) {
				int dup = 0;
				for (k = 0; k < ncommon && !dup; k++)
					dup = expr_eq(cj[i][j], cj[0][common[k]]);
				if (!dup)
					keep[nk++] = cj[i][j];
			}
			if (nk == 0)
				return 0;       /* one branch is just the common part */
			rest[i] = and_all(b, keep, nk);
			if (rest[i] == NULL)
				return oom(b->x);
			nc[i] = split_and(rest[i], cj[i], 0, MAXC);
		}
		e = or_all(b, rest, nd);
		if (e == NULL)
			return oom(b->x);
	}
	/* implied single-relation filters */
	for (k = 0; k < b->nrels; k++) {
		struct sql_expr *per[MAXD];
		uint64_t bit = 1ULL << k;
		for (i = 0; i < nd; i++) {
			struct sql_expr *mine[MAXC];
			int nm = 0;
			for (j = 0; j < nc[i]; j++)
				if (rel_mask(b, cj[i][j]) == bit)
					mine[nm++] = cj[i][j];
			if (nm == 0)
				break;
			per[i] = and_all(b, mine, nm);
			if (per[i] == NULL)
				return oom(b->x);
		}
		if (i == nd && rel_mask(b, e) != bit) {
			struct sql_expr *imp = or_all(b, per, nd);
			if (imp == NULL)
				return oom(b->x);
			if ((rc = group_add_conj(b, g, imp)) != 0)
				return rc;
		}
	}
	if (ncommon == 0)
		return 1;       /* add e itself as usual */
	return group_add_conj(b, g, e);
}

static int group_add_conj(struct bind *b, struct jgroup *g,
    struct sql_expr *e)
{
	/* split AND into conjuncts */
	if (e->k == E_OP && e->op == OP_AND) {
		int rc = group_add_conj(b, g, e->args[0]);
		return rc ? rc : group_add_conj(b, g, e->args[1]);
	}
	if (e->k == E_OP && e->op == OP_OR && !(e->flags & 0x2000)) {
		int rc;
		e->flags |= 0x2000;     /* examined */
		rc = add_or(b, g, e);
		if (rc <= 0)
			return rc;
	}
	if (sql_arena_grow(b->a, &g->conj, g->nconj, &g->capconj,
	    sizeof(*g->conj), 16) != 0)
		return oom(b->x);
	g->conj[g->nconj++] = e;
	return 0;
}

static int group_add_unit(struct bind *b, struct jgroup *g, struct unit u)
{
	if (sql_arena_grow(b->a, &g->units, g->nunits, &g->capunits,
	    sizeof(*g->units), 8) != 0)
		return oom(b->x);
	g->units[g->nunits++] = u;
	return 0;
}

/* The relations of a FROM subtree (after add_rel numbered them). */
static uint64_t from_mask(struct sql_from *f, int *next_rel)
{
	if (f->k == F_JOIN) {
		uint64_t m = from_mask(f->l, next_rel);
		return m | from_mask(f->r, next_rel);
	}
	return 1ULL << (*next_rel)++;
}

/* Register relations of the FROM tree in order. */
static int add_rels(struct bind *b, struct sql_from *f)
{
	int rc;

	if (f->k == F_JOIN) {
		if ((rc = add_rels(b, f->l)) != 0)
			return rc;
		return add_rels(b, f->r);
	}
	return add_rel(b, f);
}

/* Columns of relations in mask named name (for USING / NATURAL). */
static int col_in(struct bind *b, uint64_t mask, const char *name)
{
	int i, found = -1;

	for (i = 0; i < b->ncols; i++)
		if ((mask >> b->cols[i].rel & 1) && !b->cols[i].hidden &&
		    !b->cols[i].pseudo && !strcmp(b->cols[i].name, name)) {
			if (found >= 0)
				return -2;
			found = i;
		}
	return found;
}

/* Bind ON / USING conditions of joins (before the WHERE clause). The
 * mask numbering follows add_rels' order. */
static int bind_joins(struct bind *b, struct sql_from *f, int *next_rel,
    uint64_t *maskp)
{
	uint64_t lm, rm;
	int rc, i;

	if (f->k != F_JOIN) {
		*maskp = 1ULL << (*next_rel)++;
		return 0;
	}
	if ((rc = bind_joins(b, f->l, next_rel, &lm)) != 0 ||
	    (rc = bind_joins(b, f->r, next_rel, &rm)) != 0)
		return rc;
	*maskp = lm | rm;
	if (f->natural) {
		/* USING every column name the two sides share */
		int n = 0;
		char **names = sql_arena_alloc(b->a, sizeof(char *) *
		    (size_t)(b->ncols + 1));
		if (names == NULL)
			return oom(b->x);
		for (i = 0; i < b->ncols; i++)
			if ((lm >> b->cols[i].rel & 1) && !b->cols[i].hidden &&
			    !b->cols[i].pseudo && col_in(b, rm, b->cols[i].name) >= 0)
				names[n++] = (char *)b->cols[i].name;
		f->using = names;
		f->nusing = n;
		if (n == 0 && f->jt != J_CROSS)
			f->jt = J_CROSS;
	}
	if (f->nusing > 0) {
		struct sql_expr *cond = NULL;
		for (i = 0; i < f->nusing; i++) {
			int l = col_in(b, lm, f->using[i]), r = col_in(b, rm, f->using[i]);
			struct sql_expr *eq;
			if (l < 0 || r < 0)
				return sql_err_at(b->x, f->pos, "column '%s' of USING "
				    "is %s on the %s side of the join", f->using[i],
				    (l == -2 || r == -2) ? "ambiguous" : "missing",
				    (l < 0) ? "left" : "right");
			eq = mk_op(b->a, OP_EQ, f->pos, plan_col(b->a, l, b->cols[l].t),
			    plan_col(b->a, r, b->cols[r].t));
			if (eq == NULL)
				return oom(b->x);
			if ((rc = unify2(b, &eq->args[0], &eq->args[1], f->pos)) != 0)
				return rc;
			eq->t.id = T_BOOL;
			/* the merged column is the preserved side's; both sides'
			 * after a FULL join: coalesce(left, right) */
			if (f->jt == J_RIGHT)
				b->cols[l].hidden = 1;
			else
				b->cols[r].hidden = 1;
			if (f->jt == J_FULL) {
				struct sql_expr *co = new_expr(b->a, E_FUNC, f->pos);
				if (co == NULL || (co->args = sql_arena_alloc(b->a,
				    sizeof(*co->args) * 2)) == NULL)
					return oom(b->x);
				co->name = "coalesce";
				co->nargs = 2;
				co->args[0] = plan_col(b->a, l, b->cols[l].t);
				co->args[1] = plan_col(b->a, r, b->cols[r].t);
				if (co->args[0] == NULL || co->args[1] == NULL)
					return oom(b->x);
				if ((rc = bind(b, &co)) != 0)
					return rc;
				b->cols[l].merged = co;
			}
			cond = cond ? mk_op(b->a, OP_AND, f->pos, cond, eq) : eq;
			if (cond == NULL)
				return oom(b->x);
			cond->t.id = T_BOOL;
		}
		f->on = cond;
	} else if (f->on != NULL) {
		b->clause = "JOIN conditions";
		if ((rc = bind(b, &f->on)) != 0 || (rc = as_bool(b, &f->on)) != 0)
			return rc;
	}
	return 0;
}

/* Flatten inner joins of f into g (outer joins stay whole). */
static int flatten(struct bind *b, struct sql_from *f, int *next_rel,
    struct jgroup *g)
{
	int rc;

	if (f->k == F_JOIN && (f->jt == J_INNER || f->jt == J_CROSS)) {
		if ((rc = flatten(b, f->l, next_rel, g)) != 0 ||
		    (rc = flatten(b, f->r, next_rel, g)) != 0)
			return rc;
		if (f->on != NULL)
			return group_add_conj(b, g, f->on);
		return 0;
	}
	{
		struct unit u;
		memset(&u, 0, sizeof(u));
		if (f->k == F_JOIN) {
			int start = *next_rel;
			u.outer = 1;
			u.f = f;
			u.mask = from_mask(f, next_rel);
			u.rel = start;
		} else {
			u.rel = (*next_rel)++;
			u.mask = 1ULL << u.rel;
		}
		return group_add_unit(b, g, u);
	}
}

/* A planned piece: its operator and where each global column is. */
struct piece {
	struct op *op;
	int *map;                       /* global column -> output column */
	uint64_t mask;
	double est;
	double base;                    /* rows of the largest base table */
};

static double selectivity(const struct sql_expr *e)
{
	if (e->k != E_OP)
		return 0.5;
	switch (e->op) {
	case OP_EQ: case OP_IS_NOT_DISTINCT:
		return 0.1;
	case OP_NE:
		return 0.9;
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		return 0.4;
	case OP_LIKE: case OP_ILIKE:
		return 0.2;
	case OP_IN:
		return e->nargs * 0.05 > 0.5 ? 0.5 : e->nargs * 0.05;
	case OP_AND:
		return selectivity(e->args[0]) * selectivity(e->args[1]);
	case OP_OR: {
		double s = selectivity(e->args[0]) + selectivity(e->args[1]);
		return s > 1 ? 1 : s;
	}
	case OP_IS_NULL:
		return 0.05;
	default:
		return 0.5;
	}
}

/* Does e compare text (string compares cost several integer ones)? */
static int reads_text(const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 0;
	if ((e->k == E_COL || e->k == E_CONST) && sql_is_strlike(e->t.id))
		return 1;
	for (i = 0; i < e->nargs; i++)
		if (reads_text(e->args[i]))
			return 1;
	return 0;
}

/* Which conjunct of a filter goes first: the one that keeps the fewest
 * rows for its cost (a text test counts three times an integer one:
 * Q12's l_shipmode IN ('MAIL', 'SHIP') after its date ranges). */
static double conj_rank(const struct sql_expr *e)
{
	return selectivity(e) * (reads_text(e) ? 3 : 1);
}

static struct sql_expr *and_all(struct bind *b, struct sql_expr **v, int n)
{
	struct sql_expr *e = NULL;
	int i;

	for (i = 0; i < n; i++) {
		if (e == NULL) {
			e = v[i];
			continue;
		}
		e = mk_op(b->a, OP_AND, v[i]->pos, e, v[i]);
		if (e == NULL) {
			oom(b->x);
			return NULL;
		}
		e->t.id = T_BOOL;
	}
	return e;
}

static const struct sql_val *index_const(struct bind *b,
    const struct sql_expr *c, const struct sql_expr *k);
static const struct sql_expr *index_col(const struct sql_expr *e);

/* The constant k as a predicate value for column c (see index_const):
 * 1 with *v set when it is exact and fits 64 bits (a DECIMAL's unscaled
 * value at c's scale). */
static int pred_value(struct bind *b, const struct sql_expr *c,
    const struct sql_expr *k, int64_t *v)
{
	const struct sql_val *x = index_const(b, c, k);

	if (x == NULL)
		return 0;
	if (c->t.id == T_DECIMAL) {
		if (x->u.x > INT64_MAX || x->u.x < INT64_MIN)
			return 0;
		*v = (int64_t)x->u.x;
		return 1;
	}
	*v = x->u.i;
	return 1;
}

/*
 * Zone-map predicate from "col op const" or "col BETWEEN const AND
 * const" on a table column: DOUBLE columns with a DOUBLE constant;
 * integer-like and DECIMAL columns, seen through the casts that widen
 * them, with constants that convert to the column's type exactly
 * (DECIMAL ones test rows in sliced scans, having no zone maps).
 */
static int zone_pred(struct bind *b, const struct sql_expr *e, int rel,
    const int *tcol_of, struct rdb_pred *p)
{
	const struct sql_expr *c, *k;
	int op, id;

	if (e->k != E_OP)
		return 0;
	if (e->op == OP_BETWEEN && e->nargs == 3 &&
	    !(e->flags & EF_SYMMETRIC)) {
		c = index_col(e->args[0]);
		if (c == NULL || b->cols[c->col].rel != rel ||
		    tcol_of[c->col] < 0 || c->t.id == T_BOOL ||
		    !(sql_is_intlike(c->t.id) || c->t.id == T_DECIMAL))
			return 0;
		memset(p, 0, sizeof(*p));
		if (!pred_value(b, c, e->args[1], &p->i) ||
		    !pred_value(b, c, e->args[2], &p->i2))
			return 0;
		p->col = (size_t)tcol_of[c->col];
		p->op = RDB_CMP_BETWEEN;
		p->is_decimal = c->t.id == T_DECIMAL;
		return 1;
	}
	if (e->nargs != 2)
		return 0;
	switch (e->op) {
	case OP_EQ: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		break;
	default:
		return 0;
	}
	op = e->op;
	c = e->args[0];
	k = e->args[1];
	if (index_col(c) == NULL) {
		const struct sql_expr *t = c;
		c = k;
		k = t;
		switch (op) {
		case OP_LT: op = OP_GT; break;
		case OP_LE: op = OP_GE; break;
		case OP_GT: op = OP_LT; break;
		case OP_GE: op = OP_LE; break;
		}
	}
	if (c->k == E_COL && c->t.id == T_DOUBLE) {
		if (k->k != E_CONST || k->val.null || k->val.t.id != T_DOUBLE ||
		    b->cols[c->col].rel != rel)
			return 0;
		memset(p, 0, sizeof(*p));
		p->is_double = 1;
		p->d = k->val.u.d;
	} else {
		c = index_col(c);
		if (c == NULL || b->cols[c->col].rel != rel ||
		    tcol_of[c->col] < 0)
			return 0;
		id = c->t.id;
		if (id == T_BOOL || !(sql_is_intlike(id) || id == T_DECIMAL))
			return 0;
		memset(p, 0, sizeof(*p));
		if (!pred_value(b, c, k, &p->i))
			return 0;
		p->is_decimal = id == T_DECIMAL;
	}
	p->col = (size_t)tcol_of[c->col];
	p->op = op == OP_EQ ? RDB_CMP_EQ : op == OP_LT ? RDB_CMP_LT :
	    op == OP_LE ? RDB_CMP_LE : op == OP_GT ? RDB_CMP_GT : RDB_CMP_GE;
	return 1;
}

/*
 * A test of a TEXT column's strings a scan can make per dictionary
 * entry (rdb_pred.text): col = 'k', col <> 'k', col [NOT] IN ('a', ...)
 * without NULLs, col [NOT] [I]LIKE 'pattern'. NULL strings never reach
 * it (the scan drops them: each of these is NULL, so false, for them).
 */
enum { TT_EQ, TT_NE, TT_IN, TT_NOT_IN, TT_LIKE, TT_NOT_LIKE };
struct text_test {
	int kind, ci;
	const struct sql_str *vals;     /* the constants, or the pattern */
	int nvals;
};

static int text_test_fn(void *arg, const char *p, size_t n)
{
	const struct text_test *t = arg;
	int i, in = 0;

	switch (t->kind) {
	case TT_EQ: case TT_NE:
		in = n == t->vals[0].n && (n == 0 ||
		    memcmp(p, t->vals[0].p, n) == 0);
		return t->kind == TT_EQ ? in : !in;
	case TT_IN: case TT_NOT_IN:
		for (i = 0; i < t->nvals && !in; i++)
			in = n == t->vals[i].n && (n == 0 ||
			    memcmp(p, t->vals[i].p, n) == 0);
		return t->kind == TT_IN ? in : !in;
	default:
		in = sql_like(p, n, t->vals[0].p, t->vals[0].n, '\\', t->ci);
		return t->kind == TT_LIKE ? in : !in;
	}
}

int plan_pred_eq(const struct rdb_pred *a, const struct rdb_pred *b)
{
	const struct text_test *s = a->arg, *t = b->arg;
	int i;

	if (a->col != b->col || a->op != b->op || a->is_double != b->is_double ||
	    a->i != b->i || a->i2 != b->i2 || a->is_decimal != b->is_decimal ||
	    memcmp(&a->d, &b->d, sizeof(a->d)) != 0 || a->set != NULL ||
	    b->set != NULL || a->text != b->text)
		return 0;
	if (a->text == NULL)
		return 1;
	if (a->text != text_test_fn || s->kind != t->kind || s->ci != t->ci ||
	    s->nvals != t->nvals)
		return 0;
	for (i = 0; i < s->nvals; i++)
		if (s->vals[i].n != t->vals[i].n || (s->vals[i].n > 0 &&
		    memcmp(s->vals[i].p, t->vals[i].p, s->vals[i].n) != 0))
			return 0;
	return 1;
}

static int text_pred(struct bind *b, const struct sql_expr *e, int rel,
    const int *tcol_of, struct rdb_pred *p)
{
	const struct sql_expr *c;
	struct text_test *t;
	struct sql_str *v;
	int i, kind;

	if (e->k != E_OP || e->nargs < 2)
		return 0;
	switch (e->op) {
	case OP_EQ: kind = TT_EQ; break;
	case OP_NE: kind = TT_NE; break;
	case OP_IN: kind = TT_IN; break;
	case OP_NOT_IN: kind = TT_NOT_IN; break;
	case OP_LIKE: case OP_ILIKE: kind = TT_LIKE; break;
	case OP_NOT_LIKE: case OP_NOT_ILIKE: kind = TT_NOT_LIKE; break;
	default:
		return 0;
	}
	c = e->args[0];
	if ((kind == TT_EQ || kind == TT_NE) && c->k != E_COL) {
		c = e->args[1];
		if (e->args[0]->k != E_CONST)
			return 0;
	}
	if (c->k != E_COL || c->t.id != T_TEXT || b->cols[c->col].rel != rel ||
	    tcol_of[c->col] < 0)
		return 0;
	if ((kind == TT_LIKE || kind == TT_NOT_LIKE) && e->nargs != 2)
		return 0;	/* an ESCAPE clause */
	if (kind != TT_IN && kind != TT_NOT_IN && e->nargs != 2)
		return 0;
	for (i = 0; i < e->nargs; i++) {
		const struct sql_expr *k = e->args[i];
		if (k == c)
			continue;
		if (k->k != E_CONST || k->val.null || k->val.t.id != T_TEXT)
			return 0;
	}
	t = sql_arena_alloc(b->a, sizeof(*t));
	v = sql_arena_alloc(b->a, sizeof(*v) * (size_t)e->nargs);
	if (t == NULL || v == NULL)
		return 0;
	t->kind = kind;
	t->ci = e->op == OP_ILIKE || e->op == OP_NOT_ILIKE;
	t->nvals = 0;
	for (i = 0; i < e->nargs; i++)
		if (e->args[i] != c)
			v[t->nvals++] = e->args[i]->val.u.s;
	t->vals = v;
	memset(p, 0, sizeof(*p));
	p->col = (size_t)tcol_of[c->col];
	p->text = text_test_fn;
	p->arg = t;
	return 1;
}

static int plan_group(struct bind *b, struct jgroup *g, const uint8_t *used,
    struct piece *out);

/*
 * The constant k as a value of column c's type for an index key, when
 * that is exact: k itself, an integer for an INTEGER or BIGINT column,
 * an integer or a decimal of no larger scale scaled up for a DECIMAL
 * column (`price > 990` on DECIMAL(10,2) is 990.00), an integer below
 * 2^53 for a DOUBLE one; NULL otherwise (the index is not used).
 */
static const struct sql_val *index_const(struct bind *b,
    const struct sql_expr *c, const struct sql_expr *k)
{
	int cid = c->t.id, kid;
	struct sql_val *v;
	__int128 x, m;

	if (k->k != E_CONST || k->val.null)
		return NULL;
	kid = k->val.t.id;
	if (kid == cid && (cid != T_DECIMAL || k->val.t.scale == c->t.scale))
		return &k->val;
	if ((cid == T_INT || cid == T_BIGINT) && (kid == T_INT ||
	    kid == T_BIGINT))
		return &k->val;         /* one key form for both [F-IDX-004] */
	if (cid == T_DECIMAL && (kid == T_INT || kid == T_BIGINT ||
	    (kid == T_DECIMAL && k->val.t.scale < c->t.scale))) {
		x = kid == T_DECIMAL ? k->val.u.x : (__int128)k->val.u.i;
		m = sql_pow10(c->t.scale - (kid == T_DECIMAL ?
		    k->val.t.scale : 0));
		if (__builtin_mul_overflow(x, m, &x) || x >= sql_pow10(38) ||
		    x <= -sql_pow10(38))
			return NULL;
		if ((v = sql_arena_alloc(b->a, sizeof(*v))) == NULL)
			return NULL;
		memset(v, 0, sizeof(*v));
		v->t = c->t;
		v->u.x = x;
		return v;
	}
	if (cid == T_DOUBLE && (kid == T_INT || kid == T_BIGINT) &&
	    k->val.u.i <= ((int64_t)1 << 53) && k->val.u.i >= -((int64_t)1 << 53)) {
		if ((v = sql_arena_alloc(b->a, sizeof(*v))) == NULL)
			return NULL;
		memset(v, 0, sizeof(*v));
		v->t = c->t;
		v->u.d = (double)k->val.u.i;
		return v;
	}
	return NULL;
}

/* The column under e when e is one, or one widened by casts that keep
 * every value and its order (INTEGER to BIGINT, an integer to DECIMAL, a
 * DECIMAL to a larger scale): a comparison's other side is then compared
 * in the column's own type by index_const. NULL otherwise. */
static const struct sql_expr *index_col(const struct sql_expr *e)
{
	while (e->k == E_CAST) {
		const struct sql_expr *in = e->args[0];
		int it = in->t.id, ot = e->t.id;
		if (!((sql_is_intlike(it) && it != T_BOOL && it != T_DATE &&
		    it != T_TIMESTAMP && (ot == T_BIGINT || ot == T_INT ||
		    ot == T_DECIMAL)) || (it == T_DECIMAL && ot == T_DECIMAL &&
		    e->t.scale >= in->t.scale)))
			return NULL;
		e = in;
	}
	return e->k == E_COL ? e : NULL;
}

/* Read the scan op of table td (relation rel) through an index when
 * the conjuncts bind one's leading columns (iscan.c): the conditions
 * "column op constant" and "column IN (constants)" go to
 * plan_index_probe. */
static void index_scan(struct bind *b, struct op *op,
    const struct rdb_table_desc *td, struct sql_expr **conj, int nconj,
    int rel, const int *tcol)
{
	struct sql_icond *ic = sql_arena_alloc(b->a, sizeof(*ic) *
	    (size_t)(nconj + 1));
	struct rdb_index_probe *p;
	const char *name;
	size_t n = 0;
	int i, j;

	for (i = 0; ic != NULL && i < nconj; i++) {
		const struct sql_expr *e = conj[i], *c, *k;
		const struct sql_val **v;
		int o;
		if (e->k != E_OP || e->nargs < 2)
			continue;
		if (e->op == OP_IN && (c = index_col(e->args[0])) != NULL &&
		    b->cols[c->col].rel == rel) {
			v = sql_arena_alloc(b->a, sizeof(*v) * (size_t)e->nargs);
			for (j = 1; v != NULL && j < e->nargs &&
			    (v[j - 1] = index_const(b, c, e->args[j])) != NULL; j++)
				;
			if (v == NULL || j < e->nargs)
				continue;
			ic[n].col = (size_t)tcol[c->col];
			ic[n].op = SQL_ICOND_IN;
			ic[n].n = (size_t)e->nargs - 1;
			ic[n++].vals = v;
			continue;
		}
		if (e->nargs != 2 || (e->op != OP_EQ && e->op != OP_LT &&
		    e->op != OP_LE && e->op != OP_GT && e->op != OP_GE))
			continue;
		c = index_col(e->args[0]);
		k = e->args[1];
		o = e->op;
		if (c == NULL) {
			c = index_col(k);
			k = e->args[0];
			o = o == OP_LT ? OP_GT : o == OP_LE ? OP_GE : o == OP_GT ?
			    OP_LT : o == OP_GE ? OP_LE : o;
		}
		if (c == NULL || b->cols[c->col].rel != rel)
			continue;
		if ((v = sql_arena_alloc(b->a, sizeof(*v))) == NULL ||
		    (v[0] = index_const(b, c, k)) == NULL)
			continue;
		ic[n].col = (size_t)tcol[c->col];
		ic[n].op = o == OP_EQ ? RDB_CMP_EQ : o == OP_LT ? RDB_CMP_LT :
		    o == OP_LE ? RDB_CMP_LE : o == OP_GT ? RDB_CMP_GT : RDB_CMP_GE;
		ic[n].n = 1;
		ic[n++].vals = v;
	}
	if (n > 0 && (p = plan_index_probe(td, ic, n, &name)) != NULL)
		op_scan_index(op, p, name);
}

/* Can evaluating e never fail (comparisons of columns and constants)? */
static int cannot_fail(const struct sql_expr *e)
{
	int i;

	if (e == NULL || e->k == E_COL || e->k == E_CONST)
		return 1;
	if (e->k != E_OP)
		return 0;
	switch (e->op) {
	case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
	case OP_AND: case OP_OR: case OP_NOT: case OP_IS_NULL:
	case OP_IS_NOT_NULL: case OP_IS_DISTINCT: case OP_IS_NOT_DISTINCT:
	case OP_BETWEEN: case OP_NOT_BETWEEN: case OP_IN: case OP_NOT_IN:
	case OP_LIKE: case OP_NOT_LIKE:
		break;
	default:
		return 0;
	}
	for (i = 0; i < e->nargs; i++)
		if (!cannot_fail(e->args[i]))
			return 0;
	return 1;
}

/* Is e the pseudo-column gcol, or a constant of one letter (*ch)? */
static int is_gcol(const struct sql_expr *e, int gcol)
{
	return e->k == E_COL && e->col == gcol;
}

static int letter(const struct sql_expr *e, char *ch)
{
	if (e->k != E_CONST || e->val.null || !sql_is_strlike(e->val.t.id) ||
	    e->val.u.s.n != 1)
		return 0;
	*ch = e->val.u.s.p[0];
	return 1;
}

/*
 * Narrow the versions scan of relation r by its conjuncts: when one
 * keeps out the "D" rows (rdb_op <> 'D', rdb_op = 'I' or 'U'), the
 * scan makes none, and then rdb_commit_from and rdb_commit_to compared
 * with constants, and rdb_commit_to IS [NOT] NULL, bound the commits of
 * the versions it reads (range: ins_min, ins_max, del_min, del_max), so
 * that it skips the row groups that hold none. The conjuncts stay as
 * filters.
 */
static void vers_narrow(const struct rel *r, struct sql_expr **conj,
    int nconj, unsigned *flags, uint64_t range[4])
{
	int base = r->goff + (int)r->td->ncols, i;
	int cf = base + 2, ct = base + 3, opc = base + 4, nod = 0;
	char ch;

	for (i = 0; i < nconj; i++) {
		const struct sql_expr *e = conj[i];
		if (e->k != E_OP || e->nargs != 2 || (e->op != OP_NE &&
		    e->op != OP_EQ))
			continue;
		if ((is_gcol(e->args[0], opc) && letter(e->args[1], &ch)) ||
		    (is_gcol(e->args[1], opc) && letter(e->args[0], &ch)))
			nod |= e->op == OP_NE ? ch == 'D' : ch == 'I' || ch == 'U';
	}
	if (!nod)
		return;
	*flags &= ~(unsigned)RDB_VERSIONS_DELETIONS;
	for (i = 0; i < nconj; i++) {
		const struct sql_expr *e = conj[i], *c, *k;
		int op, which;
		uint64_t lo = 0, hi = UINT64_MAX;
		int64_t v;
		if (e->k != E_OP)
			continue;
		if ((e->op == OP_IS_NULL || e->op == OP_IS_NOT_NULL) &&
		    e->nargs == 1 && is_gcol(e->args[0], ct)) {
			if (e->op == OP_IS_NULL)
				range[2] = UINT64_MAX;
			else if (range[3] == UINT64_MAX)
				range[3] = UINT64_MAX - 1;
			continue;
		}
		if (e->nargs != 2)
			continue;
		op = e->op;
		c = e->args[0];
		k = e->args[1];
		if (c->k != E_COL) {
			c = e->args[1];
			k = e->args[0];
			op = op == OP_LT ? OP_GT : op == OP_LE ? OP_GE :
			    op == OP_GT ? OP_LT : op == OP_GE ? OP_LE : op;
		}
		which = is_gcol(c, cf) ? 0 : is_gcol(c, ct) ? 2 : -1;
		if (which < 0 || k->k != E_CONST || k->val.null ||
		    !sql_is_intlike(k->val.t.id))
			continue;
		v = k->val.u.i;
		switch (op) {
		case OP_EQ:
			lo = hi = v < 0 ? 0 : (uint64_t)v;
			if (v < 0)
				lo = 1;		/* nothing */
			break;
		case OP_LT:
			if (v <= 0)
				lo = 1, hi = 0;
			else
				hi = (uint64_t)v - 1;
			break;
		case OP_LE:
			if (v < 0)
				lo = 1, hi = 0;
			else
				hi = (uint64_t)v;
			break;
		case OP_GT:
			lo = v < 0 ? 0 : (uint64_t)v + 1;
			break;
		case OP_GE:
			lo = v < 0 ? 0 : (uint64_t)v;
			break;
		default:
			continue;
		}
		/* a NULL rdb_commit_to compares as nothing */
		if (which == 2 && hi == UINT64_MAX)
			hi = UINT64_MAX - 1;
		if (lo > range[which])
			range[which] = lo;
		if (hi < range[which + 1])
			range[which + 1] = hi;
	}
}

/* Plan one base relation with its local conjuncts. */
/* The values an integer-like comparison p keeps, as [*a, *z). */
static void pred_interval(const struct rdb_pred *p, double *a, double *z)
{
	switch (p->op) {
	case RDB_CMP_EQ: *a = (double)p->i; *z = *a + 1; break;
	case RDB_CMP_LT: *z = (double)p->i; break;
	case RDB_CMP_LE: *z = (double)p->i + 1; break;
	case RDB_CMP_GT: *a = (double)p->i + 1; break;
	case RDB_CMP_GE: *a = (double)p->i; break;
	case RDB_CMP_BETWEEN: *a = (double)p->i; *z = (double)p->i2 + 1; break;
	}
}

/*
 * The share of table r's rows each conjunct i with a scan test
 * preds[zpred[i]] keeps, in csel[i], better than the guess from the
 * expression's form (there already) when the table can tell: a text
 * test is made on a sample of its rows (rdb_pred_sample); comparisons
 * of an integer-like column are measured together (x >= a AND x <= b is
 * one interval, not two independent tests) against the range its zone
 * maps give, the values taken as spread evenly over it.
 */
static void pred_estimates(struct bind *b, const struct rel *r,
    const struct rdb_pred *preds, const int *zpred, int nconj, double *csel)
{
	struct rdb_txn *txn = r->txn ? r->txn : b->x->txn;
	double rows = r->rows > 1 ? r->rows : 1, lo, hi, a, z, pa, pz, sel;
	uint8_t *done = sql_arena_alloc(b->a, (size_t)nconj + 1);
	int64_t mn, mx;
	uint64_t pass, seen;
	int i, j;

	if (done == NULL)
		return;		/* the guesses stand */
	memset(done, 0, (size_t)nconj + 1);
	for (i = 0; i < nconj; i++) {
		const struct rdb_pred *p = zpred[i] >= 0 ? &preds[zpred[i]] : NULL;
		if (p == NULL || done[i])
			continue;
		if (p->text != NULL) {
			/* small tables: a guess costs less than a read */
			if (r->rows < 4096 || rdb_pred_sample(txn, r->td->name,
			    p, &pass, &seen) != RDB_OK)
				continue;
			/* a test no sampled row passed keeps fewer than one
			 * in seen: say half that */
			csel[i] = pass > 0 ? (double)pass / (double)seen :
			    0.5 / (double)seen;
			continue;
		}
		if (p->set != NULL || p->is_double || p->is_decimal ||
		    rdb_column_range(txn, r->td->name, p->col, &mn, &mx) !=
		    RDB_OK)
			continue;
		lo = a = (double)mn;
		hi = z = (double)mx + 1;	/* the values as [lo, hi) */
		/* this and the later tests of the column, as one interval */
		for (j = i; j < nconj; j++) {
			const struct rdb_pred *q = zpred[j] >= 0 ?
			    &preds[zpred[j]] : NULL;
			if (q == NULL || q->col != p->col || q->text != NULL ||
			    q->set != NULL || q->is_double || q->is_decimal)
				continue;
			pa = lo;
			pz = hi;
			pred_interval(q, &pa, &pz);
			a = pa > a ? pa : a;
			z = pz < z ? pz : z;
			done[j] = 1;
			csel[j] = 1;
		}
		sel = z > a ? (z - a) / (hi - lo) : 0;
		/* a value in the range may be there: not less than a row */
		csel[i] = sel > 1 / rows ? sel : sel > 0 ? 1 / rows : 0.5 / rows;
	}
}

static int plan_rel(struct bind *b, int rel, struct sql_expr **conj,
    int nconj, const uint8_t *used, struct piece *pc)
{
	struct rel *r = &b->rels[rel];
	struct op *op;
	int *map = sql_arena_alloc(b->a, sizeof(int) * (size_t)(b->ncols + 1));
	int *zpred = sql_arena_alloc(b->a, sizeof(int) * (size_t)(nconj + 1));
	double *csel = sql_arena_alloc(b->a, sizeof(double) * (size_t)(nconj + 1));
	int i, n = 0;
	double est;

	if (map == NULL || zpred == NULL || csel == NULL)
		return oom(b->x);
	for (i = 0; i < b->ncols; i++)
		map[i] = -1;
	/* the filter applies its conditions in turn to the rows the earlier
	 * ones kept: the most selective first (stable, so ties keep the
	 * written order), unless one could fail (x <> 0 AND 10 / x > 1
	 * keeps its guard first) */
	for (i = 0; i < nconj && cannot_fail(conj[i]); i++)
		;
	for (i = i < nconj ? nconj : 1; i < nconj; i++) {
		struct sql_expr *e = conj[i];
		int j2 = i - 1;
		while (j2 >= 0 && conj_rank(conj[j2]) > conj_rank(e)) {
			conj[j2 + 1] = conj[j2];
			j2--;
		}
		conj[j2 + 1] = e;
	}
	for (i = 0; i < nconj; i++) {
		zpred[i] = -1;
		csel[i] = selectivity(conj[i]);
	}
	if (r->td != NULL) {
		size_t *cols = sql_arena_alloc(b->a, sizeof(size_t) *
		    (size_t)(r->ncols + 1));
		struct sql_type *types = sql_arena_alloc(b->a, sizeof(*types) *
		    (size_t)(r->ncols + 1));
		int *tcol = sql_arena_alloc(b->a, sizeof(int) * (size_t)(b->ncols + 1));
		struct rdb_pred *preds = sql_arena_alloc(b->a, sizeof(*preds) *
		    (size_t)(nconj + 1));
		int np = 0, nz;
		if (cols == NULL || types == NULL || tcol == NULL || preds == NULL)
			return oom(b->x);
		int ntab = r->versions ? (int)r->td->ncols : r->ncols;
		for (i = 0; i < ntab; i++) {
			int gcol = r->goff + i;
			tcol[gcol] = i;
			if (!used[gcol])
				continue;
			map[gcol] = n;
			cols[n] = (size_t)i;
			types[n++] = b->cols[gcol].t;
		}
		if (r->versions) {
			/* the pseudo-columns follow what the scan reads */
			unsigned flags = RDB_VERSIONS | RDB_VERSIONS_DELETIONS;
			uint64_t range[4] = { 0, r->vhi, r->vlo + 1, UINT64_MAX };
			struct sql_type *all = sql_arena_alloc(b->a, sizeof(*all) *
			    (size_t)(n + RDB_VERSIONS_EXTRA + 1));
			if (all == NULL)
				return oom(b->x);
			if (r->vhi < r->vlo) {
				range[0] = 1;	/* an empty range: nothing */
				range[1] = 0;
			}
			for (i = 0; i < n; i++)
				all[i] = types[i];
			for (i = 0; i < RDB_VERSIONS_EXTRA; i++) {
				map[r->goff + ntab + i] = n + i;
				tcol[r->goff + ntab + i] = -1;	/* no zone map */
				all[n + i] = b->cols[r->goff + ntab + i].t;
			}
			for (i = 0; i < nconj; i++)
				if (zone_pred(b, conj[i], rel, tcol, &preds[np]) &&
				    preds[np].col < (size_t)ntab)
					np++;
			nz = np;
			vers_narrow(r, conj, nconj, &flags, range);
			op = op_scan_versions(b->x, r->td->name, (size_t)n, cols, all,
			    preds, (size_t)np, flags, range);
			if (op == NULL)
				return b->x->cx.err.code ? b->x->cx.err.code : RDB_ENOMEM;
			op_scan_txn(op, r->txn, r->label);
			goto filters;
		}
		if (n == 0 && r->ncols > 0) {
			/* nothing read: the row count still needs a column */
			cols[n] = 0;
			types[n++] = b->cols[r->goff].t;
		}
		for (i = 0; i < nconj; i++)
			if (zone_pred(b, conj[i], rel, tcol, &preds[np]))
				zpred[i] = np++;
		/* the count EXPLAIN shows: those zone maps can serve */
		for (i = nz = 0; i < np; i++)
			nz += !preds[i].is_decimal;
		/* text tests after them: the zone maps' count stays theirs */
		for (i = 0; i < nconj; i++)
			if (zpred[i] < 0 && text_pred(b, conj[i], rel, tcol,
			    &preds[np]))
				zpred[i] = np++;
		pred_estimates(b, r, preds, zpred, nconj, csel);
		op = op_scan(b->x, r->td->name, (size_t)n, cols, types, preds,
		    (size_t)np, 0);
		if (op == NULL)
			return b->x->cx.err.code ? b->x->cx.err.code : RDB_ENOMEM;
		if (r->txn != NULL)
			op_scan_txn(op, r->txn, r->label);
		else if (r->td->nindexes > 0)
			index_scan(b, op, r->td, conj, nconj, rel, tcol);
filters:
		if (nz > 0) {
			size_t len = strlen(op->detail);
			snprintf(op->detail + len, sizeof(op->detail) - len,
			    ", %d zone-map predicate%s", nz, nz == 1 ? "" : "s");
		}
	} else {
		op = r->sub.op;
		r->sub.op = NULL;
		for (i = 0; i < r->ncols; i++)
			map[r->goff + i] = i;
	}
	est = r->rows;
	for (i = 0; i < nconj; i++)
		est *= csel[i];
	op->est = r->rows;
	if (nconj > 0) {
		struct sql_expr *all = and_all(b, conj, nconj), *m;
		if (all == NULL || (m = remap(b->x, b->a, all, map)) == NULL) {
			op_free(op);
			return b->x->cx.err.code ? b->x->cx.err.code : RDB_ENOMEM;
		}
		if ((op = op_filter(b->x, op, m)) == NULL)
			return RDB_ENOMEM;
		op_filter_zone(op, zpred, nconj);
		op->est = est;
	}
	pc->op = op;
	pc->map = map;
	pc->mask = 1ULL << rel;
	pc->est = est < 1 ? 1 : est;
	pc->base = r->rows;
	return 0;
}

/* At most how many distinct values join key e (a column) has: the rows
 * of its table, or fewer when the zone maps bound an integer column's
 * range (c_nationkey: 25). */
static double key_ndv(struct bind *b, const struct sql_expr *e)
{
	struct gcol *c;
	const struct rel *r;
	int64_t lo, hi;

	if (e->k != E_COL)
		return 1;
	c = &b->cols[e->col];
	r = &b->rels[c->rel];
	if (c->ndv > 0)
		return c->ndv;
	c->ndv = r->rows > 1 ? r->rows : 1;
	if (r->td != NULL && rdb_column_range(r->txn ? r->txn : b->x->txn,
	    r->td->name, (size_t)c->idx, &lo, &hi) == RDB_OK &&
	    (double)hi - (double)lo + 1 < c->ndv)
		c->ndv = (double)hi - (double)lo + 1;
	return c->ndv;
}

/* The divisor of a join on a = b: the smaller table's rows (a foreign
 * key meets a key), unless both keys have fewer distinct values. */
static double join_divisor(struct bind *b, const struct sql_expr *a,
    const struct sql_expr *e)
{
	double ra = a->k == E_COL ? b->rels[b->cols[a->col].rel].rows : 1;
	double re = e->k == E_COL ? b->rels[b->cols[e->col].rel].rows : 1;
	double d = ra < re ? ra : re;
	double na = key_ndv(b, a), ne = key_ndv(b, e);
	double m = na > ne ? na : ne;

	if (a->k == E_COL && e->k == E_COL && m < d)
		d = m;
	return d > 1 ? d : 1;
}

/* What building a hash table on piece p costs, in bytes copied: its
 * rows are stored a column at a time, then copied again when a probe
 * row matches. A wide build side costs more than a narrow one of as
 * many rows (TPC-H Q9: partsupp's 800,000 rows of 3 columns build
 * faster than the 330,000 of 9 that lineitem joined to part, orders and
 * supplier makes). */
static double build_cost(const struct piece *p)
{
	double w = 16;			/* the key's hash and chain */
	size_t c;

	for (c = 0; c < p->op->ncols; c++) {
		int id = p->op->types[c].id;
		w += id == T_DECIMAL ? 16 : sql_is_strlike(id) ? 32 : 8;
	}
	return p->est * w;
}

/* Join two pieces into one. */
static int join_pieces(struct bind *b, struct piece *l, struct piece *r,
    int kind, struct sql_expr **conj, int nconj, struct piece *out,
    int force_left_build)
{
	struct sql_expr **lk, **rk, **resid;
	int nk = 0, nres = 0, i, rc;
	int *map = sql_arena_alloc(b->a, sizeof(int) * (size_t)(b->ncols + 1));
	size_t lcols = l->op->ncols;
	double denom = 0, est;
	struct op *op;
	struct sql_expr *res = NULL;

	lk = sql_arena_alloc(b->a, sizeof(*lk) * (size_t)(nconj + 1));
	rk = sql_arena_alloc(b->a, sizeof(*rk) * (size_t)(nconj + 1));
	resid = sql_arena_alloc(b->a, sizeof(*resid) * (size_t)(nconj + 1));
	if (map == NULL || lk == NULL || rk == NULL || resid == NULL)
		return oom(b->x);
	for (i = 0; i < b->ncols; i++)
		map[i] = l->map[i] >= 0 ? l->map[i] :
		    r->map[i] >= 0 ? r->map[i] + (int)lcols : -1;
	for (i = 0; i < nconj; i++) {
		struct sql_expr *e = conj[i];
		if (e->k == E_OP && e->op == OP_EQ) {
			uint64_t m0 = rel_mask(b, e->args[0]), m1 = rel_mask(b, e->args[1]);
			struct sql_expr *a0 = NULL, *a1 = NULL;
			if (m0 && m1 && (m0 & ~l->mask) == 0 && (m1 & ~r->mask) == 0) {
				a0 = e->args[0];
				a1 = e->args[1];
			} else if (m0 && m1 && (m1 & ~l->mask) == 0 &&
			    (m0 & ~r->mask) == 0) {
				a0 = e->args[1];
				a1 = e->args[0];
			}
			if (a0 != NULL) {
				if ((lk[nk] = remap(b->x, b->a, a0, l->map)) == NULL ||
				    (rk[nk] = remap(b->x, b->a, a1, r->map)) == NULL)
					return b->x->cx.err.code;
				if (nk == 0) {
					double bl = a0->k == E_COL ?
					    b->rels[b->cols[a0->col].rel].rows : l->est;
					double br = a1->k == E_COL ?
					    b->rels[b->cols[a1->col].rel].rows : r->est;
					denom = bl < br ? bl : br;
					if (a0->k == E_COL && a1->k == E_COL)
						denom = join_divisor(b, a0, a1);
				}
				nk++;
				continue;
			}
		}
		resid[nres++] = e;
	}
	if (nres > 0) {
		struct sql_expr *all = and_all(b, resid, nres);
		if (all == NULL || (res = remap(b->x, b->a, all, map)) == NULL)
			return b->x->cx.err.code ? b->x->cx.err.code : RDB_ENOMEM;
	}
	if (kind >= JK_SEMI && nk == 0)
		return sql_error(&b->x->cx, "internal: a semi join without a key");
	if (nk > 0) {
		int build_right = build_cost(r) <= build_cost(l);
		if (kind == JK_ANTI_NA)
			build_right = 1;
		else if (kind != JK_INNER && kind < JK_SEMI) {
			build_right = !force_left_build;
			/* the preserved side much the smaller: build it and keep
			 * its unmatched rows (Q13: 150,000 customers, not 1.5M
			 * orders) */
			if (kind == JK_LEFT && l->est * 4 < r->est)
				build_right = 0;
			else if (kind == JK_RIGHT && r->est * 4 < l->est)
				build_right = 1;
		}
		est = l->est * r->est / (denom > 1 ? denom : 1);
		op = op_hashjoin(b->x, l->op, r->op, kind, (size_t)nk, lk, rk, res,
		    build_right);
	} else {
		est = l->est * r->est;
		op = op_nljoin(b->x, l->op, r->op, kind, res);
	}
	l->op = r->op = NULL;
	if (op == NULL)
		return b->x->cx.err.code ? b->x->cx.err.code : RDB_ENOMEM;
	for (i = 0; i < nres; i++)
		est *= selectivity(resid[i]);
	if (kind == JK_LEFT && est < l->est)
		est = l->est;
	if (kind >= JK_SEMI)
		est = l->est * 0.5;
	op->est = est;
	out->op = op;
	out->map = map;
	out->mask = l->mask | r->mask;
	out->est = est < 1 ? 1 : est;
	out->base = l->base > r->base ? l->base : r->base;
	rc = 0;
	return rc;
}

/* Plan an outer join node: each side as its own group. */
static int plan_outer(struct bind *b, struct sql_from *f, int first_rel,
    const uint8_t *used, struct piece *out)
{
	struct jgroup gl, gr;
	struct piece pl, pr;
	int next = first_rel, rc, kind;
	struct sql_expr **conj = NULL;
	int nconj = 0;

	memset(&gl, 0, sizeof(gl));
	memset(&gr, 0, sizeof(gr));
	memset(&pl, 0, sizeof(pl));
	memset(&pr, 0, sizeof(pr));
	if ((rc = flatten(b, f->l, &next, &gl)) != 0 ||
	    (rc = flatten(b, f->r, &next, &gr)) != 0)
		return rc;
	kind = f->jt == J_LEFT ? JK_LEFT : f->jt == J_RIGHT ? JK_RIGHT : JK_FULL;
	if (f->on != NULL) {
		struct jgroup tmp;
		int i;
		memset(&tmp, 0, sizeof(tmp));
		if ((rc = group_add_conj(b, &tmp, f->on)) != 0)
			return rc;
		/* ON conjuncts of the inner (non-preserved) side alone push
		 * down into it */
		conj = sql_arena_alloc(b->a, sizeof(*conj) * (size_t)(tmp.nconj + 1));
		if (conj == NULL)
			return oom(b->x);
		for (i = 0; i < tmp.nconj; i++) {
			uint64_t m = rel_mask(b, tmp.conj[i]);
			uint64_t rmask = 0, lmask = 0;
			int k;
			for (k = 0; k < gl.nunits; k++)
				lmask |= gl.units[k].mask;
			for (k = 0; k < gr.nunits; k++)
				rmask |= gr.units[k].mask;
			if (kind == JK_LEFT && m != 0 && (m & ~rmask) == 0)
				rc = group_add_conj(b, &gr, tmp.conj[i]);
			else if (kind == JK_RIGHT && m != 0 && (m & ~lmask) == 0)
				rc = group_add_conj(b, &gl, tmp.conj[i]);
			else {
				conj[nconj++] = tmp.conj[i];
				rc = 0;
			}
			if (rc != 0)
				return rc;
		}
	}
	if ((rc = plan_group(b, &gl, used, &pl)) != 0)
		return rc;
	if ((rc = plan_group(b, &gr, used, &pr)) != 0) {
		op_free(pl.op);
		return rc;
	}
	/* LEFT: build the right (inner) side; RIGHT: build the left. */
	rc = join_pieces(b, &pl, &pr, kind, conj, nconj, out,
	    kind == JK_RIGHT);
	op_free(pl.op);
	op_free(pr.op);
	return rc;
}

/*
 * Apply to piece p the semi and anti joins whose outer columns it
 * holds: at once when the derived table is much smaller than p (a
 * cheap filter before joins), else (force) when p is the whole FROM,
 * so that the outer side is as small as the joins make it.
 */
static int apply_semis(struct bind *b, struct piece *p, const uint8_t *used,
    int force)
{
	int i, rc;

	for (i = 0; i < b->nsemis; i++) {
		struct bsemi *s = &b->semis[i];
		uint64_t need = rel_mask(b, s->cond) & ~(1ULL << s->rel);
		struct sql_expr *conj[64];
		struct piece d, joined;
		int n;
		if (s->done || (need & ~p->mask) != 0)
			continue;
		if (!force && b->rels[s->rel].rows * 4 > p->est)
			continue;
		if ((n = split_and(s->cond, conj, 0, 64)) < 0)
			return sql_error(&b->x->cx, "too many conditions in a "
			    "subquery (at most 64)");
		memset(&d, 0, sizeof(d));
		if ((rc = plan_rel(b, s->rel, NULL, 0, used, &d)) != 0)
			return rc;
		rc = join_pieces(b, p, &d, s->kind, conj, n, &joined, 0);
		op_free(d.op);
		if (rc != 0)
			return rc;
		*p = joined;
		s->done = 1;
	}
	return 0;
}

static int plan_group(struct bind *b, struct jgroup *g, const uint8_t *used,
    struct piece *out)
{
	struct piece *p;
	struct sql_expr **local, **multi, **konst;
	int nmulti = 0, nkonst = 0, np, i, j, rc = 0;
	uint8_t *placed;

	p = calloc((size_t)g->nunits + 1, sizeof(*p));
	local = sql_arena_alloc(b->a, sizeof(*local) * (size_t)(g->nconj + 1));
	multi = sql_arena_alloc(b->a, sizeof(*multi) * (size_t)(g->nconj + 1));
	konst = sql_arena_alloc(b->a, sizeof(*konst) * (size_t)(g->nconj + 1));
	placed = sql_arena_alloc(b->a, (size_t)g->nconj + 1);
	if (p == NULL || local == NULL || multi == NULL || konst == NULL ||
	    placed == NULL) {
		free(p);
		return oom(b->x);
	}
	memset(placed, 0, (size_t)g->nconj + 1);
	for (i = 0; i < g->nunits; i++) {
		struct unit *u = &g->units[i];
		int nl = 0;
		for (j = 0; j < g->nconj; j++) {
			uint64_t m = rel_mask(b, g->conj[j]);
			if (!placed[j] && m != 0 && (m & ~u->mask) == 0 && !u->outer) {
				local[nl++] = g->conj[j];
				placed[j] = 1;
			}
		}
		if (u->outer) {
			rc = plan_outer(b, u->f, u->rel, used, &p[i]);
			if (rc == 0) {
				for (j = 0; j < g->nconj; j++) {
					uint64_t m = rel_mask(b, g->conj[j]);
					if (!placed[j] && m != 0 && (m & ~u->mask) == 0)
						local[nl++] = g->conj[j], placed[j] = 1;
				}
				if (nl > 0) {
					struct sql_expr *all = and_all(b, local, nl), *m;
					if (all == NULL || (m = remap(b->x, b->a, all,
					    p[i].map)) == NULL) {
						rc = b->x->cx.err.code;
					} else if ((p[i].op = op_filter(b->x, p[i].op,
					    m)) == NULL) {
						rc = RDB_ENOMEM;
					}
				}
			}
		} else {
			rc = plan_rel(b, u->rel, local, nl, used, &p[i]);
		}
		if (rc != 0)
			goto fail;
	}
	for (j = 0; j < g->nconj; j++) {
		if (placed[j])
			continue;
		if (rel_mask(b, g->conj[j]) == 0)
			konst[nkonst++] = g->conj[j];
		else
			multi[nmulti++] = g->conj[j];
	}
	np = g->nunits;
	for (i = 0; g->top && i < np; i++)
		if ((rc = apply_semis(b, &p[i], used, 0)) != 0)
			goto fail;
	while (np > 1) {
		int bi = -1, bj = -1;
		double best = 0;
		struct piece joined;
		struct sql_expr **use;
		int nuse = 0, k;
		/* the connected pair with the smallest estimated result */
		for (i = 0; i < np; i++)
			for (j = i + 1; j < np; j++) {
				uint64_t m = p[i].mask | p[j].mask;
				for (k = 0; k < nmulti; k++) {
					const struct sql_expr *e = multi[k];
					uint64_t m0, m1;
					double est, d0, d1;
					if (e->k != E_OP || e->op != OP_EQ)
						continue;
					m0 = rel_mask(b, e->args[0]);
					m1 = rel_mask(b, e->args[1]);
					if (!m0 || !m1 || ((m0 | m1) & ~m) != 0)
						continue;
					if (!(((m0 & ~p[i].mask) == 0 && (m1 & ~p[j].mask) == 0) ||
					    ((m1 & ~p[i].mask) == 0 && (m0 & ~p[j].mask) == 0)))
						continue;
					d0 = e->args[0]->k == E_COL ?
					    b->rels[b->cols[e->args[0]->col].rel].rows : 1;
					d1 = e->args[1]->k == E_COL ?
					    b->rels[b->cols[e->args[1]->col].rel].rows : 1;
					if (e->args[0]->k == E_COL && e->args[1]->k == E_COL)
						d0 = d1 = join_divisor(b, e->args[0], e->args[1]);
					est = p[i].est * p[j].est / ((d0 < d1 ? d0 : d1) > 1 ?
					    (d0 < d1 ? d0 : d1) : 1);
					if (bi < 0 || est < best) {
						bi = i;
						bj = j;
						best = est;
					}
				}
			}
		if (bi < 0) {
			/* no join condition: cross the two smallest */
			bi = 0;
			bj = 1;
			for (i = 0; i < np; i++)
				if (p[i].est < p[bi].est || bi == bj) {
					if (i != bj)
						bi = i;
				}
			for (j = 0; j < np; j++)
				if (j != bi && (bj == bi || p[j].est < p[bj].est))
					bj = j;
			if (bj == bi)
				bj = bi == 0 ? 1 : 0;
		}
		/* keep the larger side on the left (probe side) */
		if (p[bi].est < p[bj].est) {
			int t = bi;
			bi = bj;
			bj = t;
		}
		use = sql_arena_alloc(b->a, sizeof(*use) * (size_t)(nmulti + 1));
		if (use == NULL) {
			rc = oom(b->x);
			goto fail;
		}
		{
			uint64_t m = p[bi].mask | p[bj].mask;
			for (k = 0; k < nmulti; k++) {
				uint64_t mk = rel_mask(b, multi[k]);
				if ((mk & ~m) == 0) {
					use[nuse++] = multi[k];
					multi[k--] = multi[--nmulti];
				}
			}
		}
		rc = join_pieces(b, &p[bi], &p[bj], JK_INNER, use, nuse, &joined, 0);
		if (rc != 0)
			goto fail;
		if (g->top && (rc = apply_semis(b, &joined, used, 0)) != 0) {
			op_free(joined.op);
			goto fail;
		}
		p[bi] = joined;
		p[bj] = p[--np];
		if (bi == np)
			bi = bj;
	}
	if (nmulti > 0) {
		/* conjuncts over relations that were never joined by them
		 * (cannot happen after the loop, but keep them correct) */
		struct sql_expr *all = and_all(b, multi, nmulti), *m;
		if (all == NULL || (m = remap(b->x, b->a, all, p[0].map)) == NULL) {
			rc = b->x->cx.err.code ? b->x->cx.err.code : RDB_ENOMEM;
			goto fail;
		}
		if ((p[0].op = op_filter(b->x, p[0].op, m)) == NULL) {
			rc = RDB_ENOMEM;
			goto fail;
		}
	}
	if (g->top) {
		if ((rc = apply_semis(b, &p[0], used, 1)) != 0)
			goto fail;
		for (i = 0; i < b->nsemis; i++)
			if (!b->semis[i].done) {
				rc = sql_error(&b->x->cx, "internal: a subquery's "
				    "join was not placed");
				goto fail;
			}
	}
	if (nkonst > 0) {
		struct sql_expr *all = and_all(b, konst, nkonst), *m;
		double est = p[0].op->est;
		if (all == NULL || (m = remap(b->x, b->a, all, p[0].map)) == NULL) {
			rc = b->x->cx.err.code ? b->x->cx.err.code : RDB_ENOMEM;
			goto fail;
		}
		if ((p[0].op = op_filter(b->x, p[0].op, m)) == NULL) {
			rc = RDB_ENOMEM;
			goto fail;
		}
		p[0].op->est = est;
	}
	*out = p[0];
	free(p);
	return 0;
fail:
	for (i = 0; i < g->nunits; i++)
		op_free(p[i].op);
	free(p);
	return rc ? rc : RDB_ENOMEM;
}

/* ---- SELECT ---- */

/* The value of GROUPING() call c in grouping set s. */
static int64_t grouping_val(const struct bind *b, int c, int s)
{
	const struct gcall *g = &b->gcalls[c];
	int64_t v = 0;
	int i;

	for (i = 0; i < g->n; i++)
		if (!b->in[(size_t)s * (size_t)b->nkeys + (size_t)g->key[i]])
			v |= (int64_t)1 << (g->n - 1 - i);
	return v;
}

/* Rewrite a bound post-aggregation expression to the aggregate's output
 * layout: group keys become their columns, aggregates and GROUPING()
 * theirs, and any other column reference is an error. */
static struct sql_expr *to_agg(struct bind *b, struct sql_expr *e,
    const char *clause)
{
	int i;

	for (i = 0; i < b->nkeys; i++)
		if (expr_eq(e, b->keys[i]))
			return plan_col(b->a, i, e->t);
	if (e->k == E_AGG)
		return plan_col(b->a, b->aggoff + e->col, e->t);
	if (e->k == E_GROUPING) {
		struct sql_expr *c;
		if (b->gcol >= 0)
			return plan_col(b->a, b->gcol + e->col, e->t);
		if ((c = new_expr(b->a, E_CONST, e->pos)) == NULL) {
			oom(b->x);
			return NULL;
		}
		c->t = e->t;
		c->val.t = e->t;
		c->val.u.i = grouping_val(b, e->col, 0);
		return c;
	}
	if (e->k == E_COL) {
		sql_err_at(b->x, e->pos, "column '%s' must appear in GROUP BY or "
		    "be used in an aggregate function%s%s",
		    b->cols[e->col].name, clause ? " in " : "", clause ? clause : "");
		return NULL;
	}
	if (e->nargs > 0) {
		struct sql_expr *c = sql_arena_alloc(b->a, sizeof(*c));
		if (c == NULL) {
			oom(b->x);
			return NULL;
		}
		*c = *e;
		c->args = sql_arena_alloc(b->a, sizeof(*c->args) * (size_t)e->nargs);
		if (c->args == NULL) {
			oom(b->x);
			return NULL;
		}
		for (i = 0; i < e->nargs; i++) {
			if (e->args[i] == NULL) {
				c->args[i] = NULL;
				continue;
			}
			c->args[i] = to_agg(b, e->args[i], clause);
			if (c->args[i] == NULL)
				return NULL;
		}
		return c;
	}
	return e;
}

static int has_agg(const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 0;
	if (e->k == E_FUNC && e->over != NULL) {
		/* a window function: aggregates only inside it */
		const struct sql_window *w = e->over;
		for (i = 0; i < e->nargs; i++)
			if (has_agg(e->args[i]))
				return 1;
		for (i = 0; i < w->npart; i++)
			if (has_agg(w->part[i]))
				return 1;
		for (i = 0; i < w->norder; i++)
			if (has_agg(w->order[i].e))
				return 1;
		return has_agg(e->filter);
	}
	if (e->k == E_FUNC && sql_agg_find(e->name) != AGG_NONE)
		return 1;
	for (i = 0; i < e->nargs; i++)
		if (has_agg(e->args[i]))
			return 1;
	return 0;
}

static struct sql_expr **copy_exprs(struct sql_arena *a,
    struct sql_expr *const *v, int n);

static struct sql_window *window_copy(struct sql_arena *a,
    const struct sql_window *w)
{
	struct sql_window *c = sql_arena_alloc(a, sizeof(*c));
	int i;

	if (c == NULL)
		return NULL;
	*c = *w;
	if ((w->part && (c->part = copy_exprs(a, w->part, w->npart)) == NULL) ||
	    (w->soff && (c->soff = copy_tree(a, w->soff)) == NULL) ||
	    (w->eoff && (c->eoff = copy_tree(a, w->eoff)) == NULL))
		return NULL;
	if (w->order != NULL) {
		c->order = sql_arena_alloc(a, sizeof(*c->order) *
		    (size_t)(w->norder + 1));
		if (c->order == NULL)
			return NULL;
		for (i = 0; i < w->norder; i++) {
			c->order[i] = w->order[i];
			if ((c->order[i].e = copy_tree(a, w->order[i].e)) == NULL)
				return NULL;
		}
	}
	return c;
}

static struct sql_expr *copy_tree(struct sql_arena *a,
    const struct sql_expr *e)
{
	struct sql_expr *c;
	int i;

	if (e == NULL)
		return NULL;
	c = sql_arena_alloc(a, sizeof(*c));
	if (c == NULL)
		return NULL;
	*c = *e;
	if (e->nargs > 0) {
		c->args = sql_arena_alloc(a, sizeof(*c->args) * (size_t)e->nargs);
		if (c->args == NULL)
			return NULL;
		for (i = 0; i < e->nargs; i++) {
			c->args[i] = copy_tree(a, e->args[i]);
			if (e->args[i] != NULL && c->args[i] == NULL)
				return NULL;
		}
	}
	if (e->filter != NULL && (c->filter = copy_tree(a, e->filter)) == NULL)
		return NULL;
	if (e->order != NULL && (c->order = copy_tree(a, e->order)) == NULL)
		return NULL;
	if (e->sub != NULL && (c->sub = sql_select_copy(a, e->sub)) == NULL)
		return NULL;
	if (e->over != NULL && (c->over = window_copy(a, e->over)) == NULL)
		return NULL;
	return c;
}

struct sql_expr *plan_expr_copy(struct sql_arena *a, const struct sql_expr *e)
{
	return copy_tree(a, e);
}

static struct sql_expr **copy_exprs(struct sql_arena *a,
    struct sql_expr *const *v, int n)
{
	struct sql_expr **c;
	int i;

	if (v == NULL)
		return NULL;
	c = sql_arena_alloc(a, sizeof(*c) * (size_t)(n ? n : 1));
	if (c == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (v[i] != NULL && (c[i] = copy_tree(a, v[i])) == NULL)
			return NULL;
		else if (v[i] == NULL)
			c[i] = NULL;
	return c;
}

static struct sql_from *from_copy(struct sql_arena *a,
    const struct sql_from *f)
{
	struct sql_from *c;

	if (f == NULL)
		return NULL;
	if ((c = sql_arena_alloc(a, sizeof(*c))) == NULL)
		return NULL;
	*c = *f;
	if ((f->sub && (c->sub = sql_select_copy(a, f->sub)) == NULL) ||
	    (f->l && (c->l = from_copy(a, f->l)) == NULL) ||
	    (f->r && (c->r = from_copy(a, f->r)) == NULL) ||
	    (f->on && (c->on = copy_tree(a, f->on)) == NULL))
		return NULL;
	return c;
}

struct sql_select *sql_select_copy(struct sql_arena *a,
    const struct sql_select *s)
{
	struct sql_select *c;
	int i;

	if (s == NULL)
		return NULL;
	if ((c = sql_arena_alloc(a, sizeof(*c))) == NULL)
		return NULL;
	*c = *s;
	if ((s->items && (c->items = copy_exprs(a, s->items, s->nitems)) == NULL) ||
	    (s->from && (c->from = from_copy(a, s->from)) == NULL) ||
	    (s->where && (c->where = copy_tree(a, s->where)) == NULL) ||
	    (s->group && (c->group = copy_exprs(a, s->group, s->ngroup)) == NULL) ||
	    (s->having && (c->having = copy_tree(a, s->having)) == NULL) ||
	    (s->limit && (c->limit = copy_tree(a, s->limit)) == NULL) ||
	    (s->offset && (c->offset = copy_tree(a, s->offset)) == NULL) ||
	    (s->sl && (c->sl = sql_select_copy(a, s->sl)) == NULL) ||
	    (s->sr && (c->sr = sql_select_copy(a, s->sr)) == NULL) ||
	    (s->qualify && (c->qualify = copy_tree(a, s->qualify)) == NULL) ||
	    (s->don && (c->don = copy_exprs(a, s->don, s->ndon)) == NULL))
		return NULL;
	if (s->nwindows > 0) {
		c->windows = sql_arena_alloc(a, sizeof(*c->windows) *
		    (size_t)s->nwindows);
		if (c->windows == NULL)
			return NULL;
		for (i = 0; i < s->nwindows; i++)
			if ((c->windows[i] = window_copy(a, s->windows[i])) == NULL)
				return NULL;
	}
	if (s->order != NULL) {
		c->order = sql_arena_alloc(a, sizeof(*c->order) * (size_t)s->norder);
		if (c->order == NULL)
			return NULL;
		for (i = 0; i < s->norder; i++) {
			c->order[i] = s->order[i];
			if ((c->order[i].e = copy_tree(a, s->order[i].e)) == NULL)
				return NULL;
		}
	}
	if (s->nsemis > 0) {
		c->semis = sql_arena_alloc(a, sizeof(*c->semis) * (size_t)s->nsemis);
		if (c->semis == NULL)
			return NULL;
		for (i = 0; i < s->nsemis; i++) {
			c->semis[i] = s->semis[i];
			if ((c->semis[i].d = from_copy(a, s->semis[i].d)) == NULL ||
			    (c->semis[i].cond = copy_tree(a, s->semis[i].cond)) == NULL)
				return NULL;
		}
	}
	if (s->vrows != NULL) {
		c->vrows = sql_arena_alloc(a, sizeof(*c->vrows) * (size_t)s->nvrows);
		if (c->vrows == NULL)
			return NULL;
		for (i = 0; i < s->nvrows; i++)
			if ((c->vrows[i] = copy_exprs(a, s->vrows[i], s->nitems)) == NULL)
				return NULL;
	}
	return c;
}

static int const_int(struct exec *x, struct sql_arena *a, struct sql_expr *e,
    const char *what, int64_t *v)
{
	struct sql_expr *b;
	struct sql_val val;
	struct sql_type it = { T_BIGINT, 0, 0 };
	int rc;

	if ((rc = plan_bind_const(x, a, e, &b)) != 0)
		return rc;
	if ((rc = plan_coerce(x, a, &b, it)) != 0)
		return rc;
	if ((rc = sql_eval_const(x, b, &val, a)) != 0)
		return rc;
	if (val.null)
		*v = -1;
	else if (val.u.i < 0)
		return sql_err_at(x, e->pos, "%s must not be negative", what);
	else
		*v = val.u.i;
	return 0;
}

static int plan_values(struct exec *x, struct sql_arena *a,
    struct sql_select *sel, struct plan_out *out)
{
	int r, c, rc;
	struct sql_type *t;
	struct bind b;

	memset(&b, 0, sizeof(b));
	b.x = x;
	b.a = a;
	b.clause = "VALUES";
	t = sql_arena_alloc(a, sizeof(*t) * (size_t)(sel->nitems + 1));
	out->names = sql_arena_alloc(a, sizeof(char *) * (size_t)(sel->nitems + 1));
	if (t == NULL || out->names == NULL)
		return oom(x);
	for (c = 0; c < sel->nitems; c++) {
		struct sql_expr acc;
		memset(&acc, 0, sizeof(acc));
		acc.t.id = T_NULL;
		acc.flags = EF_STRLIT;
		for (r = 0; r < sel->nvrows; r++) {
			struct sql_expr **ep = &sel->vrows[r][c];
			if ((rc = bind(&b, ep)) != 0)
				return rc;
			if (r == 0) {
				acc.t = (*ep)->t;
				acc.flags = (*ep)->flags & EF_STRLIT;
				continue;
			}
			if ((rc = common_type(x, &acc, *ep, &acc.t, (*ep)->pos)) != 0)
				return rc;
			acc.flags &= (*ep)->flags & EF_STRLIT;
		}
		if (acc.t.id == T_NULL)
			acc.t.id = T_TEXT;
		for (r = 0; r < sel->nvrows; r++)
			if ((rc = plan_coerce(x, a, &sel->vrows[r][c], acc.t)) != 0)
				return rc;
		t[c] = acc.t;
		out->names[c] = sql_arena_alloc(a, 24);
		if (out->names[c] == NULL)
			return oom(x);
		snprintf(out->names[c], 24, "column%d", c + 1);
	}
	out->op = op_values(x, (size_t)sel->nitems, t, (size_t)sel->nvrows,
	    sel->vrows);
	if (out->op == NULL)
		return RDB_ENOMEM;
	out->op->est = sel->nvrows;
	out->ncols = (size_t)sel->nitems;
	out->types = out->op->types;
	return 0;
}

/* Append item e named name to the select list (arrays in a). */
static int item_add(struct sql_arena *a, struct sql_expr ***items,
    char ***names, int *n, int *cap, struct sql_expr *e, char *name)
{
	if (*n + 1 >= *cap) {
		int nc = *cap ? *cap * 2 : 32;
		struct sql_expr **ni = sql_arena_alloc(a, sizeof(*ni) * (size_t)nc);
		char **nn = sql_arena_alloc(a, sizeof(*nn) * (size_t)nc);
		if (ni == NULL || nn == NULL)
			return -1;
		if (*n) {
			memcpy(ni, *items, sizeof(*ni) * (size_t)*n);
			memcpy(nn, *names, sizeof(*nn) * (size_t)*n);
		}
		*items = ni;
		*names = nn;
		*cap = nc;
	}
	(*items)[*n] = e;
	(*names)[(*n)++] = name;
	return 0;
}

static struct sql_expr *const_bigint(struct sql_arena *a, int64_t v)
{
	struct sql_expr *e = new_expr(a, E_CONST, 0);

	if (e != NULL) {
		e->t.id = T_BIGINT;
		e->val.t = e->t;
		e->val.u.i = v;
	}
	return e;
}

/* op with its columns converted to types t (and, when side >= 0, one
 * more column: the constant side). */
static struct op *setop_side(struct exec *x, struct sql_arena *a,
    struct op *op, size_t n, const struct sql_type *t, int side)
{
	struct sql_expr **proj = sql_arena_alloc(a, sizeof(*proj) * (n + 2));
	size_t i;

	if (proj == NULL) {
		op_free(op);
		oom(x);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		proj[i] = plan_col(a, (int)i, op->types[i]);
		if (proj[i] == NULL || plan_coerce(x, a, &proj[i], t[i]) != 0) {
			op_free(op);
			if (proj[i] == NULL)
				oom(x);
			return NULL;
		}
	}
	if (side >= 0 && (proj[n] = const_bigint(a, side)) == NULL) {
		op_free(op);
		oom(x);
		return NULL;
	}
	return op_project(x, op, n + (side >= 0), proj);
}

/* UNION [ALL], INTERSECT [ALL], EXCEPT [ALL] of two planned queries. */
static int plan_setop(struct exec *x, struct sql_arena *a,
    struct sql_select *sel, struct plan_out *out)
{
	static const char *const names[] = { "", "UNION", "INTERSECT", "EXCEPT" };
	struct plan_out l, r;
	struct sql_type *t;
	struct op *op = NULL;
	size_t n, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = plan_select(x, a, sel->sl, &l)) != 0)
		return rc;
	if ((rc = plan_select(x, a, sel->sr, &r)) != 0) {
		op_free(l.op);
		return rc;
	}
	n = l.ncols;
	if (r.ncols != n) {
		op_free(l.op);
		op_free(r.op);
		return sql_error(&x->cx, "each side of %s must have the same "
		    "number of columns (%zu and %zu)", names[sel->setop], l.ncols,
		    r.ncols);
	}
	t = sql_arena_alloc(a, sizeof(*t) * (n + 1));
	if (t == NULL) {
		op_free(l.op);
		op_free(r.op);
		return oom(x);
	}
	for (i = 0; i < n; i++) {
		struct sql_expr el, er;
		memset(&el, 0, sizeof(el));
		memset(&er, 0, sizeof(er));
		el.t = l.types[i];
		er.t = r.types[i];
		if ((rc = common_type(x, &el, &er, &t[i], 0)) != 0) {
			op_free(l.op);
			op_free(r.op);
			return rc;
		}
		if (t[i].id == T_NULL)
			t[i].id = T_TEXT;
	}
	if (sel->setop == SET_UNION) {
		struct op *lo = setop_side(x, a, l.op, n, t, -1);
		struct op *ro = lo ? setop_side(x, a, r.op, n, t, -1) : NULL;
		if (lo == NULL || ro == NULL) {
			op_free(lo);
			if (lo == NULL)
				op_free(r.op);
			return x->cx.err.code ? x->cx.err.code : RDB_ENOMEM;
		}
		op = op_concat(x, lo, ro);
		if (op != NULL && !sel->setall) {
			struct sql_expr **gk = sql_arena_alloc(a, sizeof(*gk) * (n + 1));
			if (gk == NULL) {
				op_free(op);
				return oom(x);
			}
			for (i = 0; i < n; i++)
				gk[i] = plan_col(a, (int)i, t[i]);
			op = op_hashagg(x, op, n, gk, 0, NULL);
			if (op != NULL)
				snprintf(op->detail, sizeof(op->detail), "UNION");
		}
	} else {
		/* both sides, tagged 0 and 1, grouped; a group's two counts
		 * say how often the row is kept */
		struct op *lo = setop_side(x, a, l.op, n, t, 0);
		struct op *ro = lo ? setop_side(x, a, r.op, n, t, 1) : NULL;
		struct sql_expr **gk = sql_arena_alloc(a, sizeof(*gk) * (n + 1));
		struct sql_expr **proj = sql_arena_alloc(a, sizeof(*proj) * (n + 2));
		struct agg_spec *ag = sql_arena_alloc(a, sizeof(*ag) * 2);
		struct sql_type bt = { T_BIGINT, 0, 0 };
		struct sql_expr *cl, *cr, *keep;
		int k;
		if (lo == NULL || ro == NULL || gk == NULL || proj == NULL ||
		    ag == NULL) {
			op_free(lo);
			if (lo == NULL)
				op_free(r.op);
			op_free(ro);
			return x->cx.err.code ? x->cx.err.code : oom(x);
		}
		op = op_concat(x, lo, ro);
		if (op == NULL)
			return RDB_ENOMEM;
		for (i = 0; i < n; i++)
			gk[i] = plan_col(a, (int)i, t[i]);
		memset(ag, 0, sizeof(*ag) * 2);
		for (k = 0; k < 2; k++) {
			struct sql_expr *eq = mk_op(a, OP_EQ, 0,
			    plan_col(a, (int)n, bt), const_bigint(a, k));
			if (eq == NULL)
				return oom(x);
			eq->t.id = T_BOOL;
			ag[k].fn = AGG_COUNT_STAR;
			ag[k].filter = eq;
			ag[k].t = bt;
		}
		op = op_hashagg(x, op, n, gk, 2, ag);
		if (op == NULL)
			return RDB_ENOMEM;
		snprintf(op->detail, sizeof(op->detail), "%s%s",
		    names[sel->setop], sel->setall ? " ALL" : "");
		cl = plan_col(a, (int)n, bt);
		cr = plan_col(a, (int)n + 1, bt);
		for (i = 0; i < n; i++)
			proj[i] = plan_col(a, (int)i, t[i]);
		if (!sel->setall) {
			struct sql_expr *a1 = mk_op(a, OP_GT, 0, cl, const_bigint(a, 0));
			struct sql_expr *a2 = mk_op(a, sel->setop == SET_INTERSECT ?
			    OP_GT : OP_EQ, 0, cr, const_bigint(a, 0));
			keep = a1 && a2 ? mk_op(a, OP_AND, 0, a1, a2) : NULL;
			if (keep == NULL)
				return oom(x);
			a1->t.id = a2->t.id = keep->t.id = T_BOOL;
			if ((op = op_filter(x, op, keep)) == NULL)
				return RDB_ENOMEM;
			op = op_project(x, op, n, proj);
		} else {
			/* INTERSECT ALL: min(l, r) copies; EXCEPT ALL: l - r */
			struct sql_expr *times;
			if (sel->setop == SET_EXCEPT) {
				times = mk_op(a, OP_SUB, 0, cl, cr);
			} else {
				struct sql_expr *lt = mk_op(a, OP_LT, 0, cl, cr);
				times = new_expr(a, E_CASE, 0);
				if (times == NULL || lt == NULL || (times->args =
				    sql_arena_alloc(a, sizeof(*times->args) * 3)) == NULL)
					return oom(x);
				lt->t.id = T_BOOL;
				times->nargs = 3;
				times->flags = EF_CASE_ELSE;
				times->args[0] = lt;
				times->args[1] = plan_col(a, (int)n, bt);
				times->args[2] = plan_col(a, (int)n + 1, bt);
			}
			if (times == NULL)
				return oom(x);
			times->t = bt;
			proj[n] = times;
			if ((op = op_project(x, op, n + 1, proj)) == NULL)
				return RDB_ENOMEM;
			op = op_repeat(x, op);
		}
	}
	if (op == NULL)
		return x->cx.err.code ? x->cx.err.code : RDB_ENOMEM;
	out->op = op;
	out->ncols = n;
	out->names = l.names;
	out->types = op->types;
	return 0;
}

/* Collect the places of the E_WINDOW nodes in *ep. */
static int find_windows(struct bind *b, struct sql_expr **ep,
    struct sql_expr ****v, int *n, int *cap)
{
	struct sql_expr *e = *ep;
	int i, rc;

	if (e == NULL)
		return 0;
	if (e->k == E_WINDOW) {
		if (sql_arena_grow(b->a, v, *n, cap, sizeof(**v), 8) != 0)
			return oom(b->x);
		(*v)[(*n)++] = ep;
		return 0;
	}
	for (i = 0; i < e->nargs; i++)
		if ((rc = find_windows(b, &e->args[i], v, n, cap)) != 0)
			return rc;
	return 0;
}

/* Do two window calls share partition and order (one sort serves)? */
static int same_window(const struct sql_expr *a, const struct sql_expr *b)
{
	const struct sql_window *wa = a->over, *wb = b->over;
	int i;

	if (wa->npart != wb->npart || wa->norder != wb->norder)
		return 0;
	for (i = 0; i < wa->npart; i++)
		if (!expr_eq(a->args[wa->nfargs + i], b->args[wb->nfargs + i]))
			return 0;
	for (i = 0; i < wa->norder; i++)
		if (!expr_eq(a->args[wa->nfargs + wa->npart + i],
		    b->args[wb->nfargs + wb->npart + i]) ||
		    wa->order[i].desc != wb->order[i].desc ||
		    wa->order[i].nulls != wb->order[i].nulls)
			return 0;
	return 1;
}

/*
 * The GROUP BY keys of an aggregating query without duplicates, and
 * its grouping sets as flags over them (b->keys, b->in). Two keys are
 * one when their bound trees are equal (GROUP BY a, ROLLUP (a, b)).
 */
static int grouping_sets(struct bind *b, const struct sql_select *sel,
    struct sql_expr **groups)
{
	int *kidx = sql_arena_alloc(b->a, sizeof(int) *
	    (size_t)(sel->ngroup + 1));
	uint8_t *in;
	int i, k, s;

	b->keys = sql_arena_alloc(b->a, sizeof(*b->keys) *
	    (size_t)(sel->ngroup + 1));
	if (kidx == NULL || b->keys == NULL)
		return oom(b->x);
	b->nkeys = 0;
	for (i = 0; i < sel->ngroup; i++) {
		for (k = 0; k < b->nkeys; k++)
			if (expr_eq(groups[i], b->keys[k]))
				break;
		if (k == b->nkeys)
			b->keys[b->nkeys++] = groups[i];
		kidx[i] = k;
	}
	b->nsets = sel->ngsets > 0 ? sel->ngsets : 1;
	in = sql_arena_alloc(b->a, (size_t)b->nsets * (size_t)b->nkeys + 1);
	if (in == NULL)
		return oom(b->x);
	memset(in, sel->ngsets > 0 ? 0 : 1, (size_t)b->nsets * (size_t)b->nkeys);
	for (s = 0; s < sel->ngsets; s++)
		for (i = 0; i < sel->gsets[s].n; i++) {
			k = kidx[sel->gsets[s].keys[i]];
			in[(size_t)s * (size_t)b->nkeys + (size_t)k] = 1;
		}
	b->in = in;
	return 0;
}

/* Is grouping set s empty? */
static int set_empty(const struct bind *b, int s)
{
	int k;

	for (k = 0; k < b->nkeys; k++)
		if (b->in[(size_t)s * (size_t)b->nkeys + (size_t)k])
			return 0;
	return 1;
}

/*
 * Window functions over *opp: for each set of calls sharing a window,
 * project the partition keys, order keys and arguments, sort by the
 * keys and add a WINDOW operator whose result columns follow the input
 * columns; each call's node becomes a reference to its column.
 */
static int plan_windows(struct bind *b, struct op **opp,
    struct sql_expr ***nodes, int nnodes)
{
	struct exec *x = b->x;
	uint8_t *done = sql_arena_alloc(b->a, (size_t)nnodes + 1);
	int i, j, k;

	if (done == NULL)
		return oom(x);
	memset(done, 0, (size_t)nnodes + 1);
	for (i = 0; i < nnodes; i++) {
		struct sql_expr *lead = *nodes[i];
		const struct sql_window *lw = lead->over;
		size_t m = (*opp)->ncols, np = m, nf = 0, nkeys;
		struct sql_expr **proj;
		struct win_spec *specs;
		struct sort_key *keys;
		int *pcols, *members, nmem = 0, cap = (int)m + 1;
		double est = (*opp)->est;
		if (done[i])
			continue;
		members = sql_arena_alloc(b->a, sizeof(int) * (size_t)(nnodes + 1));
		if (members == NULL)
			return oom(x);
		for (j = i; j < nnodes; j++)
			if (!done[j] && same_window(lead, *nodes[j])) {
				members[nmem++] = j;
				done[j] = 1;
				cap += (*nodes[j])->nargs;
			}
		proj = sql_arena_alloc(b->a, sizeof(*proj) * (size_t)(cap + 1));
		specs = sql_arena_alloc(b->a, sizeof(*specs) * (size_t)(nmem + 1));
		keys = sql_arena_alloc(b->a, sizeof(*keys) * (size_t)(lw->npart +
		    lw->norder + 1));
		pcols = sql_arena_alloc(b->a, sizeof(int) * (size_t)(lw->npart + 1));
		if (proj == NULL || specs == NULL || keys == NULL || pcols == NULL)
			return oom(x);
		for (k = 0; k < (int)m; k++)
			if ((proj[k] = plan_col(b->a, k, (*opp)->types[k])) == NULL)
				return oom(x);
		/* the keys, from the first call */
		nkeys = 0;
		for (k = 0; k < lw->npart; k++) {
			proj[np] = lead->args[lw->nfargs + k];
			pcols[k] = (int)np;
			keys[nkeys].col = (int)np++;
			keys[nkeys].desc = 0;
			keys[nkeys++].nulls_first = 0;
		}
		for (k = 0; k < lw->norder; k++) {
			const struct sql_order *o = &lw->order[k];
			proj[np] = lead->args[lw->nfargs + lw->npart + k];
			keys[nkeys].col = (int)np++;
			keys[nkeys].desc = o->desc;
			keys[nkeys++].nulls_first = o->nulls == 1 ||
			    (o->nulls == 0 && o->desc);
		}
		/* each call's arguments */
		for (k = 0; k < nmem; k++) {
			struct sql_expr *e = *nodes[members[k]];
			const struct sql_window *w = e->over;
			struct win_spec *s = &specs[nf++];
			int a;
			memset(s, 0, sizeof(*s));
			s->fn = w->fn;
			s->t = e->t;
			s->arg[0] = s->arg[1] = s->arg[2] = -1;
			s->filter = -1;
			for (a = 0; a < w->nfargs && a < 3; a++) {
				proj[np] = e->args[a];
				s->arg[a] = (int)np++;
			}
			if (w->hasfilter) {
				proj[np] = e->args[e->nargs - 1];
				s->filter = (int)np++;
			}
			if (w->fn == WFN_AGG) {
				s->agg.fn = w->aggfn;
				s->agg.t = e->t;
				s->agg.arg = w->nfargs > 0 ? e->args[0] : NULL;
				s->agg.arg2 = w->nfargs > 1 ? e->args[1] : NULL;
				s->agg.distinct = w->distinct;
			}
			s->ignore_nulls = w->ignore_nulls;
			s->unit = w->unit;
			s->start = w->start;
			s->end = w->end;
			s->exclude = w->exclude;
			s->soff = w->soffn;
			s->eoff = w->eoffn;
			s->sdoff = w->soffd;
			s->edoff = w->eoffd;
		}
		if ((*opp = op_project(x, *opp, np, proj)) == NULL)
			return RDB_ENOMEM;
		(*opp)->est = est;
		if (nkeys > 0) {
			*opp = op_sort(x, *opp, nkeys, keys, -1, np);
			if (*opp == NULL)
				return RDB_ENOMEM;
			(*opp)->est = est;
		}
		{
			struct sort_key *okeys = keys + lw->npart;
			*opp = op_window(x, *opp, m, (size_t)lw->npart, pcols,
			    (size_t)lw->norder, okeys, nf, specs);
			if (*opp == NULL)
				return RDB_ENOMEM;
			(*opp)->est = est;
		}
		/* the calls are now columns m, m + 1, … */
		for (k = 0; k < nmem; k++) {
			struct sql_expr *e = *nodes[members[k]];
			struct sql_type t = e->t;
			uint32_t pos = e->pos;
			memset(e, 0, sizeof(*e));
			e->k = E_COL;
			e->col = (int)m + k;
			e->t = t;
			e->pos = pos;
		}
	}
	return 0;
}

/*
 * The hash aggregate over *op, whose layout map gives. One grouping set
 * groups by its keys. Several go through one aggregate: op_expand sends
 * each row once per set, with the keys the set lacks NULL, the set's
 * number (so that the sets' groups never merge, not even those of two
 * equal sets) and the values of the query's GROUPING() calls, all of
 * them keys of the aggregate; aggregates read the row's own columns,
 * after those. An empty set has its group even with no input.
 */
static int plan_agg(struct bind *b, struct op **op, const int *map)
{
	struct exec *x = b->x;
	struct sql_arena *a = b->a;
	int nk = b->nkeys, nc = 1 + b->ngcalls, multi = b->nsets > 1;
	int ngk = multi ? nk + nc : nk, i, s, k;
	struct sql_expr **gk = sql_arena_alloc(a, sizeof(*gk) *
	    (size_t)(ngk + 1));
	struct agg_spec *ag = sql_arena_alloc(a, sizeof(*ag) *
	    (size_t)(b->naggs + 1));
	int *amap = sql_arena_alloc(a, sizeof(int) * (size_t)(b->ncols + 1));
	double est = (*op)->est;

	if (gk == NULL || ag == NULL || amap == NULL)
		return oom(x);
	for (i = 0; i < nk; i++)
		if ((gk[i] = remap(x, a, b->keys[i], map)) == NULL)
			return x->cx.err.code;
	/* where the aggregates' arguments are */
	for (i = 0; i < b->ncols; i++)
		amap[i] = !multi || map[i] < 0 ? map[i] : map[i] + nk + nc;
	if (multi) {
		int64_t *cst = sql_arena_alloc(a, sizeof(*cst) * (size_t)b->nsets *
		    (size_t)nc);
		if (cst == NULL)
			return oom(x);
		for (s = 0; s < b->nsets; s++) {
			cst[(size_t)s * (size_t)nc] = s;
			for (k = 0; k < b->ngcalls; k++)
				cst[(size_t)s * (size_t)nc + 1 + (size_t)k] =
				    grouping_val(b, k, s);
		}
		*op = op_expand(x, *op, (size_t)nk, gk, (size_t)b->nsets, b->in,
		    (size_t)nc, cst);
		if (*op == NULL)
			return RDB_ENOMEM;
		/* the expansion owns those; the aggregate's keys are its
		 * first columns */
		if ((gk = sql_arena_alloc(a, sizeof(*gk) * (size_t)(ngk + 1))) ==
		    NULL)
			return oom(x);
		for (i = 0; i < ngk; i++)
			if ((gk[i] = plan_col(a, i, (*op)->types[i])) == NULL)
				return oom(x);
	}
	for (i = 0; i < b->naggs; i++) {
		ag[i] = b->aggs[i];
		if ((ag[i].arg && (ag[i].arg = remap(x, a, b->aggs[i].arg,
		    amap)) == NULL) ||
		    (ag[i].arg2 && (ag[i].arg2 = remap(x, a, b->aggs[i].arg2,
		    amap)) == NULL) ||
		    (ag[i].filter && (ag[i].filter = remap(x, a, b->aggs[i].filter,
		    amap)) == NULL))
			return x->cx.err.code;
	}
	*op = op_hashagg(x, *op, (size_t)ngk, gk, (size_t)b->naggs, ag);
	if (*op == NULL)
		return RDB_ENOMEM;
	(*op)->est = (nk == 0 ? 1 : sqrt(est) + 1) * b->nsets;
	b->aggoff = ngk;
	b->gcol = multi ? nk + 1 : -1;
	if (multi) {
		/* the empty sets' groups: keys NULL, then the constants */
		struct sql_val *seed;
		size_t nseed = 0, r = 0;
		for (s = 0; s < b->nsets; s++)
			nseed += set_empty(b, s);
		if (nseed == 0)
			return 0;
		seed = sql_arena_alloc(a, sizeof(*seed) * nseed * (size_t)ngk);
		if (seed == NULL)
			return oom(x);
		memset(seed, 0, sizeof(*seed) * nseed * (size_t)ngk);
		for (s = 0; s < b->nsets; s++) {
			struct sql_val *v = &seed[r * (size_t)ngk];
			if (!set_empty(b, s))
				continue;
			for (k = 0; k < nk; k++) {
				v[k].t = (*op)->types[k];
				v[k].null = 1;
			}
			for (k = 0; k < nc; k++) {
				v[nk + k].t = (*op)->types[nk + k];
				v[nk + k].u.i = k == 0 ? s : grouping_val(b, k - 1, s);
			}
			r++;
		}
		op_hashagg_seed(*op, nseed, seed);
	}
	return 0;
}

static int select_refs(const struct sql_select *s, const char *name,
    int ctes);

/* How often expression e names table name in its subqueries. */
static int expr_refs(const struct sql_expr *e, const char *name)
{
	int i, n = 0;

	if (e == NULL)
		return 0;
	if (e->sub != NULL)
		n += select_refs(e->sub, name, 1);
	for (i = 0; i < e->nargs; i++)
		n += expr_refs(e->args[i], name);
	return n + expr_refs(e->filter, name);
}

static int from_refs(const struct sql_from *f, const char *name)
{
	if (f == NULL)
		return 0;
	switch (f->k) {
	case F_TABLE:
		return strcasecmp(f->name, name) == 0;
	case F_SUBQUERY:
		return select_refs(f->sub, name, 1);
	case F_JOIN:
		return from_refs(f->l, name) + from_refs(f->r, name) +
		    expr_refs(f->on, name);
	default:
		return 0;
	}
}

/* How often query s names table name (a count that may be high: names
 * hidden by an inner WITH count too, which only costs a copy). */
static int select_refs(const struct sql_select *s, const char *name,
    int ctes)
{
	int i, n = 0;

	if (s == NULL)
		return 0;
	for (i = 0; ctes && i < s->nctes; i++)
		n += select_refs(s->ctes[i].sel, name, 1);
	n += select_refs(s->sl, name, 1) + select_refs(s->sr, name, 1);
	n += from_refs(s->from, name);
	for (i = 0; i < s->nitems; i++)
		n += expr_refs(s->items[i], name);
	n += expr_refs(s->where, name) + expr_refs(s->having, name) +
	    expr_refs(s->qualify, name);
	for (i = 0; i < s->ngroup; i++)
		n += expr_refs(s->group[i], name);
	for (i = 0; i < s->norder; i++)
		n += expr_refs(s->order[i].e, name);
	return n;
}

int plan_unbound_eq(const struct sql_expr *a, const struct sql_expr *b)
{
	int i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->k != b->k || a->nargs != b->nargs || a->op != b->op ||
	    a->flags != b->flags || a->distinct != b->distinct ||
	    a->over != NULL || b->over != NULL || a->sub != NULL ||
	    b->sub != NULL || a->filter != NULL || b->filter != NULL)
		return 0;
	switch (a->k) {
	case E_NAME:
		return !strcmp(a->name, b->name) && (a->qual == NULL ||
		    b->qual == NULL || !strcmp(a->qual, b->qual));
	case E_PARAM:
		return !strcmp(a->name, b->name);
	case E_CONST:
		if (a->val.null || b->val.null)
			return a->val.null == b->val.null && a->val.t.id == b->val.t.id;
		if (a->val.t.id != b->val.t.id || sql_val_cmp(&a->val, &b->val))
			return 0;
		break;
	case E_FUNC:
		if (strcmp(a->name, b->name) != 0)
			return 0;
		break;
	case E_CAST:
		if (!type_eq(a->t, b->t))
			return 0;
		break;
	case E_STAR:
		return 0;
	default:
		break;
	}
	for (i = 0; i < a->nargs; i++)
		if (!plan_unbound_eq(a->args[i], b->args[i]))
			return 0;
	return 1;
}

int plan_has_window(const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 0;
	if (e->over != NULL)
		return 1;
	for (i = 0; i < e->nargs; i++)
		if (plan_has_window(e->args[i]))
			return 1;
	return 0;
}

/* An expression of DISTINCT ON or ORDER BY as the item it names: a
 * position in the select list or an item's alias. */
static int don_item(struct exec *x, struct sql_arena *a,
    const struct sql_select *sel, const struct sql_expr *e, const char *what,
    struct sql_expr **out)
{
	int k;

	if (e->k == E_CONST && (e->val.t.id == T_INT || e->val.t.id == T_BIGINT)) {
		if (e->val.u.i < 1 || e->val.u.i > sel->nitems)
			return sql_err_at(x, e->pos, "%s position %lld is not in the "
			    "select list", what, (long long)e->val.u.i);
		for (k = 0; k < e->val.u.i; k++)
			if (sel->items[k]->k == E_STAR)
				return sql_err_at(x, e->pos, "%s position %lld after * in "
				    "DISTINCT ON's query: name the column", what,
				    (long long)e->val.u.i);
		e = sel->items[e->val.u.i - 1];
	} else if (e->k == E_NAME && e->qual == NULL) {
		for (k = 0; k < sel->nitems; k++)
			if (sel->alias[k] != NULL && !strcmp(sel->alias[k], e->name)) {
				e = sel->items[k];
				break;
			}
	}
	if ((*out = copy_tree(a, e)) == NULL)
		return oom(x);
	return 0;
}

/*
 * SELECT DISTINCT ON (d, ...) ... ORDER BY o, ... (PostgreSQL): of the
 * rows with equal d, the first in ORDER BY order. Planned as QUALIFY
 * row_number() OVER (PARTITION BY d ORDER BY o) = 1 on a copy of sel.
 * As in PostgreSQL, the ORDER BY expressions that are among d come
 * first.
 */
static int plan_distinct_on(struct exec *x, struct sql_arena *a,
    struct sql_select *sel, struct plan_out *out)
{
	struct sql_select inner = *sel;
	struct sql_expr *rn, *eq, *one, **part;
	struct sql_window *w;
	struct sql_order *ord = NULL;
	int i, k, skipped = -1, rc;

	if (sel->qualify != NULL)
		return sql_err_at(x, sel->qualify->pos, "DISTINCT ON with "
		    "QUALIFY is not supported; use a subquery");
	part = sql_arena_alloc(a, sizeof(*part) * (size_t)sel->ndon);
	if (sel->norder > 0)
		ord = sql_arena_alloc(a, sizeof(*ord) * (size_t)sel->norder);
	rn = sql_arena_alloc(a, sizeof(*rn));
	eq = sql_arena_alloc(a, sizeof(*eq));
	one = sql_arena_alloc(a, sizeof(*one));
	w = sql_arena_alloc(a, sizeof(*w));
	if (part == NULL || (sel->norder > 0 && ord == NULL) || rn == NULL ||
	    eq == NULL || one == NULL || w == NULL)
		return oom(x);
	for (i = 0; i < sel->ndon; i++)
		if ((rc = don_item(x, a, sel, sel->don[i], "DISTINCT ON",
		    &part[i])) != 0)
			return rc;
	for (i = 0; i < sel->norder; i++) {
		ord[i] = sel->order[i];
		if ((rc = don_item(x, a, sel, sel->order[i].e, "ORDER BY",
		    &ord[i].e)) != 0)
			return rc;
		for (k = 0; k < sel->ndon; k++)
			if (plan_unbound_eq(ord[i].e, part[k]))
				break;
		if (k == sel->ndon) {
			if (skipped < 0)
				skipped = i;
		} else if (skipped >= 0) {
			goto mismatch;
		}
	}
	for (i = 0; i < sel->ndon + sel->norder; i++) {
		const struct sql_expr *e = i < sel->ndon ? part[i] :
		    ord[i - sel->ndon].e;
		if (plan_has_window(e))
			return sql_err_at(x, i < sel->ndon ? sel->don[i]->pos :
			    sel->order[i - sel->ndon].e->pos, "DISTINCT ON with a "
			    "window function in %s is not supported; use a subquery",
			    i < sel->ndon ? "DISTINCT ON" : "ORDER BY");
	}
	/* with an ORDER BY item that is not among them, every expression of
	 * DISTINCT ON must be in ORDER BY before it */
	for (k = 0; k < sel->ndon && skipped >= 0; k++) {
		for (i = 0; i < skipped; i++)
			if (plan_unbound_eq(ord[i].e, part[k]))
				break;
		if (i == skipped)
			goto mismatch;
	}
	memset(w, 0, sizeof(*w));
	w->npart = sel->ndon;
	w->part = part;
	w->norder = sel->norder;
	w->order = ord;
	w->pos = sel->don[0]->pos;
	memset(rn, 0, sizeof(*rn));
	rn->k = E_FUNC;
	rn->name = "row_number";
	rn->over = w;
	rn->pos = w->pos;
	rn->height = 1;
	memset(one, 0, sizeof(*one));
	one->k = E_CONST;
	one->val.t.id = T_BIGINT;
	one->val.u.i = 1;
	one->pos = w->pos;
	one->height = 1;
	memset(eq, 0, sizeof(*eq));
	eq->k = E_OP;
	eq->op = OP_EQ;
	eq->nargs = 2;
	eq->args = sql_arena_alloc(a, sizeof(*eq->args) * 2);
	if (eq->args == NULL)
		return oom(x);
	eq->args[0] = rn;
	eq->args[1] = one;
	eq->pos = w->pos;
	eq->height = 2;
	inner.qualify = eq;
	inner.don = NULL;
	inner.ndon = 0;
	return plan_select(x, a, &inner, out);
mismatch:
	/* PostgreSQL's words, at DISTINCT ON */
	return sql_err_at(x, sel->don[k < sel->ndon ? k : 0]->pos, "SELECT "
	    "DISTINCT ON expressions must match initial ORDER BY expressions");
}

static int plan_select_1(struct exec *x, struct sql_arena *a,
    struct sql_select *sel, struct plan_out *out);

int plan_select(struct exec *x, struct sql_arena *a, struct sql_select *sel,
    struct plan_out *out)
{
	int rc = plan_select_1(x, a, sel, out);

	if (rc == 0 && out->op != NULL) {
		op_share_builds(out->op);
		/* (a select planned inside another is pruned again with the
		 * whole, which knows what it reads) */
		if ((rc = op_prune(out->op, NULL, a)) != 0)
			rc = sql_error(&x->cx, "out of memory");
	}
	return rc;
}

static int plan_select_1(struct exec *x, struct sql_arena *a,
    struct sql_select *sel, struct plan_out *out)
{
	struct bind *b;
	struct sql_expr **items = NULL, **groups = NULL, **order = NULL;
	char **names = NULL;
	int nitems = 0, capitems = 0, i, k, rc, aggregating;
	uint8_t *used = NULL;
	struct piece pc;
	struct op *op = NULL;
	int64_t limit = -1, offset = 0;
	int norder = sel->norder, nvis;
	int *order_col = NULL;

	memset(out, 0, sizeof(*out));
	memset(&pc, 0, sizeof(pc));
	if (sel->nctes > 0) {
		/* WITH: its names are in scope for this query, which is planned
		 * without them on the way in and again with them */
		const struct cte_scope *keep = x->ctes;
		struct sql_select inner = *sel;
		struct cte_scope *nd;
		int c;
		for (c = 0; c < sel->nctes; c++) {
			int kc, uses;
			if ((nd = sql_arena_alloc(a, sizeof(*nd))) == NULL)
				return oom(x);
			memset(nd, 0, sizeof(*nd));
			nd->cte = &sel->ctes[c];
			nd->next = x->ctes;
			nd->wt = NULL;
			/* named twice or more (TPC-H Q15's revenue): run once,
			 * unless planned for a subquery's outer rows */
			uses = select_refs(sel, sel->ctes[c].name, 0);
			for (kc = c + 1; kc < sel->nctes; kc++)
				uses += select_refs(sel->ctes[kc].sel, sel->ctes[c].name, 1);
			nd->shared = uses > 1 && x->pending_outer == NULL &&
			    x->nouter_vals == 0;
			x->ctes = nd;
		}
		inner.ctes = NULL;
		inner.nctes = 0;
		rc = plan_select(x, a, &inner, out);
		x->ctes = keep;
		return rc;
	}
	if (sel->setop != 0)
		return plan_setop(x, a, sel, out);
	if (sel->nvrows > 0)
		return plan_values(x, a, sel, out);
	if (sel->ndon > 0)
		return plan_distinct_on(x, a, sel, out);
	if ((rc = plan_reuse_groups(x, a, sel)) != 0 ||
	    (rc = plan_decorrelate(x, a, sel)) != 0)
		return rc;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return oom(x);
	b->x = x;
	b->a = a;
	b->outer = x->pending_outer;    /* set for a subquery being typed */
	x->pending_outer = NULL;
	/* FROM: relations, then join conditions */
	if (sel->from != NULL) {
		int next = 0;
		uint64_t m;
		if ((rc = add_rels(b, sel->from)) != 0)
			goto fail;
		if ((rc = bind_joins(b, sel->from, &next, &m)) != 0)
			goto fail;
	}
	if (sel->nsemis > 0) {
		b->semis = sql_arena_alloc(a, sizeof(*b->semis) *
		    (size_t)sel->nsemis);
		if (b->semis == NULL) {
			rc = oom(x);
			goto fail;
		}
		for (i = 0; i < sel->nsemis; i++) {
			struct bsemi *s = &b->semis[i];
			memset(s, 0, sizeof(*s));
			s->rel = b->nrels;
			s->kind = sel->semis[i].kind == 1 ? JK_SEMI :
			    sel->semis[i].kind == 2 ? JK_ANTI : JK_ANTI_NA;
			if ((rc = add_rel(b, sel->semis[i].d)) != 0)
				goto fail;
			b->nsemis++;
		}
	}
	if (sel->where != NULL) {
		b->clause = "WHERE";
		if ((rc = bind(b, &sel->where)) != 0 ||
		    (rc = as_bool(b, &sel->where)) != 0)
			goto fail;
	}
	for (i = 0; i < b->nsemis; i++) {
		b->clause = "WHERE";
		if ((rc = bind(b, &sel->semis[i].cond)) != 0 ||
		    (rc = as_bool(b, &sel->semis[i].cond)) != 0)
			goto fail;
		b->semis[i].cond = sel->semis[i].cond;
	}
	aggregating = sel->ngroup > 0 || sel->ngsets > 0 ||
	    sel->having != NULL || has_agg(sel->qualify);
	b->sel = sel;
	for (i = 0; i < sel->nitems && !aggregating; i++)
		aggregating = has_agg(sel->items[i]);
	for (i = 0; i < sel->norder && !aggregating; i++)
		aggregating = has_agg(sel->order[i].e);
	/* the select list, with * expanded */
	for (i = 0; i < sel->nitems; i++) {
		struct sql_expr *e = sel->items[i];
		if (e->k == E_STAR) {
			int found = 0;
			if (aggregating && sel->ngroup == 0) {
				rc = sql_err_at(x, e->pos, "'*' cannot be used with "
				    "aggregates");
				goto fail;
			}
			for (k = 0; k < b->ncols; k++) {
				struct gcol *c = &b->cols[k];
				if (e->qual != NULL ? (b->rels[c->rel].alias == NULL ||
				    strcmp(b->rels[c->rel].alias, e->qual) != 0) : c->hidden)
					continue;
				if (c->pseudo)
					continue;	/* by name only, as Oracle's VERSIONS_* */
				struct sql_expr *it = c->merged != NULL && e->qual == NULL ?
				    copy_tree(a, c->merged) : plan_col(a, k, c->t);
				if (it == NULL || item_add(a, &items, &names, &nitems,
				    &capitems, it, (char *)c->name) != 0) {
					rc = oom(x);
					goto fail;
				}
				it->pos = e->pos;
				found = 1;
			}
			if (!found) {
				if (e->qual != NULL)
					rc = sql_err_at(x, e->pos, "no table '%s' in FROM",
					    e->qual);
				else
					rc = sql_err_at(x, e->pos, "SELECT * with no FROM "
					    "clause");
				goto fail;
			}
			continue;
		}
		if (item_add(a, &items, &names, &nitems, &capitems, e,
		    sel->alias[i] ? sel->alias[i] : e->k == E_NAME ? e->name :
		    sel->text ? sel->text[i] : "?") != 0) {
			rc = oom(x);
			goto fail;
		}
	}
	/* GROUP BY: ordinals and select aliases first */
	if (sel->ngroup > 0) {
		groups = sql_arena_alloc(a, sizeof(*groups) * (size_t)sel->ngroup);
		if (groups == NULL) {
			rc = oom(x);
			goto fail;
		}
		b->clause = "GROUP BY";
		for (i = 0; i < sel->ngroup; i++) {
			struct sql_expr *g = sel->group[i];
			if (g->k == E_CONST && (g->val.t.id == T_INT ||
			    g->val.t.id == T_BIGINT)) {
				if (g->val.u.i < 1 || g->val.u.i > nitems) {
					rc = sql_err_at(x, g->pos, "GROUP BY position %lld is "
					    "not in the select list", (long long)g->val.u.i);
					goto fail;
				}
				g = copy_tree(a, items[g->val.u.i - 1]);
				if (g == NULL) {
					rc = oom(x);
					goto fail;
				}
			} else if (g->k == E_NAME && g->qual == NULL) {
				int is_col = 0;
				for (k = 0; k < b->ncols; k++)
					if (!b->cols[k].hidden && !strcmp(b->cols[k].name, g->name))
						is_col = 1;
				for (k = 0; !is_col && k < sel->nitems; k++)
					if (sel->alias[k] && !strcmp(sel->alias[k], g->name)) {
						g = copy_tree(a, sel->items[k]);
						if (g == NULL) {
							rc = oom(x);
							goto fail;
						}
						break;
					}
			}
			if (has_agg(g)) {
				rc = sql_err_at(x, g->pos, "aggregate functions are not "
				    "allowed in GROUP BY");
				goto fail;
			}
			if ((rc = bind(b, &g)) != 0)
				goto fail;
			groups[i] = g;
		}
	}
	if (aggregating && (rc = grouping_sets(b, sel, groups)) != 0)
		goto fail;
	/* select items, with aggregates collected */
	b->agg_ok = b->aggregating = aggregating;
	b->in_output = 1;
	b->win_ok = 1;
	b->clause = "the select list";
	for (i = 0; i < nitems; i++) {
		int was_name = items[i]->k == E_NAME && names[i] == items[i]->name;
		if ((rc = bind(b, &items[i])) != 0)
			goto fail;
		/* a plain column is named as the table names it ("Name"
		 * even when written name) */
		if (was_name && items[i]->k == E_COL)
			names[i] = (char *)b->cols[items[i]->col].name;
	}
	b->in_output = 0;
	if (sel->having != NULL) {
		b->clause = "HAVING";
		b->win_ok = 0;
		if ((rc = bind(b, &sel->having)) != 0 ||
		    (rc = as_bool(b, &sel->having)) != 0)
			goto fail;
		b->win_ok = 1;
	}
	if (sel->qualify != NULL) {
		b->clause = "QUALIFY";
		if ((rc = bind(b, &sel->qualify)) != 0 ||
		    (rc = as_bool(b, &sel->qualify)) != 0)
			goto fail;
	}
	/* ORDER BY: ordinals, aliases, select items, else hidden columns */
	order_col = sql_arena_alloc(a, sizeof(int) * (size_t)(norder + 1));
	order = sql_arena_alloc(a, sizeof(*order) * (size_t)(norder + 1));
	if (order_col == NULL || order == NULL) {
		rc = oom(x);
		goto fail;
	}
	nvis = nitems;
	b->in_output = 1;
	b->clause = "ORDER BY";
	for (i = 0; i < norder; i++) {
		struct sql_expr *e = sel->order[i].e;
		order_col[i] = -1;
		if (e->k == E_CONST && (e->val.t.id == T_INT ||
		    e->val.t.id == T_BIGINT)) {
			if (e->val.u.i < 1 || e->val.u.i > nvis) {
				rc = sql_err_at(x, e->pos, "ORDER BY position %lld is not "
				    "in the select list", (long long)e->val.u.i);
				goto fail;
			}
			order_col[i] = (int)e->val.u.i - 1;
			continue;
		}
		if (e->k == E_NAME && e->qual == NULL) {
			for (k = 0; k < sel->nitems && k < nvis; k++)
				if (sel->alias[k] && !strcmp(sel->alias[k], e->name))
					break;
			if (k < sel->nitems && k < nvis && sel->alias[k]) {
				/* the k-th written item; find its position after
				 * star expansion by matching the name */
				int p;
				for (p = 0; p < nvis; p++)
					if (names[p] == sel->alias[k])
						break;
				if (p < nvis) {
					order_col[i] = p;
					continue;
				}
			}
		}
		if ((rc = bind(b, &e)) != 0)
			goto fail;
		for (k = 0; k < nvis; k++)
			if (expr_eq(e, items[k]))
				break;
		if (k < nvis) {
			order_col[i] = k;
			continue;
		}
		if (sel->distinct) {
			rc = sql_err_at(x, e->pos, "for SELECT DISTINCT, ORDER BY "
			    "expressions must appear in the select list");
			goto fail;
		}
		order[i] = e;
	}
	/* columns the query reads */
	used = calloc((size_t)b->ncols + 1, 1);
	if (used == NULL) {
		rc = oom(x);
		goto fail;
	}
	for (i = 0; i < nitems; i++)
		mark_used(items[i], used);
	for (i = 0; i < sel->ngroup; i++)
		mark_used(groups[i], used);
	for (i = 0; i < b->naggs; i++) {
		mark_used(b->aggs[i].arg, used);
		mark_used(b->aggs[i].arg2, used);
		mark_used(b->aggs[i].filter, used);
	}
	mark_used(sel->having, used);
	mark_used(sel->qualify, used);
	for (i = 0; i < norder; i++)
		if (order_col[i] < 0)
			mark_used(order[i], used);
	/* FROM and WHERE */
	if (sel->from != NULL) {
		struct jgroup g;
		int next = 0;
		memset(&g, 0, sizeof(g));
		g.top = 1;
		mark_used(sel->where, used);
		for (i = 0; i < b->nsemis; i++)
			mark_used(b->semis[i].cond, used);
		{
			/* ON conditions of inner joins and of outer joins */
			struct sql_from *stack[MAX_RELS * 2];
			int sp = 0;
			stack[sp++] = sel->from;
			while (sp > 0) {
				struct sql_from *f = stack[--sp];
				if (f->k != F_JOIN)
					continue;
				mark_used(f->on, used);
				if (sp + 2 <= MAX_RELS * 2) {
					stack[sp++] = f->l;
					stack[sp++] = f->r;
				}
			}
		}
		if ((rc = flatten(b, sel->from, &next, &g)) != 0)
			goto fail;
		if (sel->where != NULL &&
		    (rc = group_add_conj(b, &g, sel->where)) != 0)
			goto fail;
		if ((rc = plan_group(b, &g, used, &pc)) != 0)
			goto fail;
		op = pc.op;
		pc.op = NULL;
	} else {
		/* no FROM: one row of no columns */
		static struct sql_expr **one_row[1];
		pc.map = sql_arena_alloc(a, sizeof(int));
		op = op_values(x, 0, NULL, 1, one_row);
		if (op == NULL || pc.map == NULL) {
			rc = RDB_ENOMEM;
			goto fail;
		}
		op->est = 1;
		if (sel->where != NULL) {
			if ((op = op_filter(x, op, sel->where)) == NULL) {
				rc = RDB_ENOMEM;
				goto fail;
			}
		}
	}
	/* aggregation */
	if (aggregating) {
		if ((rc = plan_agg(b, &op, pc.map)) != 0)
			goto fail;
		for (i = 0; i < nitems; i++)
			if ((items[i] = to_agg(b, items[i], NULL)) == NULL) {
				rc = x->cx.err.code;
				goto fail;
			}
		for (i = 0; i < norder; i++)
			if (order_col[i] < 0 && (order[i] = to_agg(b, order[i],
			    "ORDER BY")) == NULL) {
				rc = x->cx.err.code;
				goto fail;
			}
		if (sel->qualify != NULL && (sel->qualify = to_agg(b, sel->qualify,
		    "QUALIFY")) == NULL) {
			rc = x->cx.err.code;
			goto fail;
		}
		if (sel->having != NULL) {
			struct sql_expr *h = to_agg(b, sel->having, "HAVING");
			double est;
			if (h == NULL) {
				rc = x->cx.err.code;
				goto fail;
			}
			est = op->est;
			if ((op = op_filter(x, op, h)) == NULL) {
				rc = RDB_ENOMEM;
				goto fail;
			}
			op->est = est / 2;
		}
	} else {
		for (i = 0; i < nitems; i++)
			if ((items[i] = remap(x, a, items[i], pc.map)) == NULL) {
				rc = x->cx.err.code;
				goto fail;
			}
		for (i = 0; i < norder; i++)
			if (order_col[i] < 0 && (order[i] = remap(x, a, order[i],
			    pc.map)) == NULL) {
				rc = x->cx.err.code;
				goto fail;
			}
		if (sel->qualify != NULL && (sel->qualify = remap(x, a,
		    sel->qualify, pc.map)) == NULL) {
			rc = x->cx.err.code;
			goto fail;
		}
	}
	/* window functions, then QUALIFY */
	{
		struct sql_expr ***nodes = NULL;
		int nnodes = 0, capnodes = 0;
		for (i = 0; i < nitems; i++)
			if ((rc = find_windows(b, &items[i], &nodes, &nnodes,
			    &capnodes)) != 0)
				goto fail;
		for (i = 0; i < norder; i++)
			if (order_col[i] < 0 && (rc = find_windows(b, &order[i], &nodes,
			    &nnodes, &capnodes)) != 0)
				goto fail;
		if (sel->qualify != NULL && (rc = find_windows(b, &sel->qualify,
		    &nodes, &nnodes, &capnodes)) != 0)
			goto fail;
		if (nnodes > 0 && (rc = plan_windows(b, &op, nodes, nnodes)) != 0)
			goto fail;
		if (sel->qualify != NULL) {
			double est = op->est;
			if ((op = op_filter(x, op, sel->qualify)) == NULL) {
				rc = RDB_ENOMEM;
				goto fail;
			}
			op->est = est / 2;
		}
	}
	/* projection: visible items, then hidden sort keys */
	{
		int nproj = nitems;
		struct sql_expr **proj;
		double est = op->est;
		for (i = 0; i < norder; i++)
			if (order_col[i] < 0)
				nproj++;
		proj = sql_arena_alloc(a, sizeof(*proj) * (size_t)(nproj + 1));
		if (proj == NULL) {
			rc = oom(x);
			goto fail;
		}
		memcpy(proj, items, sizeof(*proj) * (size_t)nitems);
		k = nitems;
		for (i = 0; i < norder; i++)
			if (order_col[i] < 0) {
				proj[k] = order[i];
				order_col[i] = k++;
			}
		if ((op = op_project(x, op, (size_t)nproj, proj)) == NULL) {
			rc = RDB_ENOMEM;
			goto fail;
		}
		op->est = est;
	}
	if (sel->distinct) {
		struct sql_expr **gk = sql_arena_alloc(a, sizeof(*gk) *
		    (size_t)(nitems + 1));
		double est = op->est;
		if (gk == NULL) {
			rc = oom(x);
			goto fail;
		}
		for (i = 0; i < nitems; i++)
			if ((gk[i] = plan_col(a, i, op->types[i])) == NULL) {
				rc = oom(x);
				goto fail;
			}
		if ((op = op_hashagg(x, op, (size_t)nitems, gk, 0, NULL)) == NULL) {
			rc = RDB_ENOMEM;
			goto fail;
		}
		op->est = est;
		snprintf(op->detail, sizeof(op->detail), "DISTINCT");
	}
	if (sel->limit != NULL &&
	    (rc = const_int(x, a, sel->limit, "LIMIT", &limit)) != 0)
		goto fail;
	if (sel->offset != NULL &&
	    (rc = const_int(x, a, sel->offset, "OFFSET", &offset)) != 0)
		goto fail;
	if (offset < 0)
		offset = 0;
	if (norder > 0) {
		struct sort_key *keys = sql_arena_alloc(a, sizeof(*keys) *
		    (size_t)norder);
		double est = op->est;
		if (keys == NULL) {
			rc = oom(x);
			goto fail;
		}
		for (i = 0; i < norder; i++) {
			keys[i].col = order_col[i];
			keys[i].desc = sel->order[i].desc;
			/* NULLs sort as larger than any value (PostgreSQL) */
			keys[i].nulls_first = sel->order[i].nulls == 1 ||
			    (sel->order[i].nulls == 0 && sel->order[i].desc);
		}
		op = op_sort(x, op, (size_t)norder, keys, limit >= 0 ?
		    limit + offset : -1, (size_t)nitems);
		if (op == NULL) {
			rc = RDB_ENOMEM;
			goto fail;
		}
		op->est = est;
	}
	if (limit >= 0 || offset > 0) {
		double est = op->est;
		if ((op = op_limit(x, op, limit, offset)) == NULL) {
			rc = RDB_ENOMEM;
			goto fail;
		}
		op->est = limit >= 0 && limit < est ? (double)limit : est;
	}
	out->op = op;
	out->ncols = (size_t)nitems;
	out->names = names;
	out->types = op->types;
	x->last_refs = b->refs;
	x->last_nrefs = b->nrefs;
	free(used);
	free(b);
	return 0;
fail:
	op_free(op);
	free(used);
	for (i = 0; i < b->nrels; i++)
		op_free(b->rels[i].sub.op);
	free(b);
	if (rc == 0)
		rc = x->cx.err.code ? x->cx.err.code : RDB_ESQL;
	return rc;
}

int plan_bind_const(struct exec *x, struct sql_arena *a, struct sql_expr *e,
    struct sql_expr **out)
{
	struct bind b;
	int rc;

	memset(&b, 0, sizeof(b));
	b.x = x;
	b.a = a;
	b.clause = "this context";
	if ((rc = bind(&b, &e)) != 0)
		return rc;
	*out = e;
	return 0;
}

int plan_bind_table(struct exec *x, struct sql_arena *a,
    const struct rdb_table_desc *td, struct sql_expr *e,
    struct sql_expr **out)
{
	struct bind *b = calloc(1, sizeof(*b));
	int rc, i;

	if (b == NULL)
		return oom(x);
	b->x = x;
	b->a = a;
	b->clause = "this statement";
	b->nrels = 1;
	b->rels[0].td = td;
	b->rels[0].alias = td->name;
	b->rels[0].ncols = (int)td->ncols;
	b->cols = sql_arena_alloc(a, sizeof(*b->cols) * (td->ncols + 1));
	if (b->cols == NULL) {
		free(b);
		return oom(x);
	}
	for (i = 0; i < (int)td->ncols; i++) {
		memset(&b->cols[i], 0, sizeof(b->cols[i]));
		b->cols[i].rel = 0;
		b->cols[i].idx = i;
		b->cols[i].name = td->cols[i].name;
		b->cols[i].t.id = (uint8_t)td->cols[i].type;
		b->cols[i].t.prec = td->cols[i].precision;
		b->cols[i].t.scale = td->cols[i].scale;
	}
	b->ncols = (int)td->ncols;
	rc = bind(b, &e);
	free(b);
	if (rc == 0)
		*out = e;
	return rc;
}

/* Run subquery info once with outer values vals; the results go to
 * *scalar (SUB_SCALAR; text copied into keep), *found (SUB_EXISTS), or
 * the values of its column (SUB_IN, in vals_out, text in keep). */
static int sub_run(struct exec *x, const struct sql_sub *info,
    const struct sql_outer *vals, size_t nvals, struct sql_arena *keep,
    struct sql_val *scalar, int *found, struct sql_val **set, size_t *nset)
{
	struct sql_arena ta;
	struct sql_select *copy;
	struct plan_out p;
	const struct sql_outer *sv = x->outer_vals;
	size_t snv = x->nouter_vals, cap = 0;
	uint64_t rows = 0;
	int rc;

	sql_arena_init(&ta);
	if ((copy = sql_select_copy(&ta, info->tmpl)) == NULL) {
		sql_arena_release(&ta);
		return oom(x);
	}
	if (info->nenv > 0) {
		/* its own outer values first: they are the nearer names */
		struct sql_outer *all = sql_arena_alloc(&ta, sizeof(*all) *
		    (nvals + info->nenv));
		if (all == NULL) {
			sql_arena_release(&ta);
			return oom(x);
		}
		if (nvals > 0)
			memcpy(all, vals, sizeof(*all) * nvals);
		memcpy(all + nvals, info->env, sizeof(*all) * info->nenv);
		vals = all;
		nvals += info->nenv;
	}
	{
		const struct cte_scope *kc = x->ctes;
		x->outer_vals = vals;
		x->nouter_vals = nvals;
		x->ctes = info->ctes;
		rc = plan_select(x, &ta, copy, &p);
		x->outer_vals = sv;
		x->nouter_vals = snv;
		x->ctes = kc;
	}
	if (rc != 0) {
		sql_arena_release(&ta);
		return rc;
	}
	if (scalar != NULL) {
		memset(scalar, 0, sizeof(*scalar));
		scalar->t = info->t;
		scalar->null = 1;
	}
	*found = 0;
	while ((rc = op_next(x, p.op)) > 0) {
		const struct sql_chunk *c = &p.op->out;
		size_t i;
		if (c->n == 0)
			continue;
		*found = 1;
		if (info->kind == SUB_EXISTS)
			break;
		if (info->kind == SUB_SCALAR) {
			rows += c->n;
			if (rows > 1) {
				rc = sql_error(&x->cx, "a subquery used as a value "
				    "returned more than one row");
				break;
			}
			sql_vec_get(&c->cols[0], 0, scalar);
			if (!scalar->null && sql_is_strlike(scalar->t.id)) {
				char *t = sql_arena_strdup(keep, scalar->u.s.p,
				    scalar->u.s.n);
				if (t == NULL) {
					rc = oom(x);
					break;
				}
				scalar->u.s.p = t;
			}
			continue;
		}
		for (i = 0; i < c->n; i++) {
			struct sql_val v;
			if (*nset == cap) {
				size_t nc = cap ? cap * 2 : 64;
				struct sql_val *ns = sql_arena_alloc(keep, sizeof(*ns) * nc);
				if (ns == NULL) {
					rc = oom(x);
					break;
				}
				if (*nset)
					memcpy(ns, *set, sizeof(*ns) * *nset);
				*set = ns;
				cap = nc;
			}
			sql_vec_get(&c->cols[0], i, &v);
			if (!v.null && sql_is_strlike(v.t.id)) {
				char *t = sql_arena_strdup(keep, v.u.s.p, v.u.s.n);
				if (t == NULL) {
					rc = oom(x);
					break;
				}
				v.u.s.p = t;
			}
			(*set)[(*nset)++] = v;
		}
		if (rc < 0)
			break;
	}
	op_free(p.op);
	sql_arena_release(&ta);
	return rc < 0 ? rc : 0;
}

/* x op ANY (set) / x op ALL (set): TRUE, FALSE or NULL (-1). ANY is
 * true when one comparison is, ALL false when one is; NULLs make an
 * otherwise undecided answer unknown; over no rows ANY is false and
 * ALL true. */
static int quantified(int op, int all, const struct sql_val *l,
    const struct sql_val *set, size_t n)
{
	size_t i;
	int unknown = 0;

	if (n == 0)
		return all;
	for (i = 0; i < n; i++) {
		int c, t;
		if (l->null || set[i].null) {
			unknown = 1;
			continue;
		}
		c = sql_val_cmp(l, &set[i]);
		t = op == OP_EQ ? c == 0 : op == OP_NE ? c != 0 : op == OP_LT ?
		    c < 0 : op == OP_LE ? c <= 0 : op == OP_GT ? c > 0 : c >= 0;
		if (all && !t)
			return 0;
		if (!all && t)
			return 1;
	}
	return unknown ? -1 : all;
}

static int val_order(const void *a, const void *b)
{
	return sql_val_cmp(a, b);
}

/* x IN (a kept set): sorted non-NULL values, binary search. */
static int in_sorted(const struct sql_val *l, const struct sql_sub *info)
{
	size_t lo = 0, hi = info->nset;

	if (info->nset == 0 && !info->set_null)
		return 0;
	if (l->null)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = sql_val_cmp(l, &info->set[mid]);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return info->set_null ? -1 : 0;
}

/* x IN (set): TRUE, FALSE or NULL (-1), SQL's three values. */
static int in_set(const struct sql_val *l, const struct sql_val *set,
    size_t n)
{
	size_t i;
	int unknown = 0;

	if (n == 0)
		return 0;
	if (l->null)
		return -1;
	for (i = 0; i < n; i++) {
		if (set[i].null) {
			unknown = 1;
			continue;
		}
		if (sql_val_cmp(l, &set[i]) == 0)
			return 1;
	}
	return unknown ? -1 : 0;
}

int sql_eval_subquery(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a)
{
	struct sql_sub *info = e->subinfo;
	struct sql_vec *av;
	struct sql_outer *vals = NULL;
	struct sql_val scalar, *set = NULL;
	size_t n = in->n, i, nset = 0;
	int k, rc, found = 0;

	if (info == NULL)
		return sql_error(&x->cx, "internal: unbound subquery");
	av = sql_arena_alloc(a, sizeof(*av) * (size_t)(e->nargs + 1));
	if (av == NULL || sql_vec_alloc(out, e->t, n, a) != 0 ||
	    (out->null = sql_arena_alloc(a, n ? n : 1)) == NULL)
		return oom(x);
	memset(out->null, 0, n);
	for (k = 0; k < e->nargs; k++)
		if ((rc = sql_eval(x, e->args[k], in, &av[k], a)) != 0)
			return rc;
	if (info->nrefs > 0) {
		vals = sql_arena_alloc(a, sizeof(*vals) * (size_t)info->nrefs);
		if (vals == NULL)
			return oom(x);
		memcpy(vals, info->refs, sizeof(*vals) * (size_t)info->nrefs);
	}
	for (i = 0; i < n; i++) {
		struct sql_val r;
		if (info->nrefs == 0 && !info->ran) {
			/* uncorrelated: one run serves the whole statement */
			size_t k2, nn = 0;
			rc = sub_run(x, info, NULL, 0, info->keep, &info->scalar,
			    &info->found, &info->set, &info->nset);
			if (rc != 0)
				return rc;
			if (info->kind == SUB_IN) {
				for (k2 = 0; k2 < info->nset; k2++)
					if (info->set[k2].null)
						info->set_null = 1;
					else
						info->set[nn++] = info->set[k2];
				info->nset = nn;
				if (nn > 1)
					qsort(info->set, nn, sizeof(*info->set), val_order);
			}
			info->ran = 1;
		}
		if (info->nrefs == 0) {
			scalar = info->scalar;
			found = info->found;
		} else {
			for (k = 0; k < info->nrefs; k++)
				sql_vec_get(&av[info->first + k], i, &vals[k].val);
			nset = 0;
			set = NULL;
			rc = sub_run(x, info, vals, (size_t)info->nrefs, a,
			    info->kind == SUB_SCALAR ? &scalar : NULL, &found, &set,
			    &nset);
			if (rc != 0)
				return rc;
		}
		memset(&r, 0, sizeof(r));
		r.t = e->t;
		if (info->kind == SUB_SCALAR) {
			r = scalar;
			r.t = e->t;
		} else if (info->kind == SUB_EXISTS) {
			r.u.i = found;
		} else {
			struct sql_val l;
			int v;
			sql_vec_get(&av[0], i, &l);
			if (info->nrefs == 0 && info->kind == SUB_IN)
				v = in_sorted(&l, info);
			else if (info->nrefs == 0)
				v = quantified(info->op, info->kind == SUB_ALL, &l,
				    info->set, info->nset);
			else
				v = info->kind == SUB_IN ? in_set(&l, set, nset) :
				    quantified(info->op, info->kind == SUB_ALL, &l, set,
				    nset);
			if (v < 0)
				r.null = 1;
			else
				r.u.i = info->neg ? !v : v;
		}
		if (sql_vec_set(out, i, &r, a) != 0)
			return oom(x);
	}
	return 0;
}

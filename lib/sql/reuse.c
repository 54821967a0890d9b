/*
 * reuse.c - a HAVING subquery that aggregates the query's own rows,
 * computed from the query's groups instead of from a second pass.
 *
 *   SELECT k, sum(v) FROM t WHERE w GROUP BY k
 *   HAVING sum(v) > (SELECT sum(v) * 0.0001 FROM t WHERE w)
 *
 * (TPC-H Q11) reads and joins t twice, the subquery's pass adding up
 * every row the grouped pass adds up by group. When the subquery's FROM
 * and WHERE are the query's own, word for word, its aggregates are
 * aggregates of the query's groups: sum(v) over all rows is the sum of
 * the groups' sum(v), min and max likewise, and NULL when every group's
 * is. So, before binding, such a subquery becomes window aggregates over
 * the groups,
 *
 *   ... GROUP BY k QUALIFY sum(v) > sum(sum(v)) OVER () * 0.0001
 *
 * HAVING moving to QUALIFY whole (a window must see every group; the
 * HAVING tests are tests of the same grouped rows). This is the
 * "WinMagic" rewrite of Zuzarte et al. (SIGMOD 2003). It is made only
 * where it is exact:
 *   - the query groups by plain GROUP BY (no grouping sets), has no
 *     window function, QUALIFY, DISTINCT ON or named window of its own;
 *   - the subquery is scalar and uncorrelated in form: one item, no
 *     GROUP BY, HAVING, DISTINCT, ORDER BY, LIMIT, WITH or set operation;
 *   - its FROM and WHERE equal the query's, node for node
 *     (plan_unbound_eq), and hold no subquery, table function or
 *     random();
 *   - its item is constants and operators over sum, min and max calls
 *     (no DISTINCT, FILTER or ORDER BY), every column inside one of
 *     them.
 * A double sum adds the same values grouped differently, as a parallel
 * aggregation already does. Anything else keeps the general path.
 */
#include <string.h>

#include "sql/plan.h"

static int str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Might e (unbound) give another value each time it is evaluated, or
 * hold what plan_unbound_eq cannot vouch for? */
static int unsafe(const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 0;
	if (e->k == E_SUBQUERY || e->over != NULL || e->k == E_PARAM)
		return 1;
	if (e->k == E_FUNC) {
		const struct sql_func *f = sql_func_find(e->name);
		if (f != NULL && (f->flags & SQL_FN_VOLATILE))
			return 1;
	}
	for (i = 0; i < e->nargs; i++)
		if (unsafe(e->args[i]))
			return 1;
	return unsafe(e->filter) || unsafe(e->order);
}

static int names_eq(char **a, char **b, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!str_eq(a[i], b[i]))
			return 0;
	return 1;
}

/* Are FROM clauses a and b the same tables, joined alike? */
static int from_eq(const struct sql_from *a, const struct sql_from *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->k != b->k || (a->k != F_TABLE && a->k != F_JOIN) ||
	    !str_eq(a->name, b->name) || !str_eq(a->alias, b->alias) ||
	    a->ncolalias != b->ncolalias ||
	    !names_eq(a->colalias, b->colalias, a->ncolalias) ||
	    a->hidden || b->hidden || a->asof != NULL || b->asof != NULL)
		return 0;
	if (a->k == F_TABLE)
		return 1;
	return a->jt == b->jt && a->natural == b->natural &&
	    a->nusing == b->nusing && names_eq(a->using, b->using, a->nusing) &&
	    !unsafe(a->on) && plan_unbound_eq(a->on, b->on) &&
	    from_eq(a->l, b->l) && from_eq(a->r, b->r);
}

/* An aggregate the rewrite can take from the groups: its enum sql_agg,
 * or AGG_NONE. */
static int group_agg(const struct sql_expr *e)
{
	int f;

	if (e->k != E_FUNC || e->over != NULL || e->distinct ||
	    e->filter != NULL || e->order != NULL || e->nargs != 1 ||
	    e->args[0]->k == E_STAR)
		return AGG_NONE;
	f = sql_agg_find(e->name);
	if (f != AGG_SUM && f != AGG_MIN && f != AGG_MAX)
		return AGG_NONE;
	/* EF_TOTAL and the like change what the call means */
	if (e->flags & ~(unsigned)EF_PAREN)
		return AGG_NONE;
	return f;
}

/* Is every column of e (unbound) inside an aggregate group_agg takes,
 * with nothing unsafe? */
static int item_ok(const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 1;
	if (group_agg(e) != AGG_NONE)
		return !unsafe(e->args[0]);
	if (e->k == E_NAME || e->k == E_STAR || unsafe(e) ||
	    (e->k == E_FUNC && sql_agg_find(e->name) != AGG_NONE))
		return 0;
	if (e->k == E_FUNC && sql_func_find(e->name) == NULL)
		return 0;               /* not a scalar function we know */
	for (i = 0; i < e->nargs; i++)
		if (!item_ok(e->args[i]))
			return 0;
	return e->filter == NULL && e->order == NULL;
}

/* Wrap each aggregate of e in the window aggregate over all groups
 * that gives the same value: sum(sum(v)) OVER (), min(min(v)), ... */
static int windowed(struct sql_arena *a, struct sql_expr **ep)
{
	struct sql_expr *e = *ep, *w;
	int i;

	if (group_agg(e) == AGG_NONE) {
		for (i = 0; i < e->nargs; i++)
			if (windowed(a, &e->args[i]) != 0)
				return -1;
		return 0;
	}
	w = sql_arena_alloc(a, sizeof(*w));
	if (w == NULL)
		return -1;
	memset(w, 0, sizeof(*w));
	w->k = E_FUNC;
	w->pos = e->pos;
	w->name = e->name;      /* sum of sums, min of mins, max of maxes */
	w->nargs = 1;
	if ((w->args = sql_arena_alloc(a, sizeof(*w->args))) == NULL ||
	    (w->over = sql_arena_alloc(a, sizeof(*w->over))) == NULL)
		return -1;
	w->args[0] = e;
	memset(w->over, 0, sizeof(*w->over));
	w->over->pos = e->pos;
	*ep = w;
	return 0;
}

/* Can scalar subquery q be taken from the groups of sel? */
static int reusable(const struct sql_select *sel, const struct sql_select *q)
{
	return q->nctes == 0 && !q->distinct && q->ndon == 0 &&
	    q->nitems == 1 && q->ngroup == 0 && q->gsets == NULL &&
	    q->ngsets == 0 && q->having == NULL && q->norder == 0 &&
	    q->limit == NULL && q->offset == NULL && q->setop == 0 &&
	    q->nvrows == 0 && q->nwindows == 0 && q->qualify == NULL &&
	    q->nsemis == 0 && q->from != NULL &&
	    from_eq(q->from, sel->from) && !unsafe(q->where) &&
	    plan_unbound_eq(q->where, sel->where) && item_ok(q->items[0]);
}

/* The subqueries in e (unbound): how many, and how many of them are
 * scalar ones reusable from sel's groups. */
static void count_subs(const struct sql_select *sel, const struct sql_expr *e,
    int *all, int *ok)
{
	int i;

	if (e == NULL)
		return;
	if (e->k == E_SUBQUERY) {
		(*all)++;
		*ok += e->nargs == 0 && (e->flags & ~(unsigned)EF_PAREN) == 0 &&
		    e->sub != NULL && reusable(sel, e->sub);
		return;
	}
	for (i = 0; i < e->nargs; i++)
		count_subs(sel, e->args[i], all, ok);
	count_subs(sel, e->filter, all, ok);
}

/* Replace the reusable scalar subqueries in *ep; *n counts them. */
static int rewrite(struct sql_arena *a, const struct sql_select *sel,
    struct sql_expr **ep, int *n)
{
	struct sql_expr *e = *ep;
	int i;

	if (e == NULL)
		return 0;
	if (e->k == E_SUBQUERY) {
		if (e->nargs != 0 || (e->flags & ~(unsigned)EF_PAREN) != 0 ||
		    e->sub == NULL || !reusable(sel, e->sub))
			return 0;
		*ep = e->sub->items[0];
		if (windowed(a, ep) != 0)
			return -1;
		(*n)++;
		return 0;
	}
	for (i = 0; i < e->nargs; i++)
		if (rewrite(a, sel, &e->args[i], n) != 0)
			return -1;
	return 0;
}

int plan_reuse_groups(struct exec *x, struct sql_arena *a,
    struct sql_select *sel)
{
	int i, n = 0, all = 0, ok = 0;

	/* from_eq of the query's FROM with itself: tables and joins only,
	 * no AS OF, nothing unsafe in ON */
	if (sel->having == NULL || sel->ngroup == 0 || sel->gsets != NULL ||
	    sel->ngsets > 0 || sel->nwindows > 0 || sel->qualify != NULL ||
	    sel->ndon > 0 || sel->setop != 0 || sel->from == NULL ||
	    sel->nsemis > 0 || !from_eq(sel->from, sel->from) ||
	    unsafe(sel->where))
		return 0;
	for (i = 0; i < sel->nitems; i++)
		if (plan_has_window(sel->items[i]))
			return 0;
	for (i = 0; i < sel->norder; i++)
		if (plan_has_window(sel->order[i].e))
			return 0;
	if (plan_has_window(sel->having))
		return 0;
	/* every subquery of HAVING goes, or none: QUALIFY keeps no other */
	count_subs(sel, sel->having, &all, &ok);
	if (all == 0 || ok < all)
		return 0;
	if (rewrite(a, sel, &sel->having, &n) != 0)
		return sql_error(&x->cx, "out of memory");
	if (n > 0) {
		sel->qualify = sel->having;
		sel->having = NULL;
	}
	return 0;
}

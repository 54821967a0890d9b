/*
 * decor.c - decorrelation: subqueries in WHERE rewritten as joins.
 *
 * A subquery that names columns of the query around it would otherwise
 * be planned and run once per outer row (plan.c, sql_eval_subquery).
 * Before a SELECT is bound, each conjunct of its WHERE clause of these
 * shapes is rewritten so the planner joins instead:
 *
 *   EXISTS (SELECT … FROM s WHERE local AND corr)        semi join
 *   NOT EXISTS (…)                                       anti join
 *   x IN (SELECT y FROM s WHERE local AND corr)          semi join
 *   x IN (SELECT y …) / x NOT IN (SELECT y …), uncorrelated
 *                                                        semi / NOT IN
 *   x op (SELECT agg FROM s WHERE local AND k1 = o1 …)   inner join
 *
 * The subquery becomes a derived table D (alias __sqN, columns hidden
 * from * and from unqualified names) holding the inner side of each
 * correlated conjunct as a column: for a semi or anti join D is
 * SELECT <inner parts> FROM s WHERE local, joined by the correlated
 * conjuncts (at least one an equality, the hash key; the rest a
 * residual); for an aggregate D is SELECT k1…, agg FROM s WHERE local
 * GROUP BY k1…, joined on ki = oi, with x op D.v as a filter. The
 * aggregate form is used only where it is exact: the aggregate is NULL
 * over no rows (not count), so a missing group and an empty subquery
 * both fail the comparison. Anything else keeps the general path.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/plan.h"

/* The columns a FROM clause provides: qualifier and name of each. */
struct names {
	const char **qual, **name;
	int n, cap;
};

static int names_add(struct sql_arena *a, struct names *ns, const char *qual,
    const char *name)
{
	if (ns->n == ns->cap) {
		int nc = ns->cap ? ns->cap * 2 : 32;
		const char **q = sql_arena_alloc(a, sizeof(*q) * (size_t)nc);
		const char **m = sql_arena_alloc(a, sizeof(*m) * (size_t)nc);
		if (q == NULL || m == NULL)
			return -1;
		if (ns->n) {
			memcpy(q, ns->qual, sizeof(*q) * (size_t)ns->n);
			memcpy(m, ns->name, sizeof(*m) * (size_t)ns->n);
		}
		ns->qual = q;
		ns->name = m;
		ns->cap = nc;
	}
	ns->qual[ns->n] = qual;
	ns->name[ns->n++] = name;
	return 0;
}

/* The output names of query s, planned on a copy; 0 or -1. */
static int query_names(struct exec *x, struct sql_arena *a,
    const struct sql_select *s, const struct sql_from *f, const char *qual,
    struct names *ns)
{
	struct sql_select *copy = sql_select_copy(a, s);
	struct plan_out p;
	size_t i;
	int rc = -1;

	if (copy == NULL || plan_select(x, a, copy, &p) != 0)
		return -1;
	for (i = 0; i < p.ncols; i++)
		if (names_add(a, ns, qual, (int)i < f->ncolalias ?
		    f->colalias[i] : p.names[i]) != 0)
			goto out;
	rc = 0;
out:
	op_free(p.op);
	return rc;
}

/* Collect the columns of FROM tree f; -1 when one cannot be known
 * (then nothing is rewritten and the general path reports errors). */
static int from_names(struct exec *x, struct sql_arena *a,
    const struct sql_from *f, struct names *ns)
{
	const struct rdb_table_desc *td = NULL;
	const char *qual = f->alias ? f->alias : f->name;
	size_t i;

	if (f->k == F_JOIN)
		return from_names(x, a, f->l, ns) == 0 &&
		    from_names(x, a, f->r, ns) == 0 ? 0 : -1;
	if (f->k == F_SUBQUERY)
		return query_names(x, a, f->sub, f, qual, ns);
	{
		const struct cte_scope *nd;
		const struct rdb_view_desc *v;
		for (nd = x->ctes; nd != NULL; nd = nd->next)
			if (strcasecmp(nd->cte->name, f->name) == 0) {
				const struct cte_scope *keep = x->ctes;
				struct sql_from g = *f;
				int rc;
				if (f->ncolalias == 0) {
					g.colalias = nd->cte->cols;
					g.ncolalias = nd->cte->ncols;
				}
				if (nd->wt != NULL || nd->cte->recursive) {
					/* WITH RECURSIVE: its columns as planned */
					struct plan_out p;
					rc = nd->wt != NULL ? plan_worktable(x, nd->wt, &p) :
					    plan_recursive(x, a, nd, &p);
					if (rc != 0)
						return -1;
					for (i = 0; i < p.ncols && rc == 0; i++)
						rc = names_add(a, ns, qual, (int)i < g.ncolalias ?
						    g.colalias[i] : p.names[i]);
					op_free(p.op);
					return rc != 0 ? -1 : 0;
				}
				x->ctes = nd->next;
				rc = query_names(x, a, nd->cte->sel, &g, qual, ns);
				x->ctes = keep;
				return rc;
			}
		if ((v = plan_view_find(x, f->name)) != NULL) {
			for (i = 0; i < v->ncols; i++)
				if (names_add(a, ns, qual, (int)i < f->ncolalias ?
				    f->colalias[i] : v->cols[i]) != 0)
					return -1;
			return 0;
		}
	}
	if (f->versions) {
		static const char *const pn[] = { "rdb_valid_from", "rdb_valid_to",
			"rdb_commit_from", "rdb_commit_to", "rdb_op" };
		struct rdb_txn *t;
		uint64_t lo, hi;
		if (versions_table(x, a, f, &t, &td, NULL, &lo, &hi) != 0)
			return -1;
		for (i = 0; i < sizeof(pn) / sizeof(pn[0]); i++)
			if (names_add(a, ns, qual, pn[i]) != 0)
				return -1;
	} else if (f->asof != NULL) {
		struct rdb_txn *t;
		if (asof_table(x, a, f, &t, &td, NULL) != 0)
			return -1;
	} else if (rdb_table_find(x->txn, f->name, &td) != RDB_OK) {
		const struct rdb_table_desc *const *all;
		size_t n, k, hits = 0;
		if (rdb_table_list(x->txn, &all, &n) == RDB_OK)
			for (k = 0; k < n; k++)
				if (strcasecmp(all[k]->name, f->name) == 0) {
					td = all[k];
					hits++;
				}
		if (hits != 1)
			return -1;
	}
	for (i = 0; i < td->ncols; i++)
		if (names_add(a, ns, qual, (int)i < f->ncolalias ?
		    f->colalias[i] : td->cols[i].name) != 0)
			return -1;
	return 0;
}

/* Does name e (E_NAME) resolve in ns? A qualifier that names one of its
 * tables is enough: the inner FROM hides the outer one. */
static int is_inner(const struct names *ns, const struct sql_expr *e)
{
	int i;

	for (i = 0; i < ns->n; i++)
		if (e->qual != NULL ? ns->qual[i] != NULL &&
		    strcasecmp(ns->qual[i], e->qual) == 0 :
		    strcasecmp(ns->name[i], e->name) == 0)
			return 1;
	return 0;
}

/* What an expression of the subquery's own level refers to. */
struct cls {
	int inner, outer;       /* names of the subquery's FROM / outside */
	int sub, agg;           /* contains a subquery / an aggregate */
};

static void classify(const struct names *ns, const struct sql_expr *e,
    struct cls *c)
{
	int i;

	if (e == NULL)
		return;
	switch (e->k) {
	case E_NAME:
		if (is_inner(ns, e))
			c->inner = 1;
		else
			c->outer = 1;
		return;
	case E_STAR:
		c->inner = 1;
		return;
	case E_SUBQUERY:
		c->sub = 1;
		break;
	case E_FUNC:
		if (e->name != NULL && sql_agg_find(e->name) != AGG_NONE)
			c->agg = 1;
		break;
	default:
		break;
	}
	for (i = 0; i < e->nargs; i++)
		classify(ns, e->args[i], c);
	classify(ns, e->filter, c);
	classify(ns, e->order, c);
}

/* Conjuncts of e appended to v (the tree of ANDs flattened). */
static int conjuncts(struct sql_arena *a, struct sql_expr *e,
    struct sql_expr ***v, int *n, int *cap)
{
	if (e == NULL)
		return 0;
	if (e->k == E_OP && e->op == OP_AND) {
		if (conjuncts(a, e->args[0], v, n, cap) != 0)
			return -1;
		return conjuncts(a, e->args[1], v, n, cap);
	}
	if (sql_arena_grow(a, v, *n, cap, sizeof(**v), 16) != 0)
		return -1;
	(*v)[(*n)++] = e;
	return 0;
}

static struct sql_expr *mk(struct sql_arena *a, enum sql_ek k, uint32_t pos)
{
	struct sql_expr *e = sql_arena_alloc(a, sizeof(*e));

	if (e != NULL) {
		memset(e, 0, sizeof(*e));
		e->k = k;
		e->pos = pos;
	}
	return e;
}

static struct sql_expr *mk_bin(struct sql_arena *a, int op, uint32_t pos,
    struct sql_expr *l, struct sql_expr *r)
{
	struct sql_expr *e;

	if (l == NULL || r == NULL || (e = mk(a, E_OP, pos)) == NULL ||
	    (e->args = sql_arena_alloc(a, 2 * sizeof(*e->args))) == NULL)
		return NULL;
	e->op = op;
	e->nargs = 2;
	e->args[0] = l;
	e->args[1] = r;
	return e;
}

static struct sql_expr *and_list(struct sql_arena *a, struct sql_expr **v,
    int n)
{
	struct sql_expr *e = NULL;
	int i;

	for (i = 0; i < n; i++)
		e = e == NULL ? v[i] : mk_bin(a, OP_AND, v[i]->pos, e, v[i]);
	return e;
}

/* A rewrite in progress: the derived table's select list. */
struct lift {
	struct sql_arena *a;
	const struct names *ns;
	const char *alias;
	struct sql_expr **items;
	char **names;
	int n, cap;
};

/* Add e to D's select list as column name (default c1, c2, …); a
 * reference to that column of D. */
static struct sql_expr *lift_add(struct lift *l, struct sql_expr *e,
    const char *name)
{
	struct sql_expr *ref;
	char buf[16];
	int cap = l->cap;

	if (sql_arena_grow(l->a, &l->items, l->n, &l->cap, sizeof(*l->items),
	    8) != 0 || sql_arena_grow(l->a, &l->names, l->n, &cap,
	    sizeof(*l->names), 8) != 0)
		return NULL;
	if (name == NULL) {
		snprintf(buf, sizeof(buf), "c%d", l->n + 1);
		name = buf;
	}
	if ((l->names[l->n] = sql_arena_strdup(l->a, name, strlen(name))) == NULL)
		return NULL;
	l->items[l->n] = e;
	if ((ref = mk(l->a, E_NAME, e->pos)) == NULL)
		return NULL;
	ref->name = l->names[l->n++];
	ref->qual = (char *)l->alias;
	return ref;
}

/* e with each largest part that names only the subquery's columns
 * replaced by a column of D (which computes it). */
static struct sql_expr *lift(struct lift *l, struct sql_expr *e)
{
	struct cls c;
	int i;

	memset(&c, 0, sizeof(c));
	classify(l->ns, e, &c);
	if (!c.outer)
		return c.inner ? lift_add(l, e, NULL) : e;
	if (e->k == E_NAME)
		return e;
	for (i = 0; i < e->nargs; i++)
		if (e->args[i] != NULL &&
		    (e->args[i] = lift(l, e->args[i])) == NULL)
			return NULL;
	return e;
}

/* Is e a column of D (made by lift_add)? */
static int is_d(const struct lift *l, const struct sql_expr *e)
{
	return e->k == E_NAME && e->qual == l->alias;
}

/* Is conjunct e, lifted, an equality of a D column and an expression of
 * the outer query alone? */
static int hash_key(const struct lift *l, const struct sql_expr *e)
{
	struct cls c;
	const struct sql_expr *o;

	if (e->k != E_OP || e->op != OP_EQ)
		return 0;
	if (is_d(l, e->args[0]))
		o = e->args[1];
	else if (is_d(l, e->args[1]))
		o = e->args[0];
	else
		return 0;
	memset(&c, 0, sizeof(c));
	classify(l->ns, o, &c);
	return c.outer && !c.inner && !c.sub && !c.agg && !is_d(l, o);
}

/* Does every name of e that the subquery's FROM (ns) does not give
 * resolve in the outer query's FROM (outer)? A name from further out
 * (a subquery inside a subquery) cannot be joined on here. */
static int outer_only(const struct names *ns, const struct names *outer,
    const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 1;
	if (e->k == E_NAME)
		return is_inner(ns, e) || is_inner(outer, e);
	for (i = 0; i < e->nargs; i++)
		if (!outer_only(ns, outer, e->args[i]))
			return 0;
	return outer_only(ns, outer, e->filter);
}

/*
 * May a subquery nested in s name a column of the outer query (outer),
 * not of s (ns)? Its names are checked at every depth and without
 * resolving them against its own FROM: a name the outer FROM provides
 * and s's does not is taken as one. Joining s to the outer query would
 * move such a reference out of that query's scope, so s then stays a
 * subquery (run per outer row, plan.c carries the value down).
 */
static int deep_expr(const struct names *ns, const struct names *outer,
    const struct sql_expr *e, int nested);
static int deep_select(const struct names *ns, const struct names *outer,
    const struct sql_select *s, int nested);

static int deep_from(const struct names *ns, const struct names *outer,
    const struct sql_from *f, int nested)
{
	int i;

	if (f == NULL)
		return 0;
	switch (f->k) {
	case F_JOIN:
		return deep_expr(ns, outer, f->on, nested) ||
		    deep_from(ns, outer, f->l, nested) ||
		    deep_from(ns, outer, f->r, nested);
	case F_SUBQUERY:
		return deep_select(ns, outer, f->sub, 1);
	case F_FUNC:
		for (i = 0; i < f->nfargs; i++)
			if (deep_expr(ns, outer, f->fargs[i], nested))
				return 1;
		return 0;
	default:
		return deep_expr(ns, outer, f->asof, nested);
	}
}

static int deep_expr(const struct names *ns, const struct names *outer,
    const struct sql_expr *e, int nested)
{
	int i;

	if (e == NULL)
		return 0;
	if (e->k == E_NAME)
		return nested && is_inner(outer, e) && !is_inner(ns, e);
	if (e->k == E_SUBQUERY && deep_select(ns, outer, e->sub, 1))
		return 1;
	for (i = 0; i < e->nargs; i++)
		if (deep_expr(ns, outer, e->args[i], nested))
			return 1;
	if (e->over != NULL) {
		for (i = 0; i < e->over->npart; i++)
			if (deep_expr(ns, outer, e->over->part[i], nested))
				return 1;
		for (i = 0; i < e->over->norder; i++)
			if (deep_expr(ns, outer, e->over->order[i].e, nested))
				return 1;
	}
	return deep_expr(ns, outer, e->filter, nested) ||
	    deep_expr(ns, outer, e->order, nested);
}

static int deep_select(const struct names *ns, const struct names *outer,
    const struct sql_select *s, int nested)
{
	int i, j;

	if (s == NULL)
		return 0;
	if (s->setop != 0)
		return deep_select(ns, outer, s->sl, nested) ||
		    deep_select(ns, outer, s->sr, nested);
	for (i = 0; i < s->nctes; i++)
		if (deep_select(ns, outer, s->ctes[i].sel, 1))
			return 1;
	for (i = 0; i < s->nitems; i++)
		if (deep_expr(ns, outer, s->items[i], nested))
			return 1;
	for (i = 0; i < s->nvrows; i++)
		for (j = 0; j < s->nitems; j++)
			if (deep_expr(ns, outer, s->vrows[i][j], nested))
				return 1;
	for (i = 0; i < s->ngroup; i++)
		if (deep_expr(ns, outer, s->group[i], nested))
			return 1;
	for (i = 0; i < s->norder; i++)
		if (deep_expr(ns, outer, s->order[i].e, nested))
			return 1;
	return deep_from(ns, outer, s->from, nested) ||
	    deep_expr(ns, outer, s->where, nested) ||
	    deep_expr(ns, outer, s->having, nested) ||
	    deep_expr(ns, outer, s->qualify, nested) ||
	    deep_expr(ns, outer, s->limit, nested) ||
	    deep_expr(ns, outer, s->offset, nested);
}

/* Is s a plain SELECT … FROM … WHERE … (what may be rewritten)? */
static int plain(const struct sql_select *s)
{
	return s->setop == 0 && s->nvrows == 0 && s->nctes == 0 &&
	    s->from != NULL && s->ngroup == 0 && s->ngsets == 0 &&
	    s->having == NULL && s->limit == NULL && s->offset == NULL &&
	    s->norder == 0;
}

/* Do the ON conditions of FROM tree f name only its own columns? */
static int from_closed(const struct names *ns, const struct sql_from *f)
{
	struct cls c;

	if (f->k != F_JOIN)
		return 1;
	memset(&c, 0, sizeof(c));
	classify(ns, f->on, &c);
	return !c.outer && from_closed(ns, f->l) && from_closed(ns, f->r);
}

/* Does any part of s at its own level name an outer column? */
static int correlated(const struct names *ns, const struct sql_select *s)
{
	struct cls c;
	int i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < s->nitems; i++)
		classify(ns, s->items[i], &c);
	classify(ns, s->where, &c);
	for (i = 0; i < s->ngroup; i++)
		classify(ns, s->group[i], &c);
	classify(ns, s->having, &c);
	for (i = 0; i < s->norder; i++)
		classify(ns, s->order[i].e, &c);
	return c.outer || !from_closed(ns, s->from);
}

/* Is aggregate expression e NULL whenever the subquery has no rows (so
 * an inner join on its groups loses nothing)? */
static int null_on_empty(const struct sql_expr *e)
{
	int i;

	switch (e->k) {
	case E_FUNC:
		if (e->name == NULL)
			return 0;
		i = sql_agg_find(e->name);
		return i != AGG_NONE && i != AGG_COUNT && i != AGG_COUNT_STAR &&
		    strcasecmp(e->name, "count") != 0;
	case E_CAST:
		return null_on_empty(e->args[0]);
	case E_OP:
		if (e->op != OP_ADD && e->op != OP_SUB && e->op != OP_MUL &&
		    e->op != OP_DIV && e->op != OP_MOD && e->op != OP_NEG &&
		    e->op != OP_CONCAT)
			return 0;
		for (i = 0; i < e->nargs; i++)
			if (null_on_empty(e->args[i]))
				return 1;
		return 0;
	default:
		return 0;
	}
}

static struct sql_from *derived(struct sql_arena *a, struct sql_select *d,
    const char *alias, uint32_t pos)
{
	struct sql_from *f = sql_arena_alloc(a, sizeof(*f));

	if (f == NULL)
		return NULL;
	memset(f, 0, sizeof(*f));
	f->k = F_SUBQUERY;
	f->sub = d;
	f->alias = (char *)alias;
	f->hidden = 1;
	f->pos = pos;
	return f;
}

static struct sql_select *new_select(struct sql_arena *a)
{
	struct sql_select *s = sql_arena_alloc(a, sizeof(*s));

	if (s != NULL)
		memset(s, 0, sizeof(*s));
	return s;
}

/* Give D the lifted select list. */
static int set_items(struct sql_arena *a, struct sql_select *d,
    const struct lift *l)
{
	d->nitems = l->n;
	d->items = l->items;
	d->alias = l->names;
	d->text = sql_arena_alloc(a, sizeof(*d->text) * (size_t)(l->n + 1));
	if (d->text == NULL)
		return -1;
	memcpy(d->text, l->names, sizeof(*d->text) * (size_t)l->n);
	return 0;
}

static int add_semi(struct sql_arena *a, struct sql_select *sel,
    struct sql_from *d, struct sql_expr *cond, int kind)
{
	struct sql_semi *v = sql_arena_alloc(a, sizeof(*v) *
	    (size_t)(sel->nsemis + 1));

	if (v == NULL || cond == NULL)
		return -1;
	if (sel->nsemis)
		memcpy(v, sel->semis, sizeof(*v) * (size_t)sel->nsemis);
	v[sel->nsemis].d = d;
	v[sel->nsemis].cond = cond;
	v[sel->nsemis].kind = kind;
	sel->semis = v;
	sel->nsemis++;
	return 0;
}

/*
 * Split s's WHERE into local conjuncts (kept in D) and correlated ones
 * (lifted into l, returned in corr); -1 when a correlated conjunct holds
 * a subquery or an aggregate.
 */
static int split_where(struct sql_arena *a, struct lift *l,
    struct sql_select *s, struct sql_expr ***corr, int *ncorr,
    struct sql_expr **local_out)
{
	struct sql_expr **v = NULL, **local;
	int n = 0, cap = 0, nl = 0, i;

	*corr = NULL;
	*ncorr = 0;
	if (conjuncts(a, s->where, &v, &n, &cap) != 0)
		return -1;
	local = sql_arena_alloc(a, sizeof(*local) * (size_t)(n + 1));
	*corr = sql_arena_alloc(a, sizeof(**corr) * (size_t)(n + 1));
	if (local == NULL || *corr == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct cls c;
		memset(&c, 0, sizeof(c));
		classify(l->ns, v[i], &c);
		if (!c.outer) {
			local[nl++] = v[i];
			continue;
		}
		if (c.sub || c.agg)
			return -1;
		/* a copy: lifting rewrites it, and the rewrite may yet be
		 * given up, leaving the subquery as it was */
		if (((*corr)[(*ncorr)++] = plan_expr_copy(a, v[i])) == NULL)
			return -1;
	}
	*local_out = and_list(a, local, nl);
	return 0;
}

/* One subquery conjunct; 1 rewritten, 0 left alone, -1 out of memory. */
/* The table references (F_TABLE) of FROM tree f, inner joins only. */
static int from_tables(const struct sql_from *f, const struct sql_from **v,
    int n, int max)
{
	if (f == NULL || n < 0)
		return n;
	if (f->k == F_TABLE)
		return n < max ? (v[n] = f, n + 1) : -1;
	if (f->k == F_JOIN && (f->jt == J_INNER || f->jt == J_CROSS))
		return from_tables(f->r, v, from_tables(f->l, v, n, max), max);
	return n;
}

/* Does every name of e at this level belong to t, and none of the
 * others unless qualified? */
static int local_to(const struct names *t, const struct names *others,
    const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 1;
	if (e->k == E_NAME)
		return is_inner(t, e) && (e->qual != NULL || !is_inner(others, e));
	if (e->k == E_STAR)
		return 0;
	for (i = 0; i < e->nargs; i++)
		if (!local_to(t, others, e->args[i]))
			return 0;
	return local_to(t, others, e->filter);
}

/* Does e (of the subquery's FROM) name a column t also has, unqualified,
 * or t's alias? Then it cannot be moved inside a query over t. */
static int captured(const struct names *t, const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 0;
	if (e->k == E_NAME)
		return is_inner(t, e);
	for (i = 0; i < e->nargs; i++)
		if (captured(t, e->args[i]))
			return 1;
	return captured(t, e->filter);
}

/*
 * A grouped derived table for x op (SELECT agg … WHERE k = t.c …)
 * computes the aggregate for every key, where only keys of t's rows
 * that pass the outer query's own conditions on t are ever joined
 * (TPC-H Q17 averages lineitem for 200,000 parts and keeps 200). When
 * the outer query has such conditions, D's input is narrowed to the
 * keys they allow: EXISTS (SELECT 1 FROM t WHERE t.c = k AND <the
 * conditions on t>), itself a semi join. NULL when it does not apply.
 */
static struct sql_expr *magic_filter(struct exec *x, struct sql_arena *a,
    struct sql_select *sel, struct sql_expr **all, int nall,
    const struct sql_expr *skip, const struct names *ns,
    struct sql_expr **keys, struct sql_expr **osides, int nkeys)
{
	const struct sql_from *tabs[16];
	int nt = from_tables(sel->from, tabs, 0, 16), t, i, k;

	for (t = 0; t < nt; t++) {
		struct names tn, others;
		struct sql_expr **w;
		int nw = 0, nfilt = 0;
		const char *qual = tabs[t]->alias ? tabs[t]->alias : tabs[t]->name;
		memset(&tn, 0, sizeof(tn));
		memset(&others, 0, sizeof(others));
		if (from_names(x, a, tabs[t], &tn) != 0) {
			x->cx.err.code = 0;
			x->cx.err.msg[0] = 0;
			continue;
		}
		for (i = 0; i < nt; i++)
			if (i != t && from_names(x, a, tabs[i], &others) != 0) {
				x->cx.err.code = 0;
				x->cx.err.msg[0] = 0;
				return NULL;
			}
		/* the subquery's own tables must not share t's name */
		for (i = 0; i < ns->n; i++)
			if (ns->qual[i] != NULL && strcasecmp(ns->qual[i], qual) == 0)
				break;
		if (i < ns->n)
			continue;
		w = sql_arena_alloc(a, sizeof(*w) * (size_t)(nall + nkeys + 1));
		if (w == NULL)
			return NULL;
		for (k = 0; k < nkeys; k++) {
			struct sql_expr *eq;
			if (osides[k]->k != E_NAME || !local_to(&tn, &others, osides[k]) ||
			    captured(&tn, keys[k]))
				continue;
			eq = mk_bin(a, OP_EQ, keys[k]->pos, plan_expr_copy(a, osides[k]),
			    plan_expr_copy(a, keys[k]));
			if (eq == NULL)
				return NULL;
			w[nw++] = eq;
		}
		if (nw == 0)
			continue;
		for (i = 0; i < nall; i++) {
			struct sql_expr *c;
			if (all[i] == skip || !local_to(&tn, &others, all[i]))
				continue;
			if ((c = plan_expr_copy(a, all[i])) == NULL)
				return NULL;
			w[nw++] = c;
			nfilt++;
		}
		if (nfilt == 0)
			continue;       /* all of t: nothing narrowed */
		{
			struct sql_select *m = new_select(a);
			struct sql_from *f = sql_arena_alloc(a, sizeof(*f));
			struct sql_expr *one = mk(a, E_CONST, tabs[t]->pos), *ex;
			if (m == NULL || f == NULL || one == NULL)
				return NULL;
			*f = *tabs[t];
			one->val.t.id = T_INT;
			one->val.u.i = 1;
			one->t = one->val.t;
			m->from = f;
			m->nitems = 1;
			m->items = sql_arena_alloc(a, sizeof(*m->items));
			m->alias = sql_arena_alloc(a, sizeof(*m->alias));
			m->text = sql_arena_alloc(a, sizeof(*m->text));
			if (m->items == NULL || m->alias == NULL || m->text == NULL)
				return NULL;
			m->items[0] = one;
			m->alias[0] = NULL;
			m->text[0] = "1";
			m->where = and_list(a, w, nw);
			if ((ex = mk(a, E_SUBQUERY, tabs[t]->pos)) == NULL)
				return NULL;
			ex->flags = 0x200;
			ex->sub = m;
			return ex;
		}
	}
	return NULL;
}

static int rewrite(struct exec *x, struct sql_arena *a, struct sql_select *sel,
    struct sql_expr *conj, struct sql_expr **repl, struct sql_expr **all,
    int nall)
{
	struct sql_expr *e = conj, *q = NULL, *other = NULL, *local, *inkey = NULL;
	struct sql_expr **corr;
	struct sql_select *s, *d;
	struct names ns, outer;
	struct lift l;
	char alias[24];
	int neg = 0, kind, ncorr, i, nkeys = 0, op = 0, qleft = 0;

	if (e->k == E_OP && e->op == OP_NOT && e->args[0]->k == E_SUBQUERY) {
		neg = 1;
		e = e->args[0];
	}
	if (e->k == E_SUBQUERY) {
		q = e;
		if (q->flags & 0x200)
			kind = neg ? 2 : 1;             /* NOT EXISTS / EXISTS */
		else if (q->flags & (0x800 | 0x1000))
			kind = (neg != !!(q->flags & 0x1000)) ? 4 : 3;
		else
			return 0;
	} else if (!neg && e->k == E_OP && e->op >= OP_EQ && e->op <= OP_GE &&
	    e->nargs == 2) {
		for (i = 0; i < 2; i++)
			if (e->args[i]->k == E_SUBQUERY && !(e->args[i]->flags &
			    (0x200 | 0x800 | 0x1000 | 0x20000 | 0x40000))) {
				q = e->args[i];
				other = e->args[1 - i];
				qleft = i == 0;
			}
		if (q == NULL)
			return 0;
		kind = 5;
		op = e->op;
	} else {
		return 0;
	}
	s = q->sub;
	if (s->setop != 0 || s->nvrows != 0 || s->nctes != 0 || s->from == NULL)
		return 0;
	memset(&ns, 0, sizeof(ns));
	if (from_names(x, a, s->from, &ns) != 0) {
		/* planning reports it where it belongs */
		x->cx.err.code = 0;
		x->cx.err.msg[0] = 0;
		return 0;
	}
	memset(&outer, 0, sizeof(outer));
	if (from_names(x, a, sel->from, &outer) != 0) {
		x->cx.err.code = 0;
		x->cx.err.msg[0] = 0;
		return 0;
	}
	if ((kind == 3 || kind == 4) && !outer_only(&ns, &outer, q->args[0]))
		return 0;
	if (kind == 5 && !outer_only(&ns, &outer, other))
		return 0;
	if (deep_select(&ns, &outer, s, 0))
		return 0;
	{
		struct sql_expr **v = NULL;
		int nv = 0, capv = 0;
		if (conjuncts(a, s->where, &v, &nv, &capv) != 0)
			return -1;
		for (i = 0; i < nv; i++)
			if (!outer_only(&ns, &outer, v[i]))
				return 0;
	}
	snprintf(alias, sizeof(alias), "__sq%d", ++x->ndecor);
	memset(&l, 0, sizeof(l));
	l.a = a;
	l.ns = &ns;
	if ((l.alias = sql_arena_strdup(a, alias, strlen(alias))) == NULL)
		return -1;
	if (kind == 3 || kind == 4) {
		/* x [NOT] IN (SELECT y …) */
		struct cls cx;
		struct sql_expr *key;
		memset(&cx, 0, sizeof(cx));
		if (s->nitems != 1 || s->items[0]->k == E_STAR)
			return 0;
		classify(&ns, q->args[0], &cx);
		if (cx.sub || cx.agg || !(cx.inner || cx.outer))
			return 0;       /* the left side must name a column */
		if (!correlated(&ns, s)) {
			/* D is the subquery as written */
			struct sql_from *f = derived(a, s, l.alias, q->pos);
			char **cols = sql_arena_alloc(a, sizeof(*cols));
			if (f == NULL || cols == NULL ||
			    (cols[0] = sql_arena_strdup(a, "c1", 2)) == NULL)
				return -1;
			f->colalias = cols;
			f->ncolalias = 1;
			if ((key = mk(a, E_NAME, q->pos)) == NULL)
				return -1;
			key->name = cols[0];
			key->qual = (char *)l.alias;
			if (add_semi(a, sel, f, mk_bin(a, OP_EQ, q->pos, q->args[0],
			    key), kind == 3 ? 1 : 3) != 0)
				return -1;
			*repl = NULL;
			return 1;
		}
		if (kind == 4 || !plain(s))
			return 0;
		{
			struct cls ci;
			memset(&ci, 0, sizeof(ci));
			classify(&ns, s->items[0], &ci);
			if (ci.outer || ci.agg || ci.sub)
				return 0;
		}
		if (split_where(a, &l, s, &corr, &ncorr, &local) != 0)
			return 0;
		if ((key = lift_add(&l, s->items[0], NULL)) == NULL)
			return -1;
		/* the left side belongs to the outer query: a key as is */
		if ((inkey = mk_bin(a, OP_EQ, q->pos, q->args[0], key)) == NULL)
			return -1;
		kind = 1;
		goto semi;
	}
	if (!correlated(&ns, s) || !plain(s))
		return 0;
	if (kind == 5) {
		/* x op (SELECT agg …): group D by the correlation keys */
		struct sql_expr **keys, **osides, *v, *magic;
		struct sql_from *f, *j;
		struct cls ci;
		memset(&ci, 0, sizeof(ci));
		if (s->nitems != 1 || !null_on_empty(s->items[0]))
			return 0;
		classify(&ns, s->items[0], &ci);
		if (ci.outer || ci.sub)
			return 0;
		if (split_where(a, &l, s, &corr, &ncorr, &local) != 0 || ncorr == 0)
			return 0;
		keys = sql_arena_alloc(a, sizeof(*keys) * (size_t)(ncorr + 1));
		osides = sql_arena_alloc(a, sizeof(*osides) * (size_t)(ncorr + 1));
		if (keys == NULL || osides == NULL)
			return -1;
		for (i = 0; i < ncorr; i++) {
			struct sql_expr *c = corr[i];
			struct cls c0, c1;
			int in;
			if (c->k != E_OP || c->op != OP_EQ)
				return 0;
			memset(&c0, 0, sizeof(c0));
			memset(&c1, 0, sizeof(c1));
			classify(&ns, c->args[0], &c0);
			classify(&ns, c->args[1], &c1);
			if (c0.inner && !c0.outer && c1.outer && !c1.inner)
				in = 0;
			else if (c1.inner && !c1.outer && c0.outer && !c0.inner)
				in = 1;
			else
				return 0;
			if ((keys[i] = plan_expr_copy(a, c->args[in])) == NULL ||
			    (osides[i] = plan_expr_copy(a, c->args[1 - in])) == NULL)
				return -1;
			if ((c->args[in] = lift_add(&l, c->args[in], NULL)) == NULL)
				return -1;
		}
		if ((v = lift_add(&l, s->items[0], "v")) == NULL ||
		    (d = new_select(a)) == NULL || set_items(a, d, &l) != 0)
			return -1;
		d->from = s->from;
		d->where = local;
		magic = magic_filter(x, a, sel, all, nall, conj, &ns, keys, osides,
		    ncorr);
		if (magic != NULL)
			d->where = d->where ? mk_bin(a, OP_AND, magic->pos, d->where,
			    magic) : magic;
		d->group = keys;
		d->ngroup = ncorr;
		if ((f = derived(a, d, l.alias, q->pos)) == NULL ||
		    (j = sql_arena_alloc(a, sizeof(*j))) == NULL)
			return -1;
		memset(j, 0, sizeof(*j));
		j->k = F_JOIN;
		j->jt = J_CROSS;
		j->l = sel->from;
		j->r = f;
		j->pos = q->pos;
		sel->from = j;
		{
			struct sql_expr *cmp = qleft ? mk_bin(a, op, e->pos, v, other) :
			    mk_bin(a, op, e->pos, other, v);
			struct sql_expr *cj = and_list(a, corr, ncorr);
			if (cmp == NULL || cj == NULL)
				return -1;
			*repl = mk_bin(a, OP_AND, e->pos, cj, cmp);
			return *repl == NULL ? -1 : 1;
		}
	}
	/* [NOT] EXISTS */
	{
		struct cls ci;
		memset(&ci, 0, sizeof(ci));
		for (i = 0; i < s->nitems; i++)
			classify(&ns, s->items[i], &ci);
		if (ci.agg)
			return 0;       /* one row always: EXISTS is constant */
	}
	if (split_where(a, &l, s, &corr, &ncorr, &local) != 0 || ncorr == 0)
		return 0;
	kind = kind == 1 ? 1 : 2;
semi:
	for (i = 0; i < ncorr; i++)
		if ((corr[i] = lift(&l, corr[i])) == NULL)
			return -1;
	for (i = 0; i < ncorr; i++)
		nkeys += hash_key(&l, corr[i]);
	if (inkey != NULL) {
		corr[ncorr++] = inkey;
		nkeys++;
	}
	if (nkeys == 0)
		return 0;
	if ((d = new_select(a)) == NULL || set_items(a, d, &l) != 0)
		return -1;
	d->from = s->from;
	d->where = local;
	{
		struct sql_expr *cond = and_list(a, corr, ncorr);
		struct sql_from *f = derived(a, d, l.alias, q->pos);
		if (f == NULL)
			return -1;
		if (add_semi(a, sel, f, cond, kind) != 0)
			return -1;
	}
	*repl = NULL;
	return 1;
}

int plan_decorrelate(struct exec *x, struct sql_arena *a,
    struct sql_select *sel)
{
	struct sql_expr **v = NULL, **keep;
	int n = 0, cap = 0, nk = 0, i, changed = 0;

	if (sel->where == NULL || sel->from == NULL)
		return 0;
	if (conjuncts(a, sel->where, &v, &n, &cap) != 0)
		return sql_error(&x->cx, "out of memory");
	keep = sql_arena_alloc(a, sizeof(*keep) * (size_t)(n + 1));
	if (keep == NULL)
		return sql_error(&x->cx, "out of memory");
	for (i = 0; i < n; i++) {
		struct sql_expr *r = v[i];
		int rc = rewrite(x, a, sel, v[i], &r, v, n);
		if (rc < 0)
			return sql_error(&x->cx, "out of memory");
		changed |= rc;
		if (r != NULL)
			keep[nk++] = r;
	}
	if (changed)
		sel->where = and_list(a, keep, nk);
	return 0;
}

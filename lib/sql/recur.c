/*
 * recur.c - WITH RECURSIVE: a query that names itself, evaluated by
 * iteration.
 *
 * t AS (anchor UNION [ALL] step): the rows of anchor are t's first rows
 * and the first working table. Each iteration runs step with t meaning
 * the working table - the rows the iteration before produced - and its
 * rows (under UNION only those t has not produced yet) are t's next
 * rows and the next working table, until an iteration produces none.
 * The operator is lazy: a LIMIT above it ends the iterations, so an
 * endless UNION ALL read through a LIMIT still finishes.
 *
 * The step's plan may hold state that cannot run twice (a sort done,
 * a hash table built from the working table), so each iteration plans
 * it afresh, in an arena of its own that the next iteration resets -
 * and with the working table's real size, so joins are ordered by it.
 * A plan of filters, projections and hash joins whose tables come from
 * the other side (counting, walking a list or a graph) is started over
 * instead, its hash tables built once: the first plan's inner joins
 * with the working table are turned to build from the table.
 *
 * Bounds: the rows t produces in all (the session's recursion limit:
 * every iteration that goes on produced a row, so this bounds the
 * iterations too), and memory (the working tables and, under UNION,
 * every row produced, which the duplicate check keeps) against the
 * memory limit; past either the query fails with a message naming t.
 *
 * Types come from the first term, as in PostgreSQL: a column of the
 * step converts to its column's type when that loses nothing but range
 * (INTEGER n + 1 is BIGINT here, and back in INTEGER it fails only when
 * it overflows, as PostgreSQL's integer would); a DECIMAL column takes
 * precision 38 (a literal's precision is an accident), and the step's
 * values are rounded to its scale. A step column of a type further
 * from the first term's (DOUBLE into INTEGER, TEXT into DATE) is an
 * error that asks for a cast in the first term.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/plan.h"

struct worktable {
	const char *name;
	size_t ncols;
	char **names;
	struct sql_type *types;
	const struct rowstore *rs;      /* its rows: rs rows lo..hi-1 */
	size_t lo, hi;
	double est;                     /* rows, for planning */
};

static int oom(struct exec *x)
{
	return sql_error(&x->cx, "out of memory");
}

/* ---- how often a query names t ---- */

struct refs {
	const char *name;
	int n;                          /* in FROM, outside subqueries */
	int nsub;                       /* inside subqueries */
};

static void refs_select(const struct sql_select *s, struct refs *r, int sub);

static void refs_expr(const struct sql_expr *e, struct refs *r)
{
	int i;

	if (e == NULL)
		return;
	if (e->k == E_SUBQUERY)
		refs_select(e->sub, r, 1);
	for (i = 0; i < e->nargs; i++)
		refs_expr(e->args[i], r);
	refs_expr(e->filter, r);
	refs_expr(e->order, r);
}

static void refs_from(const struct sql_from *f, struct refs *r, int sub)
{
	if (f == NULL)
		return;
	switch (f->k) {
	case F_TABLE:
		if (strcasecmp(f->name, r->name) == 0) {
			if (sub)
				r->nsub++;
			else
				r->n++;
		}
		break;
	case F_SUBQUERY:
		refs_select(f->sub, r, sub);
		break;
	case F_JOIN:
		refs_from(f->l, r, sub);
		refs_from(f->r, r, sub);
		refs_expr(f->on, r);
		break;
	case F_FUNC:
		break;
	}
}

static void refs_select(const struct sql_select *s, struct refs *r, int sub)
{
	int i, j;

	if (s == NULL)
		return;
	for (i = 0; i < s->nctes; i++) {
		refs_select(s->ctes[i].sel, r, sub);
		/* a WITH name of its own hides t in the rest */
		if (strcasecmp(s->ctes[i].name, r->name) == 0)
			return;
	}
	refs_from(s->from, r, sub);
	for (i = 0; s->items != NULL && i < s->nitems; i++)
		refs_expr(s->items[i], r);
	refs_expr(s->where, r);
	for (i = 0; i < s->ngroup; i++)
		refs_expr(s->group[i], r);
	refs_expr(s->having, r);
	for (i = 0; i < s->norder; i++)
		refs_expr(s->order[i].e, r);
	refs_expr(s->limit, r);
	refs_expr(s->offset, r);
	for (i = 0; i < s->nvrows; i++)
		for (j = 0; j < s->nitems; j++)
			refs_expr(s->vrows[i][j], r);
	refs_select(s->sl, r, sub);
	refs_select(s->sr, r, sub);
}

/* ---- the working table as a relation ---- */

struct wt_op {
	struct op o;
	const struct worktable *wt;
	int started;
	size_t pos;
	uint32_t idx[SQL_CHUNK];
};

static int wt_next(struct exec *x, struct op *o)
{
	struct wt_op *w = (struct wt_op *)o;
	size_t n, i, c;

	if (!w->started) {
		w->pos = w->wt->lo;
		w->started = 1;
	}
	if (w->pos >= w->wt->hi)
		return 0;
	n = w->wt->hi - w->pos > SQL_CHUNK ? SQL_CHUNK : w->wt->hi - w->pos;
	for (i = 0; i < n; i++)
		w->idx[i] = (uint32_t)(w->pos + i);
	for (c = 0; c < o->ncols; c++)
		if (rs_gather(w->wt->rs, c, w->idx, n, &o->out.cols[c],
		    &o->out.arena) != 0)
			return oom(x);
	w->pos += n;
	o->out.n = n;
	return 1;
}

static const struct op_vt wt_vt = { "WORKING TABLE", wt_next, NULL, NULL };

int plan_worktable(struct exec *x, const struct worktable *wt,
    struct plan_out *out)
{
	struct wt_op *w = op_new(x, sizeof(*w), &wt_vt, wt->ncols, wt->types);

	memset(out, 0, sizeof(*out));
	if (w == NULL)
		return RDB_ENOMEM;
	w->wt = wt;
	w->o.est = wt->est;
	snprintf(w->o.detail, sizeof(w->o.detail), "%s", wt->name);
	out->op = &w->o;
	out->ncols = wt->ncols;
	out->names = wt->names;
	out->types = w->o.types;
	return 0;
}

static int has_wt(const struct op *o)
{
	return o != NULL && (o->vt == &wt_vt || has_wt(o->kid[0]) ||
	    has_wt(o->kid[1]));
}

/*
 * Can the plan under o start over by starting its working table over
 * (start: do so)? Filters, projections and hash joins whose table comes
 * from the other side can: the table stays built for every iteration.
 */
static int rewind_plan(struct op *o, int start)
{
	struct op *k;

	if (o->vt == &wt_vt) {
		if (start)
			((struct wt_op *)o)->started = 0;
		return 1;
	}
	if ((k = op_restart_child(o, 0)) == NULL ||
	    (o->kid[0] != k && has_wt(o->kid[0])) ||
	    (o->kid[1] != k && has_wt(o->kid[1])) || !rewind_plan(k, start))
		return 0;
	if (start)
		op_restart_child(o, 1);
	return 1;
}

/*
 * An inner hash join over the working table and a table is best built
 * from the table: once, then probed by each working table, where a
 * table built from the working table is probed by all of the table in
 * every iteration. The planner, seeing a small working table, builds
 * from it; turn such joins around, down the pipeline to the working
 * table.
 */
static void build_from_tables(struct op *o)
{
	int i;

	for (;;) {
		if (op_stateless(o)) {
			o = o->kid[0];
			continue;
		}
		for (i = 0; i < 2; i++)
			if (o->kid[i] != NULL && has_wt(o->kid[i]) &&
			    !has_wt(o->kid[!i]) &&
			    op_hashjoin_build_from(o, !i) == 0) {
				o = o->kid[i];
				break;
			}
		if (i == 2)
			return;
	}
}

/* ---- the iteration ---- */

struct rec_op {
	struct op o;                    /* kid[0] the first term, kid[1]
	                                   the step's current plan */
	const struct sql_cte *cte;
	struct cte_scope scope;         /* the step's: t is the working
	                                   table, then what t sees */
	const struct sql_select *step;  /* never planned: copied for each */
	const char *text;               /* the SQL the query is part of */
	size_t textlen;
	const struct sql_outer *outer_vals;     /* a correlated subquery's */
	size_t nouter_vals;
	int all;                        /* UNION ALL */
	int phase;                      /* 0 first term, 1 steps, 2 done */
	int rewind;                     /* the step's plan can start over */
	struct worktable wt;
	/* UNION ALL: rs[cur] is the working table, rs[!cur] the next one.
	 * UNION: rs[0] holds every row produced, hashed in slot (row + 1,
	 * 0 empty; nslot a power of two) with hash[row]; the working
	 * table is a range of it. */
	struct rowstore rs[2];
	int cur;
	uint32_t *slot;
	size_t nslot;
	uint64_t *hash;
	size_t caphash;
	uint64_t rows, iters;
	struct sql_arena arena;         /* the step's plans but the first */
	uint32_t sel[SQL_CHUNK];
	uint64_t h[SQL_CHUNK];
};

static size_t rec_bytes(const struct rec_op *r)
{
	return r->rs[0].bytes + r->rs[0].text.used + r->rs[1].bytes +
	    r->rs[1].text.used + r->nslot * sizeof(*r->slot) +
	    r->caphash * sizeof(*r->hash) + r->arena.used;
}

/* Row i of c equals row j of chunk d, or row j of the store (d NULL). */
static int rows_eq(const struct rec_op *r, const struct sql_chunk *c,
    size_t i, const struct sql_chunk *d, size_t j)
{
	size_t col;

	for (col = 0; col < r->o.ncols; col++) {
		struct sql_vec v;
		if (d != NULL) {
			v = d->cols[col];
		} else {
			v.t = r->rs[0].types[col];
			v.null = r->rs[0].nulls[col];
			v.v.p = r->rs[0].vals[col];
		}
		if (!sql_vec_eq(&c->cols[col], i, &v, j))
			return 0;
	}
	return 1;
}

static int grow_slots(struct rec_op *r, size_t need)
{
	size_t cap = r->nslot ? r->nslot : 1024, i;
	uint32_t *ns;

	if (need * 2 <= r->nslot)
		return 0;
	while (cap < need * 2)
		cap *= 2;
	if ((ns = calloc(cap, sizeof(*ns))) == NULL)
		return -1;
	for (i = 0; i < r->rs[0].n; i++) {
		size_t j = r->hash[i] & (cap - 1);
		while (ns[j] != 0)
			j = (j + 1) & (cap - 1);
		ns[j] = (uint32_t)i + 1;
	}
	free(r->slot);
	r->slot = ns;
	r->nslot = cap;
	return 0;
}

/*
 * UNION: keep in r->sel the rows of c that t has not produced (nor an
 * earlier row of c), and add them to the store and its hash table.
 */
static int keep_new(struct exec *x, struct rec_op *r, const struct sql_chunk *c,
    size_t *nsel)
{
	size_t base = r->rs[0].n, n = 0, i, col;

	if (base + c->n >= UINT32_MAX - 1)
		return sql_error(&x->cx, "recursive query '%s' produced too many "
		    "rows", r->cte->name);
	if (grow_slots(r, base + c->n) != 0)
		return oom(x);
	if (base + c->n > r->caphash) {
		size_t cap = r->caphash ? r->caphash : 1024;
		uint64_t *nh;
		while (cap < base + c->n)
			cap *= 2;
		if ((nh = realloc(r->hash, cap * sizeof(*nh))) == NULL)
			return oom(x);
		r->hash = nh;
		r->caphash = cap;
	}
	for (i = 0; i < c->n; i++) {
		uint64_t h = 0x2545f4914f6cdd1dULL;
		size_t j;
		for (col = 0; col < r->o.ncols; col++)
			h = sql_hash_val(&c->cols[col], i, h);
		j = h & (r->nslot - 1);
		for (; r->slot[j] != 0; j = (j + 1) & (r->nslot - 1)) {
			size_t k = r->slot[j] - 1;
			if (r->hash[k] == h && (k < base ? rows_eq(r, c, i, NULL, k) :
			    rows_eq(r, c, i, c, r->sel[k - base])))
				break;
		}
		if (r->slot[j] != 0)
			continue;       /* produced before */
		r->slot[j] = (uint32_t)(base + n) + 1;
		r->hash[base + n] = h;
		r->sel[n++] = (uint32_t)i;
	}
	if (n > 0 && rs_append(&r->rs[0], c, r->sel, n) != 0)
		return oom(x);
	*nsel = n;
	return 0;
}

static int rank(int id)
{
	return id == T_DOUBLE ? 3 : id == T_DECIMAL ? 2 : 1;
}

/* May a step column of type s take the first term's type t? */
static int fits(struct sql_type t, struct sql_type s)
{
	if (s.id == T_NULL || s.id == t.id)
		return 1;
	if (sql_is_numeric(t.id) && sql_is_numeric(s.id))
		return rank(s.id) <= rank(t.id);
	if (t.id == T_TIMESTAMP && s.id == T_DATE)
		return 1;
	if (t.id == T_TEXT && s.id == T_JSON)
		return 1;
	if (t.id == T_BLOB && sql_is_strlike(s.id))
		return 1;
	return 0;
}

/* p's columns converted to t's types (step: check that they may be). */
static int convert(struct exec *x, struct rec_op *r, struct sql_arena *a,
    struct plan_out *p, int step, struct op **out)
{
	struct sql_expr **proj;
	size_t n = r->o.ncols, i;
	int rc;

	*out = NULL;
	if (p->ncols != n) {
		op_free(p->op);
		return sql_err_at(x, r->cte->pos, "the terms of recursive query "
		    "'%s' have %zu and %zu columns", r->cte->name, n, p->ncols);
	}
	if ((proj = sql_arena_alloc(a, sizeof(*proj) * (n + 1))) == NULL) {
		op_free(p->op);
		return oom(x);
	}
	for (i = 0; i < n; i++) {
		struct sql_type t = r->o.types[i], s = p->types[i];
		char b1[32], b2[32];
		if (step && !fits(t, s)) {
			op_free(p->op);
			return sql_err_at(x, r->cte->pos, "recursive query '%s': "
			    "column %zu ('%s') is %s in the first term but %s in the "
			    "recursive term; cast the first term's column to the type "
			    "wanted", r->cte->name, i + 1, r->wt.names[i],
			    sql_type_name(t, b1, sizeof(b1)),
			    sql_type_name(s, b2, sizeof(b2)));
		}
		proj[i] = plan_col(a, (int)i, s);
		if (proj[i] == NULL) {
			op_free(p->op);
			return oom(x);
		}
		proj[i]->pos = r->cte->pos;
		if ((rc = plan_coerce(x, a, &proj[i], t)) != 0) {
			op_free(p->op);
			return rc;
		}
	}
	if ((*out = op_project(x, p->op, n, proj)) == NULL)
		return RDB_ENOMEM;
	(*out)->est = (*out)->kid[0]->est;
	return 0;
}

/* Plan the step in a over the working table. */
static int plan_step(struct exec *x, struct rec_op *r, struct sql_arena *a,
    struct op **out)
{
	const struct cte_scope *keep = x->ctes;
	const char *text = x->text;
	size_t textlen = x->textlen, nov = x->nouter_vals;
	const struct sql_outer *ov = x->outer_vals;
	struct sql_select *copy = sql_select_copy(a, r->step);
	struct plan_out p;
	int rc;

	*out = NULL;
	if (copy == NULL)
		return oom(x);
	/* as when the query was planned, whenever this runs */
	x->ctes = &r->scope;
	x->text = r->text;
	x->textlen = r->textlen;
	x->outer_vals = r->outer_vals;
	x->nouter_vals = r->nouter_vals;
	rc = plan_select(x, a, copy, &p);
	x->ctes = keep;
	x->text = text;
	x->textlen = textlen;
	x->outer_vals = ov;
	x->nouter_vals = nov;
	if (rc != 0)
		return rc;
	return convert(x, r, a, &p, 1, out);
}

/*
 * The end of the first term or of an iteration: the rows it produced
 * become the working table, and the step starts over on them. 0 when
 * there were none (t is complete).
 */
static int turn(struct exec *x, struct rec_op *r)
{
	size_t n;
	int rc;

	if (r->all) {
		struct rowstore *next = &r->rs[!r->cur], *old = &r->rs[r->cur];
		if ((n = next->n) == 0)
			return 0;
		/* the old working table is emptied for the iteration after */
		old->n = 0;
		sql_arena_reset(&old->text);
		r->cur = !r->cur;
		r->wt.rs = next;
		r->wt.lo = 0;
		r->wt.hi = n;
	} else {
		if ((n = r->rs[0].n - r->wt.hi) == 0)
			return 0;
		r->wt.lo = r->wt.hi;
		r->wt.hi = r->rs[0].n;
	}
	r->wt.est = (double)n;
	if (r->phase == 0) {
		r->phase = 1;           /* the first plan was made for this */
		return 1;
	}
	r->iters++;
	if (r->rewind) {
		rewind_plan(r->o.kid[1], 1);
		return 1;
	}
	op_free(r->o.kid[1]);
	r->o.kid[1] = NULL;
	sql_arena_reset(&r->arena);
	if ((rc = plan_step(x, r, &r->arena, &r->o.kid[1])) != 0)
		return rc;
	return 1;
}

static int rec_next(struct exec *x, struct op *o)
{
	struct rec_op *r = (struct rec_op *)o;
	size_t n, i, c;
	int rc;

	while (r->phase < 2) {
		struct op *k = o->kid[r->phase];
		const struct sql_chunk *ch;
		if ((rc = op_next(x, k)) < 0)
			return rc;
		if (rc == 0) {
			if ((rc = turn(x, r)) < 0)
				return rc;
			if (rc == 0)
				r->phase = 2;
			continue;
		}
		ch = &k->out;
		if (r->all) {
			n = ch->n;
			if (n > 0 && rs_append(&r->rs[!r->cur], ch, NULL, 0) != 0)
				return oom(x);
		} else {
			if ((rc = keep_new(x, r, ch, &n)) != 0)
				return rc;
		}
		r->rows += n;
		if (x->recursion_limit != 0 && r->rows > x->recursion_limit)
			return sql_error(&x->cx, "recursive query '%s' exceeded %llu "
			    "rows (after %llu iterations); raise --recursion-limit if "
			    "it is meant to produce more, or make it end%s",
			    r->cte->name, (unsigned long long)x->recursion_limit,
			    (unsigned long long)r->iters, r->all ? " (UNION instead "
			    "of UNION ALL stops at rows seen before)" : "");
		if (x->memory_limit != 0 && rec_bytes(r) > x->memory_limit)
			return sql_error(&x->cx, "recursive query '%s' exceeds the "
			    "memory limit (%llu MB) after %llu iterations; raise "
			    "--memory-limit", r->cte->name,
			    (unsigned long long)(x->memory_shown >> 20),
			    (unsigned long long)r->iters);
		if (n == 0)
			continue;
		if (r->all) {
			for (c = 0; c < o->ncols; c++)
				o->out.cols[c] = ch->cols[c];
		} else {
			/* the new rows, as the store holds them */
			for (i = 0; i < n; i++)
				r->sel[i] = (uint32_t)(r->rs[0].n - n + i);
			for (c = 0; c < o->ncols; c++)
				if (rs_gather(&r->rs[0], c, r->sel, n, &o->out.cols[c],
				    &o->out.arena) != 0)
					return oom(x);
		}
		o->out.n = n;
		return 1;
	}
	return 0;
}

static void rec_close(struct op *o)
{
	struct rec_op *r = (struct rec_op *)o;

	/* op_free freed the step's plan, which lives in the arena, first */
	rs_release(&r->rs[0]);
	rs_release(&r->rs[1]);
	free(r->slot);
	free(r->hash);
	sql_arena_release(&r->arena);
}

static const struct op_vt rec_vt = { "RECURSIVE UNION", rec_next, rec_close, NULL };

/* The plain WITH query of nd (it does not name itself). */
static int plan_plain(struct exec *x, struct sql_arena *a,
    const struct cte_scope *nd, struct plan_out *out)
{
	const struct cte_scope *keep = x->ctes;
	struct sql_select *copy = sql_select_copy(a, nd->cte->sel);
	int rc;

	if (copy == NULL)
		return oom(x);
	x->ctes = nd->next;
	rc = plan_select(x, a, copy, out);
	x->ctes = keep;
	return rc;
}

int plan_recursive(struct exec *x, struct sql_arena *a,
    const struct cte_scope *nd, struct plan_out *out)
{
	const struct sql_cte *cte = nd->cte;
	const struct sql_select *sel = cte->sel;
	const struct cte_scope *keep = x->ctes;
	struct refs fr, sr;
	struct plan_out first;
	struct rec_op *r;
	struct op *op;
	size_t n, i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&fr, 0, sizeof(fr));
	fr.name = cte->name;
	refs_select(sel, &fr, 0);
	if (fr.n + fr.nsub == 0)
		return plan_plain(x, a, nd, out);
	if (sel->setop != SET_UNION)
		return sql_err_at(x, cte->pos, "recursive query '%s' must be a "
		    "first term UNION [ALL] a recursive term (with no ORDER BY or "
		    "LIMIT of its own)", cte->name);
	memset(&fr, 0, sizeof(fr));
	memset(&sr, 0, sizeof(sr));
	fr.name = sr.name = cte->name;
	refs_select(sel->sl, &fr, 0);
	refs_select(sel->sr, &sr, 0);
	if (fr.n + fr.nsub > 0)
		return sql_err_at(x, cte->pos, "recursive query '%s' names itself "
		    "in its first term; only the term after the last UNION may",
		    cte->name);
	if (sr.nsub > 0)
		return sql_err_at(x, cte->pos, "recursive query '%s' names itself "
		    "inside a subquery; its recursive term may name it only in "
		    "FROM", cte->name);
	if (sr.n > 1)
		return sql_err_at(x, cte->pos, "recursive query '%s' names itself "
		    "%d times in its recursive term; once is allowed", cte->name,
		    sr.n);

	/* the first term, which sees the names before t */
	{
		struct sql_select *copy = sql_select_copy(a, sel->sl);
		if (copy == NULL)
			return oom(x);
		x->ctes = nd->next;
		rc = plan_select(x, a, copy, &first);
		x->ctes = keep;
		if (rc != 0)
			return rc;
	}
	n = first.ncols;
	if ((size_t)cte->ncols > n) {
		op_free(first.op);
		return sql_err_at(x, cte->pos, "'%s' has %zu columns but %d names "
		    "were given", cte->name, n, cte->ncols);
	}
	r = op_new(x, sizeof(*r), &rec_vt, n, first.types);
	if (r == NULL) {
		op_free(first.op);
		return RDB_ENOMEM;
	}
	sql_arena_init(&r->arena);
	r->cte = cte;
	r->all = sel->setall;
	r->text = x->text;
	r->textlen = x->textlen;
	r->outer_vals = x->outer_vals;
	r->nouter_vals = x->nouter_vals;
	snprintf(r->o.detail, sizeof(r->o.detail), "%s%s", cte->name,
	    r->all ? " (ALL)" : "");
	for (i = 0; i < n; i++) {
		struct sql_type *t = &r->o.types[i];
		if (t->id == T_NULL)
			t->id = T_TEXT;
		else if (t->id == T_DECIMAL)
			t->prec = 38;
	}
	if (rs_init(&r->rs[0], n, r->o.types) != 0 ||
	    rs_init(&r->rs[1], n, r->o.types) != 0 ||
	    (r->wt.names = sql_arena_alloc(a, sizeof(char *) * (n + 1))) == NULL) {
		op_free(first.op);
		op_free(&r->o);
		return oom(x);
	}
	for (i = 0; i < n; i++)
		r->wt.names[i] = (int)i < cte->ncols ? cte->cols[i] : first.names[i];
	r->wt.name = cte->name;
	r->wt.ncols = n;
	r->wt.types = r->o.types;
	r->wt.rs = &r->rs[0];
	r->wt.est = first.op->est > 0 ? first.op->est : 1;
	r->scope.cte = cte;
	r->scope.next = nd->next;
	r->scope.wt = &r->wt;
	if ((rc = convert(x, r, a, &first, 0, &op)) != 0) {
		op_free(&r->o);
		return rc;
	}
	r->o.kid[0] = op;
	r->step = sel->sr;
	/* the first plan of the step is made now, for its errors, and runs
	 * the first iteration */
	if ((rc = plan_step(x, r, a, &op)) != 0) {
		op_free(&r->o);
		return rc;
	}
	r->o.kid[1] = op;
	build_from_tables(op);
	r->rewind = rewind_plan(op, 0);
	r->o.est = r->o.kid[0]->est * 10;
	out->op = &r->o;
	out->ncols = n;
	out->names = r->wt.names;
	out->types = r->o.types;
	return 0;
}

/*
 * cse.c - expressions evaluated together over the same chunks (a
 * projection's list; an aggregate's keys, arguments and FILTERs) share
 * their common subexpressions: each is computed once per chunk.
 *
 * Setup copies the trees down to the nodes that may change and finds
 * the subtrees that occur more than once (sql_expr_eq), largest first:
 * each becomes a shared expression, evaluated once into a column past
 * the input's, and its occurrences become references to that column. A
 * shared expression may itself refer to smaller ones, which are made
 * later and so are evaluated first (in reverse order of making).
 *
 * Only what is evaluated for every row anyway is shared: nothing under
 * a CASE (its branches run on the rows that reach them, so THEN a / b
 * stays safe where a WHEN excludes b = 0), no subquery, no volatile
 * function (random() twice is two draws). Every other operator and
 * function evaluates all its arguments over the whole chunk, so a
 * shared subexpression raises exactly the errors its occurrences did.
 */
#include <stdlib.h>
#include <string.h>

#include "sql/exec.h"

/* Candidates looked at, at most: past them the lists are used as they
 * are (a huge select list costs quadratic comparisons otherwise). */
#define CSE_MAX 1024

struct cand {
	struct sql_expr **slot;         /* where the node hangs */
	int height;
	int end;                        /* candidates of its subtree: up to
	                                   here (preorder) */
	int ok;                         /* may be shared */
	int dead;                       /* replaced, or inside a replaced one */
};

struct walk {
	struct sql_arena *a;
	struct cand *c;
	int n;
	int full;
};

/* May e be evaluated once for all its occurrences? */
static int pure(const struct sql_expr *e)
{
	int i;

	if (e == NULL)
		return 1;
	switch (e->k) {
	case E_COL: case E_CONST:
		return 1;
	case E_FUNC:
		if (e->fn == NULL || (e->fn->flags & SQL_FN_VOLATILE) ||
		    e->filter != NULL || e->order != NULL || e->over != NULL)
			return 0;
		break;
	case E_OP: case E_CAST: case E_CASE:
		break;
	default:
		return 0;
	}
	for (i = 0; i < e->nargs; i++)
		if (!pure(e->args[i]))
			return 0;
	return 1;
}

static int height(const struct sql_expr *e)
{
	int i, h = 0, k;

	if (e == NULL)
		return 0;
	for (i = 0; i < e->nargs; i++)
		if ((k = height(e->args[i])) > h)
			h = k;
	return h + 1;
}

/* Do we look into e's arguments (evaluated for every row e is)? */
static int descend(const struct sql_expr *e)
{
	return e->k == E_OP || e->k == E_CAST ||
	    (e->k == E_FUNC && e->fn != NULL && e->over == NULL);
}

/* Copy the tree at *slot where it may change, noting its candidates in
 * preorder. */
static int walk(struct walk *w, struct sql_expr **slot)
{
	struct sql_expr *e = *slot, *c;
	int i, me;

	if (e == NULL || (!descend(e) && e->k != E_CASE))
		return 0;
	if (w->n == CSE_MAX) {
		w->full = 1;
		return 0;
	}
	me = w->n++;
	w->c[me].slot = slot;
	w->c[me].height = height(e);
	w->c[me].ok = pure(e);
	w->c[me].dead = 0;
	if (descend(e)) {
		if ((c = sql_arena_alloc(w->a, sizeof(*c))) == NULL)
			return -1;
		*c = *e;
		if (e->nargs > 0) {
			c->args = sql_arena_alloc(w->a, sizeof(*c->args) *
			    (size_t)e->nargs);
			if (c->args == NULL)
				return -1;
			memcpy(c->args, e->args, sizeof(*c->args) * (size_t)e->nargs);
		}
		*slot = c;
		for (i = 0; i < e->nargs; i++)
			if (walk(w, &c->args[i]) != 0)
				return -1;
	}
	w->c[me].end = w->n;
	return 0;
}

int sql_exprs_init(struct exec *x, struct sql_exprs *s, size_t ncols_in,
    size_t n, struct sql_expr *const *roots)
{
	struct walk w;
	int *order = NULL, i, j, k, rc = 0;
	size_t r;

	memset(s, 0, sizeof(*s));
	sql_arena_init(&s->arena);
	s->ncols_in = ncols_in;
	s->n = n;
	memset(&w, 0, sizeof(w));
	w.a = &s->arena;
	s->roots = sql_arena_alloc(&s->arena, sizeof(*s->roots) * (n + 1));
	w.c = calloc(CSE_MAX, sizeof(*w.c));
	order = calloc(CSE_MAX, sizeof(*order));
	if (s->roots == NULL || w.c == NULL || order == NULL)
		goto nomem;
	for (r = 0; r < n; r++)
		s->roots[r] = roots[r];
	for (r = 0; r < n; r++)
		if (walk(&w, &s->roots[r]) != 0)
			goto nomem;
	if (w.full) {           /* too many to compare: as written */
		for (r = 0; r < n; r++)
			s->roots[r] = roots[r];
		goto out;
	}
	/* largest first; among equals, in preorder */
	for (i = 0; i < w.n; i++) {
		for (j = i; j > 0 && w.c[order[j - 1]].height < w.c[i].height; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0; i < w.n; i++) {
		struct cand *c = &w.c[order[i]];
		struct sql_expr *col = NULL, *e = *c->slot;
		if (c->dead || !c->ok)
			continue;
		for (j = i + 1; j < w.n; j++) {
			struct cand *d = &w.c[order[j]];
			if (d->height != c->height)
				break;
			if (d->dead || !d->ok || !sql_expr_eq(e, *d->slot))
				continue;
			if (col == NULL) {
				struct sql_expr **sh;
				if ((col = sql_arena_alloc(&s->arena, sizeof(*col))) == NULL)
					goto nomem;
				memset(col, 0, sizeof(*col));
				col->k = E_COL;
				col->t = e->t;
				col->pos = e->pos;
				col->col = (int)(ncols_in + s->nshared);
				sh = sql_arena_alloc(&s->arena, sizeof(*sh) *
				    (s->nshared + 1));
				if (sh == NULL)
					goto nomem;
				if (s->nshared)
					memcpy(sh, s->shared, sizeof(*sh) * s->nshared);
				sh[s->nshared++] = e;
				s->shared = sh;
				*c->slot = col;
				c->dead = 1;
			}
			*d->slot = col;
			for (k = order[j]; k < d->end; k++)
				w.c[k].dead = 1;
		}
	}
	goto out;
nomem:
	rc = sql_error(&x->cx, "out of memory");
out:
	free(w.c);
	free(order);
	return rc;
}

void sql_exprs_release(struct sql_exprs *s)
{
	if (s == NULL)
		return;
	sql_arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}

int sql_exprs_begin(struct exec *x, const struct sql_exprs *s,
    const struct sql_chunk *in, struct sql_chunk *view, struct sql_arena *a)
{
	size_t j;
	int rc;

	*view = *in;
	if (s->nshared == 0)
		return 0;
	if (in->ncols != s->ncols_in)
		return sql_error(&x->cx, "internal: %zu columns, not %zu",
		    in->ncols, s->ncols_in);
	view->ncols = s->ncols_in + s->nshared;
	view->cols = sql_arena_alloc(a, sizeof(*view->cols) * view->ncols);
	if (view->cols == NULL)
		return sql_error(&x->cx, "out of memory");
	if (in->ncols)
		memcpy(view->cols, in->cols, sizeof(*view->cols) * in->ncols);
	for (j = s->nshared; j-- > 0; )
		if ((rc = sql_eval(x, s->shared[j], view,
		    &view->cols[s->ncols_in + j], a)) != 0)
			return rc;
	return 0;
}

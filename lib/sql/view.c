/*
 * view.c - views in queries: a name in FROM that is a view is planned
 * from the view's stored text, as a subquery in FROM would be, with the
 * view's column names.
 *
 * The catalog keeps a view as text (format/manifest.md §Views,
 * [F-MAN-016]), so a view follows the tables it reads and is planned
 * afresh each time it is used; when its text no longer plans (a column
 * it names was dropped) or gives other columns than the view has, the
 * error names the view. The text is planned on its own: the WITH names
 * and parameters of the query around it, and the columns of a query
 * it is a subquery of, are not its. A view that
 * uses itself, through others, would expand forever: planning stops at
 * a depth that no sensible nesting reaches.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/plan.h"

#define MAX_VIEW_DEPTH 32

const struct rdb_view_desc *plan_view_find(struct exec *x, const char *name)
{
	const struct rdb_view_desc *v;
	size_t i;

	for (i = 0; i < x->ntviews; i++)
		if (strcasecmp(x->tviews[i]->name, name) == 0)
			return x->tviews[i];
	if (x->txn != NULL && rdb_view_find(x->txn, name, &v) == RDB_OK)
		return v;
	return NULL;
}

static int is_temp(const struct exec *x, const struct rdb_view_desc *v)
{
	size_t i;

	for (i = 0; i < x->ntviews; i++)
		if (x->tviews[i] == v)
			return 1;
	return 0;
}

int plan_view(struct exec *x, struct sql_arena *a,
    const struct rdb_view_desc *v, struct plan_out *out)
{
	const struct cte_scope *ctes = x->ctes;
	const struct sql_param *params = x->params;
	const struct sql_outer *outer = x->outer_vals;
	const char *text = x->text;
	size_t textlen = x->textlen, nparams = x->nparams, pos = 0;
	size_t nouter = x->nouter_vals;
	struct sql_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (is_temp(x, v))
		x->used_temp = v->name;
	if (x->view_depth >= MAX_VIEW_DEPTH)
		return sql_error(&x->cx, "views nest more than %d deep at view "
		    "'%s': does it use itself?", MAX_VIEW_DEPTH, v->name);
	/* positions in the view's text would mislead: errors have none */
	x->text = NULL;
	x->textlen = 0;
	x->ctes = NULL;
	x->params = NULL;
	x->nparams = 0;
	x->outer_vals = NULL;
	x->nouter_vals = 0;
	x->view_depth++;
	rc = sql_parse(&x->cx, a, v->sql, strlen(v->sql), &pos, &st);
	if (rc == RDB_OK && (st == NULL || st->k != S_SELECT))
		rc = sql_error(&x->cx, "its text is not a query");
	if (rc == RDB_OK)
		rc = plan_select(x, a, st->sel, out);
	x->view_depth--;
	x->text = text;
	x->textlen = textlen;
	x->ctes = ctes;
	x->params = params;
	x->nparams = nparams;
	x->outer_vals = outer;
	x->nouter_vals = nouter;
	if (rc == RDB_OK && out->ncols != v->ncols) {
		size_t n = out->ncols;
		op_free(out->op);
		memset(out, 0, sizeof(*out));
		return sql_error(&x->cx, "view '%s' no longer works: its query "
		    "gives %zu columns where the view has %zu (a table it reads "
		    "changed); make it again with CREATE OR REPLACE VIEW", v->name,
		    n, v->ncols);
	}
	if (rc != RDB_OK) {
		char msg[sizeof(x->cx.err.msg)];
		/* out of memory, interrupted, storage errors: as they are; an
		 * error of an inner view already names that view */
		if (x->cx.err.code != RDB_ESQL ||
		    strncmp(x->cx.err.msg, "view '", 6) == 0 ||
		    strncmp(x->cx.err.msg, "views nest", 10) == 0)
			return rc;
		snprintf(msg, sizeof(msg), "%s", x->cx.err.msg);
		return sql_error(&x->cx, "view '%s' no longer works: %s; make it "
		    "again with CREATE OR REPLACE VIEW", v->name, msg);
	}
	out->names = (char **)v->cols;
	return 0;
}

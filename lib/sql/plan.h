/*
 * plan.h - binding and planning: from a parsed SELECT to an operator
 * tree (plan.c), and the helpers the statements of sql.c share.
 */
#ifndef RDB_SQL_PLAN_H
#define RDB_SQL_PLAN_H

#include "sql/exec.h"

/* A planned query: its operator tree and output columns. */
struct plan_out {
	struct op *op;
	size_t ncols;
	char **names;                   /* in the statement arena */
	struct sql_type *types;         /* = op->types */
};

/* Plan sel; names and expressions live in a (the statement arena). */
int plan_select(struct exec *x, struct sql_arena *a, struct sql_select *sel,
    struct plan_out *out);

/* Bind e with no columns in scope (VALUES, DEFAULT, LIMIT). */
int plan_bind_const(struct exec *x, struct sql_arena *a, struct sql_expr *e,
    struct sql_expr **out);

/* A column reference of type t to column col. */
struct sql_expr *plan_col(struct sql_arena *a, int col, struct sql_type t);
/* e converted to type t (a cast node, or a folded constant). */
int plan_coerce(struct exec *x, struct sql_arena *a, struct sql_expr **e,
    struct sql_type t);
/* Bind e over the columns of table td (for UPDATE and DELETE): column i
 * of the table is input column i. */
int plan_bind_table(struct exec *x, struct sql_arena *a,
    const struct rdb_table_desc *td, struct sql_expr *e,
    struct sql_expr **out);

/* Are unbound expressions a and b the same (a column named with and
 * without its table counts as the same; subqueries, windows and FILTER
 * never do)? */
int plan_unbound_eq(const struct sql_expr *a, const struct sql_expr *b);
/* Does unbound e call a window function anywhere? */
int plan_has_window(const struct sql_expr *e);
/* Take the HAVING subqueries of sel that aggregate sel's own rows from
 * its groups, as window aggregates in QUALIFY (reuse.c). */
int plan_reuse_groups(struct exec *x, struct sql_arena *a,
    struct sql_select *sel);
/* Rewrite the subqueries of sel's WHERE that can be joins (decor.c). */
int plan_decorrelate(struct exec *x, struct sql_arena *a,
    struct sql_select *sel);
/* A deep copy of expression e (unbound). */
struct sql_expr *plan_expr_copy(struct sql_arena *a, const struct sql_expr *e);

/*
 * WITH RECURSIVE (recur.c). The query of scope nd, which is of a WITH
 * RECURSIVE list: planned as an iteration when it names itself, as any
 * WITH query when it does not. Its columns are named by the WITH list
 * or its first term.
 */
int plan_recursive(struct exec *x, struct sql_arena *a,
    const struct cte_scope *nd, struct plan_out *out);
/* The working table wt as a relation (its names in out->names). */
int plan_worktable(struct exec *x, const struct worktable *wt,
    struct plan_out *out);

/*
 * Views (view.c). The view called name that queries of x see - the
 * session's temporary one, else the database's - or NULL.
 */
const struct rdb_view_desc *plan_view_find(struct exec *x, const char *name);
/* Plan view v's query, its columns named as the view's; an error names
 * the view when the query no longer plans as it did. */
int plan_view(struct exec *x, struct sql_arena *a,
    const struct rdb_view_desc *v, struct plan_out *out);

/*
 * Table functions of series (series.c): is name generate_series or
 * range, and the series that FROM item f asks for, its one column named
 * by f's alias or the function. Its arguments are constants.
 */
int series_name(const char *name);
int series_plan(struct exec *x, struct sql_arena *a, const struct sql_from *f,
    struct plan_out *out);

/* Edit distance, for "did you mean". */
int plan_distance(const char *a, const char *b);

/*
 * Index scans (iscan.c). A condition of a scan's WHERE an index may
 * serve: column col (of the table) op the constant vals[0] (op an
 * RDB_CMP_*), or col IN (vals[0..n)) (op SQL_ICOND_IN); the constants
 * have the column's type.
 */
#define SQL_ICOND_IN (-1)
struct sql_icond {
	size_t col;
	int op;
	size_t n;
	const struct sql_val *const *vals;
};
/* The key ranges to read through the index of td that serves c[0..n)
 * best (its name in *name), one malloc'd block for op_scan_index; NULL
 * when none serves them (or memory ran out: the scan reads all). */
struct rdb_index_probe *plan_index_probe(const struct rdb_table_desc *td,
    const struct sql_icond *c, size_t n, const char **name);

#endif

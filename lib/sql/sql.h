/*
 * sql.h - the SQL engine's shared interface: types and values, vectors
 * and chunks, the arena, the syntax tree, the scalar function registry.
 *
 * Pipeline: text -> lexer/parser (parse.c) -> syntax tree -> binder and
 * planner (plan.c: names resolved, types fixed, predicates pushed into
 * scans, joins ordered) -> operator tree (exec.c) pulling chunks of at
 * most SQL_CHUNK rows -> results as struct rdb_batch (sql.c).
 *
 * In memory every integer-like type (BOOLEAN, INTEGER, BIGINT, DATE,
 * TIMESTAMP) is an int64_t, DECIMAL an __int128 unscaled value with the
 * scale in its type, DOUBLE a double, and text-like types (TEXT, JSON,
 * BLOB) a pointer and length into an arena. One kernel per family, not
 * per width.
 */
#ifndef RDB_SQL_H
#define RDB_SQL_H

#include <stdint.h>
#include <stddef.h>

#include "util/util.h"

#define SQL_CHUNK 2048

/* Types. The storable ones share rdb_type's codes. */
enum sql_tid {
	T_NULL = 0,                     /* the type of a bare NULL */
	T_BOOL = RDB_BOOLEAN, T_INT = RDB_INTEGER, T_BIGINT = RDB_BIGINT,
	T_DOUBLE = RDB_DOUBLE, T_DECIMAL = RDB_DECIMAL, T_TEXT = RDB_TEXT,
	T_DATE = RDB_DATE, T_TIMESTAMP = RDB_TIMESTAMP, T_JSON = RDB_JSON,
	T_BLOB = RDB_BLOB,
	T_INTERVAL = 20,                /* months, days, µs; not storable */
};

struct sql_type {
	uint8_t id;                     /* enum sql_tid */
	uint8_t prec, scale;            /* DECIMAL */
};

/* Families: how values are held. */
static inline int sql_is_intlike(int id)
{
	return id == T_BOOL || id == T_INT || id == T_BIGINT ||
	    id == T_DATE || id == T_TIMESTAMP;
}
static inline int sql_is_strlike(int id)
{
	return id == T_TEXT || id == T_JSON || id == T_BLOB;
}
static inline int sql_is_numeric(int id)
{
	return id == T_INT || id == T_BIGINT || id == T_DOUBLE ||
	    id == T_DECIMAL;
}
const char *sql_type_name(struct sql_type t, char *buf, size_t n);

struct sql_str {
	const char *p;
	uint32_t n;
};

struct sql_interval {
	int32_t months;
	int32_t days;
	int64_t us;
};

/* One value. null set means SQL NULL (the union is then unused). */
struct sql_val {
	struct sql_type t;
	uint8_t null;
	union {
		int64_t i;
		double d;
		__int128 x;
		struct sql_str s;
		struct sql_interval iv;
	} u;
};

/*
 * A bump allocator for the values of one chunk or one statement: many
 * small allocations, freed together by reset or release.
 */
struct sql_arena {
	struct sql_arena_blk *head;
	size_t used;                    /* bytes handed out, for limits */
};
void sql_arena_init(struct sql_arena *a);
void sql_arena_reset(struct sql_arena *a);
void sql_arena_release(struct sql_arena *a);
/* Move the blocks of src to dst (what src handed out stays valid, now
 * dst's); src is left empty. */
void sql_arena_adopt(struct sql_arena *dst, struct sql_arena *src);
/* n bytes aligned to 16, or NULL when memory ran out. */
void *sql_arena_alloc(struct sql_arena *a, size_t n);
char *sql_arena_strdup(struct sql_arena *a, const char *p, size_t n);
/* Make room for one more element in the arena array *p of *cap
 * elements of size bytes when n are in use (doubling, min at first);
 * 0, or -1 with *p untouched when memory ran out. */
int sql_arena_grow(struct sql_arena *a, void *p, int n, int *cap,
    size_t size, int min);

/*
 * A column of up to SQL_CHUNK values. null[i] is 1 when value i is NULL;
 * null itself is NULL when none is. The arrays belong to an arena.
 */
struct sql_vec {
	struct sql_type t;
	/* DECIMAL: every value v, NULL or not, has |v| < 2^bits, so that
	 * arithmetic and sums may skip their overflow checks; 0 when not
	 * known. Set by the scan and by arithmetic that knows its operands';
	 * sql_vec_alloc and sql_vec_set make it 0, and a vector whose values
	 * are a subset of another's may keep the other's. */
	uint8_t bits;
	uint8_t *null;
	union {
		int64_t *i;
		double *d;
		__int128 *x;
		struct sql_str *s;
		struct sql_interval *iv;
		void *p;
	} v;
};

/* Rows as columns. */
struct sql_chunk {
	size_t n;
	size_t ncols;
	struct sql_vec *cols;
	struct sql_arena arena;         /* owns the arrays and text */
};

/* Value i of vec into *out (text points into the vector's arena). */
void sql_vec_get(const struct sql_vec *vec, size_t i, struct sql_val *out);
/* Allocate the arrays of vec for n values of type t in a. */
int sql_vec_alloc(struct sql_vec *vec, struct sql_type t, size_t n,
    struct sql_arena *a);
/* Store val at i (copying text into a); val's type must be vec's. */
int sql_vec_set(struct sql_vec *vec, size_t i, const struct sql_val *val,
    struct sql_arena *a);

/* Errors of the engine: a message, and where in the SQL text. */
struct sql_ctx {
	struct rdb_err err;
	struct sql_arena *arena;        /* for values a function returns */
	int64_t now_us;                 /* now() of the statement */
	uint64_t rng;                   /* random() state */
	volatile int *interrupt;
};
/* Set an RDB_ESQL error with a printf message; returns RDB_ESQL. */
int sql_error(struct sql_ctx *cx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------ */
/* Values (value.c).                                                   */

/* Powers of ten as 128-bit integers, 10^0..10^38. */
__int128 sql_pow10(int n);
/* Cast v to type to; an impossible cast or an overflow is an error
 * (value in the message). Text results are allocated in cx->arena. */
int sql_cast(struct sql_ctx *cx, const struct sql_val *v, struct sql_type to,
    struct sql_val *out);
/* Can from be cast to to at all (for the binder)? */
int sql_castable(struct sql_type from, struct sql_type to);
/* Append the canonical text of v (rdb_value_text's forms; INTERVAL as
 * "1 year 2 mons 3 days 04:05:06"); NULL appends nothing. */
int sql_val_text(const struct sql_val *v, struct rdb_buf *b);
/* Compare two non-NULL values of one family (numbers of any kind
 * compare by value): <0, 0, >0. */
int sql_val_cmp(const struct sql_val *a, const struct sql_val *b);
/* The double nearest a decimal. */
double sql_dec_to_double(__int128 x, int scale);
/* Text of an unscaled decimal at scale into buf (>= 48 bytes). */
size_t sql_dec_format(__int128 x, int scale, char *buf);
/* Civil date of days since 1970-01-01. */
void sql_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
int64_t sql_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Parse an interval literal ('3 days', '1 year 2 months', '90', with a
 * unit given separately when unit is not NULL). */
int sql_parse_interval(const char *p, size_t n, const char *unit,
    struct sql_interval *iv);
/* Add an interval to a DATE (days) or TIMESTAMP (µs), sign +1 or -1. */
int sql_date_add(struct sql_ctx *cx, int tid, int64_t v,
    const struct sql_interval *iv, int sign, int64_t *out);

/* ------------------------------------------------------------------ */
/* Scalar functions (func.c).                                          */

#define SQL_FN_STRICT 0x1       /* any NULL argument gives NULL */
#define SQL_FN_VOLATILE 0x2     /* random(), now(): never folded */

struct sql_func {
	const char *name;       /* lower case */
	int minargs, maxargs;   /* maxargs -1: any number */
	unsigned flags;
	/*
	 * Fix the types: read args[0..n), may change them to ask for casts
	 * of the arguments (the binder inserts them), and set *ret. Return
	 * 0, or -1 after sql_error (e.g. "function abs(TEXT) does not
	 * exist").
	 */
	int (*resolve)(struct sql_ctx *cx, struct sql_type *args, int n,
	    struct sql_type *ret);
	/* Compute one value; args have the resolved types. Text results
	 * go into cx->arena. Return 0, or -1 after sql_error. */
	int (*call)(struct sql_ctx *cx, const struct sql_val *args, int n,
	    struct sql_val *out);
	/* Or NULL: the same over rows values of v at once when the other
	 * n - 1 arguments are the non-NULL constants k[0 .. n - 1), into
	 * out (allocated, without nulls yet): 0, or -1 after sql_error. */
	int (*vcall)(struct sql_ctx *cx, const struct sql_vec *v,
	    const struct sql_val *k, int n, size_t rows, struct sql_vec *out,
	    struct sql_arena *a);
};
/* The function called name (lower case), or NULL. */
const struct sql_func *sql_func_find(const char *name);
/* The registered function names, for "did you mean" and completion. */
const struct sql_func *sql_func_at(size_t i);

/* ------------------------------------------------------------------ */
/* Syntax tree (parse.c), bound in place by plan.c.                    */

enum sql_ek {
	E_CONST,        /* val */
	E_PARAM,        /* name: a :name parameter */
	E_NAME,         /* name, qual (table or NULL): an unresolved column */
	E_STAR,         /* qual or NULL: * in a select list or count(*) */
	E_COL,          /* bound: column col of the input chunk */
	E_OP,           /* op over args */
	E_FUNC,         /* name(args): scalar or aggregate */
	E_AGG,          /* bound aggregate: column col of the agg output */
	E_CASE,         /* args: [operand] when then ... [else]; see flags */
	E_CAST,         /* args[0] to t */
	E_SUBQUERY,     /* a subquery (issue: complete language) */
	E_WINDOW,       /* bound window function: args are its arguments,
	                   then over->npart partition keys, then
	                   over->norder order keys; col: its number */
	E_GROUPING,     /* bound GROUPING(args): col numbers the distinct
	                   calls of its query; args are GROUP BY keys */
};

enum sql_op {
	OP_NEG, OP_NOT, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_CONCAT,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_AND, OP_OR,
	OP_IS_NULL, OP_IS_NOT_NULL,
	OP_IS_DISTINCT, OP_IS_NOT_DISTINCT,
	OP_IS_TRUE, OP_IS_FALSE, OP_IS_NOT_TRUE, OP_IS_NOT_FALSE,
	OP_BETWEEN, OP_NOT_BETWEEN,     /* args: x, lo, hi */
	OP_IN, OP_NOT_IN,               /* args: x, list... */
	OP_LIKE, OP_NOT_LIKE, OP_ILIKE, OP_NOT_ILIKE,   /* x, pat[, esc] */
	OP_JSON_GET, OP_JSON_GET_TEXT,  /* -> and ->> */
};

struct sql_select;
struct sql_sub;
struct sql_order;

/* A window: OVER (name PARTITION BY … ORDER BY … frame) or OVER name. */
enum { WB_UNBOUNDED_PRECEDING = 1, WB_PRECEDING, WB_CURRENT, WB_FOLLOWING,
	WB_UNBOUNDED_FOLLOWING };
enum { WF_ROWS = 1, WF_RANGE, WF_GROUPS };
enum { WX_NO_OTHERS, WX_CURRENT_ROW, WX_GROUP, WX_TIES };
struct sql_window {
	char *ref;              /* the named window it builds on, or NULL */
	int npart;
	struct sql_expr **part;
	int norder;
	struct sql_order *order;
	int unit;               /* 0: no frame clause; WF_* */
	int start, end;         /* WB_* */
	struct sql_expr *soff, *eoff;   /* n PRECEDING / FOLLOWING */
	int exclude;            /* WX_* */
	uint32_t pos;
	/* set by the binder (E_WINDOW) */
	int fn;                 /* WFN_* of exec.h */
	int aggfn;              /* WFN_AGG: enum sql_agg */
	int nfargs;             /* the function's arguments among args */
	int hasfilter;          /* FILTER (WHERE): the last of args */
	int distinct;           /* count(DISTINCT x) OVER … */
	int ignore_nulls;       /* lag(x) IGNORE NULLS OVER … */
	int64_t soffn, eoffn;   /* ROWS and GROUPS offsets */
	double soffd, eoffd;    /* RANGE offsets in the key's units */
};

/* A column of an outer query as a subquery sees it: while binding, the
 * column (gcol of the outer FROM); while running, its value. */
struct sql_outer {
	const char *qual, *name;
	int gcol;
	struct sql_val val;
};

struct sql_expr {
	enum sql_ek k;
	int op;                 /* enum sql_op for E_OP */
	struct sql_type t;      /* set by the binder */
	uint32_t pos;           /* offset in the SQL text, for errors */
	int nargs;
	struct sql_expr **args;
	char *name;             /* E_NAME, E_FUNC, E_PARAM */
	char *qual;             /* E_NAME, E_STAR */
	struct sql_val val;     /* E_CONST */
	int col;                /* E_COL, E_AGG */
	unsigned flags;
	const struct sql_func *fn;      /* E_FUNC, scalar */
	struct sql_expr *filter;        /* aggregate FILTER (WHERE) */
	struct sql_expr *order;         /* string_agg(x, sep ORDER BY ...) */
	struct sql_select *sub;         /* E_SUBQUERY: its unbound text */
	struct sql_sub *subinfo;        /* E_SUBQUERY, once bound */
	int agg;                /* enum sql_agg for an aggregate call */
	int height;             /* of the tree under it, bounded by the parser */
	int distinct;           /* count(DISTINCT x) */
	struct sql_window *over;        /* a window function call */
};
#define EF_CASE_OPERAND 0x1     /* CASE x WHEN ... */
#define EF_CASE_ELSE 0x2
#define EF_STRLIT 0x4           /* an untyped string literal or parameter */
#define EF_PAREN 0x8
#define EF_QUOTED 0x10000       /* a "quoted" name: case is exact */
#define EF_IGNORE_NULLS 0x80000 /* lag(x) IGNORE NULLS OVER … */
#define EF_TRY 0x4000           /* TRY_CAST: NULL instead of an error */
#define EF_SYMMETRIC 0x8000     /* BETWEEN SYMMETRIC */
#define EF_TOTAL 0x200000       /* total(x): sum(x) as a DOUBLE */

enum sql_agg { AGG_NONE, AGG_COUNT_STAR, AGG_COUNT, AGG_SUM, AGG_AVG,
	AGG_MIN, AGG_MAX, AGG_STDDEV, AGG_STDDEV_POP, AGG_VARIANCE,
	AGG_VAR_POP, AGG_STRING_AGG, AGG_BOOL_AND, AGG_BOOL_OR };
/* The aggregate called name, or AGG_NONE. */
int sql_agg_find(const char *name);

enum sql_join { J_INNER, J_LEFT, J_RIGHT, J_FULL, J_CROSS };

struct sql_from {
	enum { F_TABLE, F_JOIN, F_SUBQUERY, F_FUNC } k;
	char *name;             /* F_TABLE; F_FUNC: read_csv, … */
	struct sql_expr **fargs;        /* F_FUNC: its arguments, and */
	char **fnames;                  /* their names (name = value) */
	int nfargs;
	char *alias;
	char **colalias;        /* (a, b, c) after the alias */
	int ncolalias;
	struct sql_select *sub; /* F_SUBQUERY */
	enum sql_join jt;       /* F_JOIN */
	struct sql_from *l, *r;
	struct sql_expr *on;
	char **using;
	int nusing;
	int natural;
	int hidden;             /* F_SUBQUERY made by decorrelation: its
	                           columns answer only to alias.name */
	/* F_TABLE: FOR SYSTEM_TIME AS OF asof (or Oracle's AS OF): the
	 * table as it was at that point (asof.c) */
	struct sql_expr *asof;
	int asof_kind;          /* ASOF_TIME, ASOF_COMMIT, or ASOF_ANY: by
	                           the point's type */
	/* F_TABLE: FOR SYSTEM_TIME BETWEEN asof AND vto, FROM asof TO vto,
	 * or ALL: the versions of its rows (asof.c) */
	int versions;           /* VERS_*, or 0 */
	struct sql_expr *vto;
	int vto_kind;
	uint32_t pos;
};
enum { ASOF_ANY = 1, ASOF_TIME, ASOF_COMMIT };
enum { VERS_BETWEEN = 1, VERS_FROM_TO, VERS_ALL };

struct sql_order {
	struct sql_expr *e;
	int desc;
	int nulls;              /* 0 default (NULLS LAST ascending, FIRST
	                           descending, as PostgreSQL), 1 first,
	                           2 last */
};

/* WITH name (cols) AS (sel) */
struct sql_cte {
	char *name;
	char **cols;
	int ncols;
	struct sql_select *sel;
	uint32_t pos;
	int recursive;          /* of WITH RECURSIVE: sel may name itself */
};

/* One grouping set: its keys, as indexes into sql_select.group. */
struct sql_gset {
	int n;
	int *keys;
};
/* GROUPING SETS, ROLLUP and CUBE expand to at most this many sets. */
#define SQL_MAX_GSETS 4096

struct sql_select {
	struct sql_cte *ctes;   /* WITH before this query */
	int nctes;
	int distinct;
	/* DISTINCT ON (don, ...): planned as QUALIFY row_number() OVER
	 * (PARTITION BY don ORDER BY the query's ORDER BY) = 1 */
	int ndon;
	struct sql_expr **don;
	int nitems;
	struct sql_expr **items;
	char **alias;           /* per item, or NULL */
	char **text;            /* per item: its SQL text, for a name */
	struct sql_from *from;  /* NULL: one row, no columns */
	struct sql_expr *where;
	int ngroup;
	struct sql_expr **group;
	/* GROUP BY with GROUPING SETS, ROLLUP, CUBE or (): the sets it
	 * expands to, in PostgreSQL's order, each key of each set one of
	 * group (which then lists every key as often as it was written).
	 * NULL: the one set of all of group. Never changed once parsed,
	 * so copies share it. */
	struct sql_gset *gsets;
	int ngsets;
	struct sql_expr *having;
	int norder;
	struct sql_order *order;
	struct sql_expr *limit, *offset;
	/* a set operation: sl <setop> sr (nothing else is set) */
	int setop;              /* SET_UNION, SET_INTERSECT, SET_EXCEPT */
	int setall;             /* ... ALL */
	struct sql_select *sl, *sr;
	/* VALUES (...), (...) as a query: rows of nitems expressions */
	int nvrows;
	struct sql_expr ***vrows;
	/* WINDOW name AS (…), …; QUALIFY */
	int nwindows;
	char **wnames;
	struct sql_window **windows;
	struct sql_expr *qualify;
	/* semi and anti joins with derived tables, made from subqueries of
	 * WHERE by decorrelation (decor.c) */
	struct sql_semi *semis;
	int nsemis;
};

/* Keep the rows of the query that have (kind 1), have no (2) row of d
 * for which cond holds; 3: x NOT IN (d), cond being x = d.c1. */
struct sql_semi {
	struct sql_from *d;
	struct sql_expr *cond;
	int kind;
};

enum { SET_UNION = 1, SET_INTERSECT, SET_EXCEPT };

struct sql_coldef {
	char *name;
	struct sql_type t;
	int not_null;
	struct sql_expr *dflt;
	char *dflt_text;        /* its SQL text, as stored in the catalog */
	int pk, unique;         /* PRIMARY KEY (a part of it), UNIQUE */
	int pk_table;           /* pk from a table constraint */
	uint32_t pos;
};

enum sql_sk { S_SELECT, S_INSERT, S_UPDATE, S_DELETE, S_CREATE,
	S_CREATE_AS, S_DROP, S_ALTER, S_BEGIN, S_COMMIT, S_ROLLBACK,
	S_EXPLAIN, S_CREATE_VIEW, S_DROP_VIEW, S_FLASHBACK, S_PURGE,
	S_CREATE_INDEX, S_DROP_INDEX };
enum sql_alter { A_ADD, A_DROP, A_RENAME_COL, A_RENAME };

struct sql_stmt {
	enum sql_sk k;
	uint32_t pos, end;      /* the statement's text */
	struct sql_select *sel; /* SELECT, INSERT ... SELECT, CREATE AS */
	char *table;
	int if_exists;          /* DROP IF EXISTS, CREATE IF NOT EXISTS */
	int ncols;
	char **cols;            /* INSERT column list; UPDATE SET columns */
	struct sql_expr **sets; /* UPDATE SET values */
	struct sql_coldef *defs;        /* CREATE TABLE */
	int ndefs;
	struct sql_expr *where; /* UPDATE, DELETE */
	enum sql_alter alter;
	char *name, *new_name;  /* ALTER */
	struct sql_stmt *inner; /* EXPLAIN */
	int analyze;
	/* CREATE VIEW (name in table, column names in cols): */
	int temp;               /* TEMP: the session's only */
	int replace;            /* OR REPLACE */
	char *query;            /* the text of sel, as written */
	/* FLASHBACK TABLE table TO point (a table reference whose asof is
	 * the point), or TO BEFORE DROP [RENAME TO new_name] */
	struct sql_from *point;
	int before_drop;
	/* INSERT, UPDATE, DELETE ... RETURNING: items as a select list's */
	int nret;
	struct sql_expr **ret;
	char **retalias, **rettext;
	/* INSERT OR REPLACE (REPLACE INTO), INSERT OR IGNORE (ON CONFLICT
	 * DO NOTHING): what a row whose key clashes does */
	int conflict;           /* CONFLICT_* */
	/* CREATE [UNIQUE] INDEX name ON table (cols): desc per column;
	 * DROP INDEX name */
	int unique;
	int *desc;
};
enum { CONFLICT_ABORT, CONFLICT_REPLACE, CONFLICT_IGNORE };

/*
 * Parse the next statement of text[0..len) from *pos; advance *pos past
 * it and its ';'. *st is NULL when only blanks and comments remained.
 * Nodes live in a (the statement's arena). Errors give line and column
 * counted from text[0].
 */
int sql_parse(struct sql_ctx *cx, struct sql_arena *a, const char *text,
    size_t len, size_t *pos, struct sql_stmt **st);
/* A deep copy of s (a subquery is planned afresh for each use). */
struct sql_select *sql_select_copy(struct sql_arena *a,
    const struct sql_select *s);
/* Parse text[0..len) as one expression (a stored DEFAULT). */
int sql_parse_expr(struct sql_ctx *cx, struct sql_arena *a, const char *text,
    size_t len, struct sql_expr **e);
/* "line 3, column 7" of offset pos in text. */
void sql_pos_text(const char *text, size_t len, uint32_t pos, char *buf,
    size_t n);

#endif

/*
 * exec.h - the executor: operators that pull chunks from their
 * children, the row store they materialise into, expression evaluation.
 *
 * An operator's next() fills its own output chunk and returns 1, or 0
 * at the end, or a negative code. The chunk (and everything its vectors
 * point at) stays valid until the next call on the same operator, so a
 * parent copies whatever it keeps.
 */
#ifndef RDB_SQL_EXEC_H
#define RDB_SQL_EXEC_H

#include "sql/sql.h"

struct sql_param {
	char *name;
	char *value;
};

/* What a running statement shares. */
struct exec {
	struct sql_ctx cx;
	struct rdb_txn *txn;
	const char *text;               /* the SQL, for error positions */
	size_t textlen;
	const struct sql_param *params;
	size_t nparams;
	uint64_t memory_limit;          /* this thread's share */
	uint64_t memory_shown;          /* the whole limit, for messages */
	int threads;
	int analyze;                    /* EXPLAIN ANALYZE: time operators */
	volatile int *abort;            /* set: a parallel sibling failed */
	struct bind *pending_outer;     /* the next plan_select's outer */
	const struct sql_outer *outer_vals;     /* a correlated run's */
	size_t nouter_vals;
	struct sql_outer *last_refs;    /* what the last subquery named */
	int last_nrefs;
	const struct cte_scope *ctes;   /* WITH names in scope, innermost
	                                   first */
	int ndecor;                     /* derived tables decorrelation made */
	uint64_t recursion_limit;       /* rows a recursive query may
	                                   produce; 0: no limit */
	/* views (view.c): the session's temporary ones, how deep in views
	 * planning is, and what the statement's queries used */
	const struct rdb_view_desc *const *tviews;
	size_t ntviews;
	int view_depth;
	const char *used_temp;          /* a temporary view, by name */
	int used_param;                 /* a :parameter */
	struct sql_files *files;        /* files as tables (files.c) */
	struct cte_store *stores;       /* shared WITH queries' rows */
	struct rdb_db *db;              /* the session's database */
	int txn_reads;                  /* txn is the statement's own read
	                                   transaction */
	struct sql_asof *asof;          /* snapshots of AS OF (asof.c) */
};

/* Load the file of table function f (read_csv(…)) for this statement;
 * scan *td in *txn. files_release (at the statement's end) removes
 * them. */
struct sql_from;
int files_table(struct exec *x, struct sql_arena *a, const struct sql_from *f,
    struct rdb_txn **txn, const struct rdb_table_desc **td);
void files_release(struct exec *x);

/* The table of reference f with its FOR SYSTEM_TIME AS OF point: *td
 * as that snapshot's catalog has it, to be scanned in *txn; *label
 * (when label is not NULL) names it for EXPLAIN. asof_release (at the
 * statement's end) ends the snapshots. An error is RDB_ESQL, or
 * RDB_EHISTORY for a point outside retained history. */
int asof_table(struct exec *x, struct sql_arena *a, const struct sql_from *f,
    struct rdb_txn **txn, const struct rdb_table_desc **td,
    const char **label);
void asof_release(struct exec *x);
/* The commit f's point names and a read transaction at it, as
 * asof_table (FLASHBACK TABLE). */
int asof_snapshot(struct exec *x, struct sql_arena *a,
    const struct sql_from *f, uint64_t *commit, struct rdb_txn **txn);
/* The same for FOR SYSTEM_TIME BETWEEN | FROM ... TO | ALL: *td as the
 * end point's catalog has it, to be scanned in *txn at the end point
 * for the versions visible at some commit of [*lo, *hi] (*hi < *lo:
 * none). A point outside retained history is RDB_EHISTORY. */
int versions_table(struct exec *x, struct sql_arena *a,
    const struct sql_from *f, struct rdb_txn **txn,
    const struct rdb_table_desc **td, const char **label, uint64_t *lo,
    uint64_t *hi);

/* A WITH name in scope (a list in the statement's arena). */
struct worktable;
struct cte_scope {
	const struct sql_cte *cte;
	const struct cte_scope *next;
	/* set while the recursive term of cte is planned: the name means
	 * the working table (recur.c) */
	const struct worktable *wt;
	/* a WITH query named more than once in its statement: planned and
	 * run once, its rows kept for every reference */
	int shared;
	struct cte_store *store;
};
struct bind;

/* The rows of a shared WITH query: producer runs at the first read of
 * any op_cte_scan of it; released with the statement. */
struct op;
struct cte_store *cte_store_new(struct exec *x, struct op *producer,
    const char *name, char **names);
struct op *op_cte_scan(struct exec *x, struct cte_store *st);
char **cte_store_names(const struct cte_store *st);
void cte_stores_release(struct exec *x);

/* Format "at line L, column C" for pos and set an SQL error. */
int sql_err_at(struct exec *x, uint32_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- the row store ---- */

/* Columns of many rows, appended chunk by chunk; text copied in. */
struct rowstore {
	size_t ncols;
	struct sql_type *types;
	size_t n, cap;
	void **vals;                    /* per column: an array of cap values */
	uint8_t **nulls;                /* per column: cap bytes, or NULL */
	struct sql_arena text;          /* bytes of text values */
	size_t bytes;                   /* memory held, for limits */
	uint8_t *skip;                  /* per column: not kept (rs_skip:
	                                   rs_gather gives NULLs), or NULL */
};
int rs_init(struct rowstore *rs, size_t ncols, const struct sql_type *types);
/* Keep none of the values of the columns skip[c] says (before any row),
 * for those whose values no one reads. */
int rs_skip(struct rowstore *rs, const uint8_t *skip);
void rs_release(struct rowstore *rs);
/* Append rows of c (all when sel is NULL, else the nsel rows in sel). */
int rs_append(struct rowstore *rs, const struct sql_chunk *c,
    const uint32_t *sel, size_t nsel);
/* Room for more rows. */
int rs_reserve(struct rowstore *rs, size_t more);
/* Append one row: a value per column, of the column's type (or NULL). */
int rs_add_row(struct rowstore *rs, const struct sql_val *v);
/* Value at row r of column col. */
void rs_get(const struct rowstore *rs, size_t col, size_t r,
    struct sql_val *v);
/* Column col of all rows as a vector (valid until the next append). */
void rs_view(const struct rowstore *rs, size_t col, struct sql_vec *v);
/* Copy column col of rows idx[0..n) into out (allocated in a). */
int rs_gather(const struct rowstore *rs, size_t col, const uint32_t *idx,
    size_t n, struct sql_vec *out, struct sql_arena *a);
/* Rows idx[0..n) of every column as chunk ch, its arrays in a. */
int rs_chunk(const struct rowstore *rs, const uint32_t *idx, size_t n,
    struct sql_chunk *ch, struct sql_arena *a);

/* ---- expressions (expr.c) ---- */

/* Evaluate e over the rows of in into out; arrays come from a. */
int sql_eval(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a);
/* A subquery's values for the rows of in (plan.c). */
int sql_eval_subquery(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, struct sql_vec *out, struct sql_arena *a);
/* Evaluate a constant expression (no column references). */
int sql_eval_const(struct exec *x, const struct sql_expr *e,
    struct sql_val *out, struct sql_arena *a);
/* The finalizer of every value hash (sql_hash_val of an integer is
 * sql_mix64(value ^ seed)). */
static inline uint64_t sql_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* Hash of value i of v, for joins and grouping (NULL hashes as 0). */
uint64_t sql_hash_val(const struct sql_vec *v, size_t i, uint64_t seed);
/* Are value i of a and value j of b equal (NULLs equal when nulleq)? */
int sql_vec_eq(const struct sql_vec *a, size_t i, const struct sql_vec *b,
    size_t j);
/* Does e contain a subquery? Such expressions run only on the
 * statement's own thread (they share its subquery state). */
int sql_expr_has_sub(const struct sql_expr *e);
/* Are bound expressions a and b the same computation (structurally:
 * kinds, operators, functions, types, constants, columns)? Volatile
 * functions compare equal too: callers that merge evaluations check
 * sql_expr_volatile. */
int sql_expr_eq(const struct sql_expr *a, const struct sql_expr *b);
/* Does e call a volatile function (random(), now())? */
int sql_expr_volatile(const struct sql_expr *e);
/* Values idx[0..n) of src into out; rows idx[0..n) of in into out
 * (arrays from a; text stays where it was). 0, or -1 when memory ran
 * out. */
int sql_vec_gather(const struct sql_vec *src, const uint32_t *idx,
    size_t n, struct sql_vec *out, struct sql_arena *a);
int sql_chunk_gather(const struct sql_chunk *in, const uint32_t *idx,
    size_t n, struct sql_chunk *out, struct sql_arena *a);
/* Evaluate a predicate: sel gets the indexes of rows where it is TRUE. */
/* Does s match LIKE pattern p (escape esc or -1; ci: ILIKE)? */
int sql_like(const char *s, size_t sn, const char *p, size_t pn, int esc,
    int ci);
int sql_eval_filter(struct exec *x, const struct sql_expr *e,
    const struct sql_chunk *in, uint32_t *sel, size_t *nsel,
    struct sql_arena *a);

/* ---- expressions evaluated together (cse.c) ---- */

/* Expressions over the same chunks whose common subexpressions are
 * computed once a chunk: roots are the expressions rewritten, to be
 * evaluated over the chunk sql_exprs_begin makes (the input's columns,
 * then one per shared subexpression). */
struct sql_exprs {
	size_t n;
	struct sql_expr **roots;        /* n; a NULL stays NULL */
	size_t ncols_in;
	size_t nshared;
	struct sql_expr **shared;       /* column ncols_in + j computes
	                                   shared[j] */
	struct sql_arena arena;         /* the rewritten nodes */
};
/* Set s up for the n expressions roots over chunks of ncols_in columns
 * (their trees are not changed; s shares their unchanged parts, so they
 * must outlive s). 0, or an error in x. */
int sql_exprs_init(struct exec *x, struct sql_exprs *s, size_t ncols_in,
    size_t n, struct sql_expr *const *roots);
void sql_exprs_release(struct sql_exprs *s);
/* The chunk to evaluate s->roots over, for input in: in itself when
 * nothing is shared, else its columns plus the shared values (arrays
 * from a). */
int sql_exprs_begin(struct exec *x, const struct sql_exprs *s,
    const struct sql_chunk *in, struct sql_chunk *view, struct sql_arena *a);

/* ---- operators (exec.c) ---- */

struct op;
struct op_vt {
	const char *name;
	int (*next)(struct exec *x, struct op *o);
	void (*close)(struct op *o);
	/* op_prune: given the output columns the operators above read
	 * (need, NULL for all), set in kneed[k] (zeroed) the columns of kid
	 * k o reads; 0, or -1 when it cannot tell (they all count). NULL:
	 * it cannot tell. */
	int (*prune)(struct op *o, const uint8_t *need, uint8_t **kneed);
};

struct op {
	const struct op_vt *vt;
	size_t ncols;
	struct sql_type *types;
	struct op *kid[2];
	struct sql_chunk out;
	char detail[160];               /* for EXPLAIN */
	/* Rows as a selection: a parent that can take them sets sel_ok
	 * (op_take_sel). out may then hold rows that are not the
	 * operator's: when osel is not NULL (it is reset by op_next), its
	 * rows are out's rows osel[0..onsel), in order. */
	int sel_ok;
	const uint32_t *osel;
	size_t onsel;
	uint64_t rows;                  /* produced, for EXPLAIN ANALYZE */
	int64_t ns;
	double est;                     /* estimated rows */
};

/* Allocate an operator struct of size bytes (its struct op first) with
 * ncols output columns of types; NULL after an error in x. */
void *op_new(struct exec *x, size_t size, const struct op_vt *vt,
    size_t ncols, const struct sql_type *types);

/* Pull the next chunk of o (o->out); 1, 0 at the end, or < 0. */
int op_next(struct exec *x, struct op *o);
/* Tell the hash joins under o which columns the operators above them
 * read (need: o's output columns read, NULL for all): they keep and
 * emit only those. 0, or an error code. */
int op_prune(struct op *o, const uint8_t *need, struct sql_arena *a);
/* Mark in use the columns of an input of ncols columns that e reads;
 * -1 when it may read others in ways not seen here. */
int sql_expr_cols(const struct sql_expr *e, uint8_t *use, size_t ncols);
/* The parent of o takes its rows as a selection (o->osel) when o can
 * give them so: a filter that keeps most rows of a chunk then copies
 * none, and a projection evaluates its list over all rows of its
 * input's chunk and passes the selection on. The parent evaluates its
 * own expressions over whole chunks too: it calls this only when they
 * have no subquery and no volatile function, and when an evaluation
 * fails, it evaluates again over the selected rows alone (an error of
 * an unselected row is no error). */
void op_take_sel(struct op *o);
/* From now on o gives whole chunks again (an evaluation over a whole
 * chunk failed: the next would likely fail too, for twice the work). */
void op_drop_sel(struct op *o);
void op_free(struct op *o);

/* Constructors; each takes ownership of its children and of the
 * expression arrays (which live in the statement arena). NULL with an
 * error in x->cx when memory ran out. */
struct op *op_scan(struct exec *x, const char *table, size_t ncols,
    const size_t *cols, const struct sql_type *types,
    const struct rdb_pred *preds, size_t npreds, int with_rowid);
/* Read scan o through an index (INDEX SCAN ... USING index in
 * EXPLAIN); o takes probe, one malloc'd block. */
void op_scan_index(struct op *o, struct rdb_index_probe *probe,
    const char *index);
/* Scan in txn instead of the statement's (a file's table); shown as
 * label in EXPLAIN. */
void op_scan_txn(struct op *o, struct rdb_txn *txn, const char *label);
/* A versions scan (rdb_scan_options.versions) of ncols columns cols of
 * table: types has ncols + RDB_VERSIONS_EXTRA entries, the extra ones
 * those of the columns the scan adds; range is ins_min, ins_max,
 * del_min, del_max. */
struct op *op_scan_versions(struct exec *x, const char *table, size_t ncols,
    const size_t *cols, const struct sql_type *types,
    const struct rdb_pred *preds, size_t npreds, unsigned versions,
    const uint64_t range[4]);
/* Row groups a scan skipped so far (EXPLAIN ANALYZE); 0 for others. */
uint64_t op_scan_skipped(const struct op *o);
struct op *op_values(struct exec *x, size_t ncols,
    const struct sql_type *types, size_t nrows, struct sql_expr ***rows);
struct op *op_filter(struct exec *x, struct op *kid, struct sql_expr *pred);
/* Conjunct j of filter o (over a scan) is the same test as the scan's
 * zone-map predicate zpred[j] (or -1): where the zone maps show it
 * holds for a whole batch, it is not evaluated. */
void op_filter_zone(struct op *o, const int *zpred, int n);
struct op *op_project(struct exec *x, struct op *kid, size_t n,
    struct sql_expr **exprs);
/* Join kinds for op_hashjoin / op_nljoin. SEMI and ANTI (hash join
 * only) keep the left rows that have a match / have none; their output
 * keeps the joined layout with the right columns NULL. ANTI_NA is NOT IN
 * (uncorrelated, right side built): nothing when the right side holds a
 * NULL key, and a NULL left key passes only when the right side is
 * empty. */
enum { JK_INNER, JK_LEFT, JK_RIGHT, JK_FULL, JK_SEMI, JK_ANTI, JK_ANTI_NA };
/* Output: the columns of left, then of right. Keys: nkeys expressions
 * on each side, of equal families. residual may be NULL; it is bound
 * to the joined layout. build_right: build the hash table of right. */
struct op *op_hashjoin(struct exec *x, struct op *left, struct op *right,
    int kind, size_t nkeys, struct sql_expr **lkeys,
    struct sql_expr **rkeys, struct sql_expr *residual, int build_right);
struct op *op_nljoin(struct exec *x, struct op *left, struct op *right,
    int kind, struct sql_expr *cond);

/* An aggregate to compute. */
struct agg_spec {
	int fn;                         /* enum sql_agg */
	struct sql_expr *arg;           /* NULL for count(*) */
	struct sql_expr *arg2;          /* string_agg separator (constant) */
	struct sql_expr *filter;
	int distinct;
	struct sql_type t;              /* result type */
};
/* The running state of one aggregate over one group or frame. */
struct agg_st {
	int64_t n;                      /* non-NULL inputs seen */
	union {                         /* one of, by the aggregate: */
		union {                 /* sum, avg, min, max, bool_* */
			int64_t i;
			double d;
			__int128 x;
		} v;
		struct {                /* variance: Welford's */
			double mean, m2;
		};
		struct {                /* text min/max, string_agg */
			char *buf;
			uint32_t len, cap;
		};
	};
};
/* Does aggregate sp keep text in its state (buf, len, cap)? */
#define AGG_TEXT_STATE(sp) ((sp)->fn == AGG_STRING_AGG || \
	(((sp)->fn == AGG_MIN || (sp)->fn == AGG_MAX) && sql_is_strlike((sp)->t.id)))
/* Add value i of v (not NULL) to s; sep: string_agg's separators; text
 * bytes held are added to *sbytes. */
int agg_state_add(struct exec *x, const struct agg_spec *sp,
    struct agg_st *s, const struct sql_vec *v, const struct sql_vec *sep,
    size_t i, size_t *sbytes);
/* The aggregate's value from s (text copied into a). */
int agg_state_result(struct exec *x, const struct agg_spec *sp,
    const struct agg_st *s, struct sql_arena *a, struct sql_val *r);

/* Output: the ngroups keys, then the aggregates. No groups: one row. */
struct op *op_hashagg(struct exec *x, struct op *kid, size_t ngroups,
    struct sql_expr **groups, size_t naggs, struct agg_spec *aggs);
/* Groups the hash aggregate o has even when no row has them (the empty
 * grouping sets: one row each over no input): nrows rows of ngroups
 * values each, of the keys' types, in the statement arena. */
void op_hashagg_seed(struct op *o, size_t nrows, const struct sql_val *keys);
/*
 * Grouping sets (one pass): each chunk of kid nsets times, once per
 * set. Output: the nkeys keys (expressions over kid; in set s key k is
 * itself when in[s * nkeys + k], else NULL), then nconst INTEGER
 * constants (set s: consts[s * nconst ...]), then the columns of kid.
 * in and consts live in the statement arena.
 */
struct op *op_expand(struct exec *x, struct op *kid, size_t nkeys,
    struct sql_expr **keys, size_t nsets, const uint8_t *in, size_t nconst,
    const int64_t *consts);
struct sort_key {
	int col;                        /* column of the input */
	int desc;
	int nulls_first;
};
/* Sort by keys; limit >= 0 keeps only the first limit + offset rows
 * (top-N). Output: the first nout columns. */
struct op *op_sort(struct exec *x, struct op *kid, size_t nkeys,
    const struct sort_key *keys, int64_t limit, size_t nout);
struct op *op_limit(struct exec *x, struct op *kid, int64_t limit,
    int64_t offset);

/* All rows of kid, read before the first is returned: a statement
 * that reads the table it writes sees it as it was before. */
struct op *op_materialize(struct exec *x, struct op *kid);
/* Does the plan under o read table? */
int op_scans(const struct op *o, const char *table);
/* Is o a filter or a projection: an operator that pulls its one child
 * and keeps nothing from one call to the next, so that starting its
 * child over starts it over? */
int op_stateless(const struct op *o);
/* The child whose starting over starts o over, keeping what o built: a
 * filter's or projection's, or the probe side of a hash join whose
 * build side is not outer (its table stays); NULL for other operators.
 * With doit, o's own state is reset for the start. */
struct op *op_restart_child(struct op *o, int doit);
/* Make inner hash join o, not yet built, build its table from its right
 * (right 1) or left input: 0, or -1 when o is no such join. */
int op_hashjoin_build_from(struct op *o, int right);

/* Column col of o's rows as it comes from a table: 0 with *table and
 * its column *tcol when o is a scan of the statement's snapshot (not
 * through an index, not of history nor of a file) under filters,
 * projections that pass the column on and the probe sides of hash
 * joins (but those that add the build side's unmatched rows at the
 * end), so that o gives the rows of each of the table's row groups one
 * after the other (a part of it, op_clone, those of its row groups);
 * -1 otherwise. */
int op_col_source(const struct op *o, size_t col, const char **table,
    size_t *tcol);
/* Are scan predicates a and b the same test (plan.c; a join's key set
 * never is)? */
int plan_pred_eq(const struct rdb_pred *a, const struct rdb_pred *b);
/* Hash joins of the plan under o whose build sides are the same scan,
 * filters and projections, with the same keys, share one table: the
 * first to run builds it (TPC-H Q20's part LIKE 'forest%', which its
 * decorrelation repeats). */
void op_share_builds(struct op *o);

/* Can the pipeline under o (scans, filters, projections, hash join
 * probes) run as several parts in parallel? */
int op_clonable(const struct op *o);
/* Part part of nparts of pipeline o (part 0 is o itself, now reading
 * only its part); scans are opened and hash tables built in the calling
 * thread. NULL after an error. */
struct op *op_clone(struct exec *x, struct op *o, unsigned part,
    unsigned nparts);

/* The estimated bytes the pipeline under o decodes from its scan (the
 * probe side of joins): its rows times their width, a text column
 * counting as 32 bytes; a scan that join key sets thin (after
 * op_prebuild) counts a key column for every row and the rest for the
 * rows they keep. How much work splitting it would share: a pipeline is
 * split across threads from SQL_PAR_BYTES on (500,000 rows of two
 * integer columns). Below, the second thread, its table and the merge
 * cost more than they save: TPC-H Q11's partsupp, thinned to 4% by its
 * suppliers' keys, ran in 22 ms on two threads, 18 on one; Q10's
 * 150,000 customers with four text columns (24 MB) gain from two. */
double op_scan_bytes(const struct op *o);
#define SQL_PAR_BYTES (500000.0 * 16)
/* Build the hash joins of the pipeline under o (each probe side's in
 * turn), as its first row would: their key sets then reach its scan,
 * whose bytes op_scan_bytes counts as the sets thin them. */
int op_prebuild(struct exec *x, struct op *o);

/* Window functions (window.c). */
enum { WFN_ROW_NUMBER, WFN_RANK, WFN_DENSE_RANK, WFN_PERCENT_RANK,
	WFN_CUME_DIST, WFN_NTILE, WFN_LAG, WFN_LEAD, WFN_FIRST_VALUE,
	WFN_LAST_VALUE, WFN_NTH_VALUE, WFN_AGG };
struct win_spec {
	int fn;                         /* WFN_* */
	struct agg_spec agg;            /* WFN_AGG: fn and result type */
	int arg[3];                     /* input columns of the arguments */
	int filter;                     /* input column of FILTER, or -1 */
	struct sql_type t;              /* of the result */
	int unit, start, end, exclude;  /* the frame (sql_window's WF_, WB_,
	                                   WX_ values; unit 0: the default) */
	int64_t soff, eoff;             /* ROWS, GROUPS offsets; RANGE: */
	double sdoff, edoff;            /* offsets in the key's units */
	int ignore_nulls;               /* lag … nth_value: IGNORE NULLS */
};
/* Each function of fns over the partitions of kid, whose rows come
 * sorted by the partition columns pcols, then by the order keys. Output:
 * kid's first nkeep columns, then one column per function. */
struct op *op_window(struct exec *x, struct op *kid, size_t nkeep,
    size_t npart, const int *pcols, size_t norder,
    const struct sort_key *okeys, size_t nfn, const struct win_spec *fns);

/* The rows of l, then those of r (same column types). */
struct op *op_concat(struct exec *x, struct op *l, struct op *r);
/* Each row of kid as many times as its last column (BIGINT) says; the
 * output drops that column. */
struct op *op_repeat(struct exec *x, struct op *kid);

/* Append the plan under o, indented, one line per operator. */
int op_explain(const struct op *o, int depth, int analyze, struct rdb_buf *b);

#endif

/*
 * files.c - files as tables: read_csv('f.csv'), read_tsv, read_json,
 * read_ndjson in FROM.
 *
 * The file is loaded by rdb_load, with the dialect detection and type
 * inference of rdb-load and the same options, into a private database
 * made for the statement under $TMPDIR (mode 0700) and removed when the
 * statement ends; the query scans it there in its own read transaction.
 * So a file needs no database of its own, a bad row is reported with
 * its file, line and column, and the query sees exactly what rdb-load
 * would load.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sql/plan.h"

struct files_table {
	struct rdb_txn *txn;
	const struct rdb_table_desc *td;
};

struct sql_files {
	char *dir;                      /* the private database's parent */
	struct rdb_db *db;
	struct files_table *t;
	int n, cap;
};

static int rm_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void files_release(struct exec *x)
{
	struct sql_files *f = x->files;
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		rdb_txn_abort(f->t[i].txn);
	free(f->t);
	if (f->db != NULL)
		rdb_close(f->db);
	if (f->dir != NULL) {
		nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		free(f->dir);
	}
	free(f);
	x->files = NULL;
}

static int start(struct exec *x)
{
	struct sql_files *f;
	struct rdb_open_options oo;
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	int rc;

	if (x->files != NULL)
		return 0;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return sql_error(&x->cx, "out of memory");
	x->files = f;
	if (snprintf(path, sizeof(path), "%s/rdb-query-XXXXXX",
	    tmp != NULL && *tmp ? tmp : "/tmp") >= (int)sizeof(path))
		return sql_error(&x->cx, "TMPDIR is too long");
	if (mkdtemp(path) == NULL || (f->dir = strdup(path)) == NULL)
		return sql_error(&x->cx, "cannot make a temporary directory in %s "
		    "for a file's rows", tmp != NULL && *tmp ? tmp : "/tmp");
	strcat(path, "/db");
	memset(&oo, 0, sizeof(oo));
	oo.program = "rdb-query";
	if ((rc = rdb_create(path, NULL, &oo, &f->db)) != RDB_OK)
		return sql_error(&x->cx, "cannot make a temporary database for a "
		    "file's rows: %s", rdb_strerror(rc));
	return 0;
}

/* The value of constant expression e (bound on a copy). */
static int arg_value(struct exec *x, struct sql_arena *a,
    const struct sql_expr *e, struct sql_val *v)
{
	struct sql_expr *c = plan_expr_copy(a, e), *b;
	int rc;

	if (c == NULL)
		return sql_error(&x->cx, "out of memory");
	if ((rc = plan_bind_const(x, a, c, &b)) != 0)
		return rc;
	return sql_eval_const(x, b, v, a);
}

static int one_char(struct exec *x, const struct sql_expr *e,
    const struct sql_val *v, const char *what, int *out)
{
	if (v->null || !sql_is_strlike(v->t.id) || v->u.s.n > 1)
		return sql_err_at(x, e->pos, "%s must be one character", what);
	*out = v->u.s.n == 0 ? -1 : (unsigned char)v->u.s.p[0];
	return 0;
}

static int as_bool(struct exec *x, const struct sql_expr *e,
    const struct sql_val *v, const char *what, int *out)
{
	if (v->null || (v->t.id != T_BOOL && !sql_is_intlike(v->t.id)))
		return sql_err_at(x, e->pos, "%s must be true or false", what);
	*out = v->u.i != 0;
	return 0;
}

int files_table(struct exec *x, struct sql_arena *a, const struct sql_from *fr,
    struct rdb_txn **txn, const struct rdb_table_desc **td)
{
	static const char *const fns[] = { "read_csv", "read_csv_auto",
		"read_tsv", "read_json", "read_ndjson", "read_json_auto", NULL };
	static const enum rdb_load_format fmt[] = { RDB_LOAD_AUTO,
		RDB_LOAD_AUTO, RDB_LOAD_TSV, RDB_LOAD_JSON, RDB_LOAD_NDJSON,
		RDB_LOAD_AUTO };
	struct rdb_load_options o;
	struct rdb_load_result r;
	struct sql_files *f;
	const char *file = NULL;
	char name[32], *path;
	int i, k, rc, header = 1;

	for (k = 0; fns[k] != NULL; k++)
		if (strcasecmp(fns[k], fr->name) == 0)
			break;
	if (fns[k] == NULL)
		return sql_err_at(x, fr->pos, "no table function '%s' (there are "
		    "read_csv, read_tsv, read_json, read_ndjson, generate_series and "
		    "range)", fr->name);
	memset(&o, 0, sizeof(o));
	o.format = fmt[k];
	o.mode = RDB_LOAD_CREATE;
	o.program = "rdb-query";
	o.memory_limit = x->memory_limit;
	for (i = 0; i < fr->nfargs; i++) {
		const struct sql_expr *e = fr->fargs[i];
		const char *opt = fr->fnames[i];
		struct sql_val v;
		if ((rc = arg_value(x, a, e, &v)) != 0)
			return rc;
		if (opt == NULL) {
			if (file != NULL || v.null || !sql_is_strlike(v.t.id))
				return sql_err_at(x, e->pos, "%s takes one file name, a "
				    "string; give options as name = value", fr->name);
			if ((path = sql_arena_strdup(a, v.u.s.p, v.u.s.n)) == NULL)
				return sql_error(&x->cx, "out of memory");
			file = path;
		} else if (!strcasecmp(opt, "delim") || !strcasecmp(opt, "sep") ||
		    !strcasecmp(opt, "delimiter")) {
			if ((rc = one_char(x, e, &v, "the delimiter", &o.delimiter)))
				return rc;
		} else if (!strcasecmp(opt, "quote")) {
			if ((rc = one_char(x, e, &v, "the quote", &o.quote)) != 0)
				return rc;
		} else if (!strcasecmp(opt, "escape")) {
			if ((rc = one_char(x, e, &v, "the escape", &o.escape)) != 0)
				return rc;
		} else if (!strcasecmp(opt, "header")) {
			if ((rc = as_bool(x, e, &v, "header", &header)) != 0)
				return rc;
		} else if (!strcasecmp(opt, "all_varchar")) {
			if ((rc = as_bool(x, e, &v, "all_varchar", &o.all_text)) != 0)
				return rc;
		} else if (!strcasecmp(opt, "nullstr") || !strcasecmp(opt, "null")) {
			if (v.null || !sql_is_strlike(v.t.id))
				return sql_err_at(x, e->pos, "nullstr must be a string");
			if ((path = sql_arena_strdup(a, v.u.s.p, v.u.s.n)) == NULL)
				return sql_error(&x->cx, "out of memory");
			o.null_marker = path;
		} else if (!strcasecmp(opt, "sample_size")) {
			if (v.null || !sql_is_intlike(v.t.id) || v.u.i == 0 ||
			    v.u.i < -1)
				return sql_err_at(x, e->pos, "sample_size must be a "
				    "number of rows, or -1 for all");
			o.sample = v.u.i == -1 ? UINT64_MAX : (uint64_t)v.u.i;
		} else {
			return sql_err_at(x, e->pos, "%s has no option '%s' (there "
			    "are delim, quote, escape, header, nullstr, sample_size "
			    "and all_varchar)", fr->name, opt);
		}
	}
	if (file == NULL)
		return sql_err_at(x, fr->pos, "%s needs a file name", fr->name);
	o.no_header = !header;
	if ((rc = start(x)) != 0)
		return rc;
	f = x->files;
	if (f->n == f->cap) {
		int nc = f->cap ? f->cap * 2 : 4;
		struct files_table *nt = realloc(f->t, sizeof(*nt) * (size_t)nc);
		if (nt == NULL)
			return sql_error(&x->cx, "out of memory");
		f->t = nt;
		f->cap = nc;
	}
	snprintf(name, sizeof(name), "f%d", f->n + 1);
	memset(&r, 0, sizeof(r));
	rc = rdb_load(f->db, name, &file, 1, &o, 0, &r);
	rdb_load_result_release(&r);
	if (rc != RDB_OK)
		return sql_error(&x->cx, "%s", rdb_errmsg(f->db));
	if ((rc = rdb_txn_begin(f->db, 0, 0, txn)) != RDB_OK)
		return sql_error(&x->cx, "%s", rdb_errmsg(f->db));
	f->t[f->n].txn = *txn;
	f->n++;
	if ((rc = rdb_table_find(*txn, name, td)) != RDB_OK)
		return sql_error(&x->cx, "%s", rdb_errmsg(f->db));
	return 0;
}

/*
 * rdb-load - load CSV, TSV, JSON or NDJSON into a table, atomically.
 */
#include <ctype.h>
#include <errno.h>
#ifdef __GLIBC__
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "common/cli.h"
#include "common/out.h"
#include "common/progress.h"

enum { O_FORMAT = 256, O_DELIM, O_QUOTE, O_ESCAPE, O_NO_HEADER, O_COLUMNS,
	O_NULL, O_SAMPLE, O_TYPES, O_SCHEMA, O_INFER, O_CREATE, O_APPEND,
	O_REPLACE, O_REJECT, O_MAX_ERRORS, O_MESSAGE, O_ALL_TEXT, O_INFER_FMT,
	O_MEMORY, O_THREADS };

static const struct cli_opt opts[] = {
	{ "format", O_FORMAT, "FORMAT", "csv|tsv|json|ndjson",
	  "input format (default: from the file name, then the content)", 0 },
	{ "delimiter", O_DELIM, "CHAR", NULL,
	  "field delimiter (default: detected among , ; | TAB)", 0 },
	{ "quote", O_QUOTE, "CHAR", NULL, "quote character (default \")", 0 },
	{ "escape", O_ESCAPE, "CHAR", NULL,
	  "escape character in quoted fields (default: the quote doubled)", 0 },
	{ "no-header", O_NO_HEADER, NULL, NULL,
	  "the first row is data; columns are c1, c2, ...", 0 },
	{ "columns", O_COLUMNS, "A,B,...", NULL,
	  "column names, replacing the header row", 0 },
	{ "null", O_NULL, "STRING", NULL,
	  "an unquoted field equal to STRING is NULL", 0 },
	{ "sample", O_SAMPLE, "N|all", NULL,
	  "rows to infer types from (default 10000)", 0 },
	{ "types", O_TYPES, "COL=TYPE,...", NULL,
	  "types of some columns, overriding inference", 0 },
	{ "schema", O_SCHEMA, "'COL TYPE, ...'", NULL,
	  "names and types of all columns", 0 },
	{ "all-text", O_ALL_TEXT, NULL, NULL,
	  "infer nothing: every column is TEXT", 0 },
	{ "infer-only", O_INFER, NULL, NULL,
	  "print the schema as CREATE TABLE and load nothing", 0 },
	{ "infer-format", O_INFER_FMT, "FORMAT",
	  "csv|tsv|json|ndjson|table|markdown",
	  "as --infer-only, listing the columns in FORMAT", 0 },
	{ "create", O_CREATE, NULL, NULL, "fail if the table exists", 0 },
	{ "append", O_APPEND, NULL, NULL,
	  "add to the table if it exists (the default)", 0 },
	{ "replace", O_REPLACE, NULL, NULL,
	  "replace the table's rows in the same transaction", 0 },
	{ "reject-file", O_REJECT, "FILE", NULL,
	  "write rejected rows to FILE (with --max-errors)", CLI_ARG_FILE },
	{ "max-errors", O_MAX_ERRORS, "N", NULL,
	  "reject up to N bad rows instead of failing (default 0)", 0 },
	{ "message", O_MESSAGE, "TEXT", NULL,
	  "a message for the commit log", 0 },
	{ "memory-limit", O_MEMORY, "SIZE", NULL,
	  "memory the load may hold, e.g. 256M (default: about 200M)", 0 },
	{ "threads", O_THREADS, "N", NULL,
	  "threads parsing and converting (default: one per CPU)", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-load", "[options] DIR TABLE [FILE ...]",
	"Load CSV, TSV, JSON or NDJSON files (or standard input) into TABLE of the database DIR, in one transaction.",
	CLI_G_DB | CLI_G_LOCK | CLI_G_QUIET, CLI_OPER_FILE, opts,
};

struct ctx {
	FILE *rejects;
	const char *reject_path;
	struct progress *bar;
	int started;
	int bytes_known;
};

static int on_reject(void *arg, const char *file, uint64_t line,
    const char *reason, const char *row, size_t len)
{
	struct ctx *c = arg;
	const char *f[4];
	char ln[32];
	size_t i, k;

	if (c->rejects == NULL)
		return 0;
	snprintf(ln, sizeof ln, "%llu", (unsigned long long)line);
	f[0] = file;
	f[1] = ln;
	f[2] = reason;
	for (i = 0; i < 4; i++) {
		const char *p = i < 3 ? f[i] : row;
		size_t n = i < 3 ? strlen(f[i]) : len;
		if (i == 3)
			while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
				n--;
		if (i > 0)
			putc(',', c->rejects);
		putc('"', c->rejects);
		for (k = 0; k < n; k++) {
			if (p[k] == '"')
				putc('"', c->rejects);
			putc(p[k], c->rejects);
		}
		putc('"', c->rejects);
	}
	putc('\n', c->rejects);
	return ferror(c->rejects) ? -1 : 0;
}

static void on_progress(void *arg, uint64_t bytes, uint64_t total,
    uint64_t rows)
{
	struct ctx *c = arg;

	/* by bytes when the input's size is known (ETA), else by rows */
	if (!c->started) {
		c->started = 1;
		c->bar = progress_start("rdb-load", total,
		    total > 0 ? "bytes" : "rows");
	}
	progress_update(c->bar, c->bytes_known ? bytes : rows);
}

/* "INTEGER", "decimal(10,2)", "varchar", ... */
static int parse_type(const char *s, struct rdb_column_def *d)
{
	static const struct { const char *name; enum rdb_type t; } names[] = {
		{ "BOOLEAN", RDB_BOOLEAN }, { "BOOL", RDB_BOOLEAN },
		{ "INTEGER", RDB_INTEGER }, { "INT", RDB_INTEGER },
		{ "INT4", RDB_INTEGER }, { "BIGINT", RDB_BIGINT },
		{ "INT8", RDB_BIGINT }, { "DOUBLE", RDB_DOUBLE },
		{ "FLOAT", RDB_DOUBLE }, { "REAL", RDB_DOUBLE },
		{ "FLOAT8", RDB_DOUBLE }, { "TEXT", RDB_TEXT },
		{ "VARCHAR", RDB_TEXT }, { "STRING", RDB_TEXT },
		{ "CHAR", RDB_TEXT }, { "DATE", RDB_DATE },
		{ "TIMESTAMP", RDB_TIMESTAMP }, { "JSON", RDB_JSON },
		{ "BLOB", RDB_BLOB }, { "DECIMAL", RDB_DECIMAL },
		{ "NUMERIC", RDB_DECIMAL },
	};
	char word[32];
	size_t n = 0, i;
	unsigned p = 18, sc = 3;

	while (*s == ' ')
		s++;
	while ((isalnum((unsigned char)*s) || *s == '_') && n < sizeof word - 1)
		word[n++] = (char)toupper((unsigned char)*s++);
	word[n] = '\0';
	while (*s == ' ')
		s++;
	if (strcmp(word, "DOUBLE") == 0 && strncasecmp(s, "PRECISION", 9) == 0)
		s += 9;
	d->precision = d->scale = 0;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(word, names[i].name) == 0)
			break;
	if (i == sizeof names / sizeof names[0])
		return -1;
	d->type = names[i].t;
	if (*s == '(') {
		int k = 0;
		if (d->type == RDB_DECIMAL) {
			if (sscanf(s, "(%u , %u )%n", &p, &sc, &k) != 2 &&
			    sscanf(s, "(%u)%n", &p, &k) != 1)
				return -1;
			if (k == 0)
				return -1;
			if (sscanf(s, "(%u , %u )", &p, &sc) != 2)
				sc = 0;
		} else if (d->type == RDB_TEXT) {
			unsigned len;
			if (sscanf(s, "(%u)%n", &len, &k) != 1 || k == 0)
				return -1;
		} else {
			return -1;
		}
		s += k;
	}
	if (d->type == RDB_DECIMAL) {
		if (p < 1 || p > 38 || sc > p)
			return -1;
		d->precision = (uint8_t)p;
		d->scale = (uint8_t)sc;
	}
	while (*s == ' ')
		s++;
	d->not_null = 0;
	if (strncasecmp(s, "NOT NULL", 8) == 0) {
		d->not_null = 1;
		s += 8;
		while (*s == ' ')
			s++;
	}
	return *s == '\0' ? 0 : -1;
}

/* Split s at top-level sep (not inside parentheses), trimming blanks. */
static char **split(char *s, char sep, size_t *n)
{
	char **v = NULL, *start = s, *p;
	int depth = 0;

	*n = 0;
	for (p = s;; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		if ((*p == sep && depth == 0) || *p == '\0') {
			char *a = start, *b = p, **nv;
			int end = *p == '\0';
			while (a < b && *a == ' ')
				a++;
			while (b > a && b[-1] == ' ')
				b--;
			*b = '\0';
			nv = realloc(v, (*n + 2) * sizeof *v);
			if (nv == NULL)
				cli_die(EXIT_ERROR, "out of memory");
			v = nv;
			v[(*n)++] = a;
			v[*n] = NULL;
			if (end)
				break;
			start = p + 1;
		}
	}
	return v;
}

static const char *type_text(const struct rdb_column_def *d, char *buf,
    size_t n)
{
	if (d->type == RDB_DECIMAL)
		snprintf(buf, n, "DECIMAL(%u,%u)", d->precision, d->scale);
	else
		snprintf(buf, n, "%s", rdb_type_name(d->type));
	return buf;
}

static int need_quotes(const char *s)
{
	const char *p;

	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return 1;
	for (p = s; *p != '\0'; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_') || isupper((unsigned char)*p))
			return 1;
	return 0;
}

static void put_ident(FILE *f, const char *s)
{
	if (!need_quotes(s)) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

static void print_schema(const char *table, const struct rdb_load_result *r,
    int as_table)
{
	char t[48];
	size_t i;

	if (as_table) {
		static const char *const names[] = { "column", "type", "not_null" };
		struct out *o = out_open(stdout, cli.format, cli.header, 3, names);
		for (i = 0; i < r->ncols; i++) {
			struct out_cell c[3] = {
				{ r->cols[i].name, OUT_TEXT },
				{ type_text(&r->cols[i], t, sizeof t), OUT_TEXT },
				{ r->cols[i].not_null ? "true" : "false", OUT_BOOL },
			};
			out_row(o, c);
		}
		out_close(o);
		return;
	}
	fputs("CREATE TABLE ", stdout);
	put_ident(stdout, table);
	fputs(" (\n", stdout);
	for (i = 0; i < r->ncols; i++) {
		fputs("    ", stdout);
		put_ident(stdout, r->cols[i].name);
		printf(" %s%s%s\n", type_text(&r->cols[i], t, sizeof t),
		    r->cols[i].not_null ? " NOT NULL" : "",
		    i + 1 < r->ncols ? "," : "");
	}
	fputs(");\n", stdout);
	cli_check_stdout();
}

static int one_char(const char *opt, const char *arg)
{
	if (strcmp(arg, "\\t") == 0 || strcasecmp(arg, "tab") == 0)
		return '\t';
	if (strlen(arg) != 1 || arg[0] == '\n' || arg[0] == '\r')
		cli_usage_error("invalid --%s '%s': expected one character", opt, arg);
	return (unsigned char)arg[0];
}

int main(int argc, char **argv)
{
	struct rdb_load_options lo;
	struct rdb_open_options oo;
	struct rdb_load_result r;
	struct rdb_column_def *types = NULL;
	struct rdb_db *db = NULL;
	struct ctx ctx;
	const char *arg, *dir, *table;
	char **cols = NULL, *schema = NULL, *typespec = NULL;
	int c, rc, infer = 0, modes = 0, status;
	long long v;
	double t0;

	struct timespec ts;

	cli_init(&prog, argc, argv);
	memset(&lo, 0, sizeof lo);
	memset(&ctx, 0, sizeof ctx);
	while ((c = cli_getopt(argc, argv, &arg)) != -1) {
		switch (c) {
		case O_FORMAT:
			lo.format = strcmp(arg, "csv") == 0 ? RDB_LOAD_CSV
			    : strcmp(arg, "tsv") == 0 ? RDB_LOAD_TSV
			    : strcmp(arg, "json") == 0 ? RDB_LOAD_JSON : RDB_LOAD_NDJSON;
			break;
		case O_DELIM:
			lo.delimiter = one_char("delimiter", arg);
			break;
		case O_QUOTE:
			lo.quote = one_char("quote", arg);
			break;
		case O_ESCAPE:
			lo.escape = one_char("escape", arg);
			break;
		case O_NO_HEADER:
			lo.no_header = 1;
			break;
		case O_COLUMNS: {
			size_t n;
			char *copy = strdup(arg);
			if (copy == NULL)
				cli_die(EXIT_ERROR, "out of memory");
			cols = split(copy, ',', &n);
			lo.columns = (const char *const *)cols;
			lo.ncolumns = n;
			break;
		}
		case O_NULL:
			lo.null_marker = arg;
			break;
		case O_SAMPLE:
			if (strcmp(arg, "all") == 0)
				lo.sample = UINT64_MAX;
			else if (cli_parse_int(arg, 1, INT64_MAX, &v) == 0)
				lo.sample = (uint64_t)v;
			else
				cli_usage_error("invalid --sample '%s': expected a number of rows or 'all'",
				    arg);
			break;
		case O_TYPES:
			typespec = strdup(arg);
			break;
		case O_SCHEMA:
			schema = strdup(arg);
			break;
		case O_ALL_TEXT:
			lo.all_text = 1;
			break;
		case O_INFER:
			infer = 1;
			break;
		case O_INFER_FMT: {
			static const char *const f[] = { "csv", "tsv", "json",
				"ndjson", "table", "markdown" };
			int i;
			for (i = 0; i < 6; i++)
				if (strcmp(arg, f[i]) == 0)
					cli.format = (enum out_format)i;
			infer = 2;
			break;
		}
		case O_CREATE:
			lo.mode = RDB_LOAD_CREATE;
			modes++;
			break;
		case O_APPEND:
			lo.mode = RDB_LOAD_APPEND;
			modes++;
			break;
		case O_REPLACE:
			lo.mode = RDB_LOAD_REPLACE;
			modes++;
			break;
		case O_REJECT:
			ctx.reject_path = arg;
			break;
		case O_MAX_ERRORS:
			if (cli_parse_int(arg, 0, INT64_MAX, &v) != 0)
				cli_usage_error("invalid --max-errors '%s'", arg);
			lo.max_errors = (uint64_t)v;
			break;
		case O_MESSAGE:
			lo.message = arg;
			break;
		case O_MEMORY: {
			uint64_t u;
			if (cli_parse_size(arg, &u) != 0 || u < ((uint64_t)16 << 20))
				cli_usage_error("invalid --memory-limit '%s': expected a size of at least 16M",
				    arg);
			lo.memory_limit = u;
			break;
		}
		case O_THREADS:
			if (cli_parse_int(arg, 1, 64, &v) != 0)
				cli_usage_error("invalid --threads '%s' (1..64)", arg);
			lo.threads = (int)v;
			break;
		}
	}
	if (modes > 1)
		cli_usage_error("choose one of --create, --append, --replace");
	if (argc - cli_optind() < 2)
		cli_usage_error(argc == cli_optind() ? "missing DIR and TABLE"
		    : "missing TABLE");
	if (schema != NULL && typespec != NULL)
		cli_usage_error("give --schema or --types, not both");
	if (schema != NULL || typespec != NULL) {
		size_t n, i;
		char **items = split(schema != NULL ? schema : typespec, ',', &n);
		char **names = calloc(n + 1, sizeof *names);
		types = calloc(n + 1, sizeof *types);
		if (types == NULL || names == NULL)
			cli_die(EXIT_ERROR, "out of memory");
		for (i = 0; i < n; i++) {
			char *sp = schema != NULL ? strchr(items[i], ' ')
			    : strchr(items[i], '=');
			if (sp == NULL || sp == items[i])
				cli_usage_error("invalid --%s item '%s': expected %s",
				    schema != NULL ? "schema" : "types", items[i],
				    schema != NULL ? "'NAME TYPE'" : "NAME=TYPE");
			*sp = '\0';
			names[i] = items[i];
			types[i].name = items[i];
			if (parse_type(sp + 1, &types[i]) != 0)
				cli_usage_error("invalid type '%s' for column '%s'", sp + 1,
				    items[i]);
		}
		lo.types = types;
		lo.ntypes = n;
		if (schema != NULL && lo.columns == NULL) {
			lo.columns = (const char *const *)names;
			lo.ncolumns = n;
		}
		free(items);
	}
	dir = argv[cli_optind()];
	table = argv[cli_optind() + 1];
	lo.program = cli_progname;
	lo.reject = on_reject;
	lo.progress = on_progress;
	lo.arg = &ctx;
	cli_open_options(&oo, infer ? RDB_OPEN_READONLY : 0);
	rc = rdb_open(dir, &oo, &db);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	if (ctx.reject_path != NULL && !infer) {
		ctx.rejects = fopen(ctx.reject_path, "w");
		if (ctx.rejects == NULL)
			cli_die(EXIT_ERROR, "cannot create '%s': %s", ctx.reject_path,
			    strerror(errno));
		fputs("file,line,reason,row\n", ctx.rejects);
	}
	if (!infer) {
		/* start the bar now, so its rate counts from the start */
		uint64_t total = 0;
		int i, known = argc - cli_optind() > 2;
		for (i = cli_optind() + 2; i < argc; i++) {
			struct stat st;
			if (strcmp(argv[i], "-") == 0 || stat(argv[i], &st) != 0 ||
			    !S_ISREG(st.st_mode))
				known = 0;
			else
				total += (uint64_t)st.st_size;
		}
		ctx.bytes_known = known && total > 0;
		ctx.bar = progress_start("rdb-load", ctx.bytes_known ? total : 0,
		    ctx.bytes_known ? "bytes" : "rows");
		ctx.started = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	rc = rdb_load(db, table, (const char *const *)(argv + cli_optind() + 2),
	    (size_t)(argc - cli_optind() - 2), &lo, infer, &r);
	progress_end(ctx.bar);
	if (ctx.rejects != NULL && fclose(ctx.rejects) != 0 && rc == RDB_OK)
		cli_die(EXIT_ERROR, "cannot write '%s': %s", ctx.reject_path,
		    strerror(errno));
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	if (infer && r.ncols == 0)
		cli_die(EXIT_ERROR, "nothing to infer: no rows and no columns");
	if (infer) {
		print_schema(table, &r, infer == 2);
		rdb_load_result_release(&r);
		rdb_close(db);
		cli_exit(EXIT_OK);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	status = r.rejected > 0 ? EXIT_REJECTED : EXIT_OK;
	if (!cli.quiet && r.commit == 0 && r.rows == 0 && r.rejected == 0) {
		fprintf(stderr, "%s: nothing to load into '%s'%s\n", cli_progname,
		    table, r.ncols == 0 ? ": no rows and no columns" : "");
	} else if (!cli.quiet) {
		fprintf(stderr, "%s: loaded %llu row%s into '%s'%s in %.2f s (commit %llu)",
		    cli_progname, (unsigned long long)r.rows, r.rows == 1 ? "" : "s",
		    table, r.created ? " (created)" : "",
		    (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0,
		    (unsigned long long)r.commit);
		if (r.rejected > 0)
			fprintf(stderr, "; %llu row%s rejected%s%s%s",
			    (unsigned long long)r.rejected, r.rejected == 1 ? "" : "s",
			    ctx.reject_path != NULL ? " (see '" : "",
			    ctx.reject_path != NULL ? ctx.reject_path : "",
			    ctx.reject_path != NULL ? "')" : "");
		fputc('\n', stderr);
	}
	rdb_load_result_release(&r);
	rdb_close(db);
	free(types);
	free(schema);
	free(typespec);
	cli_exit(status);
}

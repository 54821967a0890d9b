/*
 * rdb-query - run SQL on a database: from the command line, a file,
 * standard input, or an interactive shell.
 */
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <dlfcn.h>

#include "common/cli.h"
#include "common/out.h"

enum { O_FILE = 'f', O_PARAM = 'p', O_TIMER = 256, O_MEMORY, O_THREADS,
	O_READONLY, O_RECURSION, O_MESSAGE };

static const struct cli_opt opts[] = {
	{ "file", 'f', "FILE", NULL, "read the SQL from FILE ('-': stdin)",
	  CLI_ARG_FILE },
	{ "param", 'p', "NAME=VALUE", NULL,
	  "bind :NAME to VALUE, a string value (never SQL text)", 0 },
	{ "timer", O_TIMER, NULL, NULL,
	  "print each statement's time on stderr", 0 },
	{ "memory-limit", O_MEMORY, "SIZE", NULL,
	  "memory for joins, grouping and sorting (default: a quarter of RAM)",
	  0 },
	{ "threads", O_THREADS, "N", NULL,
	  "threads decoding data (default: one per CPU)", 0 },
	{ "recursion-limit", O_RECURSION, "ROWS", NULL,
	  "rows a WITH RECURSIVE query may produce (default 1000000; 0: no "
	  "limit)", 0 },
	{ "read-only", O_READONLY, NULL, NULL,
	  "open the database read-only: statements that write fail", 0 },
	{ "message", O_MESSAGE, "TEXT", NULL,
	  "a message for the commit log of every commit made", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-query", "[options] DIR [SQL]",
	"Run SQL statements on the database DIR and print their results.",
	CLI_G_OUTPUT | CLI_G_DB | CLI_G_LOCK | CLI_G_QUIET, CLI_OPER_DB, opts,
};

static struct rdb_sql *g_sql;
static volatile sig_atomic_t g_interrupted;

/* DIR "-": an empty database of this run, removed at exit. */
static char g_tmpdir[4096];

static int rm_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tmpdir(void)
{
	if (g_tmpdir[0] != '\0')
		nftw(g_tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int open_tmpdb(const struct rdb_open_options *oo, struct rdb_db **db)
{
	const char *tmp = getenv("TMPDIR");
	char path[sizeof(g_tmpdir) + 8];

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (snprintf(g_tmpdir, sizeof(g_tmpdir), "%s/rdb-query-XXXXXX", tmp) >=
	    (int)sizeof(g_tmpdir) || mkdtemp(g_tmpdir) == NULL) {
		g_tmpdir[0] = '\0';
		cli_die(EXIT_ERROR, "cannot make a temporary database in %s: %s",
		    tmp, strerror(errno));
	}
	atexit(rm_tmpdir);
	snprintf(path, sizeof(path), "%s/db", g_tmpdir);
	return rdb_create(path, NULL, oo, db);
}

static void on_sigint(int sig)
{
	(void)sig;
	g_interrupted = 1;
	if (g_sql != NULL)
		rdb_sql_interrupt(g_sql);
}

/* ---- printing results ---- */

struct printer {
	struct out *o;
	size_t ncols;
	int started;                    /* a result began */
	char **names;
	enum out_type *kinds;
	enum out_format fmt;
	int header;
	uint64_t rows;
	int count;                      /* show "N rows" (shell) */
};

static int on_columns(void *arg, size_t ncols, const char *const *names,
    const struct rdb_vec *types)
{
	struct printer *p = arg;
	size_t i;

	p->ncols = ncols;
	p->rows = 0;
	p->kinds = calloc(ncols + 1, sizeof(*p->kinds));
	p->names = calloc(ncols + 1, sizeof(*p->names));
	if (p->kinds == NULL || p->names == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	for (i = 0; i < ncols; i++) {
		switch (types[i].type) {
		case RDB_INTEGER: case RDB_BIGINT: case RDB_DOUBLE:
		case RDB_DECIMAL:
			p->kinds[i] = OUT_NUM;
			break;
		case RDB_BOOLEAN:
			p->kinds[i] = OUT_BOOL;
			break;
		case RDB_JSON:
			p->kinds[i] = OUT_JSONVAL;
			break;
		default:
			p->kinds[i] = OUT_TEXT;
		}
		p->names[i] = strdup(names[i]);
		if (p->names[i] == NULL)
			cli_die(EXIT_ERROR, "out of memory");
	}
	p->started = 1;
	return 0;
}

/* The header is written with the first rows (or at the end of an empty
 * result), so a statement that fails before any row prints nothing. */
static void printer_open(struct printer *p)
{
	if (p->o != NULL)
		return;
	p->o = out_open(stdout, p->fmt, p->header, p->ncols,
	    (const char *const *)p->names);
	out_show_count(p->o, p->count);
}

static int on_rows(void *arg, const struct rdb_batch *b)
{
	struct printer *p = arg;

	printer_open(p);
	out_batch(p->o, b, p->kinds);
	p->rows += b->nrows;
	return g_interrupted ? 1 : 0;
}

static void printer_end(struct printer *p)
{
	size_t i;

	if (p->o != NULL)
		out_close(p->o);
	p->o = NULL;
	if (p->names != NULL)
		for (i = 0; i < p->ncols; i++)
			free(p->names[i]);
	free(p->names);
	p->names = NULL;
	free(p->kinds);
	p->kinds = NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run every statement of text; returns the exit status. stop_on_error
 * ends at the first failure (scripts); the shell goes on. */
static int run_text(struct rdb_sql *s, const char *text, size_t len,
    int timer, enum out_format fmt, int shell)
{
	size_t pos = 0;
	int nresults = 0;

	while (pos < len) {
		struct printer p;
		struct rdb_sql_sink sink;
		struct rdb_sql_result res;
		double t0 = now_s();
		int rc;

		memset(&p, 0, sizeof(p));
		p.fmt = fmt;
		p.header = cli.header;
		p.count = shell;
		sink.columns = on_columns;
		sink.rows = on_rows;
		sink.arg = &p;
		rc = rdb_sql_exec(s, text, len, &pos, &sink, &res);
		if (rc == RDB_OK && p.started)
			printer_open(&p);
		if (p.o != NULL)
			nresults++;
		printer_end(&p);
		if (rc != RDB_OK) {
			if (rc == RDB_EINTR && g_interrupted) {
				cli_error("interrupted; the statement changed nothing");
				if (!shell)
					return 130;
				g_interrupted = 0;
				continue;
			}
			cli_error("%s", rdb_sql_errmsg(s));
			if (!shell)
				return rc == RDB_ESQL ? EXIT_ERROR : cli_exit_code(rc);
			break;
		}
		if (res.tag[0] == '\0')
			break;
		if (timer)
			fprintf(stderr, "Run Time: %.3f s\n", now_s() - t0);
		if (shell && !res.returns_rows && !cli.quiet) {
			if (!strcmp(res.tag, "INSERT") || !strcmp(res.tag, "UPDATE") ||
			    !strcmp(res.tag, "DELETE"))
				fprintf(stderr, "%s %llu\n", res.tag,
				    (unsigned long long)res.changed);
			else
				fprintf(stderr, "%s\n", res.tag);
		}
	}
	return EXIT_OK;
}

static char *read_all(FILE *f, const char *name, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *p = malloc(cap);

	if (p == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	for (;;) {
		size_t got;
		if (n == cap) {
			char *q;
			if (cap > ((size_t)1 << 31))
				cli_die(EXIT_ERROR, "'%s': SQL text larger than 2 GiB", name);
			q = realloc(p, cap * 2);
			if (q == NULL)
				cli_die(EXIT_ERROR, "out of memory");
			p = q;
			cap *= 2;
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				cli_die(EXIT_ERROR, "cannot read '%s': %s", name,
				    strerror(errno));
			break;
		}
	}
	*len = n;
	return p;
}

/* ---- the interactive shell ---- */

static void row4(struct out *o, const char *name, const char *type,
    const char *cols, const char *rows)
{
	struct out_cell cells[4];

	cells[0].s = name;
	cells[0].t = OUT_TEXT;
	cells[1].s = type;
	cells[1].t = OUT_TEXT;
	cells[2].s = cols;
	cells[2].t = OUT_NUM;
	cells[3].s = rows;
	cells[3].t = OUT_NUM;
	out_row(o, cells);
}

static void type_text(enum rdb_type t, int prec, int scale, char *buf,
    size_t n)
{
	if (t == RDB_DECIMAL)
		snprintf(buf, n, "DECIMAL(%d,%d)", prec, scale);
	else
		snprintf(buf, n, "%s", rdb_type_name(t));
}

/* The columns of a view, as its query gives them. */
struct viewcols {
	struct out *o;
};

static int on_view_columns(void *arg, size_t ncols, const char *const *names,
    const struct rdb_vec *types)
{
	static const char *const head[] = { "column", "type", "null" };
	struct viewcols *vc = arg;
	size_t i;

	vc->o = out_open(stdout, OUT_TABLE, 1, 3, head);
	for (i = 0; i < ncols; i++) {
		char type[40];
		struct out_cell cells[3];
		type_text(types[i].type, types[i].precision, types[i].scale, type,
		    sizeof(type));
		cells[0].s = names[i];
		cells[0].t = OUT_TEXT;
		cells[1].s = type;
		cells[1].t = OUT_TEXT;
		cells[2].s = "";
		cells[2].t = OUT_TEXT;
		out_row(vc->o, cells);
	}
	return 0;
}

/* \d VIEW: its columns (planning its query) and its query. */
static int describe_view(struct rdb_sql *s, const char *name,
    const char *sql)
{
	struct rdb_sql_sink sink;
	struct rdb_sql_result res;
	struct viewcols vc;
	char *q = malloc(2 * strlen(name) + 40), *p;
	const char *c;
	size_t pos = 0;
	int rc;

	if (q == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	p = q + sprintf(q, "SELECT * FROM \"");
	for (c = name; *c != '\0'; c++) {
		if (*c == '"')
			*p++ = '"';
		*p++ = *c;
	}
	strcpy(p, "\" LIMIT 0");
	vc.o = NULL;
	memset(&sink, 0, sizeof(sink));
	sink.columns = on_view_columns;
	sink.arg = &vc;
	rc = rdb_sql_exec(s, q, strlen(q), &pos, &sink, &res);
	if (vc.o != NULL)
		out_close(vc.o);
	free(q);
	if (rc != RDB_OK)
		cli_error("%s", rdb_sql_errmsg(s));
	printf("View query: %s\n", sql);
	return rc;
}

static void list_tables(struct rdb_db *db, struct rdb_sql *s,
    const char *table)
{
	struct rdb_txn *t;
	const struct rdb_table_desc *const *tl;
	const struct rdb_view_desc *const *vl, *const *tvl;
	size_t n, nv, ntv, i, c;
	int rc;

	rdb_sql_temp_views(s, &tvl, &ntv);
	if ((rc = rdb_txn_begin(db, 0, 0, &t)) != RDB_OK) {
		cli_error("%s", rdb_errmsg(db));
		return;
	}
	if (table == NULL) {
		static const char *const names[] = { "name", "type", "columns",
			"rows" };
		struct out *o;
		if ((rc = rdb_table_list(t, &tl, &n)) != RDB_OK ||
		    (rc = rdb_view_list(t, &vl, &nv)) != RDB_OK) {
			cli_error("%s", rdb_errmsg(db));
			rdb_txn_abort(t);
			return;
		}
		o = out_open(stdout, OUT_TABLE, 1, 4, names);
		for (i = 0; i < n; i++) {
			struct rdb_table_stats st;
			char cols[32], rows[32];
			snprintf(cols, sizeof(cols), "%zu", tl[i]->ncols);
			if (rdb_table_stats(t, tl[i]->name, &st, NULL) == RDB_OK)
				snprintf(rows, sizeof(rows), "%llu",
				    (unsigned long long)st.rows);
			else
				snprintf(rows, sizeof(rows), "?");
			row4(o, tl[i]->name, "table", cols, rows);
		}
		for (i = 0; i < nv + ntv; i++) {
			const struct rdb_view_desc *v = i < nv ? vl[i] : tvl[i - nv];
			char cols[32];
			snprintf(cols, sizeof(cols), "%zu", v->ncols);
			row4(o, v->name, i < nv ? "view" : "temp view", cols, "");
		}
		out_close(o);
	} else {
		static const char *const names[] = { "column", "type", "null" };
		const struct rdb_table_desc *td;
		const struct rdb_view_desc *v = NULL;
		struct out *o;
		for (i = 0; i < ntv && v == NULL; i++)
			if (strcasecmp(tvl[i]->name, table) == 0)
				v = tvl[i];
		if (v == NULL && rdb_view_find(t, table, &v) != RDB_OK)
			v = NULL;
		if (v != NULL) {
			/* the session plans it: end this reader first */
			char *sql = strdup(v->sql), *name = strdup(v->name);
			rdb_txn_abort(t);
			if (sql == NULL || name == NULL)
				cli_die(EXIT_ERROR, "out of memory");
			describe_view(s, name, sql);
			free(sql);
			free(name);
			return;
		}
		if ((rc = rdb_table_find(t, table, &td)) != RDB_OK) {
			cli_error("no such table or view '%s'", table);
			rdb_txn_abort(t);
			return;
		}
		o = out_open(stdout, OUT_TABLE, 1, 3, names);
		for (c = 0; c < td->ncols; c++) {
			char type[40];
			struct out_cell cells[3];
			type_text(td->cols[c].type, td->cols[c].precision,
			    td->cols[c].scale, type, sizeof(type));
			cells[0].s = td->cols[c].name;
			cells[0].t = OUT_TEXT;
			cells[1].s = type;
			cells[1].t = OUT_TEXT;
			cells[2].s = td->cols[c].not_null ? "NOT NULL" : "";
			cells[2].t = OUT_TEXT;
			out_row(o, cells);
		}
		out_close(o);
		if (td->nindexes > 0)
			printf("Indexes:\n");
		for (i = 0; i < td->nindexes; i++) {
			const struct rdb_index_desc *x = td->indexes[i];
			printf("  %s %s(", x->name, x->unique ? "UNIQUE " : "");
			for (c = 0; c < x->nkeys; c++)
				printf("%s%s%s", c ? ", " : "",
				    td->cols[x->cols[c]].name, x->desc[c] ? " DESC" : "");
			printf(")\n");
		}
	}
	rdb_txn_abort(t);
}

static int parse_format(const char *s, enum out_format *f)
{
	static const struct {
		const char *name;
		enum out_format f;
	} fmts[] = {
		{ "csv", OUT_CSV }, { "tsv", OUT_TSV }, { "json", OUT_JSON },
		{ "ndjson", OUT_NDJSON }, { "table", OUT_TABLE },
		{ "markdown", OUT_MARKDOWN }, { NULL, OUT_CSV }
	};
	int i;

	for (i = 0; fmts[i].name != NULL; i++)
		if (!strcmp(fmts[i].name, s)) {
			*f = fmts[i].f;
			return 0;
		}
	return -1;
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *p;

	if (home == NULL || home[0] == '\0')
		return NULL;
	p = malloc(strlen(home) + 32);
	if (p != NULL)
		sprintf(p, "%s/.rdb_history", home);
	return p;
}

/*
 * Line editing and history come from libedit, opened with dlopen when
 * the shell starts (by the soname the build found, as librdb opens
 * libarchive): linked, it and the libraries it needs cost every start
 * of rdb-query a quarter of a millisecond of loading, scripts and
 * pipelines included. Without it the shell reads plain lines.
 */
#ifndef RDB_EDIT_SONAME
#define RDB_EDIT_SONAME "libedit.so.2"
#endif
static struct {
	void (*using_history)(void);
	int (*read_history)(const char *);
	char *(*readline)(const char *);
	int (*add_history)(const char *);
	int (*write_history)(const char *);
} ed;

/* A line without editing (no libedit): the prompt, then what was typed
 * up to the newline, which is dropped; NULL at the end or on ^C. */
static char *plain_readline(const char *prompt)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	fputs(prompt, stdout);
	fflush(stdout);
	if ((n = getline(&line, &cap, stdin)) < 0) {
		free(line);
		return NULL;
	}
	if (n > 0 && line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

static void edit_load(void)
{
	void *h = dlopen(RDB_EDIT_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (h != NULL) {
		*(void **)&ed.using_history = dlsym(h, "using_history");
		*(void **)&ed.read_history = dlsym(h, "read_history");
		*(void **)&ed.readline = dlsym(h, "readline");
		*(void **)&ed.add_history = dlsym(h, "add_history");
		*(void **)&ed.write_history = dlsym(h, "write_history");
	}
	if (h == NULL || ed.using_history == NULL || ed.read_history == NULL ||
	    ed.readline == NULL || ed.add_history == NULL ||
	    ed.write_history == NULL) {
		memset(&ed, 0, sizeof(ed));
		ed.readline = plain_readline;
	}
}

static void add_history(const char *line)
{
	if (ed.add_history != NULL)
		ed.add_history(line);
}

static int shell(struct rdb_db *db, struct rdb_sql *s, int timer,
    enum out_format fmt)
{
	char *buf = NULL, *hist = history_path();
	size_t len = 0;

	edit_load();
	if (ed.using_history != NULL) {
		ed.using_history();
		if (hist != NULL)
			ed.read_history(hist);
	}
	printf("rdb-query %s on %s; \\? for help, \\q to quit.\n",
	    rdb_version(), rdb_path(db));
	for (;;) {
		const char *prompt = len > 0 ? "   ...> " :
		    rdb_sql_in_transaction(s) ? "rdb*> " : "rdb> ";
		char *line = ed.readline(prompt);
		size_t ll;
		if (line == NULL && g_interrupted) {
			/* ^C at the prompt drops what was typed, as psql does */
			g_interrupted = 0;
			len = 0;
			putchar('\n');
			continue;
		}
		if (line == NULL) {
			putchar('\n');
			break;
		}
		g_interrupted = 0;
		ll = strlen(line);
		if (len == 0 && line[0] == '\\') {
			char cmd[16] = "", arg[256] = "";
			int n = sscanf(line, "\\%15s %255s", cmd, arg);
			if (line[1] != '\0')
				add_history(line);
			if (n >= 1 && (!strcmp(cmd, "q") || !strcmp(cmd, "quit"))) {
				free(line);
				break;
			} else if (n >= 1 && !strcmp(cmd, "d")) {
				list_tables(db, s, n == 2 ? arg : NULL);
			} else if (n >= 1 && !strcmp(cmd, "timing")) {
				timer = n == 2 ? strcmp(arg, "off") != 0 : !timer;
				printf("Timing is %s.\n", timer ? "on" : "off");
			} else if (n >= 1 && !strcmp(cmd, "format")) {
				if (n < 2 || parse_format(arg, &fmt) != 0)
					printf("usage: \\format csv|tsv|json|ndjson|table|"
					    "markdown\n");
			} else if (n >= 1 && (!strcmp(cmd, "?") || !strcmp(cmd, "h") ||
			    !strcmp(cmd, "help"))) {
				printf("\\d            list tables and views\n"
				    "\\d NAME       columns of a table (and its indexes) or view\n"
				    "\\timing       toggle statement timing\n"
				    "\\format FMT   csv, tsv, json, ndjson, table, markdown\n"
				    "\\q            quit\n"
				    "SQL statements end with ';'.\n");
			} else {
				printf("unknown command '%s'; \\? lists them\n", line);
			}
			free(line);
			continue;
		}
		{
			char *nb = realloc(buf, len + ll + 2);
			if (nb == NULL)
				cli_die(EXIT_ERROR, "out of memory");
			buf = nb;
			memcpy(buf + len, line, ll);
			len += ll;
			buf[len++] = '\n';
			buf[len] = '\0';
		}
		free(line);
		if (rdb_sql_incomplete(buf, len))
			continue;
		if (len > 1) {
			buf[len - 1] = '\0';
			add_history(buf);
			buf[len - 1] = '\n';
		}
		run_text(s, buf, len, timer, fmt, 1);
		fflush(stdout);
		len = 0;
	}
	if (hist != NULL && ed.write_history != NULL)
		ed.write_history(hist);
	free(hist);
	free(buf);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct rdb_open_options oo;
	struct rdb_sql_options so;
	struct rdb_db *db;
	struct rdb_sql *s;
	const char *arg, *file = NULL, *dir, *sqltext = NULL, *message = NULL;
	char **params = NULL;
	size_t nparams = 0, i, len = 0;
	char *text = NULL;
	int key, rc, timer = 0, readonly = 0, status;
	uint64_t memlimit = 0, reclimit = 0;
	long long threads = 0;
	enum out_format fmt;

	cli_init(&prog, argc, argv);
	while ((key = cli_getopt(argc, argv, &arg)) != -1) {
		switch (key) {
		case 'f':
			file = arg;
			break;
		case 'p': {
			char **np = realloc(params, (nparams + 1) * sizeof(*np));
			if (strchr(arg, '=') == NULL || arg[0] == '=')
				cli_usage_error("-p needs NAME=VALUE, not '%s'", arg);
			if (np == NULL)
				cli_die(EXIT_ERROR, "out of memory");
			params = np;
			params[nparams++] = (char *)arg;
			break;
		}
		case O_TIMER:
			timer = 1;
			break;
		case O_MEMORY:
			if (cli_parse_size(arg, &memlimit) != 0 || memlimit < (1 << 20))
				cli_usage_error("bad --memory-limit '%s' (at least 1M)", arg);
			break;
		case O_THREADS:
			if (cli_parse_int(arg, 1, 64, &threads) != 0)
				cli_usage_error("bad --threads '%s' (1..64)", arg);
			break;
		case O_READONLY:
			readonly = 1;
			break;
		case O_RECURSION: {
			long long v;
			if (cli_parse_int(arg, 0, INT64_MAX, &v) != 0)
				cli_usage_error("bad --recursion-limit '%s' (a number of "
				    "rows, 0 for none)", arg);
			reclimit = v == 0 ? UINT64_MAX : (uint64_t)v;
			break;
		}
		case O_MESSAGE:
			message = arg;
			break;
		}
	}
	if (cli_optind() >= argc)
		cli_usage_error("missing the database directory");
	dir = argv[cli_optind()];
	if (cli_optind() + 1 < argc)
		sqltext = argv[cli_optind() + 1];
	if (cli_optind() + 2 < argc)
		cli_usage_error("too many arguments: give the SQL as one argument");
	if (sqltext != NULL && file != NULL)
		cli_usage_error("give SQL either as an argument or with -f, not both");

	cli_open_options(&oo, readonly ? RDB_OPEN_READONLY : 0);
	oo.program = "rdb-query";
	if (strcmp(dir, "-") == 0)
		rc = open_tmpdb(&oo, &db);
	else
		rc = rdb_open(dir, &oo, &db);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	memset(&so, 0, sizeof(so));
	so.program = "rdb-query";
	so.memory_limit = memlimit;
	so.threads = (int)threads;
	so.recursion_limit = reclimit;
	so.message = message;
	if ((rc = rdb_sql_open(db, &so, &s)) != RDB_OK)
		cli_die(EXIT_ERROR, "out of memory");
	for (i = 0; i < nparams; i++) {
		char *eq = strchr(params[i], '=');
		*eq = '\0';
		if (rdb_sql_bind(s, params[i], eq + 1) != RDB_OK)
			cli_die(EXIT_ERROR, "out of memory");
	}
	free(params);
	g_sql = s;
	{
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
	}
	fmt = cli.format;
	if (sqltext == NULL && file == NULL && isatty(STDIN_FILENO)) {
		if (fmt == OUT_AUTO)
			fmt = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_CSV;
		status = shell(db, s, timer, fmt);
	} else {
		if (sqltext != NULL) {
			text = strdup(sqltext);
			len = strlen(sqltext);
			if (text == NULL)
				cli_die(EXIT_ERROR, "out of memory");
		} else if (file != NULL && strcmp(file, "-") != 0) {
			FILE *f = fopen(file, "r");
			if (f == NULL)
				cli_die(EXIT_ERROR, "cannot open '%s': %s", file,
				    strerror(errno));
			text = read_all(f, file, &len);
			fclose(f);
		} else {
			text = read_all(stdin, "stdin", &len);
		}
		status = run_text(s, text, len, timer, fmt, 0);
		free(text);
		if (status == EXIT_OK && rdb_sql_in_transaction(s)) {
			/* work a script meant to keep must not vanish quietly */
			cli_error("BEGIN without COMMIT at the end of the input: "
			    "the transaction was rolled back");
			status = EXIT_ERROR;
		}
	}
	g_sql = NULL;
	rdb_sql_close(s);
	rdb_close(db);
	cli_exit(status);
}

/*
 * sqlout.c - SQL results to standard output (sqlout.h).
 *
 * The header is written with the first rows, or at the end of an empty
 * result, so a statement that fails before its first row prints
 * nothing on standard output.
 */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "sqlout.h"

struct printer {
	struct out *o;
	enum out_format fmt;
	size_t ncols;
	int started;
	char **names;
	enum out_type *kinds;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n + 1, size);

	if (p == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	return p;
}

static int on_columns(void *arg, size_t ncols, const char *const *names,
    const struct rdb_vec *types)
{
	struct printer *p = arg;
	size_t i;

	p->ncols = ncols;
	p->names = xcalloc(ncols, sizeof(*p->names));
	p->kinds = xcalloc(ncols, sizeof(*p->kinds));
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
		if ((p->names[i] = strdup(names[i])) == NULL)
			cli_die(EXIT_ERROR, "out of memory");
	}
	p->started = 1;
	return 0;
}

static void printer_open(struct printer *p)
{
	if (p->o == NULL)
		p->o = out_open(stdout, p->fmt, cli.header, p->ncols,
		    (const char *const *)p->names);
}

static int on_rows(void *arg, const struct rdb_batch *b)
{
	struct printer *p = arg;

	printer_open(p);
	out_batch(p->o, b, p->kinds);
	return 0;
}

static void printer_end(struct printer *p)
{
	size_t i;

	if (p->o != NULL)
		out_close(p->o);
	for (i = 0; i < p->ncols && p->names != NULL; i++)
		free(p->names[i]);
	free(p->names);
	free(p->kinds);
	memset(p, 0, sizeof(*p));
}

int sqlout_run(struct rdb_sql *s, const char *text, size_t len,
    enum out_format fmt)
{
	size_t pos = 0;

	while (pos < len) {
		struct printer p;
		struct rdb_sql_sink sink;
		struct rdb_sql_result res;
		int rc;

		memset(&p, 0, sizeof(p));
		p.fmt = fmt;
		sink.columns = on_columns;
		sink.rows = on_rows;
		sink.arg = &p;
		rc = rdb_sql_exec(s, text, len, &pos, &sink, &res);
		if (rc == RDB_OK && p.started)
			printer_open(&p);
		printer_end(&p);
		if (rc != RDB_OK) {
			cli_error("%s", rdb_sql_errmsg(s));
			return rc == RDB_ESQL ? EXIT_ERROR : cli_exit_code(rc);
		}
		if (res.tag[0] == '\0')
			break;
	}
	return EXIT_OK;
}

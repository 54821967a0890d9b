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
	struct out_cell *cells;
	char **bufs;                    /* per column: the value as text */
	size_t *caps;
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
	p->cells = xcalloc(ncols, sizeof(*p->cells));
	p->bufs = xcalloc(ncols, sizeof(*p->bufs));
	p->caps = xcalloc(ncols, sizeof(*p->caps));
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
		p->caps[i] = 128;
		p->bufs[i] = xcalloc(p->caps[i], 1);
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
	size_t r, c;

	printer_open(p);
	for (r = 0; r < b->nrows; r++) {
		for (c = 0; c < p->ncols; c++) {
			const char *s;
			size_t len;
			p->cells[c].t = p->kinds[c];
			p->cells[c].s = NULL;
			if (rdb_vec_is_null(&b->cols[c], r))
				continue;
			if (rdb_value_text(&b->cols[c], r, p->bufs[c], p->caps[c], &s,
			    &len) != RDB_OK)
				cli_die(EXIT_ERROR, "out of memory");
			/* text values point into the batch, unterminated */
			if (len >= p->caps[c]) {
				free(p->bufs[c]);
				p->caps[c] = len + 1;
				p->bufs[c] = xcalloc(p->caps[c], 1);
			}
			memmove(p->bufs[c], s, len);
			p->bufs[c][len] = '\0';
			p->cells[c].s = p->bufs[c];
		}
		out_row(p->o, p->cells);
	}
	return 0;
}

static void printer_end(struct printer *p)
{
	size_t i;

	if (p->o != NULL)
		out_close(p->o);
	for (i = 0; i < p->ncols && p->names != NULL; i++) {
		free(p->names[i]);
		free(p->bufs[i]);
	}
	free(p->names);
	free(p->kinds);
	free(p->cells);
	free(p->bufs);
	free(p->caps);
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

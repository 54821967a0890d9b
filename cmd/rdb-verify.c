/*
 * rdb-verify - check every byte of a database; report every damage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cli.h"
#include "common/out.h"
#include "common/progress.h"

enum { O_QUICK = 256, O_TABLE, O_SALVAGE, O_PROGRESS };

static const struct cli_opt opts[] = {
	{ "quick", O_QUICK, NULL, NULL,
	  "checksums and structure only, no full decode of chunks", 0 },
	{ "table", O_TABLE, "TABLE", NULL,
	  "check only this table's segments (and the database)", 0 },
	{ "salvage", O_SALVAGE, NULL, NULL,
	  "print every row still readable as NDJSON, skipping damaged parts", 0 },
	{ "progress", O_PROGRESS, NULL, NULL,
	  "show a progress bar on standard error when it is a terminal", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-verify", "[options] DIR",
	"Check the database DIR, every byte of it, and report every finding; exit 3 when anything is damaged.",
	CLI_G_OUTPUT | CLI_G_DB | CLI_G_QUIET, CLI_OPER_DB, opts,
};

struct ctx {
	struct out *o;
	int quiet;
	struct progress *bar;
};

static const char *const names[] = { "severity", "kind", "file", "offset",
	"requirement", "message" };

static void on_finding(const struct rdb_finding *f, void *arg)
{
	struct ctx *c = arg;
	char off[32];
	struct out_cell cells[6] = {
		{ rdb_severity_name(f->severity), OUT_TEXT },
		{ f->kind, OUT_TEXT },
		{ f->file, OUT_TEXT },
		{ f->offset >= 0 ? off : NULL, OUT_NUM },
		{ f->requirement, OUT_TEXT },
		{ f->message, OUT_TEXT },
	};

	if (c->quiet)
		return;
	/* a finding's line is not drawn over: the bar starts again below */
	progress_end(c->bar);
	c->bar = NULL;
	snprintf(off, sizeof off, "%lld", (long long)f->offset);
	if (c->o == NULL)
		c->o = out_open(stdout, cli.format, cli.header, 6, names);
	out_row(c->o, cells);
}

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct ctx *c = arg;

	if (c->bar == NULL)
		c->bar = progress_start("rdb-verify", total, "bytes");
	progress_update(c->bar, done);
}

static void on_skip(void *arg, const char *what)
{
	uint64_t *skipped = arg;

	(*skipped)++;
	cli_error("salvage: skipped: %s", what);
}

/* Every readable row of every table (or of table) as NDJSON with a
 * _table member; returns the number of damaged parts skipped. */
static uint64_t salvage(struct rdb_db *db, const char *table)
{
	const struct rdb_table_desc *const *tl;
	struct rdb_scan_options so;
	struct rdb_txn *t;
	uint64_t skipped = 0;
	size_t n, i, r, c;
	int rc;

	if ((rc = rdb_txn_begin(db, 0, 0, &t)) != RDB_OK ||
	    (rc = rdb_table_list(t, &tl, &n)) != RDB_OK)
		cli_die_db(db, rc);
	memset(&so, 0, sizeof so);
	so.on_skip = on_skip;
	so.skip_arg = &skipped;
	for (i = 0; i < n; i++) {
		const struct rdb_batch *b;
		const char **cnames;
		struct out_cell *cells;
		struct rdb_scan *s;
		struct out *o;
		char (*bufs)[128];
		if (table != NULL && strcasecmp(tl[i]->name, table) != 0)
			continue;
		cnames = calloc(tl[i]->ncols + 1, sizeof *cnames);
		cells = calloc(tl[i]->ncols + 1, sizeof *cells);
		bufs = calloc(tl[i]->ncols + 1, sizeof *bufs);
		if (cnames == NULL || cells == NULL || bufs == NULL)
			cli_die(EXIT_ERROR, "out of memory");
		cnames[0] = "_table";
		for (c = 0; c < tl[i]->ncols; c++)
			cnames[c + 1] = tl[i]->cols[c].name;
		if ((rc = rdb_scan_open(t, tl[i]->name, &so, &s)) != RDB_OK)
			cli_die_db(db, rc);
		o = out_open(stdout, OUT_NDJSON, 1, tl[i]->ncols + 1, cnames);
		while ((rc = rdb_scan_next(s, &b)) > 0) {
			for (r = 0; r < b->nrows; r++) {
				cells[0].s = tl[i]->name;
				cells[0].t = OUT_TEXT;
				for (c = 0; c < b->ncols; c++) {
					const struct rdb_vec *v = &b->cols[c];
					const char *p;
					size_t len;
					struct out_cell *cell = &cells[c + 1];
					cell->t = v->type == RDB_BOOLEAN ? OUT_BOOL
					    : v->type <= RDB_DECIMAL ? OUT_NUM : OUT_TEXT;
					if (rdb_value_text(v, r, bufs[c], sizeof bufs[c], &p,
					    &len) != RDB_OK) {
						cell->s = NULL;
						continue;
					}
					if (p == bufs[c]) {
						bufs[c][len] = '\0';
						cell->s = bufs[c];
					} else {
						/* text: a NUL-terminated copy */
						char *copy = strndup(p, len);
						if (copy == NULL)
							cli_die(EXIT_ERROR, "out of memory");
						cell->s = copy;
						cell->t = OUT_TEXT;
					}
				}
				out_row(o, cells);
				for (c = 0; c < b->ncols; c++)
					if (cells[c + 1].s != NULL && cells[c + 1].s != bufs[c])
						free((char *)cells[c + 1].s);
			}
		}
		if (rc < 0)
			cli_die_db(db, rc);
		out_close(o);
		rdb_scan_close(s);
		free(cnames);
		free(cells);
		free(bufs);
	}
	rdb_txn_abort(t);
	return skipped;
}

int main(int argc, char **argv)
{
	struct rdb_open_options oo;
	struct rdb_db *db = NULL;
	struct ctx ctx = { NULL, 0, NULL };
	const char *arg, *table = NULL;
	unsigned flags = 0;
	uint64_t errors = 0;
	int c, rc, salv = 0, bar = 0;

	cli_init(&prog, argc, argv);
	while ((c = cli_getopt(argc, argv, &arg)) != -1) {
		if (c == O_QUICK)
			flags |= RDB_VERIFY_QUICK;
		else if (c == O_TABLE)
			table = arg;
		else if (c == O_SALVAGE)
			salv = 1;
		else if (c == O_PROGRESS)
			bar = 1;
	}
	if (argc - cli_optind() != 1)
		cli_usage_error(argc == cli_optind() ? "missing DIR"
		    : "too many arguments");
	ctx.quiet = cli.quiet;
	cli_open_options(&oo, RDB_OPEN_READONLY);
	rc = rdb_open(argv[cli_optind()], &oo, &db);
	if (rc == RDB_ECORRUPT) {
		/* the superblock, the lock file or the layout: a finding too */
		const char *m = rdb_errmsg(db), *at = strstr(m, " at offset ");
		struct rdb_finding f = { RDB_SEV_ERROR, "superblock", "RDB", -1,
			strstr(m, "checksum") != NULL ? "F-SB-004"
			: strstr(m, "version") != NULL ? "F-SB-005"
			: strstr(m, "offset") != NULL &&
			strstr(m, "at offset 0:") == NULL ? "F-SB-006" : "F-SB-003", m };
		long long o;
		if (at != NULL && sscanf(at, " at offset %lld", &o) == 1)
			f.offset = o;
		if (strstr(m, "lock file") != NULL)
			f.kind = "lock", f.file = "LOCK", f.requirement = "F-LCK-010";
		else if (strstr(m, "directory") != NULL)
			f.kind = "layout", f.file = NULL, f.requirement = "F-DIR-002";
		on_finding(&f, &ctx);
		out_close(ctx.o);
		rdb_close(db);
		cli_exit(EXIT_DAMAGE);
	}
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	if (salv) {
		uint64_t skipped = salvage(db, table);
		rdb_close(db);
		cli_exit(skipped > 0 ? EXIT_DAMAGE : EXIT_OK);
	}
	rc = rdb_verify_progress(db, flags, table, on_finding,
	    bar ? on_progress : NULL, &ctx, &errors);
	progress_end(ctx.bar);
	if (rc != RDB_OK) {
		out_close(ctx.o);
		cli_die_db(db, rc);
	}
	out_close(ctx.o);
	rdb_close(db);
	cli_exit(errors > 0 ? EXIT_DAMAGE : EXIT_OK);
}

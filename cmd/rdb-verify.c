/*
 * rdb-verify - check every byte of a database; report every damage.
 */
#include <stdio.h>
#include <string.h>

#include "common/cli.h"
#include "common/out.h"

enum { O_QUICK = 256, O_TABLE };

static const struct cli_opt opts[] = {
	{ "quick", O_QUICK, NULL, NULL,
	  "checksums and structure only, no full decode of chunks", 0 },
	{ "table", O_TABLE, "TABLE", NULL,
	  "check only this table's segments (and the database)", 0 },
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
	snprintf(off, sizeof off, "%lld", (long long)f->offset);
	if (c->o == NULL)
		c->o = out_open(stdout, cli.format, cli.header, 6, names);
	out_row(c->o, cells);
}

int main(int argc, char **argv)
{
	struct rdb_open_options oo;
	struct rdb_db *db = NULL;
	struct ctx ctx = { NULL, 0 };
	const char *arg, *table = NULL;
	unsigned flags = 0;
	uint64_t errors = 0;
	int c, rc;

	cli_init(&prog, argc, argv);
	while ((c = cli_getopt(argc, argv, &arg)) != -1) {
		if (c == O_QUICK)
			flags |= RDB_VERIFY_QUICK;
		else if (c == O_TABLE)
			table = arg;
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
	rc = rdb_verify(db, flags, table, on_finding, &ctx, &errors);
	if (rc != RDB_OK) {
		out_close(ctx.o);
		cli_die_db(db, rc);
	}
	out_close(ctx.o);
	rdb_close(db);
	cli_exit(errors > 0 ? EXIT_DAMAGE : EXIT_OK);
}

/*
 * rdb-compact - checkpoint, merge segments, drop history past retention,
 * remove files nothing needs.
 */
#include <inttypes.h>
#include <stdio.h>

#include "common/cli.h"
#include "common/out.h"

enum { O_REPORT = 256 };

static const struct cli_opt opts[] = {
	{ "report", O_REPORT, NULL, NULL,
	  "print what was done as one row", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-compact", "[options] DIR",
	"Checkpoint DIR, merge each table's segments, drop history older than its retention, and remove unneeded files.",
	CLI_G_OUTPUT | CLI_G_DB | CLI_G_LOCK, CLI_OPER_DB, opts,
};

int main(int argc, char **argv)
{
	static const char *const names[] = { "horizon", "segments_before",
		"segments_after", "rows_purged", "files_removed", "files_kept",
		"bytes_before", "bytes_after" };
	struct rdb_compact_stats st;
	struct rdb_open_options oo;
	struct rdb_db *db = NULL;
	const char *arg;
	int c, rc, report = 0;

	cli_init(&prog, argc, argv);
	while ((c = cli_getopt(argc, argv, &arg)) != -1)
		if (c == O_REPORT)
			report = 1;
	if (argc - cli_optind() != 1)
		cli_usage_error(argc == cli_optind() ? "missing DIR"
		    : "too many arguments");
	cli_open_options(&oo, 0);
	rc = rdb_open(argv[cli_optind()], &oo, &db);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	rc = rdb_compact(db, &st);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	if (report) {
		char v[8][32];
		struct out_cell cell[8];
		uint64_t x[8] = { st.horizon, st.segments_before, st.segments_after,
			st.rows_purged, st.files_removed, st.files_kept,
			st.bytes_before, st.bytes_after };
		struct out *o = out_open(stdout, cli.format, cli.header, 8, names);
		for (c = 0; c < 8; c++) {
			snprintf(v[c], sizeof v[c], "%" PRIu64, x[c]);
			cell[c].s = v[c];
			cell[c].t = OUT_NUM;
		}
		out_row(o, cell);
		out_close(o);
	}
	rdb_close(db);
	cli_exit(EXIT_OK);
}

/*
 * rdb-init - create a database directory.
 */
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"

enum { O_COMPRESSION = 256, O_LEVEL, O_RETENTION, O_SYNC, O_PAGE_SIZE,
	O_CHECKPOINT, O_ROW_GROUP };

static const struct cli_opt opts[] = {
	{ "compression", O_COMPRESSION, "CODEC", "zstd|lz4|none",
	  "default compression of new segments (default zstd)", 0 },
	{ "compression-level", O_LEVEL, "N", NULL,
	  "zstd level, -7 to 22 (default 3)", 0 },
	{ "retention", O_RETENTION, "DURATION", NULL,
	  "history kept for time travel, e.g. 7d, 12h, 0 (default 7d)", 0 },
	{ "sync", O_SYNC, "MODE", "full|normal|off",
	  "default durability of commits (default full)", 0 },
	{ "page-size", O_PAGE_SIZE, "SIZE", NULL,
	  "page size, a power of two from 4k to 64k (default 4k)", 0 },
	{ "checkpoint-size", O_CHECKPOINT, "SIZE", NULL,
	  "WAL size that triggers a checkpoint; 0 never (default 64M)", 0 },
	{ "row-group-rows", O_ROW_GROUP, "N", NULL,
	  "rows per row group of new segments (default 122880)", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-init", "[options] DIR",
	"Create a new, empty rdb database in the directory DIR.",
	CLI_G_DB, CLI_OPER_DB, opts,
};

int main(int argc, char **argv)
{
	struct rdb_open_options oo;
	struct rdb_settings s;
	struct rdb_db *db = NULL;
	const char *arg;
	long long v;
	uint64_t u;
	int c, level_set = 0, rc;

	cli_init(&prog, argc, argv);
	rdb_settings_init(&s);
	while ((c = cli_getopt(argc, argv, &arg)) != -1) {
		switch (c) {
		case O_COMPRESSION:
			s.codec = strcmp(arg, "zstd") == 0 ? RDB_CODEC_ZSTD
			    : strcmp(arg, "lz4") == 0 ? RDB_CODEC_LZ4 : RDB_CODEC_NONE;
			break;
		case O_LEVEL:
			if (cli_parse_int(arg, -7, 22, &v) != 0)
				cli_usage_error("invalid --compression-level '%s': expected an integer from -7 to 22",
				    arg);
			s.codec_level = (int)v;
			level_set = 1;
			break;
		case O_RETENTION:
			if (cli_parse_duration_ms(arg, &u) != 0)
				cli_usage_error("invalid --retention '%s': expected a duration such as 7d, 12h or 0",
				    arg);
			s.retention = u / 1000;
			break;
		case O_SYNC:
			s.sync = strcmp(arg, "full") == 0 ? RDB_SYNC_FULL
			    : strcmp(arg, "normal") == 0 ? RDB_SYNC_NORMAL : RDB_SYNC_OFF;
			break;
		case O_PAGE_SIZE:
			if (cli_parse_size(arg, &u) != 0 || u < 4096 || u > 65536 ||
			    (u & (u - 1)) != 0)
				cli_usage_error("invalid --page-size '%s': expected a power of two from 4k to 64k",
				    arg);
			s.page_size = (uint32_t)u;
			break;
		case O_CHECKPOINT:
			if (cli_parse_size(arg, &u) != 0)
				cli_usage_error("invalid --checkpoint-size '%s': expected a size such as 64M",
				    arg);
			s.checkpoint_bytes = u;
			break;
		case O_ROW_GROUP:
			if (cli_parse_int(arg, 1024, 1048576, &v) != 0)
				cli_usage_error("invalid --row-group-rows '%s': expected an integer from 1024 to 1048576",
				    arg);
			s.row_group_rows = (uint32_t)v;
			break;
		}
	}
	if (s.codec != RDB_CODEC_ZSTD) {
		if (level_set && s.codec_level != 0)
			cli_usage_error("--compression-level applies to zstd only");
		s.codec_level = 0;
	}
	if (argc - cli_optind() != 1)
		cli_usage_error(argc == cli_optind() ? "missing DIR"
		    : "too many arguments");
	cli_open_options(&oo, 0);
	rc = rdb_create(argv[cli_optind()], &s, &oo, &db);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	rdb_close(db);
	cli_exit(EXIT_OK);
}

/*
 * rdb-stat - describe a database: format, settings, space, lock holders.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/out.h"

enum { O_LOCKS = 256, O_SIZES };

static const struct cli_opt opts[] = {
	{ "locks", O_LOCKS, NULL, NULL,
	  "list the current lock holders, one per row", 0 },
	{ "sizes", O_SIZES, NULL, NULL,
	  "list the space used by each component, one per row", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-stat", "[options] DIR",
	"Show a database's format, settings, size and lock holders.",
	CLI_G_OUTPUT | CLI_G_DB, CLI_OPER_DB, opts,
};

#define MAX_HOLDERS 128

static const char *codec_name(enum rdb_codec c)
{
	return c == RDB_CODEC_ZSTD ? "zstd" : c == RDB_CODEC_LZ4 ? "lz4" : "none";
}

static const char *sync_name(enum rdb_sync s)
{
	return s == RDB_SYNC_FULL ? "full" : s == RDB_SYNC_NORMAL ? "normal"
	    : "off";
}

/* A name/value row; numbers are typed so JSON keeps them numbers. */
static void kv(struct out *o, const char *name, const char *value,
    enum out_type t)
{
	struct out_cell c[2] = { { name, OUT_TEXT }, { value, t } };

	out_row(o, c);
}

static void kv_u64(struct out *o, const char *name, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRIu64, v);
	kv(o, name, buf, OUT_NUM);
}

static uint64_t count_tables(const char *dir)
{
	char path[4096];
	struct dirent *de;
	uint64_t n = 0;
	DIR *d;

	snprintf(path, sizeof path, "%s/tables", dir);
	d = opendir(path);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void holder_text(const struct rdb_lock_holder *h, char *buf, size_t n)
{
	char since[32];

	if (h->pid == 0) {
		snprintf(buf, n, "unknown holder");
		return;
	}
	cli_format_time(h->since_us, since, sizeof since);
	snprintf(buf, n, "%s (pid %u, since %s)", h->program, h->pid, since);
}

static void show_summary(struct rdb_db *db)
{
	static const char *const names[] = { "name", "value" };
	struct rdb_lock_holder holders[MAX_HOLDERS];
	uint64_t bytes[RDB_COMP_COUNT], total = 0;
	struct rdb_info info;
	char buf[256], name[64];
	size_t nh, i, readers = 0;
	struct out *o;
	int rc, c;

	if ((rc = rdb_info(db, &info)) != RDB_OK ||
	    (rc = rdb_disk_usage(db, bytes, NULL)) != RDB_OK ||
	    (rc = rdb_lock_holders(db, holders, MAX_HOLDERS, &nh)) != RDB_OK)
		cli_die_db(db, rc);
	o = out_open(stdout, cli.format, cli.header, 2, names);
	kv(o, "path", rdb_path(db), OUT_TEXT);
	kv_u64(o, "format_read_version", info.read_version);
	kv_u64(o, "format_write_version", info.write_version);
	kv(o, "writable", info.writable ? "true" : "false", OUT_BOOL);
	rdb_uuid_format(info.uuid, buf);
	kv(o, "uuid", buf, OUT_TEXT);
	cli_format_time(info.created_us, buf, sizeof buf);
	kv(o, "created", buf, OUT_TEXT);
	kv_u64(o, "page_size", info.settings.page_size);
	kv(o, "compression", codec_name(info.settings.codec), OUT_TEXT);
	snprintf(buf, sizeof buf, "%d", info.settings.codec_level);
	kv(o, "compression_level", buf, OUT_NUM);
	kv(o, "sync", sync_name(info.settings.sync), OUT_TEXT);
	cli_format_duration(info.settings.retention, buf, sizeof buf);
	kv(o, "retention", buf, OUT_TEXT);
	kv_u64(o, "checkpoint_size", info.settings.checkpoint_bytes);
	kv_u64(o, "row_group_rows", info.settings.row_group_rows);
	for (c = 0; c < RDB_COMP_COUNT; c++)
		total += bytes[c];
	kv_u64(o, "size", total);
	for (c = 0; c < RDB_COMP_COUNT; c++) {
		snprintf(name, sizeof name, "size_%s",
		    rdb_component_name((enum rdb_component)c));
		kv_u64(o, name, bytes[c]);
	}
	kv_u64(o, "tables", count_tables(rdb_path(db)));
	snprintf(buf, sizeof buf, "none");
	for (i = 0; i < nh && i < MAX_HOLDERS; i++) {
		if (holders[i].kind == RDB_LOCK_WRITER)
			holder_text(&holders[i], buf, sizeof buf);
		else if (holders[i].kind == RDB_LOCK_READER)
			readers++;
	}
	kv(o, "writer", buf, OUT_TEXT);
	kv_u64(o, "readers", readers);
	out_close(o);
}

static void show_locks(struct rdb_db *db)
{
	static const char *const names[] = { "lock", "slot", "pid", "program",
		"since", "snapshot" };
	struct rdb_lock_holder h[MAX_HOLDERS];
	char slot[16], pid[16], since[32], snap[32];
	size_t n, i;
	struct out *o;
	int rc;

	rc = rdb_lock_holders(db, h, MAX_HOLDERS, &n);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	o = out_open(stdout, cli.format, cli.header, 6, names);
	for (i = 0; i < n && i < MAX_HOLDERS; i++) {
		int known = h[i].pid != 0;
		int reader = h[i].kind == RDB_LOCK_READER;
		struct out_cell c[6] = {
			{ rdb_lock_kind_name(h[i].kind), OUT_TEXT },
			{ reader ? slot : NULL, OUT_NUM },
			{ known ? pid : NULL, OUT_NUM },
			{ known ? h[i].program : NULL, OUT_TEXT },
			{ known ? since : NULL, OUT_TEXT },
			{ known && reader ? snap : NULL, OUT_NUM },
		};
		snprintf(slot, sizeof slot, "%d", h[i].slot);
		snprintf(pid, sizeof pid, "%u", h[i].pid);
		cli_format_time(h[i].since_us, since, sizeof since);
		snprintf(snap, sizeof snap, "%" PRIu64, h[i].snapshot);
		out_row(o, c);
	}
	out_close(o);
}

static void show_sizes(struct rdb_db *db)
{
	static const char *const names[] = { "component", "files", "bytes",
		"size" };
	uint64_t bytes[RDB_COMP_COUNT], files[RDB_COMP_COUNT];
	char f[32], b[32], s[32];
	struct out *o;
	int rc, c;

	rc = rdb_disk_usage(db, bytes, files);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	o = out_open(stdout, cli.format, cli.header, 4, names);
	for (c = 0; c < RDB_COMP_COUNT; c++) {
		struct out_cell cell[4] = {
			{ rdb_component_name((enum rdb_component)c), OUT_TEXT },
			{ f, OUT_NUM }, { b, OUT_NUM }, { s, OUT_TEXT },
		};
		snprintf(f, sizeof f, "%" PRIu64, files[c]);
		snprintf(b, sizeof b, "%" PRIu64, bytes[c]);
		cli_format_size(bytes[c], s, sizeof s);
		out_row(o, cell);
	}
	out_close(o);
}

int main(int argc, char **argv)
{
	struct rdb_open_options oo;
	struct rdb_db *db = NULL;
	const char *arg;
	int c, rc, locks = 0, sizes = 0;

	cli_init(&prog, argc, argv);
	while ((c = cli_getopt(argc, argv, &arg)) != -1) {
		switch (c) {
		case O_LOCKS:
			locks = 1;
			break;
		case O_SIZES:
			sizes = 1;
			break;
		}
	}
	if (locks && sizes)
		cli_usage_error("--locks and --sizes cannot be combined");
	if (argc - cli_optind() != 1)
		cli_usage_error(argc == cli_optind() ? "missing DIR"
		    : "too many arguments");
	cli_open_options(&oo, RDB_OPEN_READONLY);
	rc = rdb_open(argv[cli_optind()], &oo, &db);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	if (locks)
		show_locks(db);
	else if (sizes)
		show_sizes(db);
	else
		show_summary(db);
	rdb_close(db);
	cli_exit(EXIT_OK);
}

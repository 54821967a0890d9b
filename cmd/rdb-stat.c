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

enum { O_LOCKS = 256, O_SIZES, O_TABLES, O_COLUMNS, O_VIEWS };

static const struct cli_opt opts[] = {
	{ "locks", O_LOCKS, NULL, NULL,
	  "list the current lock holders, one per row", 0 },
	{ "sizes", O_SIZES, NULL, NULL,
	  "list the space used by each component, one per row", 0 },
	{ "tables", O_TABLES, NULL, NULL,
	  "list the tables: rows, segments, bytes on disk", 0 },
	{ "columns", O_COLUMNS, NULL, NULL,
	  "list every column: type, bytes, compression, encodings", 0 },
	{ "views", O_VIEWS, NULL, NULL,
	  "list the views: columns and query", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-stat", "[options] DIR",
	"Show a database's format, settings, size, tables and lock holders.",
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

static struct rdb_txn *begin_read(struct rdb_db *db)
{
	struct rdb_txn *t;
	int rc = rdb_txn_begin(db, 0, 0, &t);

	if (rc != RDB_OK)
		cli_die_db(db, rc);
	return t;
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
	const struct rdb_table_desc *const *tl;
	const struct rdb_view_desc *const *vl;
	struct rdb_info info;
	struct rdb_txn *t;
	char buf[256], name[64];
	size_t nh, i, readers = 0, nt, nv;
	uint64_t id;
	int64_t when;
	struct out *o;
	int rc, c;

	/* everything read before anything is printed: damage found on
	 * the way leaves no half a table on stdout */
	if ((rc = rdb_info(db, &info)) != RDB_OK ||
	    (rc = rdb_disk_usage(db, bytes, NULL)) != RDB_OK ||
	    (rc = rdb_lock_holders(db, holders, MAX_HOLDERS, &nh)) != RDB_OK)
		cli_die_db(db, rc);
	t = begin_read(db);
	if ((rc = rdb_table_list(t, &tl, &nt)) != RDB_OK ||
	    (rc = rdb_view_list(t, &vl, &nv)) != RDB_OK)
		cli_die_db(db, rc);
	rdb_txn_abort(t);
	if ((rc = rdb_last_commit(db, &id, &when)) != RDB_OK)
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
	kv_u64(o, "tables", nt);
	kv_u64(o, "views", nv);
	kv_u64(o, "commits", id);
	if (id > 0)
		cli_format_time(when, buf, sizeof buf);
	kv(o, "last_commit", id > 0 ? buf : NULL, OUT_TEXT);
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

static void show_tables(struct rdb_db *db)
{
	static const char *const names[] = { "table", "columns", "rows",
		"deleted", "wal_rows", "segments", "row_groups", "bytes" };
	const struct rdb_table_desc *const *tl;
	struct rdb_table_stats *st;
	struct rdb_txn *t = begin_read(db);
	char v[7][32];
	struct out *o;
	size_t n, i;
	int rc;

	if ((rc = rdb_table_list(t, &tl, &n)) != RDB_OK)
		cli_die_db(db, rc);
	/* every table's stats before the first row: damage in one leaves
	 * nothing printed */
	if ((st = calloc(n + 1, sizeof *st)) == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	for (i = 0; i < n; i++)
		if ((rc = rdb_table_stats(t, tl[i]->name, &st[i], NULL)) != RDB_OK)
			cli_die_db(db, rc);
	o = out_open(stdout, cli.format, cli.header, 8, names);
	for (i = 0; i < n; i++) {
		struct out_cell c[8] = {
			{ tl[i]->name, OUT_TEXT }, { v[0], OUT_NUM }, { v[1], OUT_NUM },
			{ v[2], OUT_NUM }, { v[3], OUT_NUM }, { v[4], OUT_NUM },
			{ v[5], OUT_NUM }, { v[6], OUT_NUM },
		};
		snprintf(v[0], sizeof v[0], "%zu", tl[i]->ncols);
		snprintf(v[1], sizeof v[1], "%" PRIu64, st[i].rows);
		snprintf(v[2], sizeof v[2], "%" PRIu64, st[i].deleted);
		snprintf(v[3], sizeof v[3], "%" PRIu64, st[i].wal_rows);
		snprintf(v[4], sizeof v[4], "%" PRIu64, st[i].segments);
		snprintf(v[5], sizeof v[5], "%" PRIu64, st[i].row_groups);
		snprintf(v[6], sizeof v[6], "%" PRIu64, st[i].bytes);
		out_row(o, c);
	}
	out_close(o);
	free(st);
	rdb_txn_abort(t);
}

static void show_views(struct rdb_db *db)
{
	static const char *const names[] = { "view", "columns", "query" };
	const struct rdb_view_desc *const *vl;
	struct rdb_txn *t = begin_read(db);
	struct out *o;
	size_t n, i, j;
	int rc;

	if ((rc = rdb_view_list(t, &vl, &n)) != RDB_OK)
		cli_die_db(db, rc);
	o = out_open(stdout, cli.format, cli.header, 3, names);
	for (i = 0; i < n; i++) {
		struct out_cell c[3] = {
			{ vl[i]->name, OUT_TEXT }, { NULL, OUT_TEXT },
			{ vl[i]->sql, OUT_TEXT },
		};
		size_t len = 1;
		char *cols;
		for (j = 0; j < vl[i]->ncols; j++)
			len += strlen(vl[i]->cols[j]) + 1;
		if ((cols = malloc(len)) == NULL)
			cli_die(EXIT_ERROR, "out of memory");
		cols[0] = '\0';
		for (j = 0; j < vl[i]->ncols; j++) {
			if (j > 0)
				strcat(cols, " ");
			strcat(cols, vl[i]->cols[j]);
		}
		c[1].s = cols;
		out_row(o, c);
		free(cols);
	}
	out_close(o);
	rdb_txn_abort(t);
}

static void list_bits(char *buf, size_t n, unsigned mask,
    const char *(*name)(unsigned))
{
	size_t len = 0;
	unsigned b;

	buf[0] = '\0';
	for (b = 0; b < 32; b++)
		if (mask & (1u << b))
			len += (size_t)snprintf(buf + len, len < n ? n - len : 0,
			    "%s%s", len > 0 ? " " : "", name(b));
}

static const char *codec_bit(unsigned c)
{
	return codec_name((enum rdb_codec)c);
}

static void show_columns(struct rdb_db *db)
{
	static const char *const names[] = { "table", "column", "type",
		"nulls", "stored_bytes", "raw_bytes", "ratio", "codecs",
		"encodings" };
	const struct rdb_table_desc *const *tl;
	struct rdb_column_stats **cs;
	struct rdb_table_stats st;
	struct rdb_txn *t = begin_read(db);
	char type[32], v[4][32], codecs[64], encs[64];
	struct out *o;
	size_t n, i, j;
	int rc;

	if ((rc = rdb_table_list(t, &tl, &n)) != RDB_OK)
		cli_die_db(db, rc);
	/* every table's stats before the first row, as show_tables */
	if ((cs = calloc(n + 1, sizeof *cs)) == NULL)
		cli_die(EXIT_ERROR, "out of memory");
	for (i = 0; i < n; i++) {
		cs[i] = calloc(tl[i]->ncols + 1, sizeof *cs[i]);
		if (cs[i] == NULL)
			cli_die(EXIT_ERROR, "out of memory");
		if ((rc = rdb_table_stats(t, tl[i]->name, &st, cs[i])) != RDB_OK)
			cli_die_db(db, rc);
	}
	o = out_open(stdout, cli.format, cli.header, 9, names);
	for (i = 0; i < n; i++) {
		for (j = 0; j < tl[i]->ncols; j++) {
			const struct rdb_column_desc *cd = &tl[i]->cols[j];
			const struct rdb_column_stats *c1 = &cs[i][j];
			struct out_cell c[9] = {
				{ tl[i]->name, OUT_TEXT }, { cd->name, OUT_TEXT },
				{ type, OUT_TEXT }, { v[0], OUT_NUM }, { v[1], OUT_NUM },
				{ v[2], OUT_NUM }, { c1->stored > 0 ? v[3] : NULL, OUT_NUM },
				{ codecs, OUT_TEXT }, { encs, OUT_TEXT },
			};
			if (cd->type == RDB_DECIMAL)
				snprintf(type, sizeof type, "DECIMAL(%u,%u)",
				    cd->precision, cd->scale);
			else
				snprintf(type, sizeof type, "%s", rdb_type_name(cd->type));
			if (cd->not_null)
				snprintf(type + strlen(type), sizeof type - strlen(type),
				    " NOT NULL");
			snprintf(v[0], sizeof v[0], "%" PRIu64, c1->nulls);
			snprintf(v[1], sizeof v[1], "%" PRIu64, c1->stored);
			snprintf(v[2], sizeof v[2], "%" PRIu64, c1->raw);
			snprintf(v[3], sizeof v[3], "%.2f", c1->stored > 0
			    ? (double)c1->raw / (double)c1->stored : 0.0);
			list_bits(codecs, sizeof codecs, c1->codecs, codec_bit);
			list_bits(encs, sizeof encs, c1->encodings,
			    rdb_encoding_name);
			out_row(o, c);
		}
		free(cs[i]);
	}
	free(cs);
	out_close(o);
	rdb_txn_abort(t);
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
	int c, rc, locks = 0, sizes = 0, tables = 0, columns = 0, views = 0;

	cli_init(&prog, argc, argv);
	while ((c = cli_getopt(argc, argv, &arg)) != -1) {
		switch (c) {
		case O_LOCKS:
			locks = 1;
			break;
		case O_SIZES:
			sizes = 1;
			break;
		case O_TABLES:
			tables = 1;
			break;
		case O_COLUMNS:
			columns = 1;
			break;
		case O_VIEWS:
			views = 1;
			break;
		}
	}
	if (locks + sizes + tables + columns + views > 1)
		cli_usage_error("choose one of --locks, --sizes, --tables, --columns, "
		    "--views");
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
	else if (tables)
		show_tables(db);
	else if (columns)
		show_columns(db);
	else if (views)
		show_views(db);
	else
		show_summary(db);
	rdb_close(db);
	cli_exit(EXIT_OK);
}

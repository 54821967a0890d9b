/*
 * rdb-test-helper - internals for the test suites; never installed.
 *
 *   corrupt FILE OFFSET [VALUE]   flip every bit of the byte at OFFSET,
 *                                 or set it to VALUE (0-255)
 *   truncate FILE LENGTH          cut FILE to LENGTH bytes
 *   set-versions DIR READ WRITE   rewrite the superblock's format
 *                                 versions with a valid checksum
 *   hold DIR KIND [READY]         take the writer, checkpoint or reader
 *                                 lock (reader: --snapshot), create the
 *                                 file READY, and hold until killed
 *   lock DIR KIND                 take the lock once and release it
 *   wait-readers DIR BELOW        wait until no reader pins a snapshot
 *                                 below BELOW
 *   progress TOTAL                draw a progress bar over TOTAL steps
 *
 * Storage workloads (one transaction per command unless said):
 *   create DIR TABLE COLS         COLS: name:TYPE[:notnull][=DEFAULT],...
 *                                 with TYPE BOOLEAN INTEGER BIGINT DOUBLE
 *                                 TEXT DATE TIMESTAMP JSON BLOB
 *                                 DECIMAL(p;s); DEFAULT is kept as text
 *   insert DIR TABLE              rows from stdin, tab-separated, \N is
 *                                 NULL; --every N commits every N rows
 *   delete DIR TABLE ROWID...     delete rows by id
 *   alter DIR OP ARGS...          drop T | rename T NEW | addcol T COL |
 *                                 dropcol T C | renamecol T C NEW |
 *                                 codec T none|lz4|zstd|default LEVEL
 *   dump DIR TABLE                rows as "rowid<TAB>values"; --commit N
 *                                 reads at commit N
 *   tables DIR                    the tables and their columns (as in
 *                                 COLS)
 *   log DIR                       the commit log
 *   checkpoint DIR                checkpoint now
 *   txn-mix DIR TABLE             in one transaction: insert 3 rows into
 *                                 TABLE (a INTEGER, b TEXT), add a DOUBLE
 *                                 column c, delete the second row, insert
 *                                 (4, 'w', 2.5)
 *   workload DIR [STEPS]          the standard crash workload (or its
 *                                 first STEPS steps), printing "ack N"
 *                                 as each step is acknowledged
 *   state DIR                     every table and every row, latest
 *   rows DIR TABLE                rows as "name=value" pairs, tab-separated
 *   jsonrows FILE                 the objects of a JSON array, the same way
 *
 * --fault KIND:N injects a fault at the Nth write or sync (KIND crash,
 * torn, powerloss, eio, enospc, short); --io-count prints "io N" (the
 * writes and syncs made) on stderr at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/progress.h"
#include "db/db_int.h"
#include "txn/batch.h"
#include "load/jrec.h"

enum { O_PROGRAM = 256, O_SNAPSHOT, O_EVERY, O_COMMIT, O_MESSAGE, O_FAULT,
	O_IO_COUNT };

static const struct cli_opt opts[] = {
	{ "program", O_PROGRAM, "NAME", NULL,
	  "program name to record in lock holder records", 0 },
	{ "snapshot", O_SNAPSHOT, "N", NULL, "snapshot a reader pins", 0 },
	{ "every", O_EVERY, "N", NULL, "insert: commit every N rows", 0 },
	{ "commit", O_COMMIT, "N", NULL, "dump: read at commit N", 0 },
	{ "message", O_MESSAGE, "TEXT", NULL, "commit message", 0 },
	{ "fault", O_FAULT, "KIND:N", NULL, "inject a fault at I/O point N", 0 },
	{ "io-count", O_IO_COUNT, NULL, NULL, "print the I/O points at exit", 0 },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct cli_prog prog = {
	"rdb-test-helper", "[options] COMMAND ARGS ...",
	"Reach into librdb internals for tests.",
	CLI_G_DB | CLI_G_LOCK | CLI_G_QUIET, CLI_OPER_FILE, opts,
};

static long long num(const char *s, long long min, long long max)
{
	long long v;

	if (cli_parse_int(s, min, max, &v) != 0)
		cli_usage_error("invalid number '%s'", s);
	return v;
}

static int cmd_corrupt(int argc, char **argv)
{
	unsigned char b;
	off_t off;
	int fd;

	if (argc < 2 || argc > 3)
		cli_usage_error("corrupt FILE OFFSET [VALUE]");
	off = (off_t)num(argv[1], 0, (long long)1 << 40);
	fd = open(argv[0], O_RDWR);
	if (fd < 0)
		cli_die(EXIT_ERROR, "cannot open '%s': %s", argv[0], strerror(errno));
	if (pread(fd, &b, 1, off) != 1)
		cli_die(EXIT_ERROR, "cannot read '%s' at %lld", argv[0],
		    (long long)off);
	b = argc == 3 ? (unsigned char)num(argv[2], 0, 255) : (unsigned char)~b;
	if (pwrite(fd, &b, 1, off) != 1)
		cli_die(EXIT_ERROR, "cannot write '%s': %s", argv[0], strerror(errno));
	close(fd);
	return EXIT_OK;
}

static int cmd_truncate(int argc, char **argv)
{
	if (argc != 2)
		cli_usage_error("truncate FILE LENGTH");
	if (truncate(argv[0], (off_t)num(argv[1], 0, (long long)1 << 40)) != 0)
		cli_die(EXIT_ERROR, "cannot truncate '%s': %s", argv[0],
		    strerror(errno));
	return EXIT_OK;
}

static int cmd_set_versions(int argc, char **argv)
{
	uint8_t buf[RDB_SB_SIZE];
	char path[4096];
	int fd;

	if (argc != 3)
		cli_usage_error("set-versions DIR READ WRITE");
	snprintf(path, sizeof path, "%s/RDB", argv[0]);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf)
		cli_die(EXIT_ERROR, "cannot read '%s'", path);
	rdb_store32(buf + 12, (uint32_t)num(argv[1], 0, 0xffffffffLL));
	rdb_store32(buf + 16, (uint32_t)num(argv[2], 0, 0xffffffffLL));
	rdb_store64(buf + RDB_SB_SIZE - 8, rdb_hash64(buf, RDB_SB_SIZE - 8));
	if (pwrite(fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf)
		cli_die(EXIT_ERROR, "cannot write '%s'", path);
	close(fd);
	return EXIT_OK;
}

static struct rdb_db *open_db(const char *dir, const char *program)
{
	struct rdb_open_options oo;
	struct rdb_db *db = NULL;
	int rc;

	cli_open_options(&oo, 0);
	if (program != NULL)
		oo.program = program;
	rc = rdb_open(dir, &oo, &db);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	return db;
}

static int take(struct rdb_db *db, const char *kind, uint64_t snapshot)
{
	if (strcmp(kind, "writer") == 0)
		return rdb_lock_writer(&db->lock, db->lock_timeout_ms, &db->err);
	if (strcmp(kind, "checkpoint") == 0)
		return rdb_lock_checkpoint(&db->lock, db->lock_timeout_ms,
		    &db->err);
	if (strcmp(kind, "reader") == 0)
		return rdb_lock_pin(&db->lock, snapshot, &db->err);
	cli_usage_error("unknown lock kind '%s'", kind);
}

static int cmd_hold(int argc, char **argv, const char *program,
    uint64_t snapshot, int once)
{
	struct rdb_db *db;
	int rc, fd;

	if (argc < 2 || argc > 3 || (once && argc != 2))
		cli_usage_error(once ? "lock DIR KIND" : "hold DIR KIND [READY]");
	db = open_db(argv[0], program);
	rc = take(db, argv[1], snapshot);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	if (once) {
		rdb_close(db);
		return EXIT_OK;
	}
	if (argc == 3) {
		fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			cli_die(EXIT_ERROR, "cannot create '%s': %s", argv[2],
			    strerror(errno));
		close(fd);
	}
	for (;;)
		pause();
}

static int cmd_wait_readers(int argc, char **argv)
{
	struct rdb_db *db;
	int rc;

	if (argc != 2)
		cli_usage_error("wait-readers DIR BELOW");
	db = open_db(argv[0], NULL);
	rc = rdb_lock_wait_readers(&db->lock,
	    (uint64_t)num(argv[1], 0, 0x7fffffffffffffffLL), db->lock_timeout_ms,
	    &db->err);
	if (rc != RDB_OK)
		cli_die_db(db, rc);
	rdb_close(db);
	return EXIT_OK;
}

static int cmd_progress(int argc, char **argv)
{
	struct progress *p;
	long long total, i;

	if (argc != 1)
		cli_usage_error("progress TOTAL");
	total = num(argv[0], 1, 1000000);
	p = progress_start("test", (uint64_t)total, "rows");
	for (i = 1; i <= total; i++) {
		progress_update(p, (uint64_t)i);
		usleep(1000);
	}
	progress_end(p);
	printf("done %lld\n", total);
	return EXIT_OK;
}

static uint64_t opt_every, opt_commit;
static const char *opt_message;

static void die_db(struct rdb_db *db, int rc)
{
	cli_die_db(db, rc);
}

static struct rdb_txn *begin(struct rdb_db *db, int write, uint64_t at)
{
	struct rdb_txn *t;
	int rc = rdb_txn_begin(db, write ? RDB_TXN_WRITE : 0, at, &t);

	if (rc != RDB_OK)
		die_db(db, rc);
	return t;
}

static void commit(struct rdb_db *db, struct rdb_txn *t)
{
	struct rdb_commit_opts o = { NULL, NULL, opt_message };
	uint64_t id;
	int rc = rdb_txn_commit(t, &o, &id);

	if (rc != RDB_OK)
		die_db(db, rc);
	if (id != 0)
		printf("commit %llu\n", (unsigned long long)id);
}

static int parse_type(const char *s, struct rdb_column_def *d)
{
	static const char *const names[] = { "", "BOOLEAN", "INTEGER", "BIGINT",
		"DOUBLE", "DECIMAL", "TEXT", "DATE", "TIMESTAMP", "JSON", "BLOB" };
	unsigned p, sc;
	int i;

	if (sscanf(s, "DECIMAL(%u;%u)", &p, &sc) == 2) {
		d->type = RDB_DECIMAL;
		d->precision = (uint8_t)p;
		d->scale = (uint8_t)sc;
		return 0;
	}
	for (i = 1; i <= 10; i++)
		if (strcmp(s, names[i]) == 0) {
			d->type = (enum rdb_type)i;
			return 0;
		}
	return -1;
}

/* name:TYPE[:notnull][=DEFAULT] */
static void parse_col(char *spec, struct rdb_column_def *d)
{
	char *type = strchr(spec, ':'), *nn, *dflt = strchr(spec, '=');

	memset(d, 0, sizeof *d);
	if (dflt != NULL) {
		*dflt++ = '\0';
		d->default_sql = dflt;
	}
	if (type == NULL)
		cli_usage_error("column '%s' needs a type", spec);
	*type++ = '\0';
	nn = strchr(type, ':');
	if (nn != NULL) {
		*nn++ = '\0';
		d->not_null = strcmp(nn, "notnull") == 0;
	}
	d->name = spec;
	if (parse_type(type, d) != 0)
		cli_usage_error("unknown type '%s'", type);
}

static int cmd_create(int argc, char **argv, const char *program)
{
	struct rdb_column_def cols[64];
	struct rdb_db *db;
	struct rdb_txn *t;
	char *spec, *tok, *save = NULL;
	size_t n = 0;
	int rc;

	if (argc != 3)
		cli_usage_error("create DIR TABLE COLS");
	spec = argv[2];
	for (tok = strtok_r(spec, ",", &save); tok != NULL && n < 64;
	    tok = strtok_r(NULL, ",", &save))
		parse_col(tok, &cols[n++]);
	db = open_db(argv[0], program);
	t = begin(db, 1, 0);
	rc = rdb_table_create(t, argv[1], cols, n);
	if (rc != RDB_OK) {
		cli_error("%s", rdb_errmsg(db));
		rdb_txn_abort(t);
		rdb_close(db);
		return cli_exit_code(rc);
	}
	commit(db, t);
	rdb_close(db);
	return EXIT_OK;
}

static int put_field(struct rdb_batch *b, size_t c, const char *f,
    enum rdb_type type)
{
	char *end;

	if (strcmp(f, "\\N") == 0)
		return rdb_batch_put_null(b, c);
	switch (type) {
	case RDB_DOUBLE:
		return rdb_batch_put_double(b, c, strtod(f, &end));
	case RDB_DECIMAL: {
		long long v = strtoll(f, &end, 10);
		return rdb_batch_put_decimal(b, c, (uint64_t)v,
		    v < 0 ? UINT64_MAX : 0);
	}
	case RDB_TEXT:
	case RDB_JSON:
	case RDB_BLOB:
		return rdb_batch_put_bytes(b, c, f, strlen(f));
	case RDB_BOOLEAN:
		return rdb_batch_put_int(b, c, strcmp(f, "true") == 0 ||
		    strcmp(f, "1") == 0);
	default:
		return rdb_batch_put_int(b, c, strtoll(f, &end, 10));
	}
}

static int cmd_insert(int argc, char **argv, const char *program)
{
	const struct rdb_table_desc *td;
	enum rdb_type types[64];
	struct rdb_batch *b;
	struct rdb_db *db;
	struct rdb_txn *t;
	char *line = NULL;
	size_t cap = 0, i, rows = 0;
	ssize_t len;
	int rc;

	if (argc != 2)
		cli_usage_error("insert DIR TABLE");
	db = open_db(argv[0], program);
	t = begin(db, 1, 0);
	if ((rc = rdb_table_find(t, argv[1], &td)) != RDB_OK)
		die_db(db, rc);
	for (i = 0; i < td->ncols && i < 64; i++)
		types[i] = td->cols[i].type;
	b = rdb_batch_new(td->ncols, types);
	while ((len = getline(&line, &cap, stdin)) > 0) {
		char *f = line, *tab;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		for (i = 0; i < td->ncols; i++) {
			tab = strchr(f, '\t');
			if (tab != NULL)
				*tab = '\0';
			if ((rc = put_field(b, i, f, types[i])) != RDB_OK)
				cli_die(EXIT_ERROR, "bad value '%s' in column %zu", f, i + 1);
			f = tab != NULL ? tab + 1 : f + strlen(f);
		}
		if (rdb_batch_end_row(b) != RDB_OK)
			cli_die(EXIT_ERROR, "bad row");
		rows++;
		if (b->nrows == 4096 || (opt_every > 0 && rows % opt_every == 0)) {
			if ((rc = rdb_insert(t, argv[1], b, NULL)) != RDB_OK)
				die_db(db, rc);
			rdb_batch_clear(b);
		}
		if (opt_every > 0 && rows % opt_every == 0) {
			commit(db, t);
			fflush(stdout);
			t = begin(db, 1, 0);
		}
	}
	if (b->nrows > 0 && (rc = rdb_insert(t, argv[1], b, NULL)) != RDB_OK)
		die_db(db, rc);
	commit(db, t);
	free(line);
	rdb_batch_free(b);
	rdb_close(db);
	return EXIT_OK;
}

static int cmd_delete(int argc, char **argv, const char *program)
{
	uint64_t ids[256];
	struct rdb_db *db;
	struct rdb_txn *t;
	int i, rc;

	if (argc < 3 || argc > 258)
		cli_usage_error("delete DIR TABLE ROWID...");
	for (i = 2; i < argc; i++)
		ids[i - 2] = (uint64_t)num(argv[i], 0, INT64_MAX);
	db = open_db(argv[0], program);
	t = begin(db, 1, 0);
	if ((rc = rdb_delete(t, argv[1], ids, (size_t)argc - 2)) != RDB_OK)
		die_db(db, rc);
	commit(db, t);
	rdb_close(db);
	return EXIT_OK;
}

static int cmd_alter(int argc, char **argv, const char *program)
{
	struct rdb_column_def d;
	struct rdb_db *db;
	struct rdb_txn *t;
	int rc;

	if (argc < 3)
		cli_usage_error("alter DIR OP ARGS...");
	db = open_db(argv[0], program);
	t = begin(db, 1, 0);
	if (strcmp(argv[1], "drop") == 0 && argc == 3)
		rc = rdb_table_drop(t, argv[2]);
	else if (strcmp(argv[1], "rename") == 0 && argc == 4)
		rc = rdb_table_rename(t, argv[2], argv[3]);
	else if (strcmp(argv[1], "addcol") == 0 && argc == 4) {
		parse_col(argv[3], &d);
		rc = rdb_column_add(t, argv[2], &d);
	} else if (strcmp(argv[1], "dropcol") == 0 && argc == 4)
		rc = rdb_column_drop(t, argv[2], argv[3]);
	else if (strcmp(argv[1], "renamecol") == 0 && argc == 5)
		rc = rdb_column_rename(t, argv[2], argv[3], argv[4]);
	else if (strcmp(argv[1], "codec") == 0 && argc == 5)
		rc = rdb_table_set_codec(t, argv[2],
		    strcmp(argv[3], "none") == 0 ? RDB_CODEC_NONE
		    : strcmp(argv[3], "lz4") == 0 ? RDB_CODEC_LZ4
		    : strcmp(argv[3], "zstd") == 0 ? RDB_CODEC_ZSTD : -1,
		    (int)num(argv[4], -100, 100));
	else
		cli_usage_error("alter: bad operation");
	if (rc != RDB_OK)
		die_db(db, rc);
	commit(db, t);
	rdb_close(db);
	return EXIT_OK;
}

static void print_value(const struct rdb_vec *v, size_t r)
{
	char buf[128];
	const char *p;
	size_t len;

	if (rdb_value_text(v, r, buf, sizeof buf, &p, &len) != RDB_OK) {
		fputs("\\N", stdout);
		return;
	}
	fwrite(p, 1, len, stdout);
}

static int cmd_dump(int argc, char **argv, const char *program)
{
	const struct rdb_batch *b;
	struct rdb_scan *sc;
	struct rdb_db *db;
	struct rdb_txn *t;
	size_t r, c;
	int rc;

	if (argc != 2)
		cli_usage_error("dump DIR TABLE");
	db = open_db(argv[0], program);
	t = begin(db, 0, opt_commit);
	if ((rc = rdb_scan_open(t, argv[1], NULL, &sc)) != RDB_OK)
		die_db(db, rc);
	while ((rc = rdb_scan_next(sc, &b)) > 0) {
		for (r = 0; r < b->nrows; r++) {
			printf("%llu", (unsigned long long)b->rowids[r]);
			for (c = 0; c < b->ncols; c++) {
				putchar('\t');
				print_value(&b->cols[c], r);
			}
			putchar('\n');
		}
		cli_check_stdout();
	}
	if (rc < 0)
		die_db(db, rc);
	rdb_scan_close(sc);
	rdb_txn_abort(t);
	rdb_close(db);
	return EXIT_OK;
}

static int cmd_tables(int argc, char **argv, const char *program)
{
	const struct rdb_table_desc *const *tl;
	struct rdb_db *db;
	struct rdb_txn *t;
	size_t n, i, j;
	int rc;

	if (argc != 1)
		cli_usage_error("tables DIR");
	db = open_db(argv[0], program);
	t = begin(db, 0, opt_commit);
	if ((rc = rdb_table_list(t, &tl, &n)) != RDB_OK)
		die_db(db, rc);
	for (i = 0; i < n; i++) {
		printf("%u %s", tl[i]->id, tl[i]->name);
		for (j = 0; j < tl[i]->ncols; j++)
			printf(" %s:%s%s%s%s", tl[i]->cols[j].name,
			    rdb_type_name(tl[i]->cols[j].type),
			    tl[i]->cols[j].not_null ? ":notnull" : "",
			    tl[i]->cols[j].default_sql != NULL ? "=" : "",
			    tl[i]->cols[j].default_sql != NULL
			    ? tl[i]->cols[j].default_sql : "");
		putchar('\n');
	}
	rdb_txn_abort(t);
	rdb_close(db);
	return EXIT_OK;
}

static int print_commit(const struct rdb_commit_rec *c, void *arg)
{
	size_t i;

	(void)arg;
	printf("%llu %s %s '%s'", (unsigned long long)c->id, c->program,
	    c->user[0] != '\0' ? "user" : "nouser", c->message);
	for (i = 0; i < c->ntables; i++)
		printf(" t%u+%llu-%llu", c->tables[i].table_id,
		    (unsigned long long)c->tables[i].inserted,
		    (unsigned long long)c->tables[i].deleted);
	putchar('\n');
	return 0;
}

static int cmd_log(int argc, char **argv, const char *program)
{
	struct rdb_db *db;
	int rc;

	if (argc != 1)
		cli_usage_error("log DIR");
	db = open_db(argv[0], program);
	if ((rc = rdb_log(db, 1, 0, print_commit, NULL)) != RDB_OK)
		die_db(db, rc);
	rdb_close(db);
	return EXIT_OK;
}

static int cmd_checkpoint(int argc, char **argv, const char *program)
{
	struct rdb_db *db;
	int rc;

	if (argc != 1)
		cli_usage_error("checkpoint DIR");
	db = open_db(argv[0], program);
	if ((rc = rdb_checkpoint(db)) != RDB_OK)
		die_db(db, rc);
	rdb_close(db);
	return EXIT_OK;
}

static void dump_table(struct rdb_txn *t, struct rdb_db *db, const char *name)
{
	const struct rdb_batch *b;
	struct rdb_scan *sc;
	size_t r, c;
	int rc;

	if ((rc = rdb_scan_open(t, name, NULL, &sc)) != RDB_OK)
		die_db(db, rc);
	while ((rc = rdb_scan_next(sc, &b)) > 0) {
		for (r = 0; r < b->nrows; r++) {
			printf("%llu", (unsigned long long)b->rowids[r]);
			for (c = 0; c < b->ncols; c++) {
				putchar('\t');
				print_value(&b->cols[c], r);
			}
			putchar('\n');
		}
	}
	if (rc < 0)
		die_db(db, rc);
	rdb_scan_close(sc);
}

static int cmd_state(int argc, char **argv, const char *program)
{
	const struct rdb_table_desc *const *tl;
	struct rdb_db *db;
	struct rdb_txn *t;
	size_t n, i, j;
	int rc;

	if (argc != 1)
		cli_usage_error("state DIR");
	db = open_db(argv[0], program);
	t = begin(db, 0, 0);
	if ((rc = rdb_table_list(t, &tl, &n)) != RDB_OK)
		die_db(db, rc);
	printf("commit %llu\n", (unsigned long long)rdb_txn_snapshot(t));
	for (i = 0; i < n; i++) {
		printf("table %s", tl[i]->name);
		for (j = 0; j < tl[i]->ncols; j++)
			printf(" %s:%s", tl[i]->cols[j].name,
			    rdb_type_name(tl[i]->cols[j].type));
		putchar('\n');
		dump_table(t, db, tl[i]->name);
	}
	rdb_txn_abort(t);
	rdb_close(db);
	return EXIT_OK;
}

/* Insert rows k = from..from+n-1 into t1 (k, s, d[, x]) or t2 (k). */
static void wl_rows(struct rdb_txn *t, struct rdb_db *db, const char *table,
    int64_t from, size_t n)
{
	const struct rdb_table_desc *td;
	enum rdb_type types[8];
	struct rdb_batch *b;
	char s[32];
	size_t i, c;
	int rc;

	if ((rc = rdb_table_find(t, table, &td)) != RDB_OK)
		die_db(db, rc);
	for (c = 0; c < td->ncols; c++)
		types[c] = td->cols[c].type;
	b = rdb_batch_new(td->ncols, types);
	for (i = 0; i < n; i++) {
		int64_t k = from + (int64_t)i;
		for (c = 0; c < td->ncols; c++) {
			switch (types[c]) {
			case RDB_BIGINT:
				rdb_batch_put_int(b, c, k);
				break;
			case RDB_INTEGER:
				if (k % 3 == 0)
					rdb_batch_put_null(b, c);
				else
					rdb_batch_put_int(b, c, k % 1000);
				break;
			case RDB_DOUBLE:
				rdb_batch_put_double(b, c, (double)k / 4);
				break;
			default:
				snprintf(s, sizeof s, "row-%lld", (long long)k);
				rdb_batch_put_bytes(b, c, s, strlen(s));
			}
		}
		rdb_batch_end_row(b);
	}
	if ((rc = rdb_insert(t, table, b, NULL)) != RDB_OK)
		die_db(db, rc);
	rdb_batch_free(b);
}

static int cmd_workload(int argc, char **argv, const char *program)
{
	static const struct rdb_column_def t1[] = {
		{ "k", RDB_BIGINT, 0, 0, 1, NULL }, { "s", RDB_TEXT, 0, 0, 0, NULL },
		{ "d", RDB_DOUBLE, 0, 0, 0, NULL },
	};
	static const struct rdb_column_def t2[] = { { "k", RDB_BIGINT, 0, 0, 0, NULL } };
	static const struct rdb_column_def x = { "x", RDB_INTEGER, 0, 0, 0, NULL };
	struct rdb_compact_stats cs;
	uint64_t ids[32];
	struct rdb_db *db;
	struct rdb_txn *t;
	long long steps = 100, step;
	int rc = RDB_OK, i;

	if (argc < 1 || argc > 2)
		cli_usage_error("workload DIR [STEPS]");
	if (argc == 2)
		steps = num(argv[1], 0, 100);
	db = open_db(argv[0], program);
	for (step = 1; step <= steps && step <= 15; step++) {
		if (step == 9) {
			rc = rdb_checkpoint(db);
		} else if (step == 13) {
			rc = rdb_compact(db, &cs);
		} else {
			t = begin(db, 1, 0);
			switch (step) {
			case 1:
				rc = rdb_table_create(t, "t1", t1, 3);
				break;
			case 2:
				wl_rows(t, db, "t1", 1, 500);
				break;
			case 3:
				wl_rows(t, db, "t1", 501, 300);
				break;
			case 4:
				for (i = 0; i < 20; i++)
					ids[i] = (uint64_t)(i * 7);
				rc = rdb_delete(t, "t1", ids, 20);
				break;
			case 5:		/* an update: delete and insert */
				for (i = 0; i < 5; i++)
					ids[i] = (uint64_t)(300 + i);
				rc = rdb_delete(t, "t1", ids, 5);
				if (rc == RDB_OK)
					wl_rows(t, db, "t1", 10000, 5);
				break;
			case 6:
				rc = rdb_column_add(t, "t1", &x);
				break;
			case 7:
				rc = rdb_table_create(t, "t2", t2, 1);
				break;
			case 8:
				wl_rows(t, db, "t2", 1, 200);
				break;
			case 10:
				wl_rows(t, db, "t1", 20000, 100);
				break;
			case 11:
				rc = rdb_column_rename(t, "t1", "s", "label");
				break;
			case 12:
				for (i = 0; i < 10; i++)
					ids[i] = (uint64_t)(i * 3);
				rc = rdb_delete(t, "t2", ids, 10);
				break;
			case 14:
				wl_rows(t, db, "t2", 500, 50);
				break;
			case 15:
				rc = rdb_table_drop(t, "t2");
				break;
			}
			if (rc != RDB_OK)
				die_db(db, rc);
			rc = rdb_txn_commit(t, NULL, NULL);
		}
		if (rc != RDB_OK)
			die_db(db, rc);
		printf("ack %lld\n", step);
		fflush(stdout);
	}
	rdb_close(db);
	return EXIT_OK;
}

static int cmd_rows(int argc, char **argv, const char *program)
{
	const struct rdb_table_desc *td;
	const struct rdb_batch *b;
	struct rdb_scan *sc;
	struct rdb_db *db;
	struct rdb_txn *t;
	size_t r, c;
	int rc;

	if (argc != 2)
		cli_usage_error("rows DIR TABLE");
	db = open_db(argv[0], program);
	t = begin(db, 0, opt_commit);
	if ((rc = rdb_table_find(t, argv[1], &td)) != RDB_OK ||
	    (rc = rdb_scan_open(t, argv[1], NULL, &sc)) != RDB_OK)
		die_db(db, rc);
	while ((rc = rdb_scan_next(sc, &b)) > 0) {
		for (r = 0; r < b->nrows; r++) {
			for (c = 0; c < b->ncols; c++) {
				printf("%s%s=", c > 0 ? "\t" : "", td->cols[c].name);
				if (rdb_vec_is_null(&b->cols[c], r))
					fputs("null", stdout);
				else {
					putchar('"');
					print_value(&b->cols[c], r);
					putchar('"');
				}
			}
			putchar('\n');
		}
	}
	if (rc < 0)
		die_db(db, rc);
	rdb_scan_close(sc);
	rdb_txn_abort(t);
	rdb_close(db);
	return EXIT_OK;
}

static ssize_t file_read(void *arg, void *p, size_t n, struct rdb_err *e)
{
	size_t got = fread(p, 1, n, (FILE *)arg);

	(void)e;
	return (ssize_t)got;
}

static int cmd_jsonrows(int argc, char **argv)
{
	const struct rdb_jval *v;
	struct rdb_jrec *j;
	struct rdb_err e;
	size_t n, i;
	FILE *f;
	int rc;

	if (argc != 1)
		cli_usage_error("jsonrows FILE");
	f = fopen(argv[0], "r");
	if (f == NULL)
		cli_die(EXIT_ERROR, "cannot open '%s'", argv[0]);
	if (rdb_jrec_new(1, file_read, f, argv[0], &j, &e) != RDB_OK)
		cli_die(EXIT_ERROR, "%s", e.msg);
	while ((rc = rdb_jrec_next(j, &v, &n, &e)) > 0) {
		for (i = 0; i < n; i++) {
			printf("%s%s=", i > 0 ? "\t" : "", v[i].key);
			if (v[i].kind == J_NULL)
				fputs("null", stdout);
			else {
				putchar('"');
				fwrite(v[i].p, 1, v[i].len, stdout);
				putchar('"');
			}
		}
		putchar('\n');
	}
	if (rc < 0)
		cli_die(EXIT_ERROR, "%s", e.msg);
	rdb_jrec_free(j);
	fclose(f);
	return EXIT_OK;
}

static int cmd_txn_mix(int argc, char **argv, const char *program)
{
	static const struct rdb_column_def c = { "c", RDB_DOUBLE, 0, 0, 0, NULL };
	enum rdb_type t2[] = { RDB_INTEGER, RDB_TEXT };
	enum rdb_type t3[] = { RDB_INTEGER, RDB_TEXT, RDB_DOUBLE };
	struct rdb_batch *b = rdb_batch_new(2, t2), *b3 = rdb_batch_new(3, t3);
	struct rdb_db *db;
	struct rdb_txn *t;
	uint64_t one = 1;
	int rc, i;

	if (argc != 2)
		cli_usage_error("txn-mix DIR TABLE");
	db = open_db(argv[0], program);
	t = begin(db, 1, 0);
	for (i = 1; i <= 3; i++) {
		rdb_batch_put_int(b, 0, i);
		rdb_batch_put_bytes(b, 1, i == 1 ? "x" : i == 2 ? "y" : "z", 1);
		rdb_batch_end_row(b);
	}
	rdb_batch_put_int(b3, 0, 4);
	rdb_batch_put_bytes(b3, 1, "w", 1);
	rdb_batch_put_double(b3, 2, 2.5);
	rdb_batch_end_row(b3);
	if ((rc = rdb_insert(t, argv[1], b, NULL)) != RDB_OK ||
	    (rc = rdb_column_add(t, argv[1], &c)) != RDB_OK ||
	    (rc = rdb_delete(t, argv[1], &one, 1)) != RDB_OK ||
	    (rc = rdb_insert(t, argv[1], b3, NULL)) != RDB_OK)
		die_db(db, rc);
	commit(db, t);
	rdb_batch_free(b);
	rdb_batch_free(b3);
	rdb_close(db);
	return EXIT_OK;
}

static void print_io_count(void)
{
	fprintf(stderr, "io %llu\n", (unsigned long long)rdb_io_points());
}

int main(int argc, char **argv)
{
	const char *arg, *program = NULL, *cmd;
	uint64_t snapshot = 1;
	char **rest;
	int c, n;

	cli_init(&prog, argc, argv);
	while ((c = cli_getopt(argc, argv, &arg)) != -1) {
		if (c == O_PROGRAM)
			program = arg;
		else if (c == O_SNAPSHOT)
			snapshot = (uint64_t)num(arg, 0, 0x7fffffffffffffffLL);
		else if (c == O_EVERY)
			opt_every = (uint64_t)num(arg, 1, 0x7fffffffffffffffLL);
		else if (c == O_COMMIT)
			opt_commit = (uint64_t)num(arg, 0, 0x7fffffffffffffffLL);
		else if (c == O_MESSAGE)
			opt_message = arg;
		else if (c == O_IO_COUNT) {
			rdb_io_fault(RDB_FAULT_EIO, UINT64_MAX);	/* count only */
			atexit(print_io_count);
		} else if (c == O_FAULT) {
			static const char *const kinds[] = { "none", "crash", "torn",
				"powerloss", "eio", "enospc", "short" };
			const char *colon = strchr(arg, ':');
			int k;
			for (k = 1; k < 7 && colon != NULL; k++)
				if (strncmp(arg, kinds[k], (size_t)(colon - arg)) == 0 &&
				    strlen(kinds[k]) == (size_t)(colon - arg))
					break;
			if (colon == NULL || k == 7)
				cli_usage_error("bad --fault '%s'", arg);
			rdb_io_fault((enum rdb_fault_kind)k,
			    (uint64_t)num(colon + 1, 1, INT64_MAX));
		}
	}
	if (cli_optind() >= argc)
		cli_usage_error("missing COMMAND");
	cmd = argv[cli_optind()];
	rest = argv + cli_optind() + 1;
	n = argc - cli_optind() - 1;
	if (strcmp(cmd, "corrupt") == 0)
		cli_exit(cmd_corrupt(n, rest));
	if (strcmp(cmd, "truncate") == 0)
		cli_exit(cmd_truncate(n, rest));
	if (strcmp(cmd, "set-versions") == 0)
		cli_exit(cmd_set_versions(n, rest));
	if (strcmp(cmd, "hold") == 0)
		cli_exit(cmd_hold(n, rest, program, snapshot, 0));
	if (strcmp(cmd, "lock") == 0)
		cli_exit(cmd_hold(n, rest, program, snapshot, 1));
	if (strcmp(cmd, "wait-readers") == 0)
		cli_exit(cmd_wait_readers(n, rest));
	if (strcmp(cmd, "progress") == 0)
		cli_exit(cmd_progress(n, rest));
	if (strcmp(cmd, "create") == 0)
		cli_exit(cmd_create(n, rest, program));
	if (strcmp(cmd, "insert") == 0)
		cli_exit(cmd_insert(n, rest, program));
	if (strcmp(cmd, "delete") == 0)
		cli_exit(cmd_delete(n, rest, program));
	if (strcmp(cmd, "alter") == 0)
		cli_exit(cmd_alter(n, rest, program));
	if (strcmp(cmd, "dump") == 0)
		cli_exit(cmd_dump(n, rest, program));
	if (strcmp(cmd, "tables") == 0)
		cli_exit(cmd_tables(n, rest, program));
	if (strcmp(cmd, "log") == 0)
		cli_exit(cmd_log(n, rest, program));
	if (strcmp(cmd, "checkpoint") == 0)
		cli_exit(cmd_checkpoint(n, rest, program));
	if (strcmp(cmd, "workload") == 0)
		cli_exit(cmd_workload(n, rest, program));
	if (strcmp(cmd, "state") == 0)
		cli_exit(cmd_state(n, rest, program));
	if (strcmp(cmd, "txn-mix") == 0)
		cli_exit(cmd_txn_mix(n, rest, program));
	if (strcmp(cmd, "rows") == 0)
		cli_exit(cmd_rows(n, rest, program));
	if (strcmp(cmd, "jsonrows") == 0)
		cli_exit(cmd_jsonrows(n, rest));
	cli_usage_error("unknown command '%s'", cmd);
}

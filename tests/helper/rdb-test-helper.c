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

enum { O_PROGRAM = 256, O_SNAPSHOT };

static const struct cli_opt opts[] = {
	{ "program", O_PROGRAM, "NAME", NULL,
	  "program name to record in lock holder records", 0 },
	{ "snapshot", O_SNAPSHOT, "N", NULL, "snapshot a reader pins", 0 },
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
	cli_usage_error("unknown command '%s'", cmd);
}

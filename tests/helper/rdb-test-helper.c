/*
 * rdb-test-helper - internals for the test suites; never installed.
 *
 *   corrupt FILE OFFSET [VALUE]   flip every bit of the byte at OFFSET,
 *                                 or set it to VALUE (0-255)
 *   flip FILE OFFSET BIT          flip bit BIT (0-7) of the byte at OFFSET
 *   zero FILE OFFSET LENGTH       zero LENGTH bytes from OFFSET (not
 *                                 past the end of FILE)
 *   truncate FILE LENGTH          cut FILE to LENGTH bytes
 *   units DIR                     every checksummed unit of the database,
 *                                 one a line: "KIND FILE OFFSET LENGTH"
 *                                 (KIND superblock lock current manifest
 *                                 log delete seghdr chunk footer trailer
 *                                 walhdr walrec); chunk lines add the row
 *                                 group, the chunk (-2 row id, -1 commit,
 *                                 else the footer column) and the offset
 *                                 of the chunk's entry in the file
 *   rehash FILE                   make FILE's checksums right again after
 *                                 an edit (superblock, CURRENT, manifest,
 *                                 commit log, delete file, WAL header and
 *                                 record chain, segment chunks and footer)
 *   zone FILE RG CHUNK MIN MAX    set a chunk's zone map (has_minmax must
 *                                 be set) and rehash the footer
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
 *                                 codec T none|lz4|zstd|default LEVEL |
 *                                 view V C1,C2,... SQL | dropview V |
 *                                 index I T C1[:desc],... | dropindex I
 *   dump DIR TABLE                rows as "rowid<TAB>values"; --commit N
 *                                 reads at commit N
 *   tables DIR                    the tables and their columns (as in
 *                                 COLS), then the views as "view NAME
 *                                 C1,C2,... SQL"
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
#include <dirent.h>
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

static int cmd_flip(int argc, char **argv)
{
	unsigned char b;
	off_t off;
	int fd, bit;

	if (argc != 3)
		cli_usage_error("flip FILE OFFSET BIT");
	off = (off_t)num(argv[1], 0, (long long)1 << 40);
	bit = (int)num(argv[2], 0, 7);
	fd = open(argv[0], O_RDWR);
	if (fd < 0)
		cli_die(EXIT_ERROR, "cannot open '%s': %s", argv[0], strerror(errno));
	if (pread(fd, &b, 1, off) != 1)
		cli_die(EXIT_ERROR, "cannot read '%s' at %lld", argv[0],
		    (long long)off);
	b ^= (unsigned char)(1u << bit);
	if (pwrite(fd, &b, 1, off) != 1)
		cli_die(EXIT_ERROR, "cannot write '%s': %s", argv[0], strerror(errno));
	close(fd);
	return EXIT_OK;
}

static int cmd_zero(int argc, char **argv)
{
	static const char zeros[4096];
	long long off, len, n;
	struct stat st;
	int fd;

	if (argc != 3)
		cli_usage_error("zero FILE OFFSET LENGTH");
	off = num(argv[1], 0, (long long)1 << 40);
	len = num(argv[2], 0, (long long)1 << 40);
	fd = open(argv[0], O_RDWR);
	if (fd < 0 || fstat(fd, &st) != 0)
		cli_die(EXIT_ERROR, "cannot open '%s': %s", argv[0], strerror(errno));
	if (off + len > (long long)st.st_size)
		len = off < (long long)st.st_size ? (long long)st.st_size - off : 0;
	for (; len > 0; off += n, len -= n) {
		n = len < (long long)sizeof zeros ? len : (long long)sizeof zeros;
		if (pwrite(fd, zeros, (size_t)n, (off_t)off) != (ssize_t)n)
			cli_die(EXIT_ERROR, "cannot write '%s': %s", argv[0],
			    strerror(errno));
	}
	close(fd);
	return EXIT_OK;
}

/* The whole of a file, or exit. */
static uint8_t *slurp(const char *path, size_t *n)
{
	struct stat st;
	uint8_t *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) != 0)
		cli_die(EXIT_ERROR, "cannot open '%s': %s", path, strerror(errno));
	*n = (size_t)st.st_size;
	p = malloc(*n + 1);
	if (p == NULL || rdb_pread_full(fd, p, *n, 0) != 0)
		cli_die(EXIT_ERROR, "cannot read '%s'", path);
	close(fd);
	return p;
}

static void spill(const char *path, const uint8_t *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	if (fd < 0 || rdb_pwrite_full(fd, p, n, 0) != 0 || close(fd) != 0)
		cli_die(EXIT_ERROR, "cannot write '%s': %s", path, strerror(errno));
}

/* A LEB128 var at p[*pos..end); -1 when it does not fit. */
static int getvar(const uint8_t *p, size_t end, size_t *pos, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*pos < end && shift < 64) {
		uint8_t b = p[(*pos)++];
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

/*
 * Walk a segment's footer (format/segment.md), calling fn for each chunk
 * entry: its row group, chunk index (-2, -1, then columns), the entry's
 * offset in the file and, for fn to read or fix, the chunk's extent and
 * the file offsets of its min and checksum. Returns the footer offset
 * and length, or exits on a footer that does not parse.
 */
struct centry {
	size_t rg;
	int chunk;
	uint64_t entry, off, stored, minat, sumat;
	int has_minmax;
};

static void seg_walk(const char *path, uint8_t *p, size_t n,
    void (*fn)(const struct centry *, uint8_t *, size_t, void *), void *arg,
    uint64_t *foffp, uint64_t *flenp)
{
	uint64_t flen, foff, v, ncols, nrg, rows, i, k;
	size_t pos, end;
	struct centry c;

	if (n < 40)
		cli_die(EXIT_ERROR, "'%s' is too short for a segment", path);
	flen = rdb_load32(p + n - 16);
	if (flen < 8 || flen > n - 32)
		cli_die(EXIT_ERROR, "'%s': bad footer length", path);
	foff = n - 16 - flen;
	end = (size_t)(foff + flen - 8);
	pos = (size_t)foff;
	if (getvar(p, end, &pos, &ncols) != 0)
		goto bad;
	for (i = 0; i < ncols; i++)
		if (getvar(p, end, &pos, &v) != 0 || (pos += 3) > end)
			goto bad;
	if (getvar(p, end, &pos, &nrg) != 0)
		goto bad;
	for (c.rg = 0; c.rg < nrg; c.rg++) {
		if (getvar(p, end, &pos, &rows) != 0)
			goto bad;
		for (k = 0; k < ncols + 2; k++) {
			uint64_t raw, nulls;
			c.chunk = (int)k - 2;
			c.entry = pos;
			if (getvar(p, end, &pos, &c.off) != 0 ||
			    getvar(p, end, &pos, &c.stored) != 0 ||
			    getvar(p, end, &pos, &raw) != 0 || ++pos > end ||
			    getvar(p, end, &pos, &nulls) != 0 || pos + 1 > end)
				goto bad;
			c.has_minmax = p[pos++];
			c.minat = pos;
			if (c.has_minmax)
				pos += 16;
			c.sumat = pos;
			if ((pos += 8) > end)
				goto bad;
			fn(&c, p, n, arg);
		}
	}
	*foffp = foff;
	*flenp = flen;
	return;
bad:
	cli_die(EXIT_ERROR, "'%s': the footer does not parse", path);
}

static void print_chunk(const struct centry *c, uint8_t *p, size_t n, void *arg)
{
	(void)p;
	(void)n;
	printf("chunk %s %llu %llu %zu %d %llu\n", (const char *)arg,
	    (unsigned long long)c->off, (unsigned long long)c->stored, c->rg,
	    c->chunk, (unsigned long long)c->entry);
}

static void fix_chunk(const struct centry *c, uint8_t *p, size_t n, void *arg)
{
	(void)arg;
	if (c->off <= n && c->stored <= n - c->off)
		rdb_store64(p + c->sumat, rdb_hash64(p + c->off, (size_t)c->stored));
}

static void fix_footer(uint8_t *p, uint64_t foff, uint64_t flen)
{
	rdb_store64(p + foff + flen - 8, rdb_hash64(p + foff, (size_t)flen - 8));
}

static const uint8_t frame_magic[3][6] = { "RDBMAN", "RDBLOG", "RDBDEL" };

static int is_framed(const uint8_t *p, size_t n)
{
	int i;

	for (i = 0; i < 3 && n >= 24; i++)
		if (memcmp(p, frame_magic[i], 6) == 0)
			return 1;
	return 0;
}

/* Every record of a WAL file: fn(offset, length) of the header and each
 * record; stops where a record would run past the end. With fix, the
 * header checksum and every record's chain are made right first. */
static void wal_walk(uint8_t *p, size_t n, int fix, const char *rel)
{
	uint64_t chain;
	size_t off = RDB_WAL_HDR;

	if (n < RDB_WAL_HDR)
		return;
	if (fix)
		rdb_store64(p + 56, rdb_hash64(p, 56));
	else
		printf("walhdr %s 0 %d\n", rel, RDB_WAL_HDR);
	chain = rdb_load64(p + 32);
	while (off + RDB_WAL_REC_HDR <= n) {
		size_t len = rdb_load32(p + off);
		if (len > n - off - RDB_WAL_REC_HDR)
			break;
		if (fix) {
			uint8_t *b = malloc(8 + 16 + len + 1);
			if (b == NULL)
				cli_die(EXIT_ERROR, "out of memory");
			rdb_store64(b, chain);
			memcpy(b + 8, p + off, 16);
			memcpy(b + 24, p + off + RDB_WAL_REC_HDR, len);
			rdb_store64(p + off + 16, rdb_hash64(b, 24 + len));
			free(b);
		} else
			printf("walrec %s %zu %zu\n", rel, off, RDB_WAL_REC_HDR + len);
		chain = rdb_load64(p + off + 16);
		off += RDB_WAL_REC_HDR + len;
	}
}

static int cmd_rehash(int argc, char **argv)
{
	uint64_t foff, flen;
	uint8_t *p;
	size_t n;

	if (argc != 1)
		cli_usage_error("rehash FILE");
	p = slurp(argv[0], &n);
	if (n >= 256 && memcmp(p, "\x89RDB\r\n\x1a\n", 8) == 0)
		rdb_store64(p + 248, rdb_hash64(p, 248));
	else if (n == 24 && memcmp(p, "RDBCUR", 6) == 0)
		rdb_store64(p + 16, rdb_hash64(p, 16));
	else if (is_framed(p, n))
		rdb_store64(p + n - 8, rdb_hash64(p, n - 8));
	else if (n >= RDB_WAL_HDR && memcmp(p, "RDBWAL", 6) == 0)
		wal_walk(p, n, 1, NULL);
	else if (n >= 8 && memcmp(p, "RDBSEG", 6) == 0) {
		seg_walk(argv[0], p, n, fix_chunk, NULL, &foff, &flen);
		fix_footer(p, foff, flen);
	} else
		cli_die(EXIT_ERROR, "'%s': not a file rehash knows", argv[0]);
	spill(argv[0], p, n);
	free(p);
	return EXIT_OK;
}

struct zone_arg {
	size_t rg;
	int chunk;
	int64_t min, max;
	int done;
};

static void set_zone(const struct centry *c, uint8_t *p, size_t n, void *arg)
{
	struct zone_arg *z = arg;

	(void)n;
	if (c->rg != z->rg || c->chunk != z->chunk)
		return;
	if (!c->has_minmax)
		cli_die(EXIT_ERROR, "the chunk has no zone map");
	rdb_store64(p + c->minat, (uint64_t)z->min);
	rdb_store64(p + c->minat + 8, (uint64_t)z->max);
	z->done = 1;
}

static int cmd_zone(int argc, char **argv)
{
	struct zone_arg z;
	uint64_t foff, flen;
	uint8_t *p;
	size_t n;

	if (argc != 5)
		cli_usage_error("zone FILE RG CHUNK MIN MAX");
	z.rg = (size_t)num(argv[1], 0, INT32_MAX);
	z.chunk = (int)num(argv[2], -2, INT32_MAX);
	z.min = num(argv[3], INT64_MIN, INT64_MAX);
	z.max = num(argv[4], INT64_MIN, INT64_MAX);
	z.done = 0;
	p = slurp(argv[0], &n);
	seg_walk(argv[0], p, n, set_zone, &z, &foff, &flen);
	if (!z.done)
		cli_die(EXIT_ERROR, "no chunk %d in row group %zu", z.chunk, z.rg);
	fix_footer(p, foff, flen);
	spill(argv[0], p, n);
	free(p);
	return EXIT_OK;
}

/* One file of the database and its units. */
static void file_units(const char *dir, const char *rel)
{
	char path[4096];
	uint64_t foff, flen;
	struct stat st;
	uint8_t *p;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	p = slurp(path, &n);
	if (strcmp(rel, "RDB") == 0)
		printf("superblock %s 0 %zu\n", rel, n);
	else if (strcmp(rel, "LOCK") == 0)
		printf("lock %s 0 64\n", rel);
	else if (strcmp(rel, "manifest/CURRENT") == 0)
		printf("current %s 0 %zu\n", rel, n);
	else if (n >= 6 && memcmp(p, "RDBMAN", 6) == 0)
		printf("manifest %s 0 %zu\n", rel, n);
	else if (n >= 6 && memcmp(p, "RDBLOG", 6) == 0)
		printf("log %s 0 %zu\n", rel, n);
	else if (n >= 6 && memcmp(p, "RDBDEL", 6) == 0)
		printf("delete %s 0 %zu\n", rel, n);
	else if (n >= 6 && memcmp(p, "RDBWAL", 6) == 0)
		wal_walk(p, n, 0, rel);
	else if (n >= 6 && memcmp(p, "RDBSEG", 6) == 0) {
		printf("seghdr %s 0 16\n", rel);
		seg_walk(path, p, n, print_chunk, (void *)rel, &foff, &flen);
		printf("footer %s %llu %llu\n", rel, (unsigned long long)foff,
		    (unsigned long long)flen);
		printf("trailer %s %zu 16\n", rel, n - 16);
	}
	free(p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir/rel (one level), sorted, relative to dir. */
static void dir_units(const char *dir, const char *rel)
{
	char path[4096], **names = NULL;
	struct dirent *de;
	size_t n = 0, i;
	DIR *d;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char **nn;
		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof *names);
		if (nn == NULL || asprintf(&nn[n], "%s/%s", rel, de->d_name) < 0)
			cli_die(EXIT_ERROR, "out of memory");
		names = nn;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (strncmp(names[i], "tables/", 7) == 0 && strchr(names[i] + 7, '/') == NULL &&
		    stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			dir_units(dir, names[i]);
		else
			file_units(dir, names[i]);
		free(names[i]);
	}
	free(names);
}

static int cmd_units(int argc, char **argv)
{
	if (argc != 1)
		cli_usage_error("units DIR");
	file_units(argv[0], "RDB");
	file_units(argv[0], "LOCK");
	dir_units(argv[0], "manifest");
	dir_units(argv[0], "tables");
	dir_units(argv[0], "wal");
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
	else if (strcmp(argv[1], "view") == 0 && argc == 5) {
		const char *cols[64];
		char *c, *save = NULL;
		size_t n = 0;
		for (c = strtok_r(argv[3], ",", &save); c != NULL && n < 64;
		    c = strtok_r(NULL, ",", &save))
			cols[n++] = c;
		rc = rdb_view_create(t, argv[2], cols, n, argv[4]);
	} else if (strcmp(argv[1], "dropview") == 0 && argc == 3) {
		rc = rdb_view_drop(t, argv[2]);
	} else if (strcmp(argv[1], "index") == 0 && argc == 5) {
		const char *cols[32];
		int desc[32];
		char *c, *save = NULL;
		size_t n = 0;
		for (c = strtok_r(argv[4], ",", &save); c != NULL && n < 32;
		    c = strtok_r(NULL, ",", &save)) {
			size_t l = strlen(c);
			desc[n] = l > 5 && strcmp(c + l - 5, ":desc") == 0;
			if (desc[n])
				c[l - 5] = '\0';
			cols[n++] = c;
		}
		rc = rdb_index_create(t, argv[2], argv[3], cols, desc, n, 0);
	} else if (strcmp(argv[1], "dropindex") == 0 && argc == 3)
		rc = rdb_index_drop(t, argv[2]);
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
	{
		const struct rdb_view_desc *const *vl;
		if ((rc = rdb_view_list(t, &vl, &n)) != RDB_OK)
			die_db(db, rc);
		for (i = 0; i < n; i++) {
			printf("view %s ", vl[i]->name);
			for (j = 0; j < vl[i]->ncols; j++)
				printf("%s%s", j ? "," : "", vl[i]->cols[j]);
			printf(" %s\n", vl[i]->sql);
		}
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
		{ "k", RDB_BIGINT, 0, 0, 1, NULL, 0, 0 }, { "s", RDB_TEXT, 0, 0, 0, NULL, 0, 0 },
		{ "d", RDB_DOUBLE, 0, 0, 0, NULL, 0, 0 },
	};
	static const struct rdb_column_def t2[] = { { "k", RDB_BIGINT, 0, 0, 0, NULL, 0, 0 } };
	static const struct rdb_column_def x = { "x", RDB_INTEGER, 0, 0, 0, NULL, 0, 0 };
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
	static const struct rdb_column_def c = { "c", RDB_DOUBLE, 0, 0, 0, NULL, 0, 0 };
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
	if (strcmp(cmd, "flip") == 0)
		cli_exit(cmd_flip(n, rest));
	if (strcmp(cmd, "zero") == 0)
		cli_exit(cmd_zero(n, rest));
	if (strcmp(cmd, "units") == 0)
		cli_exit(cmd_units(n, rest));
	if (strcmp(cmd, "rehash") == 0)
		cli_exit(cmd_rehash(n, rest));
	if (strcmp(cmd, "zone") == 0)
		cli_exit(cmd_zone(n, rest));
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

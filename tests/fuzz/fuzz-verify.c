/*
 * fuzz-verify.c - libFuzzer target for rdb_verify (lib/txn/verify.c):
 * arbitrary bytes as each file of a real database, then rdb_open and a
 * full rdb_verify. Whatever a file holds, the verifier must report
 * findings (or the open must fail as damage), never read out of bounds,
 * crash, leak or ask for a huge allocation.
 *
 On its first run the target puts a small reference database in its
 * scratch directory: two tables (one zstd, one uncompressed), NULLs,
 * deletes, two checkpoints (segments, delete files, two manifests, two
 * commit log files) and a WAL tail. Its files, sorted by name (LOCK,
 * RDB, manifest/..., tables/..., wal/...), are the targets.
 *
 * The reference database is the seed corpus itself, read from
 * tests/fuzz/corpus/verify (or $RDB_FUZZ_TEMPLATE): seed NN-NAME is file
 * NN, NAME its path in the database with '/' written '_', after the
 * mode byte NN. Its files then agree with one another (the uuid, the
 * commit times) as a seed replacing one of them expects. Where that
 * folder cannot be found, the database is built afresh through the
 * public API.
 *
 * Input: one mode byte, then the file.
 *   mode & 0x7f, modulo the number of files, picks the file the rest of
 *               the input replaces (it is put back after the run).
 *   mode & 0x80 "fix-up": the checksums of the file are made right (the
 *               superblock's, CURRENT's, a framed file's, a WAL file's
 *               header and record chain, a segment's chunks and
 *               footer), so mutations reach what lies behind them.
 *
 To remake the seeds, which builds the database through the API:
 *
 *   rm tests/fuzz/corpus/verify/[0-9]*
 *   RDB_FUZZ_SEEDS=tests/fuzz/corpus/verify build/fuzz/fuzz-verify -runs=0
 *
 * Build: as fuzz-segment.c says, with this file; or tools/fuzz.sh.
 */
#include "seg/seg.h"
#include "wal/wal.h"

#include "fuzz-util.h"

#define MAX_FILES 64

static struct {
	char rel[128];
	uint8_t *p;
	size_t n;
} files[MAX_FILES];
static size_t nfiles;

static void die(const char *what, struct rdb_db *db)
{
	fprintf(stderr, "fuzz-verify: %s: %s\n", what, rdb_errmsg(db));
	abort();
}

static void rows(struct rdb_db *db, const char *table, int64_t from, int n,
    int ncols)
{
	enum rdb_type types[3] = { RDB_BIGINT, RDB_TEXT, RDB_DOUBLE };
	struct rdb_batch *b = rdb_batch_new((size_t)ncols, types);
	struct rdb_txn *t;
	char s[32];
	int i;

	if (b == NULL || rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) != RDB_OK)
		die("begin", db);
	for (i = 0; i < n; i++) {
		int64_t k = from + i;
		rdb_batch_put_int(b, 0, k);
		if (ncols > 1) {
			snprintf(s, sizeof s, "row %lld", (long long)(k % 17));
			if (k % 5 == 0)
				rdb_batch_put_null(b, 1);
			else
				rdb_batch_put_bytes(b, 1, s, strlen(s));
			rdb_batch_put_double(b, 2, (double)k / 8);
		}
		rdb_batch_end_row(b);
	}
	if (rdb_insert(t, table, b, NULL) != RDB_OK ||
	    rdb_txn_commit(t, NULL, NULL) != RDB_OK)
		die("insert", db);
	rdb_batch_free(b);
}

static void del(struct rdb_db *db, const char *table, uint64_t a, uint64_t b)
{
	uint64_t ids[2] = { a, b };
	struct rdb_txn *t;

	if (rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) != RDB_OK ||
	    rdb_delete(t, table, ids, 2) != RDB_OK ||
	    rdb_txn_commit(t, NULL, NULL) != RDB_OK)
		die("delete", db);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(a, b);	/* rel is the first member */
}

static void collect(const char *rel)
{
	char path[4096 + 256];
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(path, sizeof path, "%s/db%s%s", fuzz_dir(), *rel ? "/" : "", rel);
	if ((d = opendir(path)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL) {
		char sub[128], full[4096 + 512];
		int fd;
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		snprintf(full, sizeof full, "%s/db/%s", fuzz_dir(), sub);
		if (stat(full, &st) != 0)
			abort();
		if (S_ISDIR(st.st_mode)) {
			collect(sub);
			continue;
		}
		if (nfiles == MAX_FILES || (fd = open(full, O_RDONLY)) < 0)
			abort();
		snprintf(files[nfiles].rel, sizeof files[nfiles].rel, "db/%s", sub);
		files[nfiles].n = (size_t)st.st_size;
		files[nfiles].p = malloc(files[nfiles].n + 1);
		if (files[nfiles].p == NULL ||
		    rdb_pread_full(fd, files[nfiles].p, files[nfiles].n, 0) != 0)
			abort();
		close(fd);
		nfiles++;
	}
	closedir(d);
}

/* The database from seeds NN-NAME in dir; 0 when there are none. */
static int from_seeds(const char *dir)
{
	static const char *const sub[] = { "db", "db/wal", "db/manifest",
		"db/tables", "db/indexes", "db/models", "db/audit" };
	struct dirent *de;
	size_t i, n = 0;
	DIR *d = opendir(dir);

	if (d == NULL)
		return 0;
	for (i = 0; i < sizeof sub / sizeof *sub; i++)
		fuzz_mkdir(sub[i]);
	while ((de = readdir(d)) != NULL) {
		char rel[256], path[4096 + 256], *c;
		uint8_t *p;
		size_t len;
		FILE *f;
		if (strlen(de->d_name) < 4 || de->d_name[2] != '-' ||
		    strspn(de->d_name, "0123456789") != 2 ||
		    snprintf(rel, sizeof rel, "db/%s", de->d_name + 3) >= (int)sizeof rel)
			continue;
		for (c = rel; *c != '\0'; c++)
			if (*c == '_') {
				*c = '\0';
				fuzz_mkdir(rel);	/* tables/N */
				*c = '/';
			}
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL || (p = malloc(1 << 20)) == NULL)
			abort();
		len = fread(p, 1, 1 << 20, f);
		fclose(f);
		if (len < 1)
			abort();
		fuzz_write(rel, p + 1, len - 1);
		free(p);
		n++;
	}
	closedir(d);
	return n > 0;
}

/* The reference database, and its files in memory. */
static void make(void)
{
	static const struct rdb_column_def a[] = {
		{ "k", RDB_BIGINT, 0, 0, 1, NULL }, { "s", RDB_TEXT, 0, 0, 0, NULL },
		{ "d", RDB_DOUBLE, 0, 0, 0, NULL },
	};
	static const struct rdb_column_def b[] = { { "x", RDB_BIGINT, 0, 0, 0, NULL } };
	const char *seeds = getenv("RDB_FUZZ_SEEDS");
	struct rdb_settings st;
	struct rdb_db *db = NULL;
	struct rdb_txn *t;
	size_t i;

	if (seeds == NULL) {
		const char *t = getenv("RDB_FUZZ_TEMPLATE");
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*scorpus/verify",
		    (int)(strrchr(__FILE__, '/') + 1 - __FILE__), __FILE__);
		if (from_seeds(t != NULL ? t : dir)) {
			collect("");
			qsort(files, nfiles, sizeof *files, cmp_file);
			return;
		}
	}
	rdb_settings_init(&st);
	st.row_group_rows = 1024;
	if (rdb_create(fuzz_path("db"), &st, NULL, &db) != RDB_OK)
		die("create", db);
	if (rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) != RDB_OK ||
	    rdb_table_create(t, "a", a, 3) != RDB_OK ||
	    rdb_table_create(t, "b", b, 1) != RDB_OK ||
	    rdb_table_set_codec(t, "b", RDB_CODEC_NONE, 0) != RDB_OK ||
	    rdb_txn_commit(t, NULL, NULL) != RDB_OK)
		die("create tables", db);
	rows(db, "a", 1, 1200, 3);
	rows(db, "b", 1, 100, 1);
	del(db, "a", 3, 700);
	if (rdb_checkpoint(db) != RDB_OK)
		die("checkpoint", db);
	rows(db, "b", 101, 50, 1);
	del(db, "b", 7, 120);
	if (rdb_checkpoint(db) != RDB_OK)
		die("checkpoint", db);
	rows(db, "a", 1201, 3, 3);
	del(db, "a", 10, 1201);
	rdb_close(db);
	collect("");
	qsort(files, nfiles, sizeof *files, cmp_file);
	for (i = 0; seeds != NULL && i < nfiles; i++) {
		char name[4096 + 64], *c;
		FILE *f;
		snprintf(name, sizeof name, "%s/%02zu-%s", seeds, i, files[i].rel + 3);
		for (c = name + strlen(seeds) + 4; *c != '\0'; c++)
			if (*c == '/')
				*c = '_';
		if ((f = fopen(name, "wb")) == NULL)
			abort();
		fputc((int)i, f);
		fwrite(files[i].p, 1, files[i].n, f);
		fclose(f);
	}
}

static int getvar(const uint8_t *f, size_t end, size_t *pos, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*pos < end && shift < 64) {
		uint8_t c = f[(*pos)++];
		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

/* Chunk checksums as far as the footer walks, then the footer's. */
static void fix_segment(uint8_t *p, size_t n)
{
	uint64_t flen, foff, v, ncols, nrg, i, k, rows_;
	size_t pos, end;
	uint8_t *f;

	if (n < 40)
		return;
	flen = rdb_load32(p + n - 16);
	if (flen < 8 || flen > n - 32)
		return;
	foff = n - 16 - flen;
	f = p + foff;
	end = (size_t)flen - 8;
	pos = 0;
	if (getvar(f, end, &pos, &ncols) != 0 || ncols > 4096)
		goto done;
	for (i = 0; i < ncols; i++)
		if (getvar(f, end, &pos, &v) != 0 || (pos += 3) > end)
			goto done;
	if (getvar(f, end, &pos, &nrg) != 0)
		goto done;
	for (i = 0; i < nrg; i++) {
		if (getvar(f, end, &pos, &rows_) != 0)
			goto done;
		for (k = 0; k < 2 + ncols; k++) {
			uint64_t off, sz, raw, nulls;
			if (getvar(f, end, &pos, &off) != 0 ||
			    getvar(f, end, &pos, &sz) != 0 ||
			    getvar(f, end, &pos, &raw) != 0 || ++pos > end ||
			    getvar(f, end, &pos, &nulls) != 0 || pos + 1 > end)
				goto done;
			pos += 1 + (f[pos] == 1 ? 16 : 0);
			if (pos + 8 > end)
				goto done;
			if (off >= 16 && off <= foff && sz <= foff - off)
				rdb_store64(f + pos, rdb_hash64(p + off, (size_t)sz));
			pos += 8;
		}
	}
done:
	rdb_store64(f + flen - 8, rdb_hash64(f, (size_t)flen - 8));
}

static void fix_wal(uint8_t *p, size_t n)
{
	uint64_t chain;
	size_t off = RDB_WAL_HDR;

	if (n < RDB_WAL_HDR)
		return;
	rdb_store64(p + 56, rdb_hash64(p, 56));
	chain = rdb_load64(p + 32);
	while (off + RDB_WAL_REC_HDR <= n) {
		size_t len = rdb_load32(p + off);
		uint8_t *b;
		if (len > n - off - RDB_WAL_REC_HDR || (b = malloc(24 + len)) == NULL)
			break;
		rdb_store64(b, chain);
		memcpy(b + 8, p + off, 16);
		memcpy(b + 24, p + off + RDB_WAL_REC_HDR, len);
		chain = rdb_hash64(b, 24 + len);
		rdb_store64(p + off + 16, chain);
		free(b);
		off += RDB_WAL_REC_HDR + len;
	}
}

static void fixup(const char *rel, uint8_t *p, size_t n)
{
	if (strcmp(rel, "db/RDB") == 0 && n >= 256)
		rdb_store64(p + 248, rdb_hash64(p, 248));
	else if (strcmp(rel, "db/manifest/CURRENT") == 0 && n >= 24)
		rdb_store64(p + 16, rdb_hash64(p, 16));
	else if (strstr(rel, ".seg") != NULL)
		fix_segment(p, n);
	else if (strstr(rel, ".wal") != NULL)
		fix_wal(p, n);
	else if ((strstr(rel, ".man") != NULL || strstr(rel, ".log") != NULL ||
	    strstr(rel, ".del") != NULL) && n >= 24) {
		rdb_store32(p + 12, (uint32_t)(n - 24));
		rdb_store64(p + n - 8, rdb_hash64(p, n - 8));
	}
}

static uint64_t nfindings;

static void on_finding(const struct rdb_finding *f, void *arg)
{
	(void)arg;
	if (f->severity > RDB_SEV_NOTE || f->kind == NULL || f->message == NULL ||
	    strlen(f->message) > 2000 || f->offset < -1 ||
	    (f->file != NULL && (f->file[0] == '/' || strncmp(f->file, "db/", 3) == 0)) ||
	    (f->requirement != NULL && strncmp(f->requirement, "F-", 2) != 0)) {
		fprintf(stderr, "fuzz-verify: bad finding: %s %s\n",
		    f->kind != NULL ? f->kind : "(null)",
		    f->message != NULL ? f->message : "(null)");
		abort();
	}
	if (fuzz_verbose())
		fprintf(stderr, "%s,%s,%s,%lld,%s,%s\n",
		    rdb_severity_name(f->severity), f->kind,
		    f->file != NULL ? f->file : "", (long long)f->offset,
		    f->requirement != NULL ? f->requirement : "", f->message);
	nfindings++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdb_open_options oo = { RDB_OPEN_READONLY, 0, "fuzz" };
	struct rdb_db *db = NULL;
	uint64_t errors = 0;
	size_t i;
	uint8_t *p;
	int rc;

	if (nfiles == 0)
		make();
	if (size < 1)
		return 0;
	i = (size_t)(data[0] & 0x7f) % nfiles;
	p = malloc(size);
	if (p == NULL)
		return 0;
	memcpy(p, data + 1, size - 1);
	if (data[0] & 0x80)
		fixup(files[i].rel, p, size - 1);
	fuzz_write(files[i].rel, p, size - 1);
	free(p);

	nfindings = 0;
	rc = rdb_open(fuzz_path("db"), &oo, &db);
	if (rc == RDB_OK) {
		rc = rdb_verify(db, 0, NULL, on_finding, NULL, &errors);
		if (rc != RDB_OK && rc != RDB_ENOMEM && !(fuzz_lax() && rc == RDB_EIO)) {
			fprintf(stderr, "fuzz-verify: verify failed: %d %s\n", rc,
			    rdb_errmsg(db));
			abort();
		}
		if (errors > nfindings)
			abort();
	} else if (rc != RDB_ECORRUPT && rc != RDB_EVERSION && rc != RDB_ENOMEM &&
	    !(fuzz_lax() && rc == RDB_EIO)) {
		fprintf(stderr, "fuzz-verify: open failed: %d %s\n", rc,
		    rdb_errmsg(db));
		abort();
	}
	if (fuzz_verbose())
		fprintf(stderr, "%s: open %d, %llu findings, %llu errors\n",
		    files[i].rel, rc, (unsigned long long)nfindings,
		    (unsigned long long)errors);
	rdb_close(db);
	fuzz_write(files[i].rel, files[i].p, files[i].n);
	return 0;
}

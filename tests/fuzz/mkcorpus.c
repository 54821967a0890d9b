/*
 * mkcorpus.c - write the seed corpora of the fuzz targets: valid
 * inputs, so fuzzing starts from real files rather than from nothing.
 *
 *   mkcorpus DIR      fills DIR/segment, DIR/wal, DIR/manifest, DIR/enc
 *
 * Segments come from the segment writer (every type, NULLs, several row
 * groups, all three codecs, data that makes each value encoding win);
 * WAL files, manifests, delete files, catalog operations and COMMIT
 * payloads from a real database that the public API creates, fills,
 * alters and checkpoints, plus one WAL written record by record (for
 * the record kinds the API makes only in bulk loads). Every seed starts with the mode byte its
 * target reads (fuzz-*.c say which). WAL seeds carry fuzz_uuid, the
 * uuid fuzz-wal.c replays with. The JSON seeds are not made here: they
 * are a sample of JSONTestSuite, copied as they are.
 *
 * Not a fuzz target (tools/fuzz.sh builds only fuzz-*.c as those):
 *
 *   cc -std=c11 -D_GNU_SOURCE -Ilib -Ilib/include -Icmd \
 *       tests/fuzz/mkcorpus.c $(find lib -name '*.c') \
 *       $(pkg-config --cflags --libs libzstd liblz4 libarchive libsodium libxxhash) \
 *       -o build/fuzz/mkcorpus && build/fuzz/mkcorpus tests/fuzz/corpus
 */
#include <inttypes.h>

#include "idx/idx.h"
#include "seg/enc.h"
#include "seg/seg.h"
#include "txn/cat.h"
#include "wal/wal.h"

#include "fuzz-util.h"

static const char *out_root;

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "mkcorpus: %s: %s\n", what, msg);
	exit(1);
}

static uint8_t *read_all(const char *path, size_t *len)
{
	uint8_t *p = NULL, *np;
	size_t cap = 0, got;
	FILE *f = fopen(path, "rb");

	*len = 0;
	if (f == NULL)
		die(path, strerror(errno));
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((np = realloc(p, cap)) == NULL)
				die(path, "out of memory");
			p = np;
		}
		got = fread(p + *len, 1, cap - *len, f);
		if (got == 0)
			break;
		*len += got;
	}
	fclose(f);
	return p;
}

/* Write out_root/sub/name as the mode byte, a, then b. */
static void seed(const char *sub, const char *name, uint8_t mode,
    const void *a, size_t alen, const void *b, size_t blen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", out_root, sub);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die(path, strerror(errno));
	snprintf(path, sizeof path, "%s/%s/%s", out_root, sub, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(&mode, 1, 1, f) != 1 ||
	    (alen > 0 && fwrite(a, 1, alen, f) != alen) ||
	    (blen > 0 && fwrite(b, 1, blen, f) != blen) || fclose(f) != 0)
		die(path, "cannot write");
	printf("%s: %zu bytes\n", path, 1 + alen + blen);
}

/* ---------------------------------------------------------------- */
/* Rows                                                              */

static const struct rdb_column_def all_cols[] = {
	{ "b", RDB_BOOLEAN, 0, 0, 0, NULL },
	{ "i", RDB_INTEGER, 0, 0, 1, NULL },
	{ "big", RDB_BIGINT, 0, 0, 0, NULL },
	{ "d", RDB_DOUBLE, 0, 0, 0, NULL },
	{ "dec", RDB_DECIMAL, 18, 2, 0, NULL },
	{ "t", RDB_TEXT, 0, 0, 0, NULL },
	{ "day", RDB_DATE, 0, 0, 0, NULL },
	{ "ts", RDB_TIMESTAMP, 0, 0, 0, NULL },
	{ "j", RDB_JSON, 0, 0, 0, NULL },
	{ "bl", RDB_BLOB, 0, 0, 0, NULL },
};
#define NALL (sizeof all_cols / sizeof all_cols[0])

static const char *const words[] = { "alpha", "beta", "gamma", "délta",
	"", "ε", "omega omega" };
static const char *const jsons[] = { "{}", "[1,2]", "{\"a\":null}", "\"s\"",
	"3.5e-1" };

/*
 * A batch of n rows of cols, row r numbered from `base`. style 0 is
 * varied data with NULLs in every nullable column; 1 is runs and few
 * distinct values (RLE, dictionaries); 2 is steady sequences (delta,
 * frame of reference).
 */
static struct rdb_batch *rows(const struct rdb_column_def *cols, size_t ncols,
    size_t n, uint64_t base, int style)
{
	enum rdb_type types[NALL + 4];
	struct rdb_batch *b;
	size_t r, c;

	for (c = 0; c < ncols; c++)
		types[c] = cols[c].type;
	b = rdb_batch_new(ncols, types);
	if (b == NULL)
		die("batch", "out of memory");
	for (r = 0; r < n; r++) {
		uint64_t k = base + r;
		int64_t v = style == 1 ? (int64_t)(k / 16 % 3)
		    : style == 2 ? (int64_t)(1000 + 7 * k)
		    : (int64_t)(k * 2654435761u % 100003) - 50000;
		for (c = 0; c < ncols; c++) {
			int rc = RDB_OK;
			if (style == 0 && !cols[c].not_null && (k + c) % 5 == 0) {
				rc = rdb_batch_put_null(b, c);
			} else switch (cols[c].type) {
			case RDB_BOOLEAN:
				rc = rdb_batch_put_int(b, c, v & 1);
				break;
			case RDB_INTEGER:
			case RDB_DATE:
				rc = rdb_batch_put_int(b, c, v);
				break;
			case RDB_BIGINT:
			case RDB_TIMESTAMP:
				rc = rdb_batch_put_int(b, c, v * 1000003);
				break;
			case RDB_DOUBLE:
				rc = rdb_batch_put_double(b, c, (double)v / 8);
				break;
			case RDB_DECIMAL:
				rc = rdb_batch_put_decimal(b, c, (uint64_t)v,
				    v < 0 ? UINT64_MAX : 0);
				break;
			case RDB_TEXT: {
				const char *w = words[(size_t)(v < 0 ? -v : v) % 7];
				rc = rdb_batch_put_bytes(b, c, w, strlen(w));
				break;
			}
			case RDB_JSON: {
				const char *j = jsons[(size_t)(v < 0 ? -v : v) % 5];
				rc = rdb_batch_put_bytes(b, c, j, strlen(j));
				break;
			}
			case RDB_BLOB: {
				uint8_t bl[8];
				rdb_store64(bl, (uint64_t)v);
				rc = rdb_batch_put_bytes(b, c, bl, (size_t)(k % 9));
				break;
			}
			}
			if (rc != RDB_OK)
				die("batch", rdb_strerror(rc));
		}
		if (rdb_batch_end_row(b) != RDB_OK)
			die("batch", "out of memory");
	}
	return b;
}

/* ---------------------------------------------------------------- */
/* Segments                                                          */

struct rg_spec {
	size_t n;
	int style;
};

/* The index files of the segment s.seg over its first columns, one a
 * key (the second descending), up to three [F-IDX-004]. */
static void index_seeds(const char *name, size_t ncols)
{
	static const uint32_t ids[3] = { 1, 2, 3 };
	static const uint8_t kf[3] = { 0, 1, 0 };
	struct rdb_seg *g = NULL;
	struct rdb_err e;
	struct rdb_buf img;
	size_t k;
	char n2[128];

	if (ncols == 0)
		return;
	if (rdb_seg_open(fuzz_dir(), "s.seg", 0, &g, &e) != RDB_OK)
		die("index", e.msg);
	for (k = 1; k <= 3 && k <= ncols; k += 2) {
		struct rdb_idx_def d = { 1, k, ids, kf };
		if (rdb_idx_image(g, &d, &img, &e) != RDB_OK)
			die("index", e.msg);
		snprintf(n2, sizeof n2, "%s-%zukeys", name, k);
		seed("index", n2, 1, img.p, img.len, NULL, 0);
		rdb_buf_release(&img);
	}
	rdb_seg_close(g);
}

static void make_segment(const char *name, int codec, size_t ncols,
    const struct rg_spec *rgs, size_t nrg)
{
	struct rdb_segw_col cols[NALL];
	struct rdb_segw *w;
	struct rdb_err e;
	uint64_t size, rowid = 1;
	size_t i, j, len;
	uint8_t *p;

	for (i = 0; i < ncols; i++) {
		cols[i].id = (uint32_t)i + 1;
		cols[i].type = all_cols[i].type;
		cols[i].precision = all_cols[i].precision;
		cols[i].scale = all_cols[i].scale;
	}
	fuzz_unlink("s.seg");
	if (rdb_segw_open(fuzz_path("s.seg"), codec, codec == RDB_CODEC_ZSTD ? 3 : 0,
	    ncols, cols, &w, &e) != RDB_OK)
		die("segment", e.msg);
	for (i = 0; i < nrg; i++) {
		struct rdb_batch *b = rows(all_cols, ncols, rgs[i].n, rowid,
		    rgs[i].style);
		uint64_t *ids = malloc(rgs[i].n * sizeof *ids);
		uint64_t *commits = malloc(rgs[i].n * sizeof *commits);
		if (ids == NULL || commits == NULL)
			die("segment", "out of memory");
		for (j = 0; j < rgs[i].n; j++) {
			ids[j] = rowid;
			rowid += 1 + j % 3;	/* gaps: deleted and purged rows */
			commits[j] = 1 + j / 10;
		}
		if (rdb_segw_rowgroup(w, rgs[i].n, ids, commits, b->cols, &e) != RDB_OK)
			die("segment", e.msg);
		free(ids);
		free(commits);
		rdb_batch_free(b);
	}
	if (rdb_segw_finish(w, &size, &e) != RDB_OK)
		die("segment", e.msg);
	p = read_all(fuzz_path("s.seg"), &len);
	seed("segment", name, 1, p, len, NULL, 0);
	free(p);
	index_seeds(name, ncols);
}

static void segments(void)
{
	static const struct rg_spec two[] = { { 5, 0 }, { 40, 0 } };
	static const struct rg_spec runs[] = { { 300, 1 } };
	static const struct rg_spec seqs[] = { { 200, 2 }, { 1, 0 } };
	static const struct rg_spec one[] = { { 3, 0 } };

	make_segment("none-two-rowgroups", RDB_CODEC_NONE, NALL, two, 2);
	make_segment("none-runs", RDB_CODEC_NONE, NALL, runs, 1);
	make_segment("none-sequences", RDB_CODEC_NONE, NALL, seqs, 2);
	make_segment("lz4-runs", RDB_CODEC_LZ4, NALL, runs, 1);
	make_segment("zstd-sequences", RDB_CODEC_ZSTD, NALL, seqs, 2);
	make_segment("none-one-column", RDB_CODEC_NONE, 1, one, 1);
	make_segment("none-no-columns", RDB_CODEC_NONE, 0, one, 1);
}

/* ---------------------------------------------------------------- */
/* A database: WAL, manifest, delete file, operations, commits       */

static struct rdb_db *db;
static char dbpath[4096 + 16];

static void check(int rc, const char *what)
{
	if (rc != RDB_OK)
		die(what, rdb_errmsg(db));
}

static struct rdb_txn *begin(void)
{
	struct rdb_txn *t;

	check(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t), "begin");
	return t;
}

static void commit(struct rdb_txn *t, const char *msg)
{
	struct rdb_commit_opts o = { "mkcorpus", "fuzz", msg };

	check(rdb_txn_commit(t, &o, NULL), "commit");
}

static void insert(struct rdb_txn *t, const char *table,
    const struct rdb_column_def *cols, size_t ncols, size_t n, uint64_t base,
    int style)
{
	struct rdb_batch *b = rows(cols, ncols, n, base, style);

	check(rdb_insert(t, table, b, NULL), "insert");
	rdb_batch_free(b);
}

static void open_db(const char *name)
{
	struct rdb_settings st;

	rdb_settings_init(&st);
	st.codec = RDB_CODEC_NONE;
	st.codec_level = 0;
	st.sync = RDB_SYNC_OFF;
	snprintf(dbpath, sizeof dbpath, "%s/%s", fuzz_dir(), name);
	if (rdb_create(dbpath, &st, NULL, &db) != RDB_OK)
		die(dbpath, rdb_errmsg(db));
}

static uint8_t *db_file(const char *rel, size_t *len)
{
	char p[8192];

	snprintf(p, sizeof p, "%s/%s", dbpath, rel);
	return read_all(p, len);
}

/*
 * The WAL seeds of the database's first WAL file: whole, and split into
 * two files after its first COMMIT (the second file's header continuing
 * the first's LSN and chain). Also the catalog operations of its DDL
 * records, as a sequence for fuzz-manifest's mode 2, and its COMMIT
 * payloads for mode 3.
 */
static void wal_seeds(const char *name)
{
	struct rdb_buf ops;
	uint8_t *p, h2[RDB_WAL_HDR];
	size_t len, off, split = 0, ncommit = 0;
	uint64_t lsn = 0, chain = 0;
	char n2[256];

	p = db_file("wal/0000000000000001.wal", &len);
	if (len < RDB_WAL_HDR)
		die(name, "short WAL");
	memcpy(p + 40, fuzz_uuid, 16);
	rdb_store64(p + 56, rdb_hash64(p, 56));
	seed("wal", name, 1, p, len, NULL, 0);

	rdb_buf_init(&ops);
	for (off = RDB_WAL_HDR; off + RDB_WAL_REC_HDR <= len;) {
		size_t rlen = rdb_load32(p + off);
		int type = p[off + 4];
		const uint8_t *pl = p + off + RDB_WAL_REC_HDR;
		if (type == WAL_DDL && (rdb_buf_putvar(&ops, rlen) != RDB_OK ||
		    rdb_buf_append(&ops, pl, rlen) != RDB_OK))
			die(name, "out of memory");
		if (type == WAL_COMMIT && ncommit < 3) {
			snprintf(n2, sizeof n2, "%s-commit-%zu", name, ncommit);
			seed("manifest", n2, 3, pl, rlen, NULL, 0);
		}
		lsn = rdb_load64(p + off + 8) + 1;
		chain = rdb_load64(p + off + 16);
		off += RDB_WAL_REC_HDR + rlen;
		if (type == WAL_COMMIT && ncommit++ == 0) {
			split = off;
			/* the second file's header continues here */
			memset(h2, 0, sizeof h2);
			memcpy(h2, p, 8);
			rdb_store64(h2 + 16, 2);
			rdb_store64(h2 + 24, lsn);
			rdb_store64(h2 + 32, chain);
			memcpy(h2 + 40, fuzz_uuid, 16);
			rdb_store64(h2 + 56, rdb_hash64(h2, 56));
		}
	}
	if (ops.len > 0) {
		snprintf(n2, sizeof n2, "%s-catalog-ops", name);
		seed("manifest", n2, 2, ops.p, ops.len, NULL, 0);
	}
	if (split > 0 && split < len) {
		uint8_t *two = malloc(len + RDB_WAL_HDR);
		if (two == NULL)
			die(name, "out of memory");
		memcpy(two, p, split);
		memcpy(two + split, h2, RDB_WAL_HDR);
		memcpy(two + split + RDB_WAL_HDR, p + split, len - split);
		snprintf(n2, sizeof n2, "%s-two-files", name);
		seed("wal", n2, 1, two, len + RDB_WAL_HDR, NULL, 0);
		free(two);
	}
	rdb_buf_release(&ops);
	free(p);
}

static void put_commit(struct rdb_buf *b, uint64_t id, uint32_t table,
    uint64_t ins, uint64_t del)
{
	b->len = 0;
	if (rdb_buf_putvar(b, id) != RDB_OK ||
	    rdb_buf_putvar(b, 1700000000000000 + id) != RDB_OK ||
	    rdb_buf_putstr(b, "mkcorpus") != RDB_OK ||
	    rdb_buf_putstr(b, "fuzz") != RDB_OK ||
	    rdb_buf_putstr(b, "synthetic") != RDB_OK ||
	    rdb_buf_putvar(b, 1) != RDB_OK || rdb_buf_putvar(b, table) != RDB_OK ||
	    rdb_buf_putvar(b, ins) != RDB_OK || rdb_buf_putvar(b, del) != RDB_OK)
		die("commit", "out of memory");
}

/*
 * A WAL written record by record with the WAL API, for what the public
 * API does not make on demand: an ATTACH record (a bulk load's segment)
 * between plain INSERT and DELETE records.
 */
static void synthetic_wal(void)
{
	static const struct rdb_column_def cols[] = {
		{ "k", RDB_BIGINT, 0, 0, 0, NULL }, { "v", RDB_TEXT, 0, 0, 0, NULL },
	};
	static const struct rdb_wal_pos start = { 1, 0, 1, 0 };
	struct rdb_wal w;
	struct rdb_buf b;
	struct rdb_err e;
	uint8_t *p;
	size_t len;
	int i;

	rdb_buf_init(&b);
	fuzz_mkdir("synthetic");
	fuzz_mkdir("synthetic/wal");
	snprintf(dbpath, sizeof dbpath, "%s", fuzz_path("synthetic"));
	if (rdb_wal_open(&w, dbpath, fuzz_uuid, &start, RDB_SYNC_OFF, &e) != RDB_OK)
		die("wal", e.msg);
	/* commit 1: CREATE TABLE t (k BIGINT, v TEXT) */
	if (rdb_cat_enc_create(&b, 1, "t", cols, 2) != RDB_OK ||
	    rdb_wal_append(&w, WAL_DDL, b.p, b.len, &e) != RDB_OK)
		die("wal", e.msg);
	put_commit(&b, 1, 1, 0, 0);
	if (rdb_wal_commit(&w, b.p, b.len, &e) != RDB_OK)
		die("wal", e.msg);
	/* commit 2: rows 0..99 attached as a segment */
	b.len = 0;
	if (rdb_buf_putvar(&b, 1) != RDB_OK || rdb_buf_putvar(&b, 0) != RDB_OK ||
	    rdb_buf_putvar(&b, 100) != RDB_OK ||
	    rdb_buf_putstr(&b, "tables/1/0000000000000002-0000000000000000.seg") != RDB_OK ||
	    rdb_buf_putvar(&b, 4096) != RDB_OK ||
	    rdb_wal_append(&w, WAL_ATTACH, b.p, b.len, &e) != RDB_OK)
		die("wal", e.msg);
	put_commit(&b, 2, 1, 100, 0);
	if (rdb_wal_commit(&w, b.p, b.len, &e) != RDB_OK)
		die("wal", e.msg);
	/* commit 3: rows 100..102 (k, v with a NULL), delete rows 5, 100 */
	b.len = 0;
	if (rdb_buf_putvar(&b, 1) != RDB_OK || rdb_buf_putvar(&b, 100) != RDB_OK ||
	    rdb_buf_putvar(&b, 3) != RDB_OK || rdb_buf_putvar(&b, 2) != RDB_OK ||
	    rdb_buf_putvar(&b, 1) != RDB_OK || rdb_buf_put8(&b, RDB_BIGINT) != RDB_OK ||
	    rdb_buf_put8(&b, 0) != RDB_OK)
		die("wal", "out of memory");
	for (i = 0; i < 3; i++)
		if (rdb_buf_put64(&b, (uint64_t)(i * 10)) != RDB_OK)
			die("wal", "out of memory");
	if (rdb_buf_putvar(&b, 2) != RDB_OK || rdb_buf_put8(&b, RDB_TEXT) != RDB_OK ||
	    rdb_buf_put8(&b, 1) != RDB_OK || rdb_buf_put8(&b, 0x5) != RDB_OK ||
	    rdb_buf_put32(&b, 0) != RDB_OK || rdb_buf_put32(&b, 2) != RDB_OK ||
	    rdb_buf_put32(&b, 2) != RDB_OK || rdb_buf_put32(&b, 5) != RDB_OK ||
	    rdb_buf_append(&b, "hiyou", 5) != RDB_OK ||
	    rdb_wal_append(&w, WAL_INSERT, b.p, b.len, &e) != RDB_OK)
		die("wal", e.msg);
	b.len = 0;
	if (rdb_buf_putvar(&b, 1) != RDB_OK || rdb_buf_putvar(&b, 2) != RDB_OK ||
	    rdb_buf_putvar(&b, 5) != RDB_OK || rdb_buf_putvar(&b, 100) != RDB_OK ||
	    rdb_wal_append(&w, WAL_DELETE, b.p, b.len, &e) != RDB_OK)
		die("wal", e.msg);
	put_commit(&b, 3, 1, 3, 2);
	if (rdb_wal_commit(&w, b.p, b.len, &e) != RDB_OK)
		die("wal", e.msg);
	rdb_wal_close(&w);
	rdb_buf_release(&b);
	p = db_file("wal/0000000000000001.wal", &len);
	seed("wal", "synthetic-attach", 1, p, len, NULL, 0);
	free(p);
}

/* Checkpoint, then seed the manifest (with the delete file of table 1
 * when there is one) and the segment of table 1. */
static void checkpoint_seeds(const char *name, int dels)
{
	uint8_t *m, *d = NULL, *s;
	size_t mlen, dlen = 0, slen;
	char n2[256];

	check(rdb_checkpoint(db), "checkpoint");
	m = db_file("manifest/0000000000000001.man", &mlen);
	if (dels)
		d = db_file("tables/1/0000000000000001.del", &dlen);
	seed("manifest", name, 1, m, mlen, d, dlen);
	s = db_file("tables/1/0000000000000001.seg", &slen);
	snprintf(n2, sizeof n2, "checkpoint-%s", name);
	seed("segment", n2, 1, s, slen, NULL, 0);
	free(m);
	free(d);
	free(s);
}

static void databases(void)
{
	static const struct rdb_column_def added = { "extra", RDB_TEXT, 0, 0, 0, NULL };
	static const struct rdb_column_def two[] = {
		{ "k", RDB_BIGINT, 0, 0, 1, NULL }, { "v", RDB_TEXT, 0, 0, 0, NULL },
	};
	struct rdb_txn *t;
	uint64_t del[] = { 2, 3, 5, 17 };

	/* every type, NULLs, deletes, every catalog operation */
	open_db("full");
	t = begin();
	check(rdb_table_create(t, "things", all_cols, NALL), "create");
	commit(t, "create");
	t = begin();
	insert(t, "things", all_cols, NALL, 20, 0, 0);
	commit(t, "insert");
	t = begin();
	check(rdb_delete(t, "things", del, 4), "delete");
	commit(t, "delete");
	t = begin();
	check(rdb_column_add(t, "things", &added), "add column");
	check(rdb_column_rename(t, "things", "big", "huge"), "rename column");
	check(rdb_column_drop(t, "things", "bl"), "drop column");
	check(rdb_table_create(t, "pairs", two, 2), "create");
	check(rdb_table_rename(t, "pairs", "couples"), "rename");
	commit(t, "alter");
	t = begin();
	insert(t, "couples", two, 2, 3, 0, 2);
	commit(t, "insert");
	t = begin();
	check(rdb_table_drop(t, "couples"), "drop");
	commit(t, "drop");
	{
		static const char *const vcols[] = { "k", "n" };
		t = begin();
		check(rdb_view_create(t, "counts", vcols, 2,
		    "SELECT i, count(*) FROM things GROUP BY i"), "create view");
		check(rdb_view_create(t, "gone", vcols, 1, "SELECT 1"),
		    "create view");
		check(rdb_view_drop(t, "gone"), "drop view");
		commit(t, "views");
	}
	wal_seeds("full");
	checkpoint_seeds("full", 1);
	rdb_close(db);

	/* runs and sequences, several commits, no deletes */
	open_db("plain");
	t = begin();
	check(rdb_table_create(t, "seq", two, 2), "create");
	insert(t, "seq", two, 2, 50, 0, 2);
	commit(t, "create and fill");
	t = begin();
	insert(t, "seq", two, 2, 30, 50, 1);
	commit(t, "more");
	wal_seeds("plain");
	checkpoint_seeds("plain", 0);
	rdb_close(db);
	db = NULL;

	synthetic_wal();
}

/* ---------------------------------------------------------------- */
/* Value encodings (fuzz-enc.c: a count byte, then the stream)        */

static void enc_seeds(void)
{
	static const char *const names[] = { "plain", "rle", "for", "delta",
		"dict" };
	int64_t v[40];
	uint32_t off[41];
	uint8_t data[400], n = 40;
	struct rdb_buf b;
	char name[64];
	size_t i;
	int e;

	for (i = 0; i < n; i++)
		v[i] = 3 * (int64_t)i + (i % 4 == 0 ? 5 : 0) - 20;
	rdb_buf_init(&b);
	for (e = 0; e < RDB_ENC_COUNT; e++) {
		b.len = 0;
		if (rdb_enc_i64_encode_as((enum rdb_enc)e, v, n, &b) != RDB_OK)
			die("enc", "cannot encode");
		snprintf(name, sizeof name, "i64-%s", names[e]);
		seed("enc", name, n, b.p, b.len, NULL, 0);
	}
	off[0] = 0;
	for (i = 0; i < n; i++) {
		const char *w = words[i % 7];
		memcpy(data + off[i], w, strlen(w));
		off[i + 1] = off[i] + (uint32_t)strlen(w);
	}
	for (e = RDB_ENC_PLAIN; e <= RDB_ENC_DICT; e += RDB_ENC_DICT) {
		b.len = 0;
		if (rdb_enc_bytes_encode_as((enum rdb_enc)e, off, data, n, &b) != RDB_OK)
			die("enc", "cannot encode");
		snprintf(name, sizeof name, "bytes-%s", names[e]);
		seed("enc", name, n, b.p, b.len, NULL, 0);
	}
	rdb_buf_release(&b);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus DIR\n");
		return 2;
	}
	out_root = argv[1];
	if (mkdir(out_root, 0755) != 0 && errno != EEXIST)
		die(out_root, strerror(errno));
	segments();
	databases();
	enc_seeds();
	return 0;
}

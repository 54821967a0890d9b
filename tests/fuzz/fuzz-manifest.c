/*
 * fuzz-manifest.c - libFuzzer target for manifests and what they hold
 * (lib/txn/manifest.c rdb_store_load_manifest and read_framed,
 * format/manifest.md): the framed file, the body, the catalog history
 * (lib/txn/cat.c rdb_cat_apply), delete files, and COMMIT payloads
 * (rdb_commit_decode, as commit log files and the WAL hold them). Any
 * input must load or be rejected as RDB_ECORRUPT, never read out of
 * bounds, crash, leak or ask for a huge allocation.
 *
 * Input: one mode byte, then by mode & 3:
 *   0  a manifest, written as manifest/0000000000000001.man next to a
 *      valid manifest/CURRENT naming seq 1; if "RDBDEL\0\0" occurs
 *      after its start, the bytes from there are written as the delete
 *      file tables/1/0000000000000001.del (the name the first
 *      checkpoint of table 1 gives it). Then rdb_store_refresh.
 *   1  the same with "fix-up": both files get their frame's magic,
 *      version, length and checksum made right, so mutations reach the
 *      body parser.
 *   2  a sequence of catalog operations, each a var length and the
 *      operation, applied in turn to one catalog.
 *   3  one COMMIT payload for rdb_commit_decode.
 * The seed corpus (tests/fuzz/corpus/manifest, made by mkcorpus.c)
 * holds manifests of real checkpoints, with delete files, and the
 * catalog operations and commits of real transactions.
 *
 * RDB_FUZZ_CAT_ATOMIC=1 in the environment also requires a catalog
 * operation that fails to leave the catalog as it was.
 *
 * Build: as fuzz-segment.c says, with this file; or tools/fuzz.sh.
 */
#include "txn/store.h"

#include "fuzz-util.h"

static const uint8_t man_magic[8] = { 'R', 'D', 'B', 'M', 'A', 'N', 0, 0 };
static const uint8_t del_magic[8] = { 'R', 'D', 'B', 'D', 'E', 'L', 0, 0 };
static const uint8_t cur_magic[8] = { 'R', 'D', 'B', 'C', 'U', 'R', 0, 0 };

#define MAN_FILE "manifest/0000000000000001.man"
#define DEL_FILE "tables/1/0000000000000001.del"

static void fix_framed(uint8_t *p, size_t n, const uint8_t magic[8])
{
	if (n < 24)
		return;
	memcpy(p, magic, 8);
	rdb_store32(p + 8, 0);
	rdb_store32(p + 12, (uint32_t)(n - 24));
	rdb_store64(p + n - 8, rdb_hash64(p, n - 8));
}

static void load(const uint8_t *data, size_t size, int fix)
{
	static int made;
	struct rdb_store s;
	struct rdb_err e;
	const uint8_t *d;
	size_t mlen;
	uint8_t *p;
	int rc;

	if (!made) {
		uint8_t cur[24];
		fuzz_mkdir("manifest");
		fuzz_mkdir("tables");
		fuzz_mkdir("tables/1");
		memcpy(cur, cur_magic, 8);
		rdb_store64(cur + 8, 1);
		rdb_store64(cur + 16, rdb_hash64(cur, 16));
		fuzz_write("manifest/CURRENT", cur, sizeof cur);
		made = 1;
	}
	p = malloc(size + 1);
	if (p == NULL)
		return;
	memcpy(p, data, size);
	d = size > 0 ? memmem(p + 1, size - 1, del_magic, sizeof del_magic) : NULL;
	mlen = d != NULL ? (size_t)(d - p) : size;
	if (fix) {
		fix_framed(p, mlen, man_magic);
		fix_framed(p + mlen, size - mlen, del_magic);
	}
	fuzz_write(MAN_FILE, p, mlen);
	if (d != NULL)
		fuzz_write(DEL_FILE, p + mlen, size - mlen);
	else
		fuzz_unlink(DEL_FILE);
	free(p);

	rdb_store_init(&s);
	rdb_err_clear(&e);
	rc = rdb_store_refresh(&s, fuzz_dir(), fuzz_uuid, &e);
	if (fuzz_verbose())
		fprintf(stderr, "refresh: %d %s; commit %llu, %zu tables, %zu ddl\n",
		    rc, e.msg, (unsigned long long)s.last_commit, s.cat.ntables,
		    s.nddl);
	fuzz_check_err(rc, &e);
	if (rc == RDB_OK) {
		struct rdb_cat cat;
		size_t i;
		if (s.manifest_seq != 1 || s.horizon > s.ckpt_commit)
			abort();
		/* the catalog history replays at every commit it names */
		for (i = 0; i < s.nddl && i < 64; i++) {
			rc = rdb_store_cat_at(&s, s.ddl[i].commit, &cat, &e);
			if (rc == RDB_OK)
				rdb_cat_release(&cat);
			else if (rc != RDB_ENOMEM)
				abort();
		}
	}
	rdb_store_release(&s);
}

static void cat_ops(const uint8_t *data, size_t size)
{
	int atomic = getenv("RDB_FUZZ_CAT_ATOMIC") != NULL;
	struct rdb_cat c, before;
	struct rdb_rd r;
	struct rdb_err e;
	int n;

	rdb_cat_init(&c);
	rdb_rd_init(&r, data, size);
	for (n = 0; n < 64 && r.pos < size; n++) {
		const uint8_t *op;
		uint64_t len;
		uint8_t *copy;
		int rc;

		if (rdb_rd_getvar(&r, &len) != 0 || len > size ||
		    rdb_rd_bytes(&r, (size_t)len, &op) != 0)
			break;
		/* an exactly-sized copy, so the sanitizer sees any over-read */
		copy = malloc(len > 0 ? (size_t)len : 1);
		if (copy == NULL)
			break;
		memcpy(copy, op, (size_t)len);
		if (atomic && rdb_cat_copy(&before, &c) != RDB_OK) {
			free(copy);
			break;
		}
		rdb_err_clear(&e);
		rc = rdb_cat_apply(&c, copy, (size_t)len, "ops", &e);
		if (fuzz_verbose())
			fprintf(stderr, "op %d: %d %s\n", n, rc, e.msg);
		fuzz_check_err(rc, &e);
		free(copy);
		if (atomic) {
			if (rc != RDB_OK && !fuzz_cat_equal(&before, &c)) {
				fprintf(stderr, "fuzz: failed operation %d changed the catalog: %s\n",
				    n, e.msg);
				abort();
			}
			rdb_cat_release(&before);
		}
		/* live tables and their columns are found by name */
		if (rc == RDB_OK && rdb_cat_descs(&c) == RDB_OK) {
			const struct rdb_table_desc *const *t = c.descp;
			size_t i, j;
			for (i = 0; i < c.ndesc; i++) {
				struct rdb_tbl *tb = rdb_cat_find(&c, t[i]->name);
				if (tb == NULL || tb->id != t[i]->id)
					abort();
				for (j = 0; j < t[i]->ncols; j++)
					if (rdb_tbl_col(tb, t[i]->cols[j].name) != (int)j)
						abort();
			}
		}
	}
	rdb_cat_release(&c);
}

static void commit(const uint8_t *data, size_t size)
{
	struct rdb_commit_rec c;
	struct rdb_commit_table *t;
	char *strs[3];
	uint8_t *copy = malloc(size > 0 ? size : 1);
	int rc;

	if (copy == NULL)
		return;
	memcpy(copy, data, size);
	rc = rdb_commit_decode(copy, size, &c, &t, strs);
	if (fuzz_verbose())
		fprintf(stderr, "commit: %d\n", rc);
	if (rc == RDB_OK) {
		if (c.program == NULL || c.user == NULL || c.message == NULL ||
		    c.ntables > size || c.time_us < 0)
			abort();
		free(t);
		free(strs[0]);
		free(strs[1]);
		free(strs[2]);
	} else if (t != NULL || strs[0] != NULL || strs[1] != NULL ||
	    strs[2] != NULL) {
		abort();
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
	case 1:
		load(data + 1, size - 1, data[0] & 1);
		break;
	case 2:
		cat_ops(data + 1, size - 1);
		break;
	default:
		commit(data + 1, size - 1);
	}
	return 0;
}

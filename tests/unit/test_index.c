/*
 * test_index.c - CREATE INDEX and DROP INDEX in the catalog
 * (format/manifest.md §Indexes, [F-MAN-017], [F-MAN-019]): the
 * encoders' bytes, operations that break the rules refused as damage,
 * indexes dropped with their table or a key column, and the catalog of
 * an older commit keeping the indexes of then.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idx/idx.h"
#include "seg/seg.h"
#include "txn/cat.h"
#include "unit.h"

static int ix_apply(struct rdb_cat *c, const uint8_t *op, size_t len)
{
	struct rdb_err e;

	rdb_err_clear(&e);
	return rdb_cat_apply(c, op, len, "unit", &e);
}

UNIT_TEST(index_ops)
{
	/* table 1 "t" with columns 1 "a" and 2 "b" */
	static const uint8_t create[] = { CAT_CREATE, 1, 1, 't', 2,
		1, 1, 'a', RDB_INTEGER, 0, 0, 0,
		2, 1, 'b', RDB_TEXT, 0, 0, 0 };
	/* index 1 "i" on t (b DESC, a), UNIQUE */
	static const uint8_t ci[] = { CAT_CREATE_INDEX, 1, 1, 'i', 1,
		CAT_IDX_UNIQUE, 2, 2, CAT_KEY_DESC, 1, 0 };
	static const uint8_t di[] = { CAT_DROP_INDEX, 1 };
	static const uint8_t dropcol[] = { CAT_DROP_COL, 1, 2 };
	static const uint8_t droptab[] = { CAT_DROP, 1 };
	static const uint8_t tabi[] = { CAT_CREATE, 2, 1, 'i', 1,
		1, 1, 'a', RDB_INTEGER, 0, 0, 0 };
	uint32_t cols[2] = { 2, 1 };
	uint8_t kf[2] = { CAT_KEY_DESC, 0 };
	struct rdb_idx x = { 1, (char *)"i", 1, CAT_IDX_UNIQUE, 2, cols, kf };
	struct rdb_cat c, copy;
	struct rdb_buf b;
	uint8_t bad[sizeof ci + 1];

	memset(&b, 0, sizeof b);
	CHECK(rdb_cat_enc_create_index(&b, &x) == RDB_OK);
	CHECK(b.len == sizeof ci && memcmp(b.p, ci, b.len) == 0);
	b.len = 0;
	CHECK(rdb_cat_enc_drop_index(&b, 1) == RDB_OK);
	CHECK(b.len == sizeof di && memcmp(b.p, di, b.len) == 0);
	rdb_buf_release(&b);

	rdb_cat_init(&c);
	/* no table yet, no index to drop */
	CHECK(ix_apply(&c, ci, sizeof ci) == RDB_ECORRUPT);
	CHECK(ix_apply(&c, di, sizeof di) == RDB_ECORRUPT);
	CHECK(ix_apply(&c, create, sizeof create) == RDB_OK);
	/* each field broken on purpose [F-MAN-019] */
#define BROKEN(at, v) do { memcpy(bad, ci, sizeof ci); bad[at] = (v); \
	CHECK(ix_apply(&c, bad, sizeof ci) == RDB_ECORRUPT); \
	CHECK(c.nindexes == 0); } while (0)
	BROKEN(1, 2);                   /* id out of sequence */
	BROKEN(4, 2);                   /* no table 2 */
	BROKEN(5, 2);                   /* a flag bit but 0 */
	BROKEN(6, 0);                   /* no key */
	BROKEN(7, 3);                   /* no column 3 */
	BROKEN(7, 1);                   /* column 1 twice */
	BROKEN(8, 3);                   /* a key flag bit but 0 */
#undef BROKEN
	CHECK(ix_apply(&c, ci, sizeof ci - 1) == RDB_ECORRUPT);
	memcpy(bad, ci, sizeof ci);
	bad[sizeof ci] = 0;
	CHECK(ix_apply(&c, bad, sizeof bad) == RDB_ECORRUPT);
	CHECK(ix_apply(&c, ci, sizeof ci) == RDB_OK);
	CHECK(c.nindexes == 1 && c.next_index_id == 2);
	CHECK(rdb_cat_index(&c, "I") == &c.indexes[0]);
	/* one namespace [F-MAN-017]: no table "i" now, nor a second "i" */
	CHECK(ix_apply(&c, tabi, sizeof tabi) == RDB_ECORRUPT);
	{
		uint8_t again[sizeof ci];
		memcpy(again, ci, sizeof ci);
		again[1] = 2;
		CHECK(ix_apply(&c, again, sizeof again) == RDB_ECORRUPT);
	}
	/* the descriptions give positions and directions */
	CHECK(rdb_cat_descs(&c) == RDB_OK);
	CHECK(c.ndesc == 1 && c.desc[0].nindexes == 1);
	CHECK(c.desc[0].indexes[0]->unique && c.desc[0].indexes[0]->nkeys == 2);
	CHECK(c.desc[0].indexes[0]->cols[0] == 1 &&
	    c.desc[0].indexes[0]->cols[1] == 0);
	CHECK(c.desc[0].indexes[0]->desc[0] == 1 &&
	    c.desc[0].indexes[0]->desc[1] == 0);
	CHECK(strcmp(c.desc[0].indexes[0]->table, "t") == 0);
	/* a copy has it */
	CHECK(rdb_cat_copy(&copy, &c) == RDB_OK);
	CHECK(copy.nindexes == 1 && copy.next_index_id == 2 &&
	    copy.indexes[0].cols[0] == 2);
	/* DROP COLUMN of a key column drops the index */
	CHECK(ix_apply(&copy, dropcol, sizeof dropcol) == RDB_OK);
	CHECK(copy.nindexes == 0 && copy.next_index_id == 2);
	rdb_cat_release(&copy);
	/* DROP TABLE drops it */
	CHECK(rdb_cat_copy(&copy, &c) == RDB_OK);
	CHECK(ix_apply(&copy, droptab, sizeof droptab) == RDB_OK);
	CHECK(copy.nindexes == 0);
	CHECK(ix_apply(&copy, di, sizeof di) == RDB_ECORRUPT);
	rdb_cat_release(&copy);
	/* DROP INDEX; then its id is not reused */
	CHECK(ix_apply(&c, di, sizeof di) == RDB_OK);
	CHECK(c.nindexes == 0);
	CHECK(ix_apply(&c, di, sizeof di) == RDB_ECORRUPT);
	CHECK(ix_apply(&c, ci, sizeof ci) == RDB_ECORRUPT);
	CHECK(ix_apply(&c, tabi, sizeof tabi) == RDB_OK);
	rdb_cat_release(&c);
}

/* Through the public API: the catalog of an older commit keeps the
 * indexes it had; a UNIQUE index refuses rows already breaking it. */
UNIT_TEST(index_as_of)
{
	static const struct rdb_column_def col = { "a", RDB_INTEGER, 0, 0, 0,
		NULL, 0, 0 };
	static const enum rdb_type types[] = { RDB_INTEGER };
	static const char *const keys[] = { "A" };
	static const int desc[] = { 1 };
	struct rdb_open_options oo = { 0, 0, "unit" };
	struct rdb_settings set;
	const struct rdb_index_desc *const *l;
	const struct rdb_index_desc *d;
	struct rdb_db *db = NULL;
	struct rdb_txn *t = NULL;
	struct rdb_batch *b;
	char path[4096];
	size_t n;
	uint64_t made = 0;

	snprintf(path, sizeof path, "%s/db", unit_tmpdir());
	rdb_settings_init(&set);
	CHECK(rdb_create(path, &set, &oo, &db) == RDB_OK);
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	CHECK(rdb_table_create(t, "x", &col, 1) == RDB_OK);
	b = rdb_batch_new(1, types);
	CHECK(rdb_batch_put_int(b, 0, 7) == RDB_OK);
	CHECK(rdb_batch_end_row(b) == RDB_OK);
	CHECK(rdb_batch_put_int(b, 0, 7) == RDB_OK);
	CHECK(rdb_batch_end_row(b) == RDB_OK);
	CHECK(rdb_insert(t, "x", b, NULL) == RDB_OK);
	rdb_batch_free(b);
	CHECK(rdb_index_create(t, "xi", "x", keys, desc, 1, 0) == RDB_OK);
	CHECK(rdb_txn_commit(t, NULL, &made) == RDB_OK);
	/* bad calls */
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	CHECK(rdb_index_create(t, "xi", "x", keys, NULL, 1, 0) == RDB_EEXIST);
	CHECK(rdb_index_create(t, "x", "x", keys, NULL, 1, 0) == RDB_EEXIST);
	CHECK(rdb_index_create(t, "x2", "nope", keys, NULL, 1, 0) == RDB_ENOENT);
	CHECK(rdb_index_create(t, "x2", "x", keys, NULL, 0, 0) == RDB_EINVAL);
	CHECK(rdb_table_create(t, "XI", &col, 1) == RDB_EEXIST);
	CHECK(rdb_index_drop(t, "nope") == RDB_ENOENT);
	CHECK(rdb_index_create(t, "xu", "x", keys, NULL, 1, 1) ==
	    RDB_ECONSTRAINT);
	CHECK(strstr(rdb_errmsg(db), "UNIQUE index 'xu'") != NULL);
	rdb_txn_abort(t);
	/* drop it */
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	CHECK(rdb_index_drop(t, "XI") == RDB_OK);
	CHECK(rdb_txn_commit(t, NULL, NULL) == RDB_OK);
	/* now: none; at its commit: it */
	CHECK(rdb_txn_begin(db, 0, 0, &t) == RDB_OK);
	CHECK(rdb_index_list(t, &l, &n) == RDB_OK && n == 0);
	CHECK(rdb_index_find(t, "xi", &d) == RDB_ENOENT);
	rdb_txn_abort(t);
	CHECK(rdb_txn_begin(db, 0, made, &t) == RDB_OK);
	CHECK(rdb_index_list(t, &l, &n) == RDB_OK && n == 1);
	CHECK(strcmp(l[0]->name, "xi") == 0 && l[0]->desc[0] == 1 &&
	    l[0]->cols[0] == 0 && !l[0]->unique);
	rdb_txn_abort(t);
	rdb_close(db);
}

/* ---------------------------------------------------------------- */
/* Index files (format/index.md)                                     */

/* Row r of the test segment: a INTEGER (NULL every 7th, 13 values),
 * b TEXT (with a 0 byte now and then), c DOUBLE (negative and -0). */
static void ix_row(struct rdb_batch *b, int r)
{
	char s[8];
	size_t n;

	if (r % 7 == 3)
		CHECK(rdb_batch_put_null(b, 0) == RDB_OK);
	else
		CHECK(rdb_batch_put_int(b, 0, (r * 5) % 13 - 6) == RDB_OK);
	n = (size_t)snprintf(s, sizeof s, "k%d", r % 10);
	if (r % 11 == 0)
		s[1] = 0;
	CHECK(rdb_batch_put_bytes(b, 1, s, n) == RDB_OK);
	CHECK(rdb_batch_put_double(b, 2, r % 9 == 0 ? -0.0 :
	    (r % 4 - 1.5) * r) == RDB_OK);
	CHECK(rdb_batch_end_row(b) == RDB_OK);
}

UNIT_TEST(index_file)
{
	static const enum rdb_type types[] = { RDB_INTEGER, RDB_TEXT,
		RDB_DOUBLE };
	static const struct rdb_segw_col cols[] = { { 1, RDB_INTEGER, 0, 0 },
		{ 2, RDB_TEXT, 0, 0 }, { 3, RDB_DOUBLE, 0, 0 } };
	enum { ROWS = 3000, RG = 1000 };
	uint32_t ids[2] = { 1, 2 };
	uint8_t kf[2] = { 0, CAT_KEY_DESC };
	struct rdb_idx_def def = { 9, 2, ids, kf };
	struct rdb_segw *w = NULL;
	struct rdb_seg *g = NULL;
	struct rdb_idx *x = NULL;
	struct rdb_batch *b;
	struct rdb_err e;
	struct rdb_buf key;
	uint64_t rowid[RG], commit[RG], size;
	uint32_t *pos;
	size_t n, i;
	int64_t off;
	int r, rg, v;
	char path[4096], ipath[4200];
	FILE *f;

	rdb_err_clear(&e);
	snprintf(path, sizeof path, "%s/s.seg", unit_tmpdir());
	snprintf(ipath, sizeof ipath, "%s/9/s.idx", unit_tmpdir());
	CHECK(rdb_segw_open(path, 0, 0, 3, cols, &w, &e) == RDB_OK);
	for (rg = 0; rg < ROWS / RG; rg++) {
		b = rdb_batch_new(3, types);
		for (r = 0; r < RG; r++) {
			ix_row(b, rg * RG + r);
			rowid[r] = (uint64_t)(rg * RG + r);
			commit[r] = 1;
		}
		CHECK(rdb_segw_rowgroup(w, RG, rowid, commit, b->cols, &e) ==
		    RDB_OK);
		rdb_batch_free(b);
	}
	CHECK(rdb_segw_finish(w, &size, &e) == RDB_OK);
	CHECK(rdb_seg_open(unit_tmpdir(), "s.seg", size, &g, &e) == RDB_OK);
	CHECK(rdb_idx_write(ipath, g, &def, &e) == RDB_OK);
	CHECK(rdb_idx_check(ipath, g, &def, 1, &off, &e) == RDB_OK && off == -1);
	CHECK(rdb_idx_open(ipath, &x, &e) == RDB_OK);
	CHECK(rdb_idx_rows(x) == ROWS);

	/* a = v, for each v and NULL: exactly the rows that have it */
	rdb_buf_init(&key);
	for (v = -7; v <= 7; v++) {
		size_t want = 0, k = 0;
		key.len = 0;
		if (v == 7)
			CHECK(rdb_buf_put8(&key, 0) == RDB_OK);     /* NULL */
		else
			CHECK(rdb_idx_key_put_int(&key, v, 0) == RDB_OK);
		CHECK(rdb_idx_range(x, key.p, key.len, 0, key.p, key.len, 0, &pos,
		    &n, &e) == RDB_OK);
		for (r = 0; r < ROWS; r++) {
			int isnull = r % 7 == 3;
			if (v == 7 ? isnull : !isnull && (r * 5) % 13 - 6 == v) {
				want++;
				CHECK(k < n && pos[k] == (uint32_t)r);
				k++;
			}
		}
		CHECK(n == want);
		free(pos);
	}
	/* -2 < a <= 3, a range across blocks */
	{
		struct rdb_buf hi;
		size_t want = 0;
		rdb_buf_init(&hi);
		key.len = 0;
		CHECK(rdb_idx_key_put_int(&key, -2, 0) == RDB_OK);
		CHECK(rdb_idx_key_put_int(&hi, 3, 0) == RDB_OK);
		CHECK(rdb_idx_range(x, key.p, key.len, 1, hi.p, hi.len, 0, &pos,
		    &n, &e) == RDB_OK);
		for (r = 0; r < ROWS; r++)
			if (r % 7 != 3 && (r * 5) % 13 - 6 > -2 &&
			    (r * 5) % 13 - 6 <= 3)
				want++;
		CHECK(n == want);
		for (i = 1; i < n; i++)
			CHECK(pos[i - 1] < pos[i]);
		free(pos);
		rdb_buf_release(&hi);
	}
	/* no bounds: every row once */
	CHECK(rdb_idx_range(x, NULL, 0, 0, NULL, 0, 0, &pos, &n, &e) == RDB_OK);
	CHECK(n == ROWS);
	for (i = 0; i < n; i++)
		CHECK(pos[i] == i);
	free(pos);
	rdb_idx_close(x);
	rdb_buf_release(&key);

	/* key forms keep order: ints, doubles, NULL, DESC */
	{
		struct rdb_buf a, c;
		rdb_buf_init(&a);
		rdb_buf_init(&c);
		CHECK(rdb_idx_key_put_int(&a, -1, 0) == RDB_OK);
		CHECK(rdb_idx_key_put_int(&c, 1, 0) == RDB_OK);
		CHECK(memcmp(a.p, c.p, 9) < 0);
		a.len = c.len = 0;
		CHECK(rdb_idx_key_put_double(&a, -2.5, 0) == RDB_OK);
		CHECK(rdb_idx_key_put_double(&c, -0.5, 0) == RDB_OK);
		CHECK(memcmp(a.p, c.p, 9) < 0);
		a.len = c.len = 0;
		CHECK(rdb_idx_key_put_double(&a, -0.0, 0) == RDB_OK);
		CHECK(rdb_idx_key_put_double(&c, 0.0, 0) == RDB_OK);
		CHECK(memcmp(a.p, c.p, 9) == 0);
		a.len = c.len = 0;
		CHECK(rdb_idx_key_put_int(&a, 5, 1) == RDB_OK);
		CHECK(rdb_idx_key_put_int(&c, 6, 1) == RDB_OK);
		CHECK(memcmp(a.p, c.p, 9) > 0);
		CHECK(rdb_idx_key_put(&a, NULL, 0, 0) == RDB_OK);
		CHECK(a.p[a.len - 1] == 0);
		rdb_buf_release(&a);
		rdb_buf_release(&c);
	}

	/* damage: a flipped byte in a block, in the footer, a cut file;
	 * another index's definition */
	{
		uint8_t byte;
		struct stat st;
		CHECK(stat(ipath, &st) == 0);
		CHECK((f = fopen(ipath, "r+b")) != NULL);
		CHECK(fseek(f, 40, SEEK_SET) == 0 && fread(&byte, 1, 1, f) == 1);
		byte ^= 0x10;
		CHECK(fseek(f, 40, SEEK_SET) == 0 && fwrite(&byte, 1, 1, f) == 1);
		fclose(f);
		CHECK(rdb_idx_check(ipath, g, &def, 1, &off, &e) == RDB_ECORRUPT);
		CHECK(off == 16 && strstr(e.msg, "block checksum") != NULL);
		CHECK(rdb_idx_write(ipath, g, &def, &e) == RDB_OK);
		CHECK((f = fopen(ipath, "r+b")) != NULL);
		CHECK(fseek(f, st.st_size - 20, SEEK_SET) == 0 &&
		    fread(&byte, 1, 1, f) == 1);
		byte ^= 0x01;
		CHECK(fseek(f, st.st_size - 20, SEEK_SET) == 0 &&
		    fwrite(&byte, 1, 1, f) == 1);
		fclose(f);
		CHECK(rdb_idx_open(ipath, &x, &e) == RDB_ECORRUPT && x == NULL);
		CHECK(strstr(e.msg, "footer checksum") != NULL);
		CHECK(rdb_idx_write(ipath, g, &def, &e) == RDB_OK);
		CHECK(truncate(ipath, st.st_size - 1) == 0);
		CHECK(rdb_idx_open(ipath, &x, &e) == RDB_ECORRUPT);
		CHECK(truncate(ipath, 10) == 0);
		CHECK(rdb_idx_open(ipath, &x, &e) == RDB_ECORRUPT);
		CHECK(rdb_idx_write(ipath, g, &def, &e) == RDB_OK);
		kf[1] = 0;      /* now b ascending: the file is not the index's */
		CHECK(rdb_idx_check(ipath, g, &def, 1, &off, &e) == RDB_ECORRUPT);
		CHECK(off > 0 && strstr(e.msg, "does not match") != NULL);
		/* quick: checksums only */
		CHECK(rdb_idx_check(ipath, g, &def, 0, &off, &e) == RDB_OK);
	}
	rdb_seg_close(g);
}

/*
 * test_default.c - column defaults in the catalog [F-MAN-014],
 * [F-MAN-015]: kept through the WAL, a checkpoint's manifest, snapshots
 * and column renames and drops; damaged ones refused.
 */
#include <stdlib.h>

#include "db/db_int.h"
#include "fs/dir.h"
#include "txn/cat.h"
#include "unit.h"

static struct rdb_db *dflt_open(const char *path, int create)
{
	struct rdb_open_options oo = { 0, 0, "unit" };
	struct rdb_db *db = NULL;

	if (create)
		CHECK(rdb_create(path, NULL, &oo, &db) == RDB_OK);
	else
		CHECK(rdb_open(path, &oo, &db) == RDB_OK);
	return db;
}

static uint64_t dflt_commit(struct rdb_txn *t)
{
	struct rdb_commit_opts o = { "unit", "unit", "defaults" };
	uint64_t id = 0;

	CHECK(rdb_txn_commit(t, &o, &id) == RDB_OK);
	return id;
}

/* Check the default of column col of table; want NULL: none. */
static void dflt_is(struct rdb_txn *t, const char *table, const char *col,
    const char *want)
{
	const struct rdb_table_desc *td = NULL;
	size_t i;

	CHECK(rdb_table_find(t, table, &td) == RDB_OK);
	if (td == NULL)
		return;
	for (i = 0; i < td->ncols; i++)
		if (strcmp(td->cols[i].name, col) == 0)
			break;
	CHECK(i < td->ncols);
	if (i == td->ncols)
		return;
	if (want == NULL)
		CHECK(td->cols[i].default_sql == NULL);
	else
		CHECK_STR(td->cols[i].default_sql, want);
}

/* What the catalog holds after both commits of dflt_roundtrip. */
static void dflt_latest(struct rdb_db *db)
{
	const struct rdb_table_desc *const *list;
	struct rdb_txn *t = NULL;
	size_t n = 0;

	CHECK(rdb_txn_begin(db, 0, 0, &t) == RDB_OK);
	dflt_is(t, "t", "a", "0");
	dflt_is(t, "t", "b2", "'x'");           /* renamed, default kept */
	dflt_is(t, "t", "plain", NULL);
	dflt_is(t, "t", "u", "'d\xc3\xa9j\xc3\xa0 \xe2\x82\xac'");
	dflt_is(t, "t", "d", "current_date");
	CHECK(rdb_table_list(t, &list, &n) == RDB_OK);
	CHECK(n == 2 && list[1]->ncols == 1 && list[1]->cols[0].default_sql == NULL);
	CHECK(n == 2 && list[0]->ncols == 5);   /* "gone" dropped */
	rdb_txn_abort(t);
	/* the snapshot of the first commit: before ADD, RENAME and DROP */
	CHECK(rdb_txn_begin(db, 0, 1, &t) == RDB_OK);
	dflt_is(t, "t", "b", "'x'");
	dflt_is(t, "t", "gone", "1 + 1");
	rdb_txn_abort(t);
}

UNIT_TEST(default_roundtrip)
{
	static const struct rdb_column_def cols[] = {
		{ "a", RDB_INTEGER, 0, 0, 0, "0", 0, 0 },
		{ "b", RDB_TEXT, 0, 0, 0, "'x'", 0, 0 },
		{ "plain", RDB_BIGINT, 0, 0, 1, NULL, 0, 0 },
		{ "u", RDB_TEXT, 0, 0, 0, "'d\xc3\xa9j\xc3\xa0 \xe2\x82\xac'", 0, 0 },
		{ "gone", RDB_INTEGER, 0, 0, 0, "1 + 1", 0, 0 },
	};
	static const struct rdb_column_def none[] = {
		{ "k", RDB_INTEGER, 0, 0, 0, NULL, 0, 0 },
	};
	struct rdb_column_def d = { "d", RDB_DATE, 0, 0, 0, "current_date", 0, 0 };
	char *path = rdb_path_join(unit_tmpdir(), "dflt.rdb");
	struct rdb_db *db = dflt_open(path, 1);
	struct rdb_txn *t = NULL;

	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	CHECK(rdb_table_create(t, "t", cols, 5) == RDB_OK);
	CHECK(rdb_table_create(t, "n", none, 1) == RDB_OK);
	dflt_is(t, "t", "b", "'x'");            /* seen before the commit */
	CHECK(dflt_commit(t) == 1);
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	CHECK(rdb_column_add(t, "t", &d) == RDB_OK);
	CHECK(rdb_column_rename(t, "t", "b", "b2") == RDB_OK);
	CHECK(rdb_column_drop(t, "t", "gone") == RDB_OK);
	CHECK(dflt_commit(t) == 2);
	dflt_latest(db);
	rdb_close(db);

	db = dflt_open(path, 0);                /* from the WAL */
	dflt_latest(db);
	CHECK(rdb_checkpoint(db) == RDB_OK);
	rdb_close(db);
	db = dflt_open(path, 0);                /* from the manifest */
	dflt_latest(db);
	rdb_close(db);
	free(path);
}

/* A transaction that fails keeps nothing of a default. */
UNIT_TEST(default_refused)
{
	char big[RDB_MAX_DEFAULT_SQL + 2];
	struct rdb_column_def c = { "c", RDB_TEXT, 0, 0, 0, NULL, 0, 0 };
	char *path = rdb_path_join(unit_tmpdir(), "bad.rdb");
	struct rdb_db *db = dflt_open(path, 1);
	struct rdb_txn *t = NULL;

	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	c.default_sql = "";
	CHECK(rdb_table_create(t, "t", &c, 1) == RDB_EINVAL);
	c.default_sql = "'\xff'";
	CHECK(rdb_table_create(t, "t", &c, 1) == RDB_EINVAL);
	CHECK(strstr(rdb_errmsg(db), "default") != NULL);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';             /* 4097 bytes */
	c.default_sql = big;
	CHECK(rdb_table_create(t, "t", &c, 1) == RDB_EINVAL);
	big[RDB_MAX_DEFAULT_SQL] = '\0';        /* 4096: the most allowed */
	CHECK(rdb_table_create(t, "t", &c, 1) == RDB_OK);
	dflt_is(t, "t", "c", big);
	CHECK(dflt_commit(t) == 1);
	rdb_close(db);
	db = dflt_open(path, 0);
	CHECK(rdb_txn_begin(db, 0, 0, &t) == RDB_OK);
	dflt_is(t, "t", "c", big);
	rdb_txn_abort(t);
	rdb_close(db);
	free(path);
}

/* Apply the CREATE TABLE op `op` (len bytes) to an empty catalog. */
static int dflt_apply(const uint8_t *op, size_t len)
{
	struct rdb_cat c;
	struct rdb_err e;
	int rc;

	rdb_cat_init(&c);
	rdb_err_clear(&e);
	rc = rdb_cat_apply(&c, op, len, "unit", &e);
	rdb_cat_release(&c);
	return rc;
}

UNIT_TEST(default_damage)
{
	/* CREATE TABLE 1 "t" (1 "c" TEXT flags) then the default */
	static const uint8_t head[] = { CAT_CREATE, 1, 1, 't', 1, 1, 1, 'c',
		RDB_TEXT, 0, 0 };
	uint8_t op[64];
	size_t h = sizeof head;
	struct rdb_column_def d = { "c", RDB_TEXT, 0, 0, 0, "'v'", 0, 0 };
	struct rdb_cat c, copy;
	struct rdb_buf b;
	struct rdb_err e;

	memcpy(op, head, h);
	/* well formed: flags 2, "'v'" */
	op[h] = CAT_COL_DEFAULT;
	op[h + 1] = 3;
	memcpy(op + h + 2, "'v'", 3);
	CHECK(dflt_apply(op, h + 5) == RDB_OK);
	/* the encoder writes exactly these bytes */
	memset(&b, 0, sizeof b);
	CHECK(rdb_cat_enc_create(&b, 1, "t", &d, 1) == RDB_OK);
	CHECK(b.len == h + 5 && memcmp(b.p, op, h + 5) == 0);
	rdb_buf_release(&b);
	/* runs past the operation */
	CHECK(dflt_apply(op, h + 4) == RDB_ECORRUPT);
	CHECK(dflt_apply(op, h + 1) == RDB_ECORRUPT);
	/* empty */
	op[h + 1] = 0;
	CHECK(dflt_apply(op, h + 2) == RDB_ECORRUPT);
	/* a NUL byte, then a byte that is not UTF-8 */
	op[h + 1] = 3;
	op[h + 3] = 0;
	CHECK(dflt_apply(op, h + 5) == RDB_ECORRUPT);
	op[h + 3] = 0xc0;
	CHECK(dflt_apply(op, h + 5) == RDB_ECORRUPT);
	/* a length of 2^62: refused before any allocation */
	memcpy(op + h + 1, "\x80\x80\x80\x80\x80\x80\x80\x80\x40", 9);
	CHECK(dflt_apply(op, h + 10) == RDB_ECORRUPT);
	/* 4097 (0x81 0x20) with the bytes missing */
	memcpy(op + h + 1, "\x81\x20", 2);
	CHECK(dflt_apply(op, h + 3) == RDB_ECORRUPT);
	/* an unknown flag bit, with and without the default's */
	op[h] = 4;
	CHECK(dflt_apply(op, h + 1) == RDB_ECORRUPT);
	op[h] = 0x80 | CAT_COL_DEFAULT;
	op[h + 1] = 3;
	memcpy(op + h + 2, "'v'", 3);
	CHECK(dflt_apply(op, h + 5) == RDB_ECORRUPT);
	/* without bit 1: no default, the old encoding [F-MAN-014] */
	op[h] = 0;
	CHECK(dflt_apply(op, h + 1) == RDB_OK);
	CHECK(dflt_apply(op, h + 5) == RDB_ECORRUPT);   /* trailing bytes */

	/* a copy of the catalog keeps its own */
	op[h] = CAT_COL_DEFAULT;
	rdb_cat_init(&c);
	rdb_err_clear(&e);
	CHECK(rdb_cat_apply(&c, op, h + 5, "unit", &e) == RDB_OK);
	CHECK(rdb_cat_copy(&copy, &c) == RDB_OK);
	rdb_cat_release(&c);
	CHECK(copy.ntables == 1 && copy.tables[0].ncols == 1);
	if (copy.ntables == 1)
		CHECK_STR(copy.tables[0].cols[0].dflt, "'v'");
	rdb_cat_release(&copy);
}

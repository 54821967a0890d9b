/*
 * test_keys.c - PRIMARY KEY and UNIQUE columns [F-MAN-018]: kept in the
 * catalog through the WAL and a checkpoint, damaged flags refused, and
 * rdb_table_check_unique finding the first clash as the transaction
 * sees the table.
 */
#include <stdlib.h>

#include "db/db_int.h"
#include "fs/dir.h"
#include "txn/cat.h"
#include "unit.h"

static struct rdb_db *keys_open(const char *path, int create)
{
	struct rdb_open_options oo = { 0, 0, "unit" };
	struct rdb_db *db = NULL;

	if (create)
		CHECK(rdb_create(path, NULL, &oo, &db) == RDB_OK);
	else
		CHECK(rdb_open(path, &oo, &db) == RDB_OK);
	return db;
}

static void keys_commit(struct rdb_txn *t)
{
	struct rdb_commit_opts o = { "unit", "unit", "keys" };
	uint64_t id = 0;

	CHECK(rdb_txn_commit(t, &o, &id) == RDB_OK);
}

/* Insert rows (k, u) of INTEGER values; -1 is NULL. */
static int keys_insert(struct rdb_txn *t, const int *k, const int *u, int n)
{
	static const enum rdb_type types[] = { RDB_INTEGER, RDB_INTEGER,
		RDB_TEXT };
	struct rdb_batch *b = rdb_batch_new(3, types);
	int i, rc;

	for (i = 0; i < n; i++) {
		CHECK(rdb_batch_put_int(b, 0, k[i]) == RDB_OK);
		if (u[i] < 0)
			CHECK(rdb_batch_put_null(b, 1) == RDB_OK);
		else
			CHECK(rdb_batch_put_int(b, 1, u[i]) == RDB_OK);
		CHECK(rdb_batch_put_bytes(b, 2, "x", 1) == RDB_OK);
		CHECK(rdb_batch_end_row(b) == RDB_OK);
	}
	rc = rdb_insert(t, "t", b, NULL);
	rdb_batch_free(b);
	return rc;
}

static void keys_seen(struct rdb_db *db)
{
	const struct rdb_table_desc *td = NULL;
	struct rdb_txn *t = NULL;

	CHECK(rdb_txn_begin(db, 0, 0, &t) == RDB_OK);
	CHECK(rdb_table_find(t, "t", &td) == RDB_OK);
	if (td != NULL && td->ncols == 3) {
		CHECK(td->cols[0].primary_key && td->cols[0].not_null &&
		    !td->cols[0].unique);
		CHECK(!td->cols[1].primary_key && td->cols[1].unique);
		CHECK(!td->cols[2].primary_key && !td->cols[2].unique);
	}
	rdb_txn_abort(t);
}

UNIT_TEST(keys_roundtrip_and_check)
{
	static const struct rdb_column_def cols[] = {
		{ "k", RDB_INTEGER, 0, 0, 1, NULL, 1, 0 },
		{ "u", RDB_INTEGER, 0, 0, 0, NULL, 0, 1 },
		{ "s", RDB_TEXT, 0, 0, 0, NULL, 0, 0 },
	};
	struct rdb_column_def bad = { "b", RDB_INTEGER, 0, 0, 0, NULL, 1, 0 };
	static const int k1[] = { 1, 2, 3 }, u1[] = { 10, -1, -1 };
	static const int k2[] = { 4 }, u2[] = { 10 };
	static const int k3[] = { 3 }, u3[] = { 30 };
	char *path = rdb_path_join(unit_tmpdir(), "keys.rdb");
	struct rdb_db *db = keys_open(path, 1);
	struct rdb_txn *t = NULL;

	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	/* a key column must be NOT NULL */
	CHECK(rdb_table_create(t, "x", &bad, 1) == RDB_EINVAL);
	CHECK(rdb_table_create(t, "t", cols, 3) == RDB_OK);
	CHECK(keys_insert(t, k1, u1, 3) == RDB_OK);
	/* NULLs in a UNIQUE column never clash */
	CHECK(rdb_table_check_unique(t, "t") == RDB_OK);
	keys_commit(t);
	keys_seen(db);

	/* a clash with a committed row, in the UNIQUE column */
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	CHECK(keys_insert(t, k2, u2, 1) == RDB_OK);
	CHECK(rdb_table_check_unique(t, "t") == RDB_ECONSTRAINT);
	CHECK(strstr(rdb_errmsg(db), "duplicate key (u) = (10)") != NULL);
	rdb_txn_abort(t);
	/* and in the key */
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	CHECK(keys_insert(t, k3, u3, 1) == RDB_OK);
	CHECK(rdb_table_check_unique(t, "t") == RDB_ECONSTRAINT);
	CHECK(strstr(rdb_errmsg(db), "duplicate key (k) = (3)") != NULL);
	rdb_txn_abort(t);
	/* a key column cannot be added, nor a UNIQUE one to rows */
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	bad.not_null = 1;
	CHECK(rdb_column_add(t, "t", &bad) == RDB_EINVAL);
	bad.primary_key = 0;
	bad.not_null = 0;
	bad.unique = 1;
	CHECK(rdb_column_add(t, "t", &bad) == RDB_EINVAL);
	rdb_txn_abort(t);
	rdb_close(db);

	db = keys_open(path, 0);                /* from the WAL */
	keys_seen(db);
	CHECK(rdb_checkpoint(db) == RDB_OK);
	rdb_close(db);
	db = keys_open(path, 0);                /* from the manifest */
	keys_seen(db);
	rdb_close(db);
	free(path);
}

static int keys_apply(const uint8_t *op, size_t len)
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

UNIT_TEST(keys_damage)
{
	/* CREATE TABLE 1 "t" (1 "c" INTEGER flags) */
	uint8_t op[] = { CAT_CREATE, 1, 1, 't', 1, 1, 1, 'c', RDB_INTEGER, 0, 0,
		0 };
	size_t h = sizeof op - 1;

	op[h] = CAT_COL_PRIMARY | CAT_COL_NOT_NULL;
	CHECK(keys_apply(op, sizeof op) == RDB_OK);
	op[h] = CAT_COL_UNIQUE;
	CHECK(keys_apply(op, sizeof op) == RDB_OK);
	op[h] = CAT_COL_PRIMARY;                /* without NOT NULL */
	CHECK(keys_apply(op, sizeof op) == RDB_ECORRUPT);
	op[h] = 0x10;                           /* an unknown bit */
	CHECK(keys_apply(op, sizeof op) == RDB_ECORRUPT);
}

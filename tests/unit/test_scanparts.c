/*
 * test_scanparts.c - scans in parts (rdb_scan_options.part, nparts):
 * together they read each row once, every nparts-th row group each, or,
 * sharing a claim counter, the row groups in turn as each wants one.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "rdb/rdb.h"

#define NROWS 10000             /* 9 row groups of 1024 rows, and one
				   of 784 */

/* A database whose table t holds 0 .. NROWS - 1 in row groups. */
static struct rdb_db *parts_db(void)
{
	static const struct rdb_column_def col = { "a", RDB_BIGINT, 0, 0, 0,
		NULL, 0, 0 };
	static const enum rdb_type types[] = { RDB_BIGINT };
	struct rdb_open_options oo = { 0, 0, "unit" };
	struct rdb_settings set;
	struct rdb_compact_stats st;
	struct rdb_db *db = NULL;
	struct rdb_txn *t = NULL;
	struct rdb_batch *b;
	char path[4096];
	int i;

	snprintf(path, sizeof path, "%s/parts", unit_tmpdir());
	rdb_settings_init(&set);
	set.row_group_rows = 1024;
	CHECK(rdb_create(path, &set, &oo, &db) == RDB_OK);
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	CHECK(rdb_table_create(t, "t", &col, 1) == RDB_OK);
	b = rdb_batch_new(1, types);
	for (i = 0; i < NROWS; i++) {
		CHECK(rdb_batch_put_int(b, 0, i) == RDB_OK);
		CHECK(rdb_batch_end_row(b) == RDB_OK);
	}
	CHECK(rdb_insert(t, "t", b, NULL) == RDB_OK);
	rdb_batch_free(b);
	CHECK(rdb_txn_commit(t, NULL, NULL) == RDB_OK);
	CHECK(rdb_compact(db, &st) == RDB_OK);
	return db;
}

/* One batch of s into seen (each row counted): its rows, 0 at the end. */
static size_t take(struct rdb_scan *s, unsigned char *seen)
{
	const struct rdb_batch *b;
	const int64_t *v;
	size_t i;
	int rc = rdb_scan_next(s, &b);

	CHECK(rc >= 0);
	if (rc <= 0)
		return 0;
	v = b->cols[0].values;
	for (i = 0; i < b->nrows; i++) {
		CHECK(v[i] >= 0 && v[i] < NROWS);
		if (v[i] >= 0 && v[i] < NROWS)
			seen[v[i]]++;
	}
	return b->nrows;
}

static void open_parts(struct rdb_txn *t, struct rdb_scan **s, size_t *claim)
{
	struct rdb_scan_options o;
	unsigned p;

	for (p = 0; p < 2; p++) {
		memset(&o, 0, sizeof o);
		o.threads = 1;
		o.slice = 2048;
		o.part = p;
		o.nparts = 2;
		o.claim = claim;
		CHECK(rdb_scan_open(t, "t", &o, &s[p]) == RDB_OK);
	}
}

static void all_once(const unsigned char *seen)
{
	int i, bad = 0;

	for (i = 0; i < NROWS; i++)
		bad += seen[i] != 1;
	CHECK(bad == 0);
}

UNIT_TEST(scan_parts_claim)
{
	struct rdb_db *db = parts_db();
	struct rdb_txn *t = NULL;
	struct rdb_scan *s[2];
	unsigned char *seen = calloc(NROWS, 1);
	size_t claim, n0, n1, k;

	CHECK(seen != NULL);
	CHECK(rdb_txn_begin(db, 0, 0, &t) == RDB_OK);

	/* no counter: every other row group each, whoever reads first */
	open_parts(t, s, NULL);
	for (n0 = 0; (k = take(s[0], seen)) > 0; n0 += k)
		;
	for (n1 = 0; (k = take(s[1], seen)) > 0; n1 += k)
		;
	CHECK(n0 == 5 * 1024 && n1 == NROWS - 5 * 1024);
	all_once(seen);
	rdb_scan_close(s[0]);
	rdb_scan_close(s[1]);

	/* a counter: a part that reads first takes every row group */
	memset(seen, 0, NROWS);
	claim = 0;
	open_parts(t, s, &claim);
	for (n0 = 0; (k = take(s[0], seen)) > 0; n0 += k)
		;
	for (n1 = 0; (k = take(s[1], seen)) > 0; n1 += k)
		;
	CHECK(n0 == NROWS && n1 == 0);
	all_once(seen);
	rdb_scan_close(s[0]);
	rdb_scan_close(s[1]);

	/* taking turns a batch (half a row group) at a time: each gets
	 * some, together all, once */
	memset(seen, 0, NROWS);
	claim = 0;
	open_parts(t, s, &claim);
	n0 = n1 = 0;
	for (;;) {
		size_t a = take(s[0], seen), b = take(s[1], seen);
		n0 += a;
		n1 += b;
		if (a == 0 && b == 0)
			break;
	}
	CHECK(n0 > 0 && n1 > 0 && n0 + n1 == NROWS);
	all_once(seen);
	rdb_scan_close(s[0]);
	rdb_scan_close(s[1]);

	rdb_txn_abort(t);
	rdb_close(db);
	free(seen);
}

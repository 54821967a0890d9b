/*
 * test_history.c - the time travel API: times read and written exactly,
 * a time maps to the last commit at or before it, history's limits are
 * RDB_EHISTORY [F-MAN-023] [F-WAL-007], and rdb_log names tables as of
 * each commit.
 */
#include <stdlib.h>

#include "unit.h"
#include "rdb/rdb.h"

UNIT_TEST(history_time_text_roundtrip)
{
	static const char *const in[] = { "2026-11-20 12:00:00",
		"2026-11-20 12:00:00.5", "1970-01-01 00:00:00.000001",
		"1969-12-31 23:59:59.999999", NULL };
	char buf[32];
	int64_t us;
	int i;

	for (i = 0; in[i] != NULL; i++) {
		CHECK(rdb_time_parse(in[i], &us) == RDB_OK);
		CHECK(rdb_time_format(us, buf, sizeof buf) == RDB_OK);
		CHECK_STR(buf, in[i]);
	}
	CHECK(rdb_time_parse("2026-11-20T13:30:00+01:30", &us) == RDB_OK);
	CHECK(rdb_time_format(us, buf, sizeof buf) == RDB_OK);
	CHECK_STR(buf, "2026-11-20 12:00:00");
	CHECK(rdb_time_parse("2026-11-20", &us) == RDB_OK);
	CHECK(us == 1795132800LL * 1000000);
	CHECK(rdb_time_parse("2026-11-20 25:00:00", &us) == RDB_EINVAL);
	CHECK(rdb_time_parse("yesterday", &us) == RDB_EINVAL);
	CHECK(rdb_time_parse(NULL, &us) == RDB_EINVAL);
	CHECK(rdb_time_format(0, buf, 8) == RDB_ENOMEM);
}

struct seen {
	uint64_t ids[8];
	int64_t times[8];
	const char *names[8];
	char buf[8][16];
	unsigned changes[8];
	int n;
};

static int log_fn(const struct rdb_commit_rec *c, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->ids[s->n] = c->id;
		s->times[s->n] = c->time_us;
		s->names[s->n] = NULL;
		s->changes[s->n] = 0;
		if (c->ntables > 0 && c->tables[0].name != NULL) {
			snprintf(s->buf[s->n], sizeof s->buf[s->n], "%s",
			    c->tables[0].name);
			s->names[s->n] = s->buf[s->n];
			s->changes[s->n] = c->tables[0].changes;
		}
	}
	s->n++;
	return 0;
}

UNIT_TEST(history_commit_at)
{
	static const struct rdb_column_def col = { "a", RDB_INTEGER, 0, 0, 0,
		NULL, 0, 0 };
	static const enum rdb_type types[] = { RDB_INTEGER };
	struct rdb_open_options oo = { 0, 0, "unit" };
	struct rdb_settings set;
	struct rdb_history h;
	struct rdb_db *db = NULL;
	struct rdb_txn *t = NULL;
	struct rdb_batch *b;
	struct seen s;
	char path[4096];
	uint64_t id;
	int i;

	snprintf(path, sizeof path, "%s/db", unit_tmpdir());
	rdb_settings_init(&set);
	set.retention = 0;
	CHECK(rdb_create(path, &set, &oo, &db) == RDB_OK);
	CHECK(rdb_history(db, &h) == RDB_OK);
	CHECK(h.oldest == 0 && h.latest == 0);
	CHECK(rdb_commit_at(db, 0, &id) == RDB_EHISTORY);
	/* 1: create x, 2: rows, 3: rename x to y */
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	CHECK(rdb_table_create(t, "x", &col, 1) == RDB_OK);
	CHECK(rdb_txn_commit(t, NULL, NULL) == RDB_OK);
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	b = rdb_batch_new(1, types);
	CHECK(rdb_batch_put_int(b, 0, 7) == RDB_OK);
	CHECK(rdb_batch_end_row(b) == RDB_OK);
	CHECK(rdb_insert(t, "x", b, NULL) == RDB_OK);
	rdb_batch_free(b);
	CHECK(rdb_txn_commit(t, NULL, NULL) == RDB_OK);
	CHECK(rdb_txn_begin(db, RDB_TXN_WRITE, 0, &t) == RDB_OK);
	CHECK(rdb_table_rename(t, "x", "y") == RDB_OK);
	CHECK(rdb_txn_commit(t, NULL, NULL) == RDB_OK);

	memset(&s, 0, sizeof s);
	CHECK(rdb_log(db, 1, 0, log_fn, &s) == RDB_OK);
	CHECK(s.n == 3);
	CHECK(s.times[0] < s.times[1] && s.times[1] < s.times[2]);
	CHECK_STR(s.names[0], "x");
	CHECK(s.changes[0] == RDB_CHANGE_CREATE);
	CHECK_STR(s.names[1], "x");
	CHECK(s.changes[1] == 0);
	CHECK_STR(s.names[2], "y");
	CHECK(s.changes[2] == RDB_CHANGE_RENAME);

	CHECK(rdb_history(db, &h) == RDB_OK);
	CHECK(h.oldest == 1 && h.latest == 3);
	CHECK(h.oldest_us == s.times[0] && h.latest_us == s.times[2]);
	for (i = 0; i < 3; i++) {
		/* its own time finds a commit; a microsecond before, the one
		 * before it */
		CHECK(rdb_commit_at(db, s.times[i], &id) == RDB_OK);
		CHECK(id == (uint64_t)i + 1);
		if (i > 0) {
			CHECK(rdb_commit_at(db, s.times[i] - 1, &id) == RDB_OK);
			CHECK(id == (uint64_t)i);
		}
	}
	CHECK(rdb_commit_at(db, s.times[0] - 1, &id) == RDB_EHISTORY);
	CHECK(id == 0);
	CHECK(strstr(rdb_errmsg(db), "is before the first commit") != NULL);
	CHECK(rdb_commit_at(db, s.times[2] + 3600000000LL * 24 * 365, &id) ==
	    RDB_EHISTORY);
	CHECK(strstr(rdb_errmsg(db), "is in the future") != NULL);
	CHECK(rdb_txn_begin(db, 0, 4, &t) == RDB_EHISTORY);

	/* inside a transaction, answered from what it saw */
	CHECK(rdb_txn_begin(db, 0, 2, &t) == RDB_OK);
	CHECK(rdb_commit_at(db, s.times[2], &id) == RDB_OK);
	CHECK(id == 3);
	rdb_txn_abort(t);

	/* a second handle holds a second snapshot */
	{
		struct rdb_db *db2 = NULL;
		struct rdb_txn *t2 = NULL;
		const struct rdb_table_desc *td;
		CHECK(rdb_txn_begin(db, 0, 0, &t) == RDB_OK);
		CHECK(rdb_open_again(db, RDB_OPEN_READONLY, &db2) == RDB_OK);
		CHECK(rdb_readonly(db2));
		CHECK(rdb_txn_begin(db2, 0, 2, &t2) == RDB_OK);
		CHECK(rdb_table_find(t2, "x", &td) == RDB_OK);
		CHECK(rdb_table_find(t, "y", &td) == RDB_OK);
		rdb_txn_abort(t2);
		rdb_close(db2);
		rdb_txn_abort(t);
	}

	/* retention 0: compaction moves the oldest readable to the latest */
	{
		struct rdb_compact_stats st;
		CHECK(rdb_compact(db, &st) == RDB_OK);
		CHECK(st.horizon == 3);
	}
	CHECK(rdb_history(db, &h) == RDB_OK);
	CHECK(h.oldest == 3 && h.oldest_us == s.times[2]);
	CHECK(rdb_commit_at(db, s.times[2] - 1, &id) == RDB_EHISTORY);
	CHECK(strstr(rdb_errmsg(db), "is outside retained history: the oldest "
	    "readable is commit 3 at ") != NULL);
	CHECK(rdb_commit_at(db, s.times[2], &id) == RDB_OK);
	CHECK(id == 3);
	CHECK(rdb_txn_begin(db, 0, 2, &t) == RDB_EHISTORY);
	rdb_close(db);
}

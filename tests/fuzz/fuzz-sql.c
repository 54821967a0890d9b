/*
 * fuzz-sql.c - libFuzzer target for the SQL engine: any text given to
 * rdb_sql_exec must be parsed, bound, planned and run (or refused with
 * an error) without a crash, a leak, an out-of-bounds access or an
 * undefined operation, and must leave the session usable.
 *
 * The input is SQL text, run against a small database made once per
 * process (tables of every type, a few rows with NULLs), inside BEGIN
 * ... ROLLBACK so that what one input writes does not pile up. At most
 * 16 statements of an input run; a statement's result rows are thrown
 * away after their values were turned into text (so every value is
 * formatted once).
 *
 * The seed corpus (tests/fuzz/corpus/sql) holds one statement per file:
 * the golden SQL of tests/sql and queries in the style of TPC-H.
 *
 * Build: tools/fuzz.sh --build sql; run: tools/fuzz.sh 60 sql.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rdb/rdb.h"

static struct rdb_db *db;
static struct rdb_sql *sql;

static int rows(void *arg, const struct rdb_batch *b)
{
	size_t r, c;
	char buf[128];
	const char *p;
	size_t len;

	(void)arg;
	for (r = 0; r < b->nrows; r++)
		for (c = 0; c < b->ncols; c++)
			if (!rdb_vec_is_null(&b->cols[c], r))
				(void)rdb_value_text(&b->cols[c], r, buf, sizeof(buf), &p,
				    &len);
	return 0;
}

static void run(const char *text)
{
	size_t pos = 0, len = strlen(text);
	struct rdb_sql_result res;

	while (pos < len) {
		size_t before = pos;
		if (rdb_sql_exec(sql, text, len, &pos, NULL, &res) != RDB_OK ||
		    res.tag[0] == '\0' || pos == before)
			break;
	}
}

static void setup(void)
{
	char dir[] = "/tmp/rdb-fuzz-sql.XXXXXX";
	struct rdb_settings st;
	char path[64];

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/db", dir);
	rdb_settings_init(&st);
	st.sync = RDB_SYNC_OFF;
	if (rdb_create(path, &st, NULL, &db) != RDB_OK)
		abort();
	if (rdb_sql_open(db, NULL, &sql) != RDB_OK)
		abort();
	run("CREATE TABLE t (i INTEGER NOT NULL, b BIGINT, d DOUBLE, "
	    "m DECIMAL(12,2), s TEXT, dt DATE, ts TIMESTAMP, bo BOOLEAN, j JSON);"
	    "INSERT INTO t VALUES (1, 10, 1.5, 2.25, 'a', DATE '2024-01-31', "
	    "TIMESTAMP '2024-01-31 12:00:00', true, '{\"k\":[1,2]}'),"
	    "(2, NULL, -0.0, -1.00, '', NULL, NULL, false, 'null'),"
	    "(3, -9223372036854775808, NULL, NULL, 'héllo', DATE '1970-01-01',"
	    " TIMESTAMP '1969-12-31 23:59:59.5', NULL, NULL);"
	    "CREATE TABLE u (i INTEGER, s TEXT);"
	    "INSERT INTO u VALUES (1, 'x'), (2, NULL), (NULL, 'z');");
	rdb_sql_bind(sql, "p", "1");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct rdb_sql_sink sink = { NULL, rows, NULL };
	struct rdb_sql_result res;
	size_t pos = 0, k;
	char *text;

	if (db == NULL)
		setup();
	if (n > 1 << 16)
		return 0;
	text = malloc(n + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, n);
	text[n] = '\0';
	run("BEGIN");
	for (k = 0; k < 16 && pos < n; k++) {
		size_t before = pos;
		int rc = rdb_sql_exec(sql, text, n, &pos, &sink, &res);
		if (rc == RDB_OK && res.tag[0] == '\0')
			break;
		if (pos == before)
			break;          /* a syntax error does not advance */
	}
	run("ROLLBACK");
	/* a COMMIT in the input may have ended the transaction: the session
	 * must still work */
	if (rdb_sql_in_transaction(sql))
		run("ROLLBACK");
	free(text);
	return 0;
}

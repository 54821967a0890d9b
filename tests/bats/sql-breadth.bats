#!/usr/bin/env bats
# SQL a PostgreSQL or DuckDB user reaches for first: table functions of
# series, DML ... RETURNING, DISTINCT ON, and more scalar functions. The
# answers are in tests/sql/*.sql; here are the bad arguments, each with
# its one-line error, and what must not happen around them.

load helper

# rdb-query on db fails with exit status 1 and exactly message $2.
refused() {
	run --separate-stderr rdb-query db "$1"
	is "$status" 1
	is "$output" ""
	is "$stderr" "rdb-query: $2"
}

@test "generate_series and range refuse bad arguments, one line each" {
	rdb-init db >/dev/null
	refused "SELECT * FROM generate_series(1, 3, 0)" \
		"the step of generate_series cannot be zero (at line 1, column 37)"
	refused "SELECT * FROM range(DATE '2024-01-01', DATE '2024-02-01', INTERVAL '0 days')" \
		"the step of range cannot be zero (at line 1, column 59)"
	refused "SELECT * FROM generate_series()" \
		"generate_series takes 1 to 3 arguments (start, stop, step), not 0 (at line 1, column 15)"
	refused "SELECT * FROM range(1, 2, 3, 4)" \
		"range takes 1 to 3 arguments (start, stop, step), not 4 (at line 1, column 15)"
	refused "SELECT * FROM generate_series(1.5, 3)" \
		"generate_series takes BIGINT arguments, or DATE or TIMESTAMP ones with an INTERVAL step, not DECIMAL(2,1) (at line 1, column 31)"
	refused "SELECT * FROM generate_series('a', 'b')" \
		"generate_series takes BIGINT arguments, or DATE or TIMESTAMP ones with an INTERVAL step, not TEXT (at line 1, column 31)"
	refused "SELECT * FROM range(99999999999999999999)" \
		"range(stop) takes a BIGINT, not DECIMAL(20,0) (at line 1, column 21)"
	refused "SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-01-03')" \
		"generate_series over dates and timestamps takes (start, stop, step), step an INTERVAL (at line 1, column 15)"
	refused "SELECT * FROM generate_series(DATE '2024-01-01', 5, INTERVAL '1 day')" \
		"generate_series over dates and timestamps takes (start, stop, step), step an INTERVAL (at line 1, column 15)"
	refused "SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-01-03', 1)" \
		"generate_series over dates and timestamps takes (start, stop, step), step an INTERVAL (at line 1, column 15)"
	refused "SELECT * FROM generate_series('2024-01-01', 'soon', INTERVAL '1 day')" \
		"generate_series: cannot cast 'soon' to TIMESTAMP (at line 1, column 45)"
	refused "SELECT * FROM generate_series(start = 1, stop = 2)" \
		"generate_series has no named arguments (at line 1, column 39)"
	refused "SELECT * FROM range(1, 2) AS r(a, b)" \
		"'r' has 1 columns but 2 names were given (at line 1, column 15)"
}

@test "a series cannot read the columns of another table (no LATERAL)" {
	rdb-init db >/dev/null
	rdb-query db "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (3)"
	refused "SELECT * FROM t, generate_series(1, t.n)" \
		"the arguments of generate_series must be constants: it cannot read the columns of another table (at line 1, column 37)"
	refused "SELECT (SELECT count(*) FROM range(n)) FROM t" \
		"the arguments of range must be constants: it cannot read the columns of another table (at line 1, column 36)"
	# a constant subquery is a constant
	run --separate-stderr rdb-query db "SELECT count(*) FROM range((SELECT n FROM t))"
	is "$status" 0
	is "$stderr" ""
	is "$output" "$(printf 'count(*)\n3')"
}

@test "a long series streams: a hundred million rows in bounded memory" {
	rdb-init db >/dev/null
	run --separate-stderr /usr/bin/time -f '%M' "$RDB_BUILD/rdb-query" db \
		"SELECT count(*), sum(x) FROM range(100000000) AS r(x)"
	is "$status" 0
	is "$output" "$(printf 'count(*),sum(x)\n100000000,4999999950000000')"
	# RSS in KiB: the 800 MB of values are never held
	[ "$stderr" -lt 65536 ] || fail "max RSS $stderr KiB"
	run --separate-stderr rdb-query db "EXPLAIN SELECT * FROM range(0, 100000000, 10)"
	is "$output" "$(printf 'plan\nPROJECT (estimated rows=10000000)\n"  -> SERIES range(0, 100000000, 10) (estimated rows=10000000)"')"
}

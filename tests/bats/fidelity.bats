#!/usr/bin/env bats
# Fidelity: what rdb-query writes as CSV or NDJSON, rdb-load reads back
# to the identical table (types, NULL versus the empty string, shortest
# round-trip doubles, decimals, dates, timestamps, Unicode, newlines,
# JSON null versus SQL NULL).

load helper

setup_table() {
	rdb-init db >/dev/null
	ok rdb-query db "CREATE TABLE t (i INTEGER, b BIGINT, d DOUBLE, m DECIMAL(20,4), s TEXT, dt DATE, ts TIMESTAMP, bo BOOLEAN, j JSON)"
	ok rdb-query db "INSERT INTO t VALUES
		(1, 9223372036854775807, 0.1, 12345678901234.5678, 'multi
line, \"quoted\"', DATE '2024-02-29', TIMESTAMP '2024-02-29 23:59:59.123456', true, '{\"a\":[1,2]}'),
		(NULL, -9223372036854775808, 1e-300, -0.0001, '', DATE '0001-01-01', TIMESTAMP '1969-12-31 23:59:59', false, 'null'),
		(3, 0, -1.7976931348623157e308, NULL, NULL, NULL, NULL, NULL, NULL),
		(4, 1, 3.141592653589793, 0, 'héllo ✓ 𝄞	tab', DATE '9999-12-31', TIMESTAMP '2038-01-19 03:14:08', NULL, '\"s\"'),
		(5, 2, 2.5e-7, 99999999.9999, ' lead and trail ', DATE '1970-01-01', TIMESTAMP '1970-01-01 00:00:00.000001', true, '[1, 2.5e3, \"x\"]')"
	ok rdb-query db "CREATE TABLE back AS SELECT * FROM t WHERE false"
}

@test "CSV written by rdb-query loads back to the identical table" {
	setup_table
	ok rdb-query --format csv db "SELECT * FROM t ORDER BY b"
	printf '%s\n' "$output" > t.csv
	ok rdb-load -q db back t.csv
	ok rdb-query --format csv db "SELECT * FROM back ORDER BY b"
	is "$output" "$(cat t.csv)"
	# NULL and '' stay apart; the text is byte for byte the same
	ok rdb-query db "SELECT count(*) FROM back WHERE s = ''; SELECT count(*) FROM back WHERE s IS NULL"
	is "$output" "count(*)
1
count(*)
1"
	ok rdb-query db "SELECT count(*) FROM t JOIN back USING (b) WHERE t.s = back.s AND t.d = back.d AND t.m = back.m AND t.ts = back.ts"
	is "${lines[1]}" 4
}

@test "NDJSON written by rdb-query loads back to the identical table" {
	setup_table
	ok rdb-query --format ndjson db "SELECT * FROM t ORDER BY b"
	printf '%s\n' "$output" > t.ndjson
	# JSON objects nest; a JSON scalar is a string of its text, so the
	# JSON null of row 2 is not the SQL NULL of row 3
	[[ ${lines[0]} == *'"j":"null"}' ]] || fail "${lines[0]}"
	[[ ${lines[1]} == *'"j":null}' ]] || fail "${lines[1]}"
	[[ ${lines[4]} == *'"j":{"a":[1,2]}}' ]] || fail "${lines[4]}"
	ok rdb-load -q db back t.ndjson
	ok rdb-query --format ndjson db "SELECT * FROM back ORDER BY b"
	is "$output" "$(cat t.ndjson)"
	ok rdb-query db "SELECT count(*) FROM back WHERE j IS NULL"
	is "${lines[1]}" 1
}

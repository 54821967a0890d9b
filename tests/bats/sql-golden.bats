#!/usr/bin/env bats
# Golden SQL: every tests/sql/NAME.sql runs through rdb-query and prints
# exactly tests/sql/NAME.out (operators and functions with NULL and edge
# inputs; each expected result was checked by hand against the SQL
# standard and PostgreSQL/DuckDB behaviour when it was written).

load helper

@test "golden SQL files print exactly their .out files" {
	rdb-init db >/dev/null
	n=0
	for f in "$RDB_ROOT"/tests/sql/*.sql; do
		run --separate-stderr rdb-query db -f "$f"
		[ "$status" -eq 0 ] || fail "$f: status $status: $stderr" || return 1
		[ -z "$stderr" ] || fail "$f: $stderr" || return 1
		is "$output" "$(cat "${f%.sql}.out")" || fail "in $f" || return 1
		n=$((n + 1))
	done
	[ "$n" -ge 2 ]
}

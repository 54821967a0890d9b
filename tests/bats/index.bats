#!/usr/bin/env bats
# Secondary indexes: CREATE INDEX and DROP INDEX in the catalog
# (format/manifest.md §Indexes, [F-MAN-017], [F-MAN-019]), UNIQUE
# indexes, and how DROP TABLE, DROP COLUMN and renames treat them.

load helper

mkdb() {
	rdb-init db >/dev/null
	ok rdb-query db "CREATE TABLE t (a INTEGER, b TEXT, c DECIMAL(10,2));
		INSERT INTO t VALUES (1, 'x', 1.50), (2, 'y', 2.25), (2, NULL, NULL)"
}

# \d TABLE in the shell, its output without the banner and prompts
describe() {
	printf '\\d %s\n\\q\n' "$1" |
		HOME=$PWD NO_COLOR=1 script -qec "rdb-query db" /dev/null |
		tr -d '\r' | grep -v '^rdb' > out
}

@test "CREATE INDEX and DROP INDEX: made, listed by \\d, kept across runs and checkpoints" {
	command -v script >/dev/null || skip "no script(1)"
	mkdb
	ok rdb-query db "CREATE INDEX ta ON t (a); CREATE UNIQUE INDEX IF NOT EXISTS tcb ON t (c DESC, b ASC)"
	is "$output" ""
	ok rdb-query db "CREATE INDEX IF NOT EXISTS ta ON t (b)"
	describe t
	is "$(sed -n '/^Indexes:/,$p' out)" "Indexes:
  ta (a)
  tcb UNIQUE (c DESC, b)"
	ok rdb-compact db
	ok rdb-verify db
	describe t
	is "$(sed -n '/^Indexes:/,$p' out)" "Indexes:
  ta (a)
  tcb UNIQUE (c DESC, b)"
	ok rdb-query db "DROP INDEX ta; DROP INDEX IF EXISTS ta"
	describe t
	is "$(sed -n '/^Indexes:/,$p' out)" "Indexes:
  tcb UNIQUE (c DESC, b)"
	# the rows are as they were
	ok rdb-query db "SELECT * FROM t ORDER BY a, b"
	is "$output" "a,b,c
1,x,1.50
2,y,2.25
2,,"
}

@test "CREATE INDEX and DROP INDEX: each bad statement is one error" {
	mkdb
	ok rdb-query db "CREATE INDEX ta ON t (a); CREATE VIEW v AS SELECT a FROM t"
	fails 1 rdb-query db "CREATE INDEX ta ON t (b)"
	is "$stderr" "rdb-query: index 'ta' already exists (at line 1, column 1)"
	fails 1 rdb-query db "CREATE INDEX t ON t (b)"
	is "$stderr" "rdb-query: a table named 't' already exists (at line 1, column 1)"
	fails 1 rdb-query db "CREATE INDEX v ON t (b)"
	is "$stderr" "rdb-query: a view named 'v' already exists (at line 1, column 1)"
	fails 1 rdb-query db "CREATE TABLE ta (x INTEGER)"
	is "$stderr" "rdb-query: an index named 'ta' already exists (at line 1, column 1)"
	fails 1 rdb-query db "CREATE VIEW TA AS SELECT 1"
	is "$stderr" "rdb-query: an index named 'ta' already exists"
	fails 1 rdb-query db "ALTER TABLE t RENAME TO ta"
	is "$stderr" "rdb-query: an index named 'ta' already exists"
	fails 1 rdb-query db "CREATE INDEX tb ON nosuch (b)"
	is "$stderr" "rdb-query: no such table 'nosuch' (at line 1, column 1)"
	fails 1 rdb-query db "CREATE INDEX tb ON v (a)"
	is "$stderr" "rdb-query: 'v' is a view, not a table (at line 1, column 1)"
	fails 1 rdb-query db "CREATE INDEX tb ON t (nosuch)"
	is "$stderr" "rdb-query: no column 'nosuch' in table 't' (at line 1, column 1)"
	fails 1 rdb-query db "CREATE INDEX tb ON t (a, b, A)"
	is "$stderr" "rdb-query: column 'a' appears twice in index 'tb' (at line 1, column 1)"
	fails 1 rdb-query db "CREATE INDEX tb ON t ()"
	is "$stderr" "rdb-query: syntax error at line 1, column 23: expected a name, found ')'"
	fails 1 rdb-query db "CREATE INDEX tb ON t (a"
	[[ $stderr == "rdb-query: syntax error at line 1, column 24: "* ]] || fail "$stderr"
	fails 1 rdb-query db "CREATE OR REPLACE INDEX tb ON t (a)"
	is "$stderr" "rdb-query: syntax error at line 1, column 8: OR REPLACE is for views only"
	fails 1 rdb-query db "DROP INDEX nosuch"
	is "$stderr" "rdb-query: no such index 'nosuch' (at line 1, column 1)"
	ok rdb-query db "DROP INDEX IF EXISTS nosuch"
	cols=$(seq -s, -f 'c%g' 1 33)
	ok rdb-query db "CREATE TABLE w ($(seq -s, -f 'c%g INTEGER' 1 33))"
	fails 1 rdb-query db "CREATE INDEX wi ON w ($cols)"
	is "$stderr" "rdb-query: index 'wi' has 33 columns; at most 32 are allowed (at line 1, column 1)"
	ok rdb-query db "CREATE INDEX wi ON w (${cols%,c33})"
	# nothing of the failures was kept
	ok rdb-query db "SELECT count(*) FROM t"
	is "${lines[1]}" 3
}

@test "a UNIQUE index: existing rows checked at CREATE, INSERT and UPDATE refused, NULLs never clash" {
	mkdb
	fails 1 rdb-query db "CREATE UNIQUE INDEX ta ON t (a)"
	is "$stderr" "rdb-query: duplicate key (a) = (2) in table 't': its UNIQUE index 'ta' allows each value once"
	# the failed index is not there
	ok rdb-query db "CREATE INDEX ta ON t (a)"
	ok rdb-query db "CREATE UNIQUE INDEX tab ON t (a, b)"
	# (2, NULL) twice: a NULL never clashes
	ok rdb-query db "INSERT INTO t VALUES (2, NULL, 9)"
	fails 1 rdb-query db "INSERT INTO t VALUES (2, 'y', 9)"
	is "$stderr" "rdb-query: duplicate key (a, b) = (2, 'y') in table 't': its UNIQUE index 'tab' allows each value once"
	fails 1 rdb-query db "UPDATE t SET a = 1, b = 'x' WHERE b = 'y'"
	is "$stderr" "rdb-query: duplicate key (a, b) = (1, 'x') in table 't': its UNIQUE index 'tab' allows each value once"
	fails 1 rdb-query db "UPDATE t SET a = 1, b = 'x'"
	# rdb-load too
	printf 'a,b,c\n1,x,0\n' > rows.csv
	run --separate-stderr rdb-load db t rows.csv
	[ "$status" -ne 0 ] || fail "loaded a duplicate"
	[[ $stderr == *"its UNIQUE index 'tab' allows each value once"* ]] || fail "$stderr"
	ok rdb-query db "SELECT a, b, c FROM t ORDER BY a, c"
	is "$output" "a,b,c
1,x,1.50
2,y,2.25
2,,9.00
2,,"
	# a failed CREATE UNIQUE INDEX inside a transaction rolls it back
	fails 1 rdb-query db "BEGIN; INSERT INTO t VALUES (7, 'q', 1); CREATE UNIQUE INDEX tu ON t (a); COMMIT"
	ok rdb-query db "SELECT count(*) FROM t WHERE a = 7"
	is "${lines[1]}" 0
	ok rdb-query db "DROP INDEX tab; INSERT INTO t VALUES (2, 'y', 9)"
}

@test "an index follows its table: renames keep it, DROP COLUMN and DROP TABLE drop it" {
	command -v script >/dev/null || skip "no script(1)"
	mkdb
	ok rdb-query db "CREATE INDEX ia ON t (a); CREATE UNIQUE INDEX ibc ON t (b, c); CREATE INDEX ic ON t (c DESC)"
	ok rdb-query db "ALTER TABLE t RENAME COLUMN b TO bb; ALTER TABLE t RENAME TO u"
	describe u
	is "$(sed -n '/^Indexes:/,$p' out)" "Indexes:
  ia (a)
  ibc UNIQUE (bb, c)
  ic (c DESC)"
	# the UNIQUE index still works under the new names
	fails 1 rdb-query db "INSERT INTO u VALUES (5, 'x', 1.50)"
	is "$stderr" "rdb-query: duplicate key (bb, c) = ('x', 1.50) in table 'u': its UNIQUE index 'ibc' allows each value once"
	# dropping a column drops the indexes that have it (PostgreSQL's way)
	ok rdb-query db "ALTER TABLE u DROP COLUMN bb"
	describe u
	is "$(sed -n '/^Indexes:/,$p' out)" "Indexes:
  ia (a)
  ic (c DESC)"
	ok rdb-query db "CREATE INDEX ibc ON u (a, c)"
	ok rdb-query db "DROP TABLE u"
	# the names are free again
	ok rdb-query db "CREATE TABLE ia (x INTEGER); CREATE INDEX ic ON ia (x)"
	# FLASHBACK ... TO BEFORE DROP brings the table back without them
	ok rdb-query db "FLASHBACK TABLE u TO BEFORE DROP"
	describe u
	[[ $(cat out) != *Indexes:* ]] || fail "$(cat out)"
	ok rdb-compact db
	ok rdb-verify db
}

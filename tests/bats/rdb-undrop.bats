#!/usr/bin/env bats
# FLASHBACK TABLE (to a point, and to before a drop), PURGE TABLE,
# rdb-flashback undrop and retention, and how compaction keeps history
# per table and for readers (format/manifest.md F-MAN-060..065).

load helper

q() {
	rdb-query db "$@"
}

# The time of commit $1, as rdb-flashback log prints it.
ctime() {
	rdb-flashback log --no-header --format tsv db |
		awk -F '\t' -v c="$1" '$1 == c { print $2; exit }'
}

# Commits 1 to 5 of table t (k, v).
changes() {
	rdb-init "$@" db
	q 'CREATE TABLE t (k INTEGER, v TEXT)'
	q "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')"
	q "UPDATE t SET v = 'B' WHERE k = 2"
	q 'DELETE FROM t WHERE k = 1'
	q "INSERT INTO t VALUES (4, 'd')"
}

@test "FLASHBACK TABLE TO COMMIT and TO TIMESTAMP, as one commit that is undone the same way" {
	changes
	q 'SELECT * FROM t ORDER BY k' > before
	ok q 'FLASHBACK TABLE t TO COMMIT 2; SELECT * FROM t ORDER BY k'
	is "$output" $'k,v\n1,a\n2,b\n3,c'
	ok rdb-flashback log --no-header --format tsv db t
	is "$(tail -1 <<<"$output" | cut -f 1,6-)" "6	t	3	3	\\N"
	# the flashback of the flashback returns the contents it replaced
	ok q 'FLASHBACK TABLE t TO COMMIT 5; SELECT * FROM t ORDER BY k'
	is "$output" "$(cat before)"
	ok rdb-flashback diff db t --from 5 --to 7
	is "$output" "op,k,v"
	# by time, the TIMESTAMP literal or an expression
	ok q "FLASHBACK TABLE t TO TIMESTAMP '$(ctime 3)'; SELECT * FROM t ORDER BY k"
	is "$output" $'k,v\n1,a\n2,B\n3,c'
	ok q "FLASHBACK TABLE t TO TIMESTAMP CAST('$(ctime 4)' AS TIMESTAMP); SELECT * FROM t ORDER BY k"
	is "$output" $'k,v\n2,B\n3,c'
	# rdb-flashback restore runs the same statement, and is undone by it
	ok rdb-flashback restore db t --commit 2
	is "$output" $'restored table \'t\' to commit 2 as commit 10: 2 rows deleted, 3 inserted\nto undo: rdb-flashback restore db t --commit 9'
	ok q 'FLASHBACK TABLE t TO COMMIT 9; SELECT * FROM t ORDER BY k'
	is "$output" $'k,v\n2,B\n3,c'
	# inside a transaction it is one statement among others
	ok q "BEGIN; FLASHBACK TABLE t TO COMMIT 1; INSERT INTO t VALUES (9, 'z'); COMMIT; SELECT * FROM t"
	is "$output" $'k,v\n9,z'
}

@test "FLASHBACK TABLE: errors" {
	changes
	fails 1 q 'FLASHBACK TABLE nope TO COMMIT 2'
	is "$stderr" "rdb-query: no such table 'nope' (at line 1, column 1)"
	fails 6 q 'FLASHBACK TABLE t TO COMMIT 99'
	is "$stderr" "rdb-query: commit 99 is in the future: the latest is 5 (at line 1, column 29)"
	fails 6 q "FLASHBACK TABLE t TO TIMESTAMP '2020-01-01'"
	fails 1 q 'FLASHBACK TABLE t TO 3'
	is "$stderr" "rdb-query: syntax error at line 1, column 22: expected TIMESTAMP, COMMIT or BEFORE DROP, found '3'"
	q 'CREATE TABLE late (a INTEGER)'
	fails 1 q 'FLASHBACK TABLE late TO COMMIT 2'
	is "$stderr" "rdb-query: table 'late' did not exist at commit 2 (at line 1, column 1)"
	fails 1 rdb-flashback query db --commit 2 'FLASHBACK TABLE t TO COMMIT 1'
	ok q 'SELECT count(*) AS n FROM t'
	is "$output" $'n\n3'
}

@test "DROP keeps the table: undrop brings back its id, rows and history" {
	changes
	q 'SELECT * FROM t ORDER BY k' > before
	for c in 2 3 4 5; do q "SELECT * FROM t AS OF COMMIT $c ORDER BY k" > "at.$c"; done
	q 'DROP TABLE t'
	fails 1 q 'SELECT * FROM t'
	ok q 'FLASHBACK TABLE t TO BEFORE DROP'
	ok q 'SELECT * FROM t ORDER BY k'
	is "$output" "$(cat before)"
	for c in 2 3 4 5; do
		ok q "SELECT * FROM t AS OF COMMIT $c ORDER BY k"
		is "$output" "$(cat at.$c)" || return 1
	done
	ok rdb-flashback log --no-header --format tsv db t
	is "$(tail -2 <<<"$output" | cut -f 1,6,9)" $'6\tt\tdrop\n7\tt\tundrop'
	# rdb-flashback undrop, after a checkpoint moved the rows to segments
	q 'DROP TABLE t'
	rdb-test-helper checkpoint db
	ok rdb-flashback undrop db t
	is "$output" "undropped table 't' (dropped at commit 8) as commit 9"
	ok q 'SELECT * FROM t ORDER BY k'
	is "$output" "$(cat before)"
	ok rdb-verify db
}

@test "undrop under another name when the name is taken, and the last of two drops of one name" {
	changes
	q 'DROP TABLE t'
	q 'CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (10)'
	fails 1 q 'FLASHBACK TABLE t TO BEFORE DROP'
	is "$stderr" "rdb-query: table 't' already exists: bring the dropped one back under another name (FLASHBACK TABLE t TO BEFORE DROP RENAME TO another_name) (at line 1, column 1)"
	fails 1 rdb-flashback undrop db t
	is "$stderr" "rdb-flashback: table 't' already exists: bring the dropped one back under another name (--as NAME)"
	# two dropped tables called t: the one dropped last comes back
	q 'DROP TABLE t'
	ok rdb-flashback undrop db t --as second
	is "$output" "undropped table 't' as 'second' (dropped at commit 9) as commit 10"
	ok q 'SELECT * FROM second'
	is "$output" $'x\n10'
	ok q 'FLASHBACK TABLE t TO BEFORE DROP RENAME TO first; SELECT * FROM first ORDER BY k'
	is "$output" $'k,v\n2,B\n3,c\n4,d'
	fails 1 rdb-flashback undrop db t
	is "$stderr" "rdb-flashback: no dropped table 't' to bring back"
	fails 1 q 'CREATE VIEW w AS SELECT 1 AS one; DROP TABLE first; FLASHBACK TABLE first TO BEFORE DROP RENAME TO w'
	is "$stderr" "rdb-query: a view named 'w' already exists: bring the dropped table back under another name (FLASHBACK TABLE first TO BEFORE DROP RENAME TO another_name) (at line 1, column 53)"
	usage_fails rdb-flashback undrop db
	is "${stderr_lines[0]}" "rdb-flashback: missing the table to bring back"
	usage_fails rdb-flashback undrop db t --set 1d
	usage_fails rdb-flashback restore db t --commit 2 --as x
	is "${stderr_lines[0]}" "rdb-flashback: --as is for undrop, not restore"
}

@test "PURGE TABLE gives a dropped table up: no undrop, no reading it in the past, its files go at compaction" {
	changes
	rdb-test-helper checkpoint db
	q 'DROP TABLE t'
	[ -n "$(ls db/tables/1)" ]
	ok q 'PURGE TABLE t'
	fails 1 q 'FLASHBACK TABLE t TO BEFORE DROP'
	is "$stderr" "rdb-query: no dropped table 't' to bring back"
	fails 1 rdb-flashback undrop db t
	fails 6 q 'SELECT * FROM t AS OF COMMIT 3'
	is "$stderr" "rdb-query: table 't' was dropped and purged: its rows are gone"
	fails 1 q 'PURGE TABLE t'
	is "$stderr" "rdb-query: no dropped table 't' to purge"
	fails 1 q 'PURGE TABLE nope'
	ok rdb-compact db
	is "$(ls db/tables/1)" ""
	ok rdb-verify db
	ok rdb-flashback log --no-header --format tsv db t
	is "$(tail -1 <<<"$output" | cut -f 1,6,9)" $'7\tt\tpurge'
}

@test "out of retention after compaction: AS OF and undrop exit 6, and the dropped table's files go" {
	changes --retention 0
	q 'CREATE TABLE keep (a INTEGER); INSERT INTO keep VALUES (1)'
	rdb-test-helper checkpoint db
	q 'DROP TABLE t'
	ok rdb-compact --report --no-header db
	[[ $output =~ ^8, ]] || fail "$output"
	fails 6 q 'SELECT * FROM keep AS OF COMMIT 7'
	is "$stderr" "rdb-query: commit 7 is outside retained history: the oldest readable is 8 (at line 1, column 33)"
	fails 6 rdb-flashback undrop db t
	is "$stderr" "rdb-flashback: table 't' was dropped at commit 8, outside its retained history (the oldest readable commit is 8): its rows are gone"
	is "$(ls db/tables/1)" ""
	ok rdb-verify db
}

@test "a table's retention overrides the database's" {
	changes --retention 0
	q 'CREATE TABLE u (a INTEGER); INSERT INTO u VALUES (1)'
	q 'DELETE FROM u'
	ok rdb-flashback retention db u --set 30d
	is "$output" "retention of table 'u' set to 30d"
	ok rdb-flashback retention --format tsv db
	is "$output" $'table\tretention\tseconds\tfrom\toldest_commit\n\\N\t0s\t0\tdatabase\t1\nt\t0s\t0\tdatabase\t1\nu\t30d\t2592000\ttable\t1'
	ok rdb-compact db
	# u keeps its month, t only its latest commit
	ok q 'SELECT * FROM u AS OF COMMIT 7'
	is "$output" $'a\n1'
	ok q "SELECT * FROM t AS OF COMMIT 9 ORDER BY k"
	fails 6 q 'SELECT * FROM t AS OF COMMIT 4'
	is "$stderr" "rdb-query: commit 4 is outside the retained history of table 't': the oldest readable is 9"
	ok rdb-flashback retention --no-header --format tsv db t
	is "$output" $'t\t0s\t0\tdatabase\t9'
	# a table horizon of its own makes a manifest of version 1
	man=$(ls db/manifest/*.man | tail -1)
	is "$(od -An -tu4 -j8 -N4 "$man" | tr -d ' ')" 1
	ok rdb-verify db
	# back to the database's, and the database's set
	ok rdb-flashback retention db u --set default
	is "$output" "retention of table 'u' follows the database's"
	ok rdb-flashback retention db --set 2w
	is "$output" "retention of 'db' set to 14d"
	ok rdb-stat --no-header db
	[[ $output == *$'\nretention,14d\n'* ]] || fail "$output"
	ok rdb-flashback retention --no-header db u
	is "$output" "u,14d,1209600,database,1"
}

@test "compaction never passes a snapshot a reader pins" {
	changes --retention 0
	hold --snapshot 2 hold db reader
	ok rdb-compact --report --no-header --lock-timeout 200ms db
	[[ $output =~ ^2, ]] || fail "$output"
	kill -9 "$holder"
	while kill -0 "$holder" 2>/dev/null; do sleep 0.01; done
	ok q 'SELECT * FROM t AS OF COMMIT 2 ORDER BY k'
	is "$output" $'k,v\n1,a\n2,b\n3,c'
	ok rdb-compact --report --no-header db
	[[ $output =~ ^5, ]] || fail "$output"
	fails 6 q 'SELECT * FROM t AS OF COMMIT 2'
}

@test "retention: bad durations and unknown tables" {
	changes
	usage_fails rdb-flashback retention db --set 1x
	is "${stderr_lines[0]}" "rdb-flashback: invalid --set '1x': expected a duration in whole seconds such as 30d, 12h, 90m, 2w or 0"
	usage_fails rdb-flashback retention db --set 1500ms
	usage_fails rdb-flashback retention db --set default
	is "${stderr_lines[0]}" "rdb-flashback: invalid --set 'default': expected a duration in whole seconds such as 30d, 12h, 90m, 2w or 0"
	usage_fails rdb-flashback retention db t --set -1d
	is "${stderr_lines[0]}" "rdb-flashback: invalid --set '-1d': expected a duration in whole seconds such as 30d, 12h, 90m, 2w or 0, or default"
	usage_fails rdb-flashback retention db t u
	usage_fails rdb-flashback retention db --message x --set 1d
	usage_fails rdb-flashback log db --set 1d
	is "${stderr_lines[0]}" "rdb-flashback: --set is for retention, not log"
	fails 1 rdb-flashback retention db nope
	is "$stderr" "rdb-flashback: no table 'nope' in 'db'"
	fails 1 rdb-flashback retention db nope --set 1d
	is "$stderr" "rdb-flashback: no such table 'nope'"
	ok rdb-flashback retention --no-header db
	is "$output" $',7d,604800,database,1\nt,7d,604800,database,1'
	# the writer lock is needed to set it
	hold hold db writer
	fails 5 rdb-flashback retention --lock-timeout 100ms db --set 1d
	fails 5 rdb-flashback retention --lock-timeout 100ms db t --set 1d
}

#!/usr/bin/env bats
# Time travel: FROM t FOR SYSTEM_TIME AS OF in SQL, and rdb-flashback
# log and query.

load helper

q() {
	rdb-query db "$@"
}

# The time of commit $1, as rdb-flashback log prints it.
ctime() {
	rdb-flashback log --no-header --format tsv db |
		awk -F '\t' -v c="$1" '$1 == c { print $2; exit }'
}

# µs since the epoch of a time as the log prints it (UTC), and back.
to_us() {
	TZ=UTC date -d "$1" +%s%6N
}
from_us() {
	TZ=UTC date -d "@$(($1 / 1000000)).$(printf %06d $(($1 % 1000000)))" \
		'+%Y-%m-%d %H:%M:%S.%6N'
}

# A history of table t: inserts, an update, deletes and every kind of
# ALTER TABLE, with a checkpoint and a compaction (7 days' retention
# keeps all of it) in between so some snapshots read segments. After
# each commit c, state.c holds what the table looks like then.
history() {
	rdb-init db
	snap() { q 'SELECT * FROM t ORDER BY k' > "state.$1"; }
	q 'CREATE TABLE t (k INTEGER, v TEXT)'; snap 1
	q "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')"; snap 2
	q "UPDATE t SET v = 'B' WHERE k = 2"; snap 3
	rdb-compact db
	q 'ALTER TABLE t ADD COLUMN w INTEGER'; snap 4
	q 'DELETE FROM t WHERE k = 1'; snap 5
	q "INSERT INTO t VALUES (4, 'd', 40)"; snap 6
	q 'ALTER TABLE t RENAME COLUMN v TO name'; snap 7
	rdb-test-helper checkpoint db
	q 'UPDATE t SET w = k * 100'; snap 8
	q 'ALTER TABLE t DROP COLUMN name'; snap 9
	q 'DELETE FROM t'; snap 10
	q 'INSERT INTO t VALUES (5, 50)'; snap 11
}

@test "AS OF COMMIT and TIMESTAMP read each commit's table, with the schema it had" {
	history
	is "$(head -1 state.4)" "k,v,w"
	is "$(head -1 state.9)" "k,w"
	for c in $(seq 1 11); do
		ok q "SELECT * FROM t FOR SYSTEM_TIME AS OF COMMIT $c ORDER BY k"
		is "$output" "$(cat state.$c)" || fail "commit $c" || return 1
		ok q "SELECT * FROM t AS OF COMMIT $c ORDER BY k"
		is "$output" "$(cat state.$c)" || return 1
		t=$(ctime $c)
		ok q "SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '$t' ORDER BY k"
		is "$output" "$(cat state.$c)" || fail "commit $c at $t" || return 1
		ok q "SELECT * FROM t AS OF TIMESTAMP '$t' ORDER BY k"
		is "$output" "$(cat state.$c)" || return 1
		ok rdb-flashback query --commit $c db 'SELECT * FROM t ORDER BY k'
		is "$output" "$(cat state.$c)" || return 1
		ok rdb-flashback query --as-of "$t" db 'SELECT * FROM t ORDER BY k'
		is "$output" "$(cat state.$c)" || return 1
	done
	# the latest, and now
	ok q 'SELECT * FROM t AS OF TIMESTAMP now() ORDER BY k'
	is "$output" "$(cat state.11)"
	ok rdb-flashback query --as-of 0s db 'SELECT * FROM t ORDER BY k'
	is "$output" "$(cat state.11)"
}

@test "a time finds the last commit at or before it: the exact time sees the commit, a time between the earlier" {
	history
	for c in $(seq 2 11); do
		t=$(ctime $c)
		us=$(to_us "$t")
		prev=$(to_us "$(ctime $((c - 1)))")
		[ "$prev" -lt "$us" ] || fail "commit times do not increase at $c" || return 1
		# a microsecond before commit c: commit c - 1
		ok q "SELECT * FROM t AS OF TIMESTAMP '$(from_us $((us - 1)))' ORDER BY k"
		is "$output" "$(cat state.$((c - 1)))" || fail "just before $c" || return 1
		# halfway between c - 1 and c: still c - 1
		ok rdb-flashback query --as-of "$(from_us $(((us + prev) / 2)))" db 'SELECT * FROM t ORDER BY k'
		is "$output" "$(cat state.$((c - 1)))" || fail "between $((c - 1)) and $c" || return 1
	done
	# a zone is honoured; without one the time is UTC
	t=$(ctime 5)
	iso=$(TZ=UTC date -d "$t" '+%Y-%m-%dT%H:%M:%S.%6N')
	ok q "SELECT count(*) FROM t AS OF TIMESTAMP '${iso}Z'"
	is "${lines[1]}" "2"
	east=$(TZ=UTC date -d "$t 1 hour" '+%Y-%m-%d %H:%M:%S.%6N')
	ok q "SELECT count(*) FROM t AS OF TIMESTAMP '$east+01:00'"
	is "${lines[1]}" "2"
	ok rdb-flashback query --as-of "$east+01:00" db 'SELECT count(*) FROM t'
	is "${lines[1]}" "2"
	# the same wall-clock time without its zone is UTC: an hour later,
	# in the future
	fails 6 q "SELECT count(*) FROM t AS OF TIMESTAMP '$east'"
}

@test "a table is joined with itself as it was; points are parameters or expressions" {
	history
	ok q "SELECT now.k, old.v AS was, now.w FROM t now JOIN t FOR SYSTEM_TIME AS OF COMMIT 6 old ON old.k = now.k"
	is "$output" "k,was,w"
	ok q "SELECT old.k, old.v, cur.w FROM t AS OF COMMIT 3 old LEFT JOIN t AS OF COMMIT 8 cur ON cur.k = old.k ORDER BY old.k"
	is "$output" $'k,v,w\n1,a,\n2,B,200\n3,c,300'
	ok rdb-query -p c=2 -p t="$(ctime 3)" db "SELECT a.k, a.v AS before, b.v AS after FROM t AS OF COMMIT :c a JOIN t AS OF TIMESTAMP :t b ON a.k = b.k WHERE a.v <> b.v"
	is "$output" $'k,before,after\n2,b,B'
	# a point as an expression, and a subquery reading the past
	ok q "SELECT count(*) AS n FROM t AS OF TIMESTAMP now() - INTERVAL '0 seconds'"
	is "$output" $'n\n1'
	ok q "SELECT k FROM t AS OF COMMIT 6 WHERE k IN (SELECT k FROM t AS OF COMMIT 2) ORDER BY k"
	is "$output" $'k\n2\n3'
	# EXPLAIN names the point
	ok q 'EXPLAIN SELECT * FROM t AS OF COMMIT 4'
	[[ $output == *"SCAN t as of commit 4"* ]] || fail "$output"
	# rdb-flashback query: a table's own point still wins
	ok rdb-flashback query --commit 2 db "SELECT a.k, a.v, b.name FROM t a JOIN t AS OF COMMIT 7 b ON a.k = b.k ORDER BY a.k"
	is "$output" $'k,v,name\n2,b,B\n3,c,c'
}

@test "tables that were renamed, dropped or not yet made" {
	rdb-init db
	q 'CREATE TABLE a (x INTEGER)'
	q 'INSERT INTO a VALUES (1)'
	q 'ALTER TABLE a RENAME TO b'
	q 'DROP TABLE b'
	ok q 'SELECT x FROM a AS OF COMMIT 2'
	is "$output" $'x\n1'
	ok q 'SELECT x FROM b AS OF COMMIT 3'
	is "$output" $'x\n1'
	fails 1 q 'SELECT x FROM b AS OF COMMIT 2'
	is "$stderr" "rdb-query: no such table 'b' at commit 2 (at line 1, column 15)"
	fails 1 q 'SELECT x FROM b AS OF COMMIT 4'
	is "$stderr" "rdb-query: no such table 'b' at commit 4 (at line 1, column 15)"
	fails 1 rdb-flashback query --commit 1 db 'SELECT * FROM b'
	is "$stderr" "rdb-flashback: no such table 'b' (at line 1, column 15)"
	fails 1 q 'WITH w AS (SELECT 1) SELECT * FROM w AS OF COMMIT 1'
	is "$stderr" "rdb-query: 'w' is a WITH query: AS OF reads stored tables only (at line 1, column 36)"
	fails 1 q 'SELECT * FROM a FOR SYSTEM_TIME AS OF 3'
	is "$stderr" "rdb-query: AS OF needs a time: write AS OF COMMIT n for a commit, AS OF TIMESTAMP t for a time (at line 1, column 39)"
	fails 1 q 'SELECT * FROM a AS OF COMMIT NULL'
	fails 1 q 'SELECT * FROM a FOR SYSTEM_TIME AS'
	[[ $stderr == "rdb-query: syntax error at line 1, column 35: expected of, found end of input" ]] || fail "$stderr"
	# "AS of" without TIMESTAMP or COMMIT is still an alias
	ok q 'SELECT of.x FROM a AS OF COMMIT 2 AS of'
	is "$output" $'x\n1'
}

@test "before the first commit, in the future, or commit 0: exit 6 with one line" {
	rdb-init db
	fails 6 rdb-flashback query --as-of '2020-01-01 00:00:00' db 'SELECT 1'
	is "$stderr" "rdb-flashback: 2020-01-01 00:00:00 is before the first commit: 'db' has none yet"
	q 'CREATE TABLE t (k INTEGER)'
	q 'INSERT INTO t VALUES (1)'
	first=$(ctime 1)
	fails 6 q "SELECT * FROM t AS OF TIMESTAMP '2020-01-01'"
	is "$stderr" "rdb-query: 2020-01-01 00:00:00 is before the first commit, commit 1 at $first (at line 1, column 23)"
	fails 6 rdb-flashback query --as-of 2020-01-01 db 'SELECT * FROM t'
	is "$stderr" "rdb-flashback: 2020-01-01 00:00:00 is before the first commit, commit 1 at $first"
	fails 6 q "SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '$(from_us $(($(to_us "$first") - 1)))'"
	fails 6 q "SELECT * FROM t AS OF TIMESTAMP now() - INTERVAL '1 day'"
	fails 6 rdb-flashback query --as-of 1d db 'SELECT * FROM t'
	# the future
	fails 6 q "SELECT * FROM t AS OF TIMESTAMP '2999-01-01'"
	[[ $stderr == "rdb-query: 2999-01-01 00:00:00 is in the future: it is now "*" (at line 1, column 23)" ]] || fail "$stderr"
	fails 6 q "SELECT * FROM t AS OF TIMESTAMP now() + INTERVAL '1 hour'"
	fails 6 rdb-flashback query --as-of 2999-01-01T00:00:00Z db 'SELECT * FROM t'
	fails 6 q 'SELECT * FROM t AS OF COMMIT 3'
	is "$stderr" "rdb-query: commit 3 is in the future: the latest is 2 (at line 1, column 30)"
	fails 6 rdb-flashback query --commit 3 db 'SELECT * FROM t'
	is "$stderr" "rdb-flashback: commit 3 is in the future: the latest is 2"
	fails 6 q 'SELECT * FROM t AS OF COMMIT 0'
	is "$stderr" "rdb-query: commit 0 is before the first commit, commit 1 (at line 1, column 30)"
	fails 6 rdb-flashback query --commit 0 db 'SELECT * FROM t'
	is "$stderr" "rdb-flashback: commit 0 is before the first commit, commit 1"
	# one point out of history fails the whole statement
	fails 6 q 'SELECT * FROM t AS OF COMMIT 2 JOIN t AS OF COMMIT 5 u ON true'
}

@test "after compaction with retention 0 the old points are out of history (exit 6)" {
	rdb-init --retention 0 db
	q 'CREATE TABLE t (k INTEGER)'
	q 'INSERT INTO t VALUES (1), (2)'
	q 'DELETE FROM t WHERE k = 1'
	q 'INSERT INTO t VALUES (3)'
	t2=$(ctime 2)
	ok q "SELECT k FROM t AS OF TIMESTAMP '$t2' ORDER BY k"
	is "$output" $'k\n1\n2'
	ok rdb-compact db
	t4=$(ctime 4)
	fails 6 q 'SELECT k FROM t AS OF COMMIT 2'
	is "$stderr" "rdb-query: commit 2 is outside retained history: the oldest readable is 4 (at line 1, column 30)"
	fails 6 q "SELECT k FROM t AS OF TIMESTAMP '$t2'"
	is "$stderr" "rdb-query: $t2 is outside retained history: the oldest readable is commit 4 at $t4 (at line 1, column 23)"
	fails 6 rdb-flashback query --as-of "$t2" db 'SELECT k FROM t'
	is "$stderr" "rdb-flashback: $t2 is outside retained history: the oldest readable is commit 4 at $t4"
	fails 6 rdb-flashback query --commit 3 db 'SELECT k FROM t'
	is "$stderr" "rdb-flashback: commit 3 is outside retained history: the oldest readable is 4"
	# the horizon itself, and anything after it, still reads
	ok q "SELECT k FROM t AS OF TIMESTAMP '$t4' ORDER BY k"
	is "$output" $'k\n2\n3'
	ok rdb-flashback query --commit 4 db 'SELECT k FROM t ORDER BY k'
	is "$output" $'k\n2\n3'
	# the log still lists every commit
	ok rdb-flashback log --no-header db
	is "${#lines[@]}" 4
}

@test "log: ids, programs, users, messages, rows and changes per table, in every format" {
	rdb-init db
	user=$(id -un)
	printf 'k,v\n1,a\n2,b\n3,c\n' | rdb-load -q --message 'first load' db t
	rdb-query --message 'fix b' db "UPDATE t SET v = 'B' WHERE k = 2"
	rdb-query db "CREATE TABLE u (x INTEGER); INSERT INTO u VALUES (7); DELETE FROM t WHERE k = 3"
	rdb-query --message 'one commit, two tables' db "BEGIN; INSERT INTO t VALUES (4, 'd'); INSERT INTO u VALUES (8), (9); COMMIT"
	rdb-query db 'ALTER TABLE u RENAME TO w'
	rdb-query db 'ALTER TABLE t ADD COLUMN z INTEGER'
	rdb-query db 'DROP TABLE w'
	ok rdb-flashback log --format tsv db
	cut -f 1,3- <<<"$output" > got
	cat > want <<EOF
commit	program	user	message	table	inserted	deleted	changes
1	rdb-load	$user	first load	t	3	0	create
2	rdb-query	$user	fix b	t	1	1	\\N
3	rdb-query	$user	\\N	u	0	0	create
4	rdb-query	$user	\\N	u	1	0	\\N
5	rdb-query	$user	\\N	t	0	1	\\N
6	rdb-query	$user	one commit, two tables	t	1	0	\\N
6	rdb-query	$user	one commit, two tables	u	2	0	\\N
7	rdb-query	$user	\\N	w	0	0	rename
8	rdb-query	$user	\\N	t	0	0	alter
9	rdb-query	$user	\\N	w	0	0	drop
EOF
	diff want got
	# times strictly increase, and each is the commit's own
	cut -f 1,2 <<<"$output" | tail -n +2 | uniq | cut -f 2 > times
	sort -c -u times
	is "$(wc -l < times)" 9
	# one table, by its name now or then; a span of time
	ok rdb-flashback log --no-header --format csv db w
	is "$(cut -d, -f1 <<<"$output" | paste -sd' ')" "3 4 6 7 9"
	ok rdb-flashback log --no-header --format csv db u
	is "$(cut -d, -f1 <<<"$output" | paste -sd' ')" "3 4 6 7 9"
	ok rdb-flashback log --no-header --format csv db T
	is "$(cut -d, -f1 <<<"$output" | paste -sd' ')" "1 2 5 6 8"
	ok rdb-flashback log --no-header --since "$(ctime 4)" --until "$(ctime 6)" db
	is "$(cut -d, -f1 <<<"$output" | paste -sd' ')" "4 5 6 6"
	ok rdb-flashback log --no-header --since 1d db
	is "${#lines[@]}" 10
	ok rdb-flashback log --no-header --until 2020-01-01 db
	is "$output" ""
	fails 1 rdb-flashback log db nope
	is "$stderr" "rdb-flashback: no table 'nope' in 'db', now or in its commit log"
	# every output format
	ok rdb-flashback log --format ndjson db t
	is "$(head -1 <<<"$output" | sed 's/"time":"[^"]*"/"time":T/')" \
		"{\"commit\":1,\"time\":T,\"program\":\"rdb-load\",\"user\":\"$user\",\"message\":\"first load\",\"table\":\"t\",\"inserted\":3,\"deleted\":0,\"changes\":\"create\"}"
	ok rdb-flashback log --format json db u
	is "${lines[0]}" "["
	is "${#lines[@]}" 7
	[[ ${lines[2]} == *'"message":null,"table":"u","inserted":1,"deleted":0,"changes":null}'* ]] || fail "${lines[2]}"
	ok rdb-flashback log --format csv db
	is "${lines[2]}" "2,$(ctime 2),rdb-query,$user,fix b,t,1,1,"
	ok rdb-flashback log --format markdown db t
	is "${lines[0]}" "| commit | time | program | user | message | table | inserted | deleted | changes |"
	ok rdb-flashback log --format table db t
	[[ ${lines[1]} == *"commit"*"changes"* ]] || fail "$output"
	ok rdb flashback log --no-header --format tsv db w
	is "${#lines[@]}" 5
}

@test "log of a database without commits is empty" {
	rdb-init db
	ok rdb-flashback log db
	is "$output" "commit,time,program,user,message,table,inserted,deleted,changes"
}

@test "commit times strictly increase when the clock steps back" {
	command -v faketime >/dev/null || skip "no faketime(1)"
	# a preloaded library must not upset the sanitizers' link order
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	rdb-init db
	q 'CREATE TABLE t (k INTEGER)'
	q 'INSERT INTO t VALUES (1)'
	faketime -f '-1d' rdb-query db 'INSERT INTO t VALUES (2)'
	faketime -f '-1y' rdb-query db 'INSERT INTO t VALUES (3)'
	rdb-compact db
	faketime -f '-2y' rdb-query db 'INSERT INTO t VALUES (4)'
	q 'INSERT INTO t VALUES (5)'
	for c in 2 3 4; do
		a=$(to_us "$(ctime $c)")
		b=$(to_us "$(ctime $((c + 1)))")
		# the commits of a clock set back take the previous time + 1 µs
		is "$b" "$((a + 1))" || fail "commit $((c + 1))" || return 1
	done
	ok rdb-flashback log --no-header --format tsv db
	cut -f 2 <<<"$output" > times
	sort -c -u times
	# each of them is found by its own time
	for c in 3 4 5; do
		ok q "SELECT max(k) AS k FROM t AS OF TIMESTAMP '$(ctime $c)'"
		is "${lines[1]}" "$((c - 1))" || return 1
	done
}

@test "query reads one point and never writes" {
	history
	fails 1 rdb-flashback query --commit 3 db "UPDATE t SET v = 'x'"
	is "$stderr" "rdb-flashback: cannot run UPDATE: the session reads the database as of commit 3, and the past cannot change"
	fails 1 rdb-flashback query --commit 3 db 'BEGIN'
	fails 1 rdb-flashback query --commit 3 db 'CREATE TABLE z (a INTEGER)'
	ok rdb-flashback query --commit 11 db 'SELECT count(*) AS n FROM t'
	is "$output" $'n\n1'
	# every statement, every format
	ok rdb-flashback query --commit 2 --format ndjson db 'SELECT k FROM t ORDER BY k; SELECT count(*) AS n FROM t'
	is "$output" $'{"k":1}\n{"k":2}\n{"k":3}\n{"n":3}'
	ok rdb-flashback query --commit 2 --no-header -p k=2 db 'SELECT v FROM t WHERE k = :k'
	is "$output" "b"
	fails 1 rdb-flashback query --commit 2 db 'SELECT nope FROM t'
	ok rdb-query db 'SELECT count(*) AS n FROM t'
	is "$output" $'n\n1'
	fails 1 rdb-flashback query --commit 1 nope.rdb 'SELECT 1'
	is "$stderr" "rdb-flashback: cannot open 'nope.rdb': No such file or directory"
}

@test "rdb-query --message is recorded with every commit it makes" {
	rdb-init db
	rdb-query --message 'two in one' db 'CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1)'
	ok rdb-flashback log --no-header --format tsv db
	is "$(cut -f 1,5 <<<"$output")" $'1\ttwo in one\n2\ttwo in one'
}

@test "bad flags and arguments are usage errors" {
	rdb-init db
	usage_fails rdb-flashback
	is "${stderr_lines[0]}" "rdb-flashback: missing the command: log, query, diff, restore, versions, undrop or retention"
	usage_fails rdb-flashback log
	is "${stderr_lines[0]}" "rdb-flashback: missing the database directory"
	usage_fails rdb-flashback frob db
	is "${stderr_lines[0]}" "rdb-flashback: unknown command 'frob': expected log, query, diff, restore, versions, undrop or retention"
	usage_fails rdb-flashback log db t u
	usage_fails rdb-flashback log --as-of 1h db
	usage_fails rdb-flashback log --commit 1 db
	usage_fails rdb-flashback log --since yesterday db
	is "${stderr_lines[0]}" "rdb-flashback: invalid --since 'yesterday': expected a time such as '2026-11-20 12:00:00' or a duration before now such as 90m"
	usage_fails rdb-flashback log --until '2026-13-01' db
	usage_fails rdb-flashback query db 'SELECT 1'
	is "${stderr_lines[0]}" "rdb-flashback: query needs one of --as-of TIME and --commit N"
	usage_fails rdb-flashback query --as-of 1h --commit 1 db 'SELECT 1'
	usage_fails rdb-flashback query --commit 1 db
	is "${stderr_lines[0]}" "rdb-flashback: missing the SQL to run"
	usage_fails rdb-flashback query --commit 1 db 'SELECT 1' extra
	usage_fails rdb-flashback query --commit x db 'SELECT 1'
	is "${stderr_lines[0]}" "rdb-flashback: invalid --commit 'x': expected a commit id, a number"
	usage_fails rdb-flashback query --commit -1 db 'SELECT 1'
	usage_fails rdb-flashback query --as-of 'not a time' db 'SELECT 1'
	usage_fails rdb-flashback query --since 1h --commit 1 db 'SELECT 1'
	usage_fails rdb-flashback query --commit 1 -p novalue db 'SELECT 1'
	usage_fails rdb-flashback --format xml log db
	usage_fails rdb-flashback --bogus log db
}

# Table t through six commits: 2 inserts rows with a duplicate, 3
# updates one, 4 deletes one, 5 and 6 insert, one of them the duplicate
# again; 7 makes table u, 8 fills it.
changes() {
	rdb-init db
	q 'CREATE TABLE t (k INTEGER, v TEXT)'
	q "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (3, 'c')"
	q "UPDATE t SET v = 'B' WHERE k = 2"
	q 'DELETE FROM t WHERE k = 1'
	q "INSERT INTO t VALUES (4, 'd')"
	q "INSERT INTO t VALUES (3, 'c')"
	q 'CREATE TABLE u (x INTEGER)'
	q 'INSERT INTO u VALUES (1)'
}

@test "diff: rows inserted and deleted between two points, as multisets, in every format" {
	changes
	ok rdb-flashback diff db t --from 2 --to 6
	is "$output" $'op,k,v\nD,1,a\nI,2,B\nD,2,b\nI,3,c\nI,4,d'
	# the other way round
	ok rdb-flashback diff db t --from 6 --to 2
	is "$output" $'op,k,v\nI,1,a\nD,2,B\nI,2,b\nD,3,c\nD,4,d'
	ok rdb-flashback diff db t --from 4 --to 4
	is "$output" "op,k,v"
	# points as times: a commit's own, and now
	ok rdb-flashback diff db t --from "$(ctime 2)" --to 0s
	is "$output" $'op,k,v\nD,1,a\nI,2,B\nD,2,b\nI,3,c\nI,4,d'
	ok rdb-flashback diff --format ndjson db t --from 3 --to 5
	is "$output" $'{"op":"D","k":1,"v":"a"}\n{"op":"I","k":4,"v":"d"}'
	ok rdb-flashback diff --format tsv --no-header db t --from 2 --to 3
	is "$output" $'I\t2\tB\nD\t2\tb'
	ok rdb-flashback diff --format markdown db t --from 4 --to 5
	is "$output" $'| op | k | v |\n|---|---:|---|\n| I | 4 | d |'
	# a table made after --from: every row is new
	ok rdb-flashback diff db u --from 2 --to 8
	is "$output" $'op,x\nI,1'
	ok rdb flashback diff db u --from 7 --to 8
	is "$output" $'op,x\nI,1'
}

@test "diff --key: a key deleted and inserted again is one U row with the new values" {
	changes
	ok rdb-flashback diff db t --from 2 --to 6 --key k
	is "$output" $'op,k,v\nD,1,a\nU,2,B\nI,3,c\nI,4,d'
	ok rdb-flashback diff db t --from 6 --to 2 --key K
	is "$output" $'op,k,v\nI,1,a\nU,2,b\nD,3,c\nD,4,d'
	ok rdb-flashback diff --format json db t --from 2 --to 3 --key k,v
	is "$output" $'[\n{"op":"I","k":2,"v":"B"},\n{"op":"D","k":2,"v":"b"}\n]'
}

@test "diff compares in the table's shape at --to, columns by identity" {
	history
	# a column renamed is the same column: nothing changed
	ok rdb-flashback diff db t --from 6 --to 7
	is "$output" "op,k,name,w"
	# a column added since is NULL before; one dropped is not compared
	ok rdb-flashback diff db t --from 3 --to 9 --key k
	is "$output" $'op,k,w\nD,1,\nU,2,200\nU,3,300\nI,4,400'
	ok rdb-flashback diff db t --from 9 --to 11
	is "$output" $'op,k,w\nD,2,200\nD,3,300\nD,4,400\nI,5,50'
}

@test "diff: errors name the table, the column or the point" {
	changes
	fails 1 rdb-flashback diff db nope --from 1 --to 2
	is "$stderr" "rdb-flashback: no table 'nope' at commit 2"
	fails 1 rdb-flashback diff db u --from 8 --to 6
	is "$stderr" "rdb-flashback: no table 'u' at commit 6"
	fails 1 rdb-flashback diff db t --from 2 --to 6 --key k,nope
	is "$stderr" "rdb-flashback: no column 'nope' in table 't' at commit 6"
	fails 6 rdb-flashback diff db t --from 2 --to 99
	is "$stderr" "rdb-flashback: commit 99 is in the future: the latest is 8"
	fails 6 rdb-flashback diff db t --from 0 --to 2
	is "$stderr" "rdb-flashback: commit 0 is before the first commit, commit 1"
	fails 6 rdb-flashback diff db t --from 2020-01-01 --to 2
	fails 6 rdb-flashback diff db t --from 1 --to 2999-01-01
	usage_fails rdb-flashback diff db t --from 1
	is "${stderr_lines[0]}" "rdb-flashback: diff needs --from POINT and --to POINT"
	usage_fails rdb-flashback diff db --from 1 --to 2
	is "${stderr_lines[0]}" "rdb-flashback: missing the table to compare"
	usage_fails rdb-flashback diff db t u --from 1 --to 2
	usage_fails rdb-flashback diff db t --from 1 --to 2 --key ,k
	is "${stderr_lines[0]}" "rdb-flashback: invalid --key ',k': expected column names separated by commas"
	usage_fails rdb-flashback diff db t --from 'last week' --to 2
	usage_fails rdb-flashback diff db t --from 1 --to 2 --commit 1
	usage_fails rdb-flashback log db --from 1
}

@test "restore puts a table back as one commit; restoring the restore returns the original exactly" {
	changes
	q 'SELECT * FROM t ORDER BY k, v' > before
	ok rdb-flashback restore db t --commit 2
	is "$output" $'restored table \'t\' to commit 2 as commit 9: 5 rows deleted, 4 inserted\nto undo: rdb-flashback restore db t --commit 8'
	ok q 'SELECT * FROM t ORDER BY k, v'
	is "$output" $'k,v\n1,a\n2,b\n3,c\n3,c'
	ok rdb-flashback log --no-header --format tsv db t
	is "$(tail -1 <<<"$output" | cut -f 1,3,5-)" "9	rdb-flashback	restore t to commit 2	t	4	5	\\N"
	# the restore is itself undone
	ok rdb-flashback restore --message 'undo' db t --commit 8
	is "${lines[1]}" "to undo: rdb-flashback restore db t --commit 9"
	ok q 'SELECT * FROM t ORDER BY k, v'
	is "$output" "$(cat before)"
	ok rdb-flashback diff db t --from 8 --to 10
	is "$output" "op,k,v"
	# by time; other tables are untouched
	ok rdb-flashback restore db t --to "$(ctime 4)"
	is "${lines[0]}" "restored table 't' to commit 4 as commit 11: 5 rows deleted, 3 inserted"
	ok q 'SELECT * FROM t ORDER BY k, v'
	is "$output" $'k,v\n2,B\n3,c\n3,c'
	ok q 'SELECT * FROM u'
	is "$output" $'x\n1'
}

@test "restore keeps the schema of now: columns by identity, renamed tables by identity" {
	history
	q 'ALTER TABLE t RENAME TO t2'
	# at commit 5 the table was t (k, v, w); now it is t2 (k, w)
	ok rdb-flashback restore db t2 --commit 5
	is "${lines[0]}" "restored table 't2' to commit 5 as commit 13: 1 rows deleted, 2 inserted"
	ok q 'SELECT * FROM t2 ORDER BY k'
	is "$output" $'k,w\n2,\n3,'
	ok rdb-flashback restore db t2 --commit 12
	ok q 'SELECT * FROM t2 ORDER BY k'
	is "$output" "$(cat state.11)"
	# an empty table restored to empty makes no commit
	q 'CREATE TABLE e (a INTEGER)'
	ok rdb-flashback restore db e --commit 15
	is "$output" "nothing to restore: table 'e' has no rows now or at commit 15"
}

@test "restore: errors" {
	changes
	fails 1 rdb-flashback restore db nope --commit 2
	is "$stderr" "rdb-flashback: no table 'nope' in 'db'"
	fails 1 rdb-flashback restore db u --commit 2
	is "$stderr" "rdb-flashback: table 'u' did not exist at commit 2"
	fails 6 rdb-flashback restore db t --commit 9
	is "$stderr" "rdb-flashback: commit 9 is in the future: the latest is 8"
	fails 6 rdb-flashback restore db t --commit 0
	fails 6 rdb-flashback restore db t --to 2020-01-01
	usage_fails rdb-flashback restore db t
	is "${stderr_lines[0]}" "rdb-flashback: restore needs one of --to TIME and --commit N"
	usage_fails rdb-flashback restore db t --to 1h --commit 2
	usage_fails rdb-flashback restore db t --commit x
	usage_fails rdb-flashback restore db t --to 2
	is "${stderr_lines[0]}" "rdb-flashback: invalid --to '2': a number alone is a commit here: give --commit 2, or a time"
	usage_fails rdb-flashback restore db --commit 2
	usage_fails rdb-flashback restore db t --commit 2 --key k
	ok q 'SELECT count(*) AS n FROM t'
	is "$output" $'n\n5'
}

@test "versions: every version of the matching rows, with its commits, times and op" {
	changes
	ok rdb-flashback versions db t
	is "$(cut -d, -f 1,2,5- <<<"$output")" "k,v,rdb_commit_from,rdb_commit_to,rdb_op
1,a,2,4,I
2,B,3,,U
2,b,2,3,I
3,c,2,,I
3,c,2,,I
3,c,6,,I
4,d,5,,I"
	is "${lines[1]}" "1,a,$(ctime 2),$(ctime 4),2,4,I"
	is "${lines[2]}" "2,B,$(ctime 3),,3,,U"
	ok rdb-flashback versions --format tsv --no-header db t --where "k = 2 AND v = 'b'"
	is "$output" "2	b	$(ctime 2)	$(ctime 3)	2	3	I"
	# the versions current somewhere in [3, 4], as of 4
	ok rdb-flashback versions db t --between 3 4 --where 'k < 3'
	is "$(cut -d, -f 1,2,5- <<<"$output")" $'k,v,rdb_commit_from,rdb_commit_to,rdb_op\n1,a,2,4,I\n2,B,3,,U'
	ok rdb-flashback versions --between "$(ctime 4)" "$(ctime 5)" db t --where 'k = 4'
	is "$(cut -d, -f 1,2,5- <<<"$output")" $'k,v,rdb_commit_from,rdb_commit_to,rdb_op\n4,d,5,,I'
	ok rdb-flashback versions db u --format ndjson
	is "$output" "{\"x\":1,\"rdb_valid_from\":\"$(ctime 8)\",\"rdb_valid_to\":null,\"rdb_commit_from\":8,\"rdb_commit_to\":null,\"rdb_op\":\"I\"}"
}

@test "versions: errors" {
	changes
	fails 1 rdb-flashback versions db nope
	is "$stderr" "rdb-flashback: no table 'nope' at commit 8"
	fails 1 rdb-flashback versions db u --between 1 2
	is "$stderr" "rdb-flashback: no table 'u' at commit 2"
	fails 6 rdb-flashback versions db t --between 1 99
	is "$stderr" "rdb-flashback: commit 99 is in the future: the latest is 8"
	fails 1 rdb-flashback versions db t --where 'nope = 1'
	usage_fails rdb-flashback versions db t --between 1
	is "${stderr_lines[0]}" "rdb-flashback: --between needs two points: --between A B"
	usage_fails rdb-flashback versions db
	usage_fails rdb-flashback versions db t --key k
	usage_fails rdb-flashback diff db t --from 1 --to 2 --where 'k = 1'
}

@test "FOR SYSTEM_TIME ALL, BETWEEN and FROM ... TO: every version in the range, with its pseudo-columns" {
	changes
	# every version: 2 inserted 4 rows, 3 updated (2,b), 4 deleted (1,a)
	ok q 'SELECT k, v, rdb_commit_from, rdb_commit_to, rdb_op FROM t FOR SYSTEM_TIME ALL ORDER BY k, rdb_commit_from, rdb_op'
	is "$output" 'k,v,rdb_commit_from,rdb_commit_to,rdb_op
1,a,2,4,I
1,a,4,4,D
2,b,2,3,I
2,B,3,,U
3,c,2,,I
3,c,2,,I
3,c,6,,I
4,d,5,,I'
	# the times are the commits' own
	ok q "SELECT rdb_valid_from, rdb_valid_to FROM t FOR SYSTEM_TIME ALL WHERE k = 1 AND rdb_op = 'I'"
	is "${lines[1]}" "$(ctime 2),$(ctime 4)"
	ok q "SELECT rdb_valid_from, rdb_valid_to FROM t FOR SYSTEM_TIME ALL WHERE rdb_op = 'D'"
	is "${lines[1]}" "$(ctime 4),$(ctime 4)"
	ok q "SELECT rdb_valid_from, rdb_valid_to FROM t FOR SYSTEM_TIME ALL WHERE k = 4"
	is "${lines[1]}" "$(ctime 5),"
	# BETWEEN is inclusive: current at 3 or 4; (2,b) was deleted by 3;
	# the deletion of (1,a) is commit 4
	ok q 'SELECT k, v, rdb_commit_from, rdb_commit_to, rdb_op FROM t FOR SYSTEM_TIME BETWEEN COMMIT 3 AND COMMIT 4 ORDER BY k, rdb_commit_from, rdb_op'
	is "$output" 'k,v,rdb_commit_from,rdb_commit_to,rdb_op
1,a,2,4,I
1,a,4,4,D
2,B,3,,U
3,c,2,,I
3,c,2,,I'
	# the history as it stood at the end point: (1,a) is current at 3
	ok q 'SELECT k, v, rdb_commit_to FROM t FOR SYSTEM_TIME BETWEEN COMMIT 2 AND COMMIT 3 WHERE k < 3 ORDER BY k, rdb_commit_from'
	is "$output" $'k,v,rdb_commit_to\n1,a,\n2,b,3\n2,B,'
	# a version inserted and deleted inside the range
	ok q "SELECT k, v, rdb_commit_from, rdb_commit_to, rdb_op FROM t FOR SYSTEM_TIME BETWEEN TIMESTAMP '$(ctime 1)' AND TIMESTAMP '$(ctime 6)' WHERE k = 2 ORDER BY rdb_commit_from"
	is "$output" $'k,v,rdb_commit_from,rdb_commit_to,rdb_op\n2,b,2,3,I\n2,B,3,,U'
	# FROM ... TO excludes its end: current at 4, not 5
	ok q 'SELECT k, rdb_commit_from, rdb_op FROM t FOR SYSTEM_TIME FROM COMMIT 4 TO COMMIT 5 ORDER BY k, rdb_commit_from'
	is "$output" $'k,rdb_commit_from,rdb_op\n1,4,D\n2,3,U\n3,2,I\n3,2,I'
	ok q "SELECT count(*) AS n FROM t FOR SYSTEM_TIME FROM TIMESTAMP '$(ctime 4)' TO TIMESTAMP '$(ctime 5)' WHERE k = 4"
	is "$output" $'n\n0'
	ok q "SELECT count(*) AS n FROM t FOR SYSTEM_TIME BETWEEN TIMESTAMP '$(ctime 4)' AND TIMESTAMP '$(ctime 5)' WHERE k = 4"
	is "$output" $'n\n1'
	# empty ranges
	ok q 'SELECT count(*) AS n FROM t FOR SYSTEM_TIME FROM COMMIT 4 TO COMMIT 4'
	is "$output" $'n\n0'
	ok q 'SELECT count(*) AS n FROM t FOR SYSTEM_TIME BETWEEN COMMIT 5 AND COMMIT 3'
	is "$output" $'n\n0'
	ok q 'SELECT count(*) AS n FROM t FOR SYSTEM_TIME BETWEEN COMMIT 1 AND COMMIT 1'
	is "$output" $'n\n0'
	# pseudo-columns by name only: not in * nor in t.*
	ok q 'SELECT * FROM t FOR SYSTEM_TIME ALL WHERE rdb_op = '"'U'"
	is "$output" $'k,v\n2,B'
	ok q 'SELECT h.*, h.rdb_op FROM t FOR SYSTEM_TIME ALL AS h WHERE h.rdb_commit_from = 6'
	is "$output" $'k,v,rdb_op\n3,c,I'
	fails 1 q 'SELECT rdb_op FROM t'
	is "$stderr" "rdb-query: no such column 'rdb_op' (at line 1, column 8)"
	# the table's schema at the end point; joined with itself
	q 'ALTER TABLE t RENAME COLUMN v TO name'
	ok q 'SELECT * FROM t FOR SYSTEM_TIME BETWEEN COMMIT 2 AND COMMIT 6 WHERE k = 4'
	is "$output" $'k,v\n4,d'
	ok q 'SELECT * FROM t FOR SYSTEM_TIME ALL WHERE k = 4'
	is "$output" $'k,name\n4,d'
	ok q 'SELECT o.k, o.name AS was, n.name AS now FROM t FOR SYSTEM_TIME ALL o JOIN t FOR SYSTEM_TIME ALL n ON n.rdb_commit_from = o.rdb_commit_to AND n.k = o.k AND n.rdb_op <> '"'D'"
	is "$output" $'k,was,now\n2,b,B'
}

@test "FOR SYSTEM_TIME ranges: points outside history, and wrong syntax" {
	changes
	fails 6 q 'SELECT * FROM t FOR SYSTEM_TIME BETWEEN COMMIT 0 AND COMMIT 3'
	is "$stderr" "rdb-query: commit 0 is before the first commit, commit 1 (at line 1, column 48)"
	fails 6 q 'SELECT * FROM t FOR SYSTEM_TIME BETWEEN COMMIT 2 AND COMMIT 9'
	is "$stderr" "rdb-query: commit 9 is in the future: the latest is 8 (at line 1, column 61)"
	fails 6 q 'SELECT * FROM t FOR SYSTEM_TIME FROM COMMIT 9 TO COMMIT 9'
	fails 6 q "SELECT * FROM t FOR SYSTEM_TIME BETWEEN TIMESTAMP '2020-01-01' AND now()"
	[[ $stderr == "rdb-query: 2020-01-01 00:00:00 is before the first commit, commit 1 at "* ]] || fail "$stderr"
	fails 6 q "SELECT * FROM t FOR SYSTEM_TIME FROM now() TO TIMESTAMP '2999-01-01'"
	fails 1 q 'SELECT * FROM t FOR SYSTEM_TIME BETWEEN COMMIT 2'
	is "$stderr" "rdb-query: syntax error at line 1, column 49: expected and, found end of input"
	fails 1 q 'SELECT * FROM t FOR SYSTEM_TIME FROM COMMIT 2 AND COMMIT 3'
	is "$stderr" "rdb-query: syntax error at line 1, column 47: expected to, found 'AND'"
	fails 1 q 'WITH w AS (SELECT 1 AS k) SELECT * FROM w FOR SYSTEM_TIME ALL'
	fails 1 q 'SELECT * FROM nope FOR SYSTEM_TIME ALL'
	is "$stderr" "rdb-query: no such table 'nope' at commit 8 (at line 1, column 15)"
	# a range reaching before the horizon compaction set
	rdb-init --retention 0 old
	rdb-query old 'CREATE TABLE t (k INTEGER)'
	rdb-query old 'INSERT INTO t VALUES (1), (2)'
	rdb-query old 'DELETE FROM t WHERE k = 1'
	rdb-query old 'INSERT INTO t VALUES (3)'
	rdb-compact old >/dev/null
	fails 6 rdb-query old 'SELECT * FROM t FOR SYSTEM_TIME BETWEEN COMMIT 2 AND COMMIT 4'
	is "$stderr" "rdb-query: commit 2 is outside retained history: the oldest readable is 4 (at line 1, column 48)"
	fails 6 rdb-flashback versions old t --between 2 4
	# ALL starts at the horizon; the rows there keep their commits
	ok rdb-query old 'SELECT k, rdb_commit_from, rdb_commit_to FROM t FOR SYSTEM_TIME ALL ORDER BY k'
	is "$output" $'k,rdb_commit_from,rdb_commit_to\n2,2,\n3,4,'
}

@test "diff and versions are the same after a checkpoint and after a compaction" {
	changes
	q "UPDATE t SET v = 'C' WHERE k = 3"
	q 'DELETE FROM t WHERE k = 4'
	for p in "1 10" "2 6" "6 2" "3 10" "9 10" "10 3"; do
		set -- $p
		rdb-flashback diff db t --from $1 --to $2 --key k > "diff.$1.$2"
	done
	rdb-flashback versions db t > versions
	rdb-flashback versions db t --between 3 9 > versions.3.9
	is "$(cat diff.9.10)" $'op,k,v\nD,4,d'
	is "$(cat diff.3.10)" $'op,k,v\nD,1,a\nU,3,C\nU,3,C\nU,3,C'
	for step in checkpoint compact; do
		if [ $step = checkpoint ]; then rdb-test-helper checkpoint db; else rdb-compact db >/dev/null; fi
		for p in "1 10" "2 6" "6 2" "3 10" "9 10" "10 3"; do
			set -- $p
			ok rdb-flashback diff db t --from $1 --to $2 --key k
			is "$output" "$(cat diff.$1.$2)" || fail "$step: diff $1 $2" || return 1
		done
		ok rdb-flashback versions db t
		is "$output" "$(cat versions)" || return 1
		ok rdb-flashback versions db t --between 3 9
		is "$output" "$(cat versions.3.9)" || return 1
	done
}

@test "a versions scan skips the segments that did not change in its range" {
	rdb-init db
	q 'CREATE TABLE t (k INTEGER, v INTEGER)'
	# commits 2 to 6 insert 2000 rows each, one segment each
	for i in 0 1 2 3 4; do
		{ echo k,v; seq $((i * 2000 + 1)) $((i * 2000 + 2000)) | sed "s/\$/,$i/"; } |
			rdb-load -q db t
		rdb-test-helper checkpoint db
	done
	is "$(ls db/tables/1/*.seg | wc -l)" 5
	q 'DELETE FROM t WHERE k = 2500'
	q 'UPDATE t SET v = 9 WHERE k = 7000'
	ok rdb-flashback diff db t --from 6 --to 8
	is "$output" $'op,k,v\nD,2500,1\nD,7000,3\nI,7000,9'
	# the rows deleted in (6, 8] are in two segments of five; the rows
	# inserted are in none (still in the WAL)
	ok q "EXPLAIN ANALYZE SELECT k FROM t FOR SYSTEM_TIME BETWEEN COMMIT 6 AND COMMIT 8 WHERE rdb_op <> 'D' AND rdb_commit_from <= 6 AND rdb_commit_to IS NOT NULL"
	[[ $output == *"SCAN t versions of commits 6 to 8 (rows=2 "*"row groups skipped=3)"* ]] || fail "$output"
	ok q "EXPLAIN ANALYZE SELECT k FROM t FOR SYSTEM_TIME BETWEEN COMMIT 6 AND COMMIT 8 WHERE rdb_op <> 'D' AND rdb_commit_from > 6 AND rdb_commit_to IS NULL"
	[[ $output == *"(rows=1 "*"row groups skipped=5)"* ]] || fail "$output"
	# inserted at commit 3 and 4 only: three segments skipped
	ok q "EXPLAIN ANALYZE SELECT count(*) FROM t FOR SYSTEM_TIME ALL WHERE rdb_op = 'I' AND rdb_commit_from BETWEEN 3 AND 4"
	[[ $output == *"(rows=4000 "*"row groups skipped=3)"* ]] || fail "$output"
	# with its "D" rows, or the whole history, nothing is skipped
	ok q "EXPLAIN ANALYZE SELECT count(*) FROM t FOR SYSTEM_TIME ALL WHERE rdb_commit_from BETWEEN 3 AND 4"
	[[ $output == *"row groups skipped=0)"* ]] || fail "$output"
	ok q 'SELECT count(*) AS n FROM t FOR SYSTEM_TIME ALL'
	is "$output" $'n\n10002'
}

@test "diff from a point where the table was dropped: every row at --to is inserted, as AS OF finds no table there" {
	rdb-init db
	q 'CREATE TABLE t (k INTEGER, v TEXT)'
	q "INSERT INTO t VALUES (1, 'a'), (2, 'b')"
	q 'DROP TABLE t'
	q 'CREATE TABLE u (x INTEGER)'
	q 'FLASHBACK TABLE t TO BEFORE DROP'
	q "INSERT INTO t VALUES (3, 'c')"
	q 'DELETE FROM t WHERE k = 1'
	fails 1 q 'SELECT * FROM t AS OF COMMIT 4'
	is "$stderr" "rdb-query: no such table 't' at commit 4 (at line 1, column 15)"
	for from in 3 4; do
		ok rdb-flashback diff db t --from $from --to 7
		is "$output" $'op,k,v\nI,2,b\nI,3,c' || fail "from $from" || return 1
		ok rdb-flashback diff db t --from "$(ctime $from)" --to 7 --key k
		is "$output" $'op,k,v\nI,2,b\nI,3,c' || return 1
	done
	# before the drop and after the undrop, it is the same table
	ok rdb-flashback diff db t --from 2 --to 7
	is "$output" $'op,k,v\nD,1,a\nI,3,c'
	# the other way round, deleted
	ok rdb-flashback diff db t --from 4 --to 2
	is "$output" $'op,k,v\nI,1,a\nI,2,b'
	fails 1 rdb-flashback diff db t --from 2 --to 4
	is "$stderr" "rdb-flashback: no table 't' at commit 4"
}

@test "a row a transaction inserted and changed or deleted itself was never current: it is no version" {
	rdb-init db
	q 'CREATE TABLE t (k INTEGER, v TEXT)'
	q "INSERT INTO t VALUES (1, 'a')"
	# 3: (2, b) becomes (2, c) and (3, x) goes before anyone sees them
	q "BEGIN; INSERT INTO t VALUES (2, 'b'); UPDATE t SET v = 'c' WHERE k = 2; INSERT INTO t VALUES (3, 'x'); DELETE FROM t WHERE k = 3; COMMIT"
	# 4: deletes (1, a); its own row (4, d) never counts as inserted
	q "BEGIN; INSERT INTO t VALUES (4, 'd'); DELETE FROM t WHERE k = 4; DELETE FROM t WHERE k = 1; COMMIT"
	# 5: an UPDATE of an old row and of its own
	q "BEGIN; INSERT INTO t VALUES (5, 'e'); UPDATE t SET v = 'C' WHERE k IN (2, 5); COMMIT"
	ok q 'SELECT k, v, rdb_commit_from, rdb_commit_to, rdb_op FROM t FOR SYSTEM_TIME ALL ORDER BY k, rdb_commit_from, rdb_op'
	is "$output" 'k,v,rdb_commit_from,rdb_commit_to,rdb_op
1,a,2,4,I
1,a,4,4,D
2,c,3,5,I
2,C,5,,U
5,C,5,,U'
	ok rdb-flashback versions db t
	is "$(cut -d, -f 1,2,5- <<<"$output")" 'k,v,rdb_commit_from,rdb_commit_to,rdb_op
1,a,2,4,I
2,C,5,,U
2,c,3,5,I
5,C,5,,U'
	ok q 'SELECT count(*) AS n FROM t FOR SYSTEM_TIME BETWEEN COMMIT 3 AND COMMIT 3'
	is "$output" $'n\n2'
	ok rdb-flashback diff db t --from 2 --to 3
	is "$output" $'op,k,v\nI,2,c'
	# the commit log counts every row written, its own deletions too
	ok rdb-flashback log --no-header --format tsv db t
	is "$(cut -f 1,7,8 <<<"$output" | tail -3)" $'3\t3\t2\n4\t1\t2\n5\t3\t2'
	# the same after the rows move into segments
	rdb-test-helper checkpoint db
	ok rdb-flashback versions db t
	is "$(cut -d, -f 1,2,5- <<<"$output")" 'k,v,rdb_commit_from,rdb_commit_to,rdb_op
1,a,2,4,I
2,C,5,,U
2,c,3,5,I
5,C,5,,U'
}

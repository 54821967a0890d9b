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

# ---------------------------------------------------------------- #
# Index files (format/index.md)                                     #

h() {
	rdb-test-helper "$@"
}

# A table t (k BIGINT, s TEXT) in one segment of 3 row groups.
segdb() {
	rdb-init --row-group-rows 1024 db >/dev/null
	h create db t 'k:BIGINT,s:TEXT' >/dev/null
	seq 1 3000 | awk '{ print ($1 * 7) % 1000 "\ts" $1 % 13 }' | h insert db t >/dev/null
	h checkpoint db
}

files() {
	(cd db && find indexes tables -type f | sort | tr '\n' ' ')
}

@test "index files: CREATE INDEX, checkpoints, bulk loads and compaction make them; compaction removes those nobody needs" {
	segdb
	ok rdb-query db "CREATE INDEX tk ON t (k); CREATE INDEX tsk ON t (s DESC, k)"
	is "$(files)" "indexes/1/0000000000000001.idx indexes/2/0000000000000001.idx tables/1/0000000000000001.seg "
	# rows in the WAL have no index entries; a checkpoint indexes them
	ok rdb-query db "INSERT INTO t VALUES (5, 'new'), (NULL, NULL)"
	h checkpoint db
	is "$(files)" "indexes/1/0000000000000001.idx indexes/1/0000000000000002.idx indexes/2/0000000000000001.idx indexes/2/0000000000000002.idx tables/1/0000000000000001.seg tables/1/0000000000000002.seg "
	# a bulk load writes its segment, and its index files, before the
	# ATTACH names it
	seq 1 70000 | awk 'BEGIN { print "k,s" } { print $1 ",bulk-row-" $1 "-xxxxxxxxxx" }' > big.csv
	ok rdb-load -q db t big.csv
	[ "$(ls db/indexes/1 | wc -l)" -eq 3 ] || fail "$(files)"
	[ "$(ls db/indexes/2 | wc -l)" -eq 3 ] || fail "$(files)"
	ok rdb-verify db
	is "$output" ""
	# compaction merges the segments; the old files go
	ok rdb-compact db
	ok rdb-verify db
	is "$output" ""
	[ "$(ls db/tables/1 | wc -l)" -eq 1 ] || fail "$(files)"
	seg=$(ls db/tables/1)
	is "$(files)" "indexes/1/${seg%.seg}.idx indexes/2/${seg%.seg}.idx tables/1/$seg "
	# a dropped index leaves orphans until the next compaction
	ok rdb-query db "DROP INDEX tsk"
	run --separate-stderr rdb-verify --format csv db
	is "$status" 0
	is "${lines[1]}" "warning,orphan,indexes/2/${seg%.seg}.idx,,F-WAL-011,an index file that no index or segment names (of a dropped index or an interrupted write; rdb-compact removes it)"
	ok rdb-compact db
	is "$(files)" "indexes/1/${seg%.seg}.idx tables/1/$seg "
	ok rdb-query db "DROP TABLE t"
	ok rdb-query db "PURGE TABLE t"
	ok rdb-compact db
	is "$(files)" ""
	ok rdb-verify db
}

@test "an index rolled back leaves files that the next index of its id does not take for its own" {
	segdb
	ok rdb-query db "BEGIN; CREATE INDEX ta ON t (k); ROLLBACK"
	is "$(files)" "indexes/1/0000000000000001.idx tables/1/0000000000000001.seg "
	ok rdb-query db "CREATE INDEX ts ON t (s)"
	ok rdb-verify db
	is "$output" ""
	ok rdb-query db "SELECT count(*) FROM t WHERE s = 's5'"
	is "${lines[1]}" 231
	ok rdb-query --format tsv db "EXPLAIN SELECT count(*) FROM t WHERE s = 's5'"
	[[ $output == *"INDEX SCAN t USING ts"* ]] || fail "$output"
}

@test "rdb-verify: a damaged, missing, extra or misplaced index file is found" {
	segdb
	ok rdb-query db "CREATE INDEX tk ON t (k); INSERT INTO t VALUES (1, 'x')"
	h checkpoint db
	i1=db/indexes/1/0000000000000001.idx i2=db/indexes/1/0000000000000002.idx
	cp -r db clean
	# a flipped byte in a block
	h flip $i1 40 3
	run --separate-stderr rdb-verify --format csv db
	is "$status" 3
	is "${lines[1]}" "error,index,indexes/1/0000000000000001.idx,16,F-IDX-005,damaged index file 'db/indexes/1/0000000000000001.idx' at offset 16: block checksum mismatch"
	is "${#lines[@]}" 2
	# in the footer
	rm -rf db && cp -r clean db
	size=$(stat -c %s $i1)
	h flip $i1 $((size - 20)) 0
	run --separate-stderr rdb-verify --format csv db
	is "$status" 3
	[[ ${lines[1]} == "error,index,indexes/1/0000000000000001.idx,"*",F-IDX-005,damaged index file 'db/indexes/1/0000000000000001.idx' at offset "*": footer checksum mismatch" ]] || fail "${lines[1]}"
	# cut short
	rm -rf db && cp -r clean db
	h truncate $i1 10
	run --separate-stderr rdb-verify --format csv db
	is "$status" 3
	is "${lines[1]}" "error,index,indexes/1/0000000000000001.idx,0,F-IDX-005,damaged index file 'db/indexes/1/0000000000000001.idx' at offset 0: shorter than its header and trailer"
	# missing
	rm -rf db && cp -r clean db
	rm $i1
	run --separate-stderr rdb-verify --format csv db
	is "$status" 3
	is "${lines[1]}" "error,index,indexes/1/0000000000000001.idx,,F-IDX-002,index 'tk' has no file for segment 'tables/1/0000000000000001.seg'"
	# whole and valid, but another segment's: its rows are not these
	rm -rf db && cp -r clean db
	cp $i2 $i1
	run --separate-stderr rdb-verify --format csv db
	is "$status" 3
	[[ ${lines[1]} == "error,index,indexes/1/0000000000000001.idx,"*",F-IDX-007,\"index file 'db/indexes/1/0000000000000001.idx' does not match segment 'db/tables/1/0000000000000001.seg' from offset "*": its keys, order or positions are not the segment's rows\"" ]] || fail "${lines[1]}"
	# an extra file nobody names, and an interrupted write's .tmp
	rm -rf db && cp -r clean db
	cp $i1 db/indexes/1/00000000000000ff.idx
	cp $i1 db/indexes/1/0000000000000002.idx.tmp
	run --separate-stderr rdb-verify --format csv db
	is "$status" 0
	[[ $output == *"warning,orphan,indexes/1/00000000000000ff.idx,"* ]] || fail "$output"
	[[ $output == *"warning,orphan,indexes/1/0000000000000002.idx.tmp,"* ]] || fail "$output"
	ok rdb-compact db
	ok rdb-verify db
	is "$output" ""
}

@test "a crash at any write of CREATE INDEX or of a checkpoint leaves no reachable half-written index file" {
	local pt n st step total=0
	segdb
	for step in index checkpoint; do
		rm -rf base && cp -r db base
		if [ $step = checkpoint ]; then
			h alter base index tk t k,s:desc >/dev/null
			seq 1 500 | awk '{ print $1 "\tw" }' | h insert base t >/dev/null
		fi
		rm -rf count && cp -r base count
		if [ $step = index ]; then
			h --io-count alter count index tk t k,s:desc 2> io >/dev/null
		else
			h --io-count checkpoint count 2> io >/dev/null
		fi
		n=$(sed -n 's/^io //p' io)
		[ "$n" -gt 3 ] || fail "only $n I/O points"
		for ((pt = 1; pt <= n; pt++)); do
			rm -rf c && cp -r base c
			st=0
			if [ $step = index ]; then
				h --fault crash:$pt alter c index tk t k,s:desc >/dev/null 2>&1 || st=$?
			else
				h --fault crash:$pt checkpoint c >/dev/null 2>&1 || st=$?
			fi
			[ $st -eq 99 ] || fail "$step crash $pt: exit $st"
			run --separate-stderr rdb-verify --format csv c
			[ "$status" -eq 0 ] || fail "$step crash $pt: $output $stderr"
			[[ $output != *error,* ]] || fail "$step crash $pt: $output"
			ok rdb-query c "SELECT count(*), sum(k) FROM t"
			# the next checkpoint writes a segment of the same name
			# with more rows: the index files left are not its
			if [ $step = checkpoint ]; then
				seq 1 20 | awk '{ print $1 "\tlater" }' | h insert c t >/dev/null
				h checkpoint c
				run --separate-stderr rdb-verify --format csv c
				[[ $output != *error,* ]] || fail "$step crash $pt, then: $output"
				ok rdb-query c "SELECT count(*) FROM t WHERE k = 7"
				is "${lines[1]}" 5 || fail "$step crash $pt"
			fi
			total=$((total + 1))
		done
	done
	echo "# $total crashes" >&3
}

# ---------------------------------------------------------------- #
# Queries through indexes                                           #

# The queries an index serves, each ordered whole; $1 is the table.
queries() {
	local t=$1
	cat <<SQL
SELECT * FROM $t WHERE k = 7 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE 7 = k AND s = 's7' ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE k IN (1, 2, 3, 499, 1000, 2) ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE k BETWEEN 10 AND 20 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE k > 480 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE k < 5 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE k >= 250 AND k < 260 AND d > 500 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE k = 30 AND d = 12.50 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE k = 30 AND d <= 300 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE s = 's42' ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE s IN ('s1', 's3', 'ünï', '') ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE d BETWEEN 1.00 AND 3.00 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE d > 990.00 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE f < -100 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE f >= 0 AND f <= 0 ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE dt = DATE '2024-01-05' ORDER BY 1, 2, 3, 4, 5, 6;
SELECT * FROM $t WHERE dt > DATE '2024-03-01' ORDER BY 1, 2, 3, 4, 5, 6;
SQL
}

# Each query's rows from t (with indexes) and u (the same rows, none)
same_results() {
	local q
	queries t > qt
	queries u > qu
	ok rdb-query db "$(cat qt)"
	echo "$output" > out.t
	ok rdb-query db "$(cat qu)"
	echo "$output" > out.u
	cmp -s out.t out.u || fail "$(diff out.t out.u | head -20)" || return 1
	[ "$(wc -l < out.t)" -gt 1000 ] || fail "too few rows: $(wc -l < out.t)"
}

@test "results through an index are the rows without it: NULLs, duplicates, text, DECIMAL, DOUBLE, DATE, DESC keys, WAL rows, updates and deletes" {
	rdb-init --row-group-rows 1024 db >/dev/null
	ok rdb-query db "CREATE TABLE t (k INTEGER, s TEXT, d DECIMAL(10,2), f DOUBLE, dt DATE, n BIGINT)"
	gen() {
		awk -v seed=$1 -v from=$2 -v to=$3 'BEGIN { srand(seed); print "k,s,d,f,dt,n"
			for (i = from; i <= to; i++) {
				k = int(rand() * 500); if (rand() < 0.05) k = ""
				s = "s" int(rand() * 60); r = rand()
				if (r < 0.04) s = ""; else if (r < 0.06) s = "\"\""; else if (r < 0.08) s = "ünï"
				d = sprintf("%.2f", rand() * 1000); if (rand() < 0.03) d = ""
				f = (rand() - 0.5) * 1000; if (rand() < 0.02) f = 0
				dt = sprintf("2024-%02d-%02d", 1 + int(rand() * 4), 1 + int(rand() * 28))
				print k "," s "," d "," f "," dt "," i } }'
	}
	gen 1 1 6000 > a.csv
	gen 2 6001 12000 > b.csv
	gen 3 12001 13000 > c.csv
	ok rdb-load -q db t a.csv
	ok rdb-compact db
	ok rdb-load -q db t b.csv
	ok rdb-compact db
	ok rdb-query db "CREATE INDEX tkd ON t (k DESC, d); CREATE INDEX tsk ON t (s, k DESC);
		CREATE INDEX td ON t (d); CREATE INDEX tf ON t (f); CREATE INDEX tdt ON t (dt DESC)"
	# rows only in the WAL, then the twin without indexes
	ok rdb-load -q db t c.csv
	ok rdb-query db "CREATE TABLE u AS SELECT * FROM t"
	# every query goes through an index
	queries t | while read -r q; do
		run rdb-query --format tsv db "EXPLAIN $q"
		[[ $output == *"INDEX SCAN t USING "* ]] || fail "no index for: $q" "$output"
	done
	queries u | while read -r q; do
		run rdb-query --format tsv db "EXPLAIN $q"
		[[ $output != *"INDEX SCAN"* ]] || fail "an index for u: $q"
	done
	same_results
	# updates and deletes, in both: deleted rows never come back
	for x in t u; do
		ok rdb-query db "UPDATE $x SET k = k + 1, s = 's7' WHERE n % 11 = 0;
			DELETE FROM $x WHERE n % 7 = 0; UPDATE $x SET d = NULL WHERE n % 13 = 0"
	done
	same_results
	ok rdb-query db "SELECT count(*) FROM t WHERE k = 7 AND n % 7 = 0"
	is "${lines[1]}" 0
	# and again once all is checkpointed and compacted
	ok rdb-compact db
	same_results
	ok rdb-verify db
	is "$output" ""
	# a read at an older commit reads without the index, rightly
	ok rdb-query --format tsv db "EXPLAIN SELECT * FROM t FOR SYSTEM_TIME AS OF COMMIT 3 WHERE k = 7"
	[[ $output != *"INDEX SCAN"* ]] || fail "$output"
}

@test "an index scan reads the row groups the index points at, and a damaged index file fails the query as damage" {
	rdb-init --row-group-rows 1024 db >/dev/null
	h create db t 'k:BIGINT,s:TEXT' >/dev/null
	seq 1 20000 | awk '{ print $1 "\ts" $1 % 13 }' | h insert db t >/dev/null
	h checkpoint db
	ok rdb-query db "CREATE INDEX tk ON t (k)"
	ok rdb-query --format tsv db "EXPLAIN ANALYZE SELECT s FROM t WHERE k = 15000"
	[[ $output == *"INDEX SCAN t USING tk, 1 zone-map predicate (rows=1 "* ]] || fail "$output"
	ok rdb-query db "SELECT s FROM t WHERE k = 15000"
	is "${lines[1]}" "s11"
	# a missing index file: that segment is read whole, rightly
	rm db/indexes/1/0000000000000001.idx
	ok rdb-query db "SELECT s FROM t WHERE k = 15000"
	is "${lines[1]}" "s11"
	# a damaged one is damage
	h checkpoint db
	ok rdb-query db "DROP INDEX tk; CREATE INDEX tk2 ON t (k)"
	h flip db/indexes/2/0000000000000001.idx 40 1
	# (only the blocks a lookup reads are checked: k = 5 is in the first)
	ok rdb-query db "SELECT s FROM t WHERE k = 15000"
	run --separate-stderr rdb-query db "SELECT s FROM t WHERE k = 5"
	is "$status" 3
	is "$stderr" "rdb-query: damaged index file 'db/indexes/2/0000000000000001.idx' at offset 16: block checksum mismatch"
}

#!/usr/bin/env bats
# Window functions past the memory limit: the sort under a window spills
# to temporary files and the operator keeps one partition at a time, so
# many small partitions run in little memory and give the rows they give
# in memory; one partition larger than the limit is a clean error.

load helper

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	rdb-init db > /dev/null
	awk 'BEGIN {
		print "id,k,s"
		for (i = 1; i <= 300000; i++)
			printf "%d,%d,w%d\n", i, (i * 7919) % 3001, (i * 31337) % 5000
	}' > t.csv
	rdb-load -q db t t.csv
	rm t.csv
}

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/tmp" && cd "$BATS_TEST_TMPDIR" || return 1
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	DB=$BATS_FILE_TMPDIR/db
}

@test "partitioned windows past the memory limit give the in-memory rows" {
	q="SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY id) AS r,
		sum(id) OVER (PARTITION BY k ORDER BY id ROWS 2 PRECEDING) AS m,
		lag(s) OVER (PARTITION BY k ORDER BY id) AS p FROM t ORDER BY id"
	rdb-query "$DB" "$q" > mem.csv
	ok rdb-query --memory-limit 1M "$DB" "$q"
	is "$output" "$(cat mem.csv)"
	is "$(wc -l < mem.csv)" 300001
	is "$(sed -n 2,4p mem.csv)" "1,1917,1,1,
2,833,1,2,
3,2750,1,3,"
	ok rdb-query --memory-limit 1M "$DB" "EXPLAIN ANALYZE SELECT id, row_number() OVER (PARTITION BY k ORDER BY id) FROM t"
	[[ $output == *"SORT 2 keys, spilled "* ]] || fail "$output"
	[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR"
}

@test "a partition larger than the memory limit is a clean error" {
	run --separate-stderr rdb-query --memory-limit 1M "$DB" "SELECT count(*) OVER () FROM t"
	is "$status" 1
	is "$stderr" "rdb-query: a window partition exceeds the memory limit (1 MB); raise --memory-limit"
	[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR"
}

@test "window function errors name the place" {
	rdb-query "$DB" "SELECT 1" > /dev/null
	run --separate-stderr rdb-query "$DB" "SELECT id FROM t WHERE row_number() OVER () > 1"
	is "$status" 1
	is "$stderr" "rdb-query: window functions are not allowed in WHERE (at line 1, column 24)"
	run --separate-stderr rdb-query "$DB" "SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM t"
	is "$stderr" "rdb-query: a frame cannot start at UNBOUNDED FOLLOWING (at line 1, column 22)"
	run --separate-stderr rdb-query "$DB" "SELECT sum(id) OVER (ORDER BY id, k RANGE 1 PRECEDING) FROM t"
	is "$stderr" "rdb-query: a RANGE frame with an offset needs exactly one ORDER BY key (at line 1, column 22)"
	run --separate-stderr rdb-query "$DB" "SELECT sum(id) OVER w FROM t"
	is "$stderr" "rdb-query: no window named 'w' (at line 1, column 21)"
	run --separate-stderr rdb-query "$DB" "SELECT upper(s) OVER () FROM t"
	is "$stderr" "rdb-query: upper is not a window function or an aggregate (at line 1, column 8)"
	run --separate-stderr rdb-query "$DB" "SELECT ntile(0) OVER () FROM t"
	is "$status" 1
	is "$stderr" "rdb-query: argument of ntile must be greater than zero"
	run --separate-stderr rdb-query "$DB" "SELECT count(DISTINCT k) OVER () FROM t"
	is "$stderr" "rdb-query: DISTINCT is not supported in window functions (at line 1, column 8)"
}

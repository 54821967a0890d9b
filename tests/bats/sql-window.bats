#!/usr/bin/env bats
# Window functions past the memory limit: the sort under a window spills
# to temporary files, the operator keeps one partition at a time, and a
# partition larger than its share of --memory-limit spills to a
# temporary file of its own. Every function and frame kind over one
# partition of 300,000 rows in 2 MB gives the rows it gives in memory
# (and sqlite3's, where sqlite3 has the function and prints alike), and
# nothing is left in $TMPDIR. The sanitizer build uses 50,000 rows in
# 1 MB (they spill still): 300,000 take it minutes.

load helper

N=300000 LIMIT=2M
# row 1's percent_rank and cume_dist among the N rows (checked by hand)
RANKS=1,0.6387887959626533,0.36121333333333333,0
if [[ $RDB_BUILD == */san ]]; then
	N=50000 LIMIT=1M RANKS=1,0.6387927758555171,0.36122,0
fi

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	rdb-init db > /dev/null
	# x: NULL every 7th row; d: NULL every 11th
	awk -v n="$N" 'BEGIN {
		print "id,k,x,d,s"
		for (i = 1; i <= n; i++) {
			x = i % 7 == 0 ? "" : (i * 7919) % 100003
			d = i % 11 == 0 ? "" : sprintf("%.3f", (i % 1000) / 7)
			printf "%d,%d,%s,%s,w%d\n", i, (i * 7919) % 3001, x, d,
			    (i * 31337) % 5000
		}
	}' > t.csv
	rdb-load -q db t t.csv
	if command -v sqlite3 > /dev/null; then
		sqlite3 t.sqlite "CREATE TABLE t (id INTEGER, k INTEGER,
			x INTEGER, d REAL, s TEXT)" ".import --csv --skip 1 t.csv t" \
			"UPDATE t SET x = NULL WHERE x = ''" \
			"UPDATE t SET d = NULL WHERE d = ''"
	fi
	rm t.csv
}

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/tmp" && cd "$BATS_TEST_TMPDIR" || return 1
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	DB=$BATS_FILE_TMPDIR/db
}

tmp_empty() {
	local left
	left=$(ls -A "$TMPDIR")
	[ -z "$left" ] || fail "left in TMPDIR: $left"
}

# same QUERY: the rows past a LIMIT are the rows in memory
same() {
	rdb-query "$DB" "$1" > mem.csv || fail "in memory: $1" || return 1
	run --separate-stderr rdb-query --memory-limit $LIMIT "$DB" "$1"
	[ "$status" -eq 0 ] && [ -z "$stderr" ] ||
		fail "status $status: $stderr" || return 1
	printf '%s\n' "$output" > spill.csv
	cmp -s mem.csv spill.csv || fail "differs: $1" \
		"$(diff mem.csv spill.csv | head -5)" || return 1
	is "$(wc -l < mem.csv)" $((N + 1)) || return 1
	tmp_empty
}

# spills QUERY: the window operator spilled one partition of all rows
spills() {
	ok rdb-query --memory-limit $LIMIT "$DB" "EXPLAIN ANALYZE $1"
	[[ $output == *"WINDOW "*", spilled 1 partition (largest $N rows)"* ]] ||
		fail "$output"
}

# sqlite QUERY: sqlite3 prints the rows of mem.csv
sqlite() {
	command -v sqlite3 > /dev/null || return 0
	sqlite3 -csv -header "$BATS_FILE_TMPDIR/t.sqlite" "$1" > sq.csv ||
		fail "sqlite3: $1" || return 1
	cmp -s mem.csv sq.csv || fail "sqlite3 differs: $1" \
		"$(diff mem.csv sq.csv | head -5)"
}

@test "partitioned windows past the memory limit give the in-memory rows" {
	q="SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY id) AS r,
		sum(id) OVER (PARTITION BY k ORDER BY id ROWS 2 PRECEDING) AS m,
		lag(s) OVER (PARTITION BY k ORDER BY id) AS p FROM t ORDER BY id"
	same "$q"
	is "$(sed -n 2,4p mem.csv)" "1,1917,1,1,
2,833,1,2,
3,2750,1,3,"
	ok rdb-query --memory-limit 1M "$DB" "EXPLAIN ANALYZE SELECT id, row_number() OVER (PARTITION BY k ORDER BY id) FROM t"
	[[ $output == *"SORT 2 keys, spilled "* ]] || fail "$output"
	# partitions of 100 rows stay in memory
	[[ $output == *"WINDOW 1 function, 1 partition key, 1 order key ("* ]] ||
		fail "$output"
	tmp_empty
}

@test "several partitions larger than the limit, between small ones" {
	# id % 4 = 0: 75,000 rows each side of 30 small partitions
	q="SELECT id, row_number() OVER w AS a, sum(x) OVER w AS b,
		lead(s, 5) OVER w AS c, count(*) OVER (PARTITION BY p) AS e,
		max(x) OVER (w ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS f
		FROM (SELECT *, CASE WHEN id % 4 = 0 THEN id % 3 + 1000 ELSE id % 30 END
		AS p FROM t) WINDOW w AS (PARTITION BY p ORDER BY id) ORDER BY id"
	same "$q"
	sqlite "$q"
	ok rdb-query --memory-limit $LIMIT "$DB" "EXPLAIN ANALYZE $q"
	[[ $output == *"WINDOW "*", spilled "*" partitions (largest $(((N + 11) / 12)) rows)"* ]] ||
		fail "$output"
}

@test "ranking and value functions over one partition larger than the limit" {
	q="SELECT id, row_number() OVER w AS a, rank() OVER (ORDER BY k) AS b,
		dense_rank() OVER (ORDER BY k) AS c, ntile(7) OVER w AS e,
		lag(x, 3) OVER w AS f, lead(s, 2, 'z') OVER w AS g,
		lag(x, 200000, -1) OVER w AS g2,
		first_value(x) OVER (w ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS h,
		last_value(x) OVER (w ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS i,
		nth_value(x, 3) OVER (w ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS j,
		first_value(s) OVER (ORDER BY k ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS l,
		last_value(id) OVER (ORDER BY k) AS m
		FROM t WINDOW w AS (ORDER BY id) ORDER BY id"
	same "$q"
	sqlite "$q"
	spills "SELECT row_number() OVER (ORDER BY id), lag(s) OVER (ORDER BY id) FROM t"
	# doubles print differently in sqlite3
	same "SELECT id, percent_rank() OVER (ORDER BY k) AS a,
		cume_dist() OVER (ORDER BY k DESC) AS b, percent_rank() OVER () AS c
		FROM t ORDER BY id"
	is "$(sed -n 2p mem.csv)" "$RANKS"
}

@test "aggregates over every frame kind of one partition larger than the limit" {
	# running, sliding and shrinking ROWS frames
	q="SELECT id, sum(x) OVER (ORDER BY id) AS a,
		count(x) OVER (ORDER BY id ROWS 100 PRECEDING) AS b,
		sum(x) OVER (ORDER BY id ROWS BETWEEN 100 PRECEDING AND 100 FOLLOWING) AS c,
		min(x) OVER (ORDER BY id ROWS BETWEEN 50 PRECEDING AND 50 FOLLOWING) AS e,
		max(s) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 2 FOLLOWING) AS f,
		sum(x) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS g,
		max(x) OVER (ORDER BY id ROWS BETWEEN 5 FOLLOWING AND UNBOUNDED FOLLOWING) AS h,
		min(s) OVER (ORDER BY id DESC ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS i,
		count(*) OVER () AS j
		FROM t ORDER BY id"
	same "$q"
	sqlite "$q"
	# RANGE with offsets, peers and NULL keys at either end
	q="SELECT id, sum(id) OVER (ORDER BY x RANGE BETWEEN 100 PRECEDING AND 50 FOLLOWING) AS a,
		count(*) OVER (ORDER BY x DESC RANGE BETWEEN 10 PRECEDING AND CURRENT ROW) AS b,
		max(id) OVER (ORDER BY x NULLS FIRST RANGE BETWEEN 5 FOLLOWING AND 30 FOLLOWING) AS c,
		min(id) OVER (ORDER BY k RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS e,
		count(x) OVER (ORDER BY k) AS f
		FROM t ORDER BY id"
	same "$q"
	sqlite "$q"
	# GROUPS
	q="SELECT id, sum(id) OVER (ORDER BY x / 100 NULLS LAST GROUPS BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS a,
		count(x) OVER (ORDER BY k GROUPS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS b,
		min(id) OVER (ORDER BY x / 1000 NULLS FIRST GROUPS BETWEEN CURRENT ROW AND 2 FOLLOWING) AS c
		FROM t ORDER BY id"
	same "$q"
	sqlite "$q"
	spills "SELECT sum(x) OVER (ORDER BY id ROWS BETWEEN 100 PRECEDING AND 100 FOLLOWING) FROM t"
}

@test "doubles, averages, EXCLUDE, FILTER and string_agg over a spilled partition" {
	same "SELECT id, avg(x) OVER (ORDER BY id ROWS 100 PRECEDING) AS a,
		sum(d) OVER (ORDER BY id ROWS BETWEEN 20 PRECEDING AND 20 FOLLOWING) AS b,
		avg(d) OVER (ORDER BY d RANGE BETWEEN 0.5 PRECEDING AND 0.5 FOLLOWING) AS c,
		stddev(d) OVER (ORDER BY id ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS e,
		variance(x) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS f
		FROM t ORDER BY id"
	q="SELECT id, sum(x) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE CURRENT ROW) AS a,
		count(*) OVER (ORDER BY x / 100 NULLS LAST GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP) AS b,
		sum(id) OVER (ORDER BY x / 10 NULLS FIRST RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE TIES) AS c,
		sum(x) FILTER (WHERE x % 2 = 0) OVER (ORDER BY id ROWS BETWEEN 7 PRECEDING AND 7 FOLLOWING) AS e
		FROM t ORDER BY id"
	same "$q"
	# sqlite3 takes minutes over EXCLUDE on all the rows: 20,000 of them
	q=${q/FROM t ORDER BY id/FROM (SELECT * FROM t WHERE id <= 20000) ORDER BY id}
	rdb-query "$DB" "$q" > mem.csv
	is "$(wc -l < mem.csv)" 20001
	sqlite "$q"
	same "SELECT string_agg(s, '-') OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS a,
		string_agg(s, '') OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS b
		FROM t ORDER BY id"
}

@test "IGNORE NULLS and DISTINCT aggregates over a spilled partition" {
	same "SELECT id, lag(x, 5) IGNORE NULLS OVER w AS a, lead(x IGNORE NULLS) OVER w AS b,
		lag(x, -2, 0) IGNORE NULLS OVER w AS c,
		first_value(x) IGNORE NULLS OVER (w ROWS BETWEEN 10 PRECEDING AND 10 FOLLOWING) AS e,
		last_value(x) IGNORE NULLS OVER (w ROWS BETWEEN 10 PRECEDING AND 10 FOLLOWING) AS f,
		nth_value(x, 2) IGNORE NULLS OVER (w ROWS BETWEEN 10 PRECEDING AND 10 FOLLOWING) AS g,
		last_value(x) IGNORE NULLS OVER (w ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING EXCLUDE CURRENT ROW) AS h
		FROM t WINDOW w AS (ORDER BY id)"
	same "SELECT id, count(DISTINCT x / 100) OVER (ORDER BY id) AS a,
		sum(DISTINCT x % 50) OVER (ORDER BY id ROWS BETWEEN 100 PRECEDING AND 100 FOLLOWING) AS b,
		avg(DISTINCT x % 13) OVER (ORDER BY id ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS c,
		string_agg(DISTINCT s, ',') OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS e,
		max(DISTINCT x) OVER (ORDER BY id ROWS 3 PRECEDING) AS f
		FROM t ORDER BY id"
}

@test "a DISTINCT window aggregate over more distinct values than the limit is a clean error" {
	fails 1 rdb-query --memory-limit 1M "$DB" "SELECT count(DISTINCT id) OVER () FROM t"
	is "$stderr" "rdb-query: a DISTINCT window aggregate's frame exceeds the memory limit (1 MB); raise --memory-limit"
	tmp_empty
	# the same with room
	ok rdb-query "$DB" "SELECT DISTINCT count(DISTINCT id) OVER () AS n FROM t"
	is "$output" "n
$N"
}

@test "a window temporary file that cannot be written is a clean error" {
	bad=$BATS_TEST_TMPDIR/none
	# no ORDER BY nor PARTITION BY: no sort, the window spills alone
	TMPDIR=$bad fails 1 rdb-query --memory-limit 1M "$DB" "SELECT s, count(*) OVER () FROM t"
	is "$stderr" "rdb-query: cannot create the window's temporary file in '$bad': No such file or directory"
	fails 1 bash -c 'trap "" XFSZ; ulimit -f 256; exec rdb-query --memory-limit 1M "$1" "SELECT s, count(*) OVER () FROM t"' \
		- "$DB"
	is "$stderr" "rdb-query: cannot write the window's temporary file: File too large"
	tmp_empty
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
	run --separate-stderr rdb-query "$DB" "SELECT lag(DISTINCT k) OVER () FROM t"
	is "$stderr" "rdb-query: DISTINCT is only for aggregates (at line 1, column 8)"
	run --separate-stderr rdb-query "$DB" "SELECT sum(k) IGNORE NULLS OVER () FROM t"
	is "$stderr" "rdb-query: IGNORE NULLS is only for lag, lead, first_value, last_value and nth_value (at line 1, column 8)"
	run --separate-stderr rdb-query "$DB" "SELECT row_number() IGNORE NULLS OVER () FROM t"
	is "$stderr" "rdb-query: IGNORE NULLS is only for lag, lead, first_value, last_value and nth_value (at line 1, column 8)"
	run --separate-stderr rdb-query "$DB" "SELECT upper(s IGNORE NULLS) FROM t"
	is "$stderr" "rdb-query: IGNORE NULLS is only for window functions (at line 1, column 8)"
	run --separate-stderr rdb-query "$DB" "SELECT lag(k) IGNORE FROM t"
	is "$stderr" "rdb-query: no function 'lag'; did you mean 'log'? (at line 1, column 8)"
	# ignore and respect are still names
	ok rdb-query "$DB" "SELECT abs(k) ignore, k respect FROM t WHERE id = 1"
	is "$output" "ignore,respect
1917,1917"
}

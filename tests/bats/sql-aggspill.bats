#!/usr/bin/env bats
# GROUP BY past the memory limit: the hash aggregate sends the rows of
# groups it cannot hold to partition files in $TMPDIR, by key hash, and
# aggregates them one partition at a time. The results are exactly
# those of the in-memory table, nothing is left in $TMPDIR, and a full
# disk is a clean error.

load helper

# 300,000 rows: about 150,000 integer keys k (each about twice, some
# NULL) and as many text keys t; v an integer, f a double in eighths
# (its sums are exact in any order), s text of varied length, w a few
# small values, d a decimal, dt a date, b a boolean; all sometimes NULL.
setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	rdb-init db > /dev/null
	awk 'BEGIN {
		print "id,k,t,v,f,s,w,d,dt,b"
		for (i = 1; i <= 300000; i++) {
			k = (i * 7919) % 150001; if (i % 101 == 0) k = ""
			t = "key" ((i * 31) % 150001); if (i % 103 == 0) t = ""
			v = (i * 104729) % 20001 - 10000; if (i % 53 == 0) v = ""
			f = ((i * 7) % 1000) / 8; if (i % 67 == 0) f = ""
			s = "s" ((i * 31337) % 9973) substr("abcdefghij", 1, i % 11)
			if (i % 59 == 0) s = ""
			w = i % 7; if (i % 61 == 0) w = ""
			d = sprintf("%.2f", ((i * 104729) % 2000000 - 1000000) / 100)
			if (i % 71 == 0) d = ""
			b = i % 3 == 0 ? "true" : "false"; if (i % 73 == 0) b = ""
			printf "%d,%s,%s,%s,%s,%s,%s,%s,20%02d-%02d-%02d,%s\n", i, k, t,
			    v, f, s, w, d, i % 30, 1 + i % 12, 1 + i % 28, b
		}
	}' > t.csv
	rdb-load -q --schema='id INTEGER, k INTEGER, t TEXT, v INTEGER, f DOUBLE, s TEXT, w INTEGER, d DECIMAL(12,2), dt DATE, b BOOLEAN' \
		db t t.csv
	rm t.csv
}

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/work" "$BATS_TEST_TMPDIR/tmp" &&
		cd "$BATS_TEST_TMPDIR/work" || return 1
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	DB=$BATS_FILE_TMPDIR/db
}

# The temporary directory is empty (the partitions never had a name
# there, or lost it at once).
tmp_empty() {
	local left
	left=$(ls -A "$TMPDIR")
	[ -z "$left" ] || fail "left in TMPDIR: $left"
}

# same QUERY [OPTION...]: with --memory-limit 1M the query succeeds
# quietly and prints exactly what it prints with the default limit.
same() {
	local q=$1
	shift
	rdb-query "$@" "$DB" "$q" > mem.csv 2> mem.err ||
		fail "default limit: $q" "$(cat mem.err)" || return 1
	rdb-query "$@" --memory-limit 1M "$DB" "$q" > spill.csv 2> spill.err ||
		fail "--memory-limit 1M: $q" "$(cat spill.err)" || return 1
	[ ! -s mem.err ] && [ ! -s spill.err ] ||
		fail "stderr: $(cat mem.err spill.err)" || return 1
	cmp mem.csv spill.csv || fail "different rows: $q" || return 1
	tmp_empty
}

# spills QUERY [OPTION...]: EXPLAIN ANALYZE at 1M shows the aggregate
# spilled; the line is left in $agg.
spills() {
	local q=$1
	shift
	ok rdb-query "$@" --memory-limit 1M "$DB" "EXPLAIN ANALYZE $q"
	agg=$(grep -o 'HASH AGGREGATE[^(]*' <<< "$output")
	[[ $agg == *", spilled "*" partitions in "*" level"* ]] || fail "$output"
}

@test "GROUP BY past the memory limit gives the groups of the in-memory table" {
	q="SELECT k, count(*), count(v), sum(v), min(s), max(s), avg(v), avg(f),
		count(DISTINCT w), string_agg(s, '|') FROM t GROUP BY k"
	spills "$q"
	[[ $agg == *" in 2 levels"* ]] || fail "$agg"
	same "$q ORDER BY k"
	# 150,001 keys and NULL, which groups all its rows
	is "$(wc -l < spill.csv)" 150003
	is "$(grep -c '^,' spill.csv)" 1
	is "$(sed -n 2,3p spill.csv)" "0,1,1,-704,s7247abcde,s7247abcde,-704,0.875,1,s7247abcde
1,2,2,-9872,s6522,s9248abcdef,-4936,85.4375,2,s9248abcdef|s6522"
	is "$(grep '^,' spill.csv | cut -d, -f1-4)" ",2970,2914,42593"
	same "SELECT t, count(*), sum(v), max(d), min(dt) FROM t WHERE id <= 100000
		GROUP BY t ORDER BY t"
	is "$(wc -l < spill.csv)" 99032
}

@test "GROUP BY two keys, with HAVING" {
	q="SELECT k, t, count(*) AS n, sum(v), string_agg(s, ',') FROM t
		WHERE id % 3 <> 0 GROUP BY k, t
		HAVING count(*) > 1 AND sum(v) > 0"
	spills "$q"
	same "$q ORDER BY k, t"
	[ "$(wc -l < spill.csv)" -gt 5000 ] || fail "$(wc -l < spill.csv) rows"
	same "SELECT t, w, sum(f) FROM t WHERE id <= 60000 GROUP BY w, t
		HAVING sum(f) > 100 ORDER BY 1, 2"
}

@test "groups that grow past the limit after they are made: text, DISTINCT sets" {
	# few groups, but their string_agg and DISTINCT sets outgrow the
	# table: it writes its groups' states to the partitions
	q="SELECT k % 300 AS g, string_agg(s, ','), min(s), max(s), count(*),
		sum(f) FROM t WHERE id <= 100000 GROUP BY 1 ORDER BY 1"
	spills "$q" --threads 1
	same "$q" --threads 1
	q="SELECT k % 50 AS g, count(DISTINCT v), sum(DISTINCT v),
		string_agg(DISTINCT s, ';'), count(DISTINCT s) FILTER (WHERE w > 3),
		avg(f) FROM t WHERE id <= 100000 GROUP BY 1 ORDER BY 1"
	spills "$q"
	same "$q"
	is "$(wc -l < spill.csv)" 52
}

@test "every kind of key and aggregate goes through the partitions" {
	same "SELECT k, min(d), max(d), sum(d), avg(d), min(dt), max(dt),
		min(f), max(f), stddev(f), variance(v), stddev_pop(f), var_pop(d),
		bool_and(b), bool_or(b), min(CAST(w || ' days' AS INTERVAL)),
		max(CAST(s AS BLOB)), min(CAST('{\"a\":' || w || '}' AS JSON)),
		count(*) FILTER (WHERE b), sum(v) FILTER (WHERE w > 2),
		string_agg(t, NULL), count(NULL), min(NULL)
		FROM t WHERE id <= 30000 GROUP BY k ORDER BY k" --threads 1
	same "SELECT d, dt, b, CAST(s AS BLOB) AS bl, count(*), sum(v)
		FROM t WHERE id <= 30000 GROUP BY d, dt, b, bl ORDER BY 1, 2, 3, 4"
	# (GROUP BY NULL: a key of no type)
	same "SELECT CAST(k % 1000 || ' days' AS INTERVAL) AS iv, f,
		CAST('[' || w || ']' AS JSON) AS j, count(*)
		FROM t WHERE id <= 30000 GROUP BY 1, 2, NULL, 3 ORDER BY 1, 2, 3"
}

@test "SELECT DISTINCT and parallel aggregation spill too" {
	spills "SELECT DISTINCT k, w FROM t WHERE id <= 50000"
	same "SELECT DISTINCT k, w FROM t WHERE id <= 50000 ORDER BY k, w"
	# each thread spills its own partitions
	q="SELECT t, count(*), sum(v), min(s), max(k), sum(f), string_agg(s, ',')
		FROM t GROUP BY t"
	spills "$q" --threads 2
	[[ $agg == *", 2 threads, spilled "* ]] || fail "$agg"
	same "$q ORDER BY t" --threads 2
}

@test "grouping sets spill and run in parallel, as the UNION ALL of their GROUP BYs" {
	# one pass: each row goes to the aggregate once per set, the grand
	# total's group (the empty set) is made before any row
	q="SELECT w, k, count(*) AS n, sum(v) AS s, min(s) AS m,
		grouping(w, k) AS g FROM t GROUP BY ROLLUP (w, k)"
	u="SELECT w, k, count(*) AS n, sum(v) AS s, min(s) AS m, 0 AS g
		FROM t GROUP BY w, k
		UNION ALL SELECT w, NULL, count(*), sum(v), min(s), 1 FROM t GROUP BY w
		UNION ALL SELECT NULL, NULL, count(*), sum(v), min(s), 3 FROM t"
	spills "$q" --threads 1
	spills "$q" --threads 2
	[[ $agg == *", 2 threads, spilled "* ]] || fail "$agg"
	same "$q ORDER BY g, w, k" --threads 2
	ok rdb-query "$DB" "$u ORDER BY g, w, k"
	cmp spill.csv - <<< "$output" || fail "not the UNION ALL"
	same "SELECT w, b, count(DISTINCT k), sum(f), grouping(b, w) AS g FROM t
		WHERE id <= 100000 GROUP BY CUBE (w, b) ORDER BY g, w, b" --threads 1
	is "$(wc -l < spill.csv)" 37
}

@test "sum, avg and count of one argument share one state, in the partitions too" {
	# each aggregate alone (its own state) against all of them at once
	# (sum, avg, count(d) one state; count(*) that count plus d's NULLs)
	aggs=("sum(d)" "avg(d)" "count(d)" "count(*)" "sum(d) FILTER (WHERE w > 2)"
		"count(*) FILTER (WHERE w > 2)" "avg(d) FILTER (WHERE w > 2)"
		"count(DISTINCT d)" "sum(DISTINCT d)" "avg(v)" "count(v)")
	ok rdb-query "$DB" "SELECT k FROM t GROUP BY k ORDER BY k"
	echo "$output" > alone.csv
	for a in "${aggs[@]}"; do
		ok rdb-query --threads 1 "$DB" "SELECT k, $a FROM t GROUP BY k ORDER BY k"
		cut -d, -f2 <<< "$output" | paste -d, alone.csv - > next.csv
		mv next.csv alone.csv
	done
	list=$(IFS=,; echo "${aggs[*]}")
	q="SELECT k, $list FROM t GROUP BY k"
	spills "$q" --threads 1
	same "$q ORDER BY k" --threads 1
	cmp alone.csv spill.csv || fail "not each aggregate's own result"
	# in parallel (no DISTINCT): the workers' shared states merge
	cut -d, -f1-8 alone.csv > alone7.csv
	list=$(IFS=,; echo "${aggs[*]:0:7}")
	q="SELECT k, $list FROM t GROUP BY k"
	spills "$q" --threads 2
	[[ $agg == *", 2 threads, spilled "* ]] || fail "$agg"
	same "$q ORDER BY k" --threads 2
	cmp alone7.csv spill.csv || fail "not each aggregate's own result"
}

@test "an aggregate without GROUP BY has one group and never spills" {
	q="SELECT count(*), sum(v), count(DISTINCT k), max(t),
		string_agg(s, '') IS NULL AS none FROM t"
	ok rdb-query --memory-limit 1M "$DB" "EXPLAIN ANALYZE $q"
	[[ $output != *spilled* ]] || fail "$output"
	same "$q"
	is "$(cat spill.csv)" "count(*),sum(v),count(DISTINCT k),max(t),none
300000,34631,150001,key99999,false"
}

@test "the partitions have no name even while the aggregate runs, nor after kill -9" {
	mkfifo out
	rdb-query --memory-limit 1M "$DB" "SELECT k, string_agg(s, ',') FROM t GROUP BY k" > out 3>&- &
	pid=$!
	HOLDERS=$pid
	exec {rfd}< out
	# the first rows are the table's groups: the partitions are written
	head -c 100 <&$rfd > /dev/null
	ls -l "/proc/$pid/fd" | grep -q "$TMPDIR/.*(deleted)" ||
		fail "no unnamed temporary file open: $(ls -l /proc/$pid/fd)"
	tmp_empty
	kill -9 "$pid"
	exec {rfd}<&-
	wait "$pid" || true
	tmp_empty
}

@test "a temporary file that cannot be written is a clean error" {
	q="SELECT k, count(*) FROM t GROUP BY k"
	bad=$BATS_TEST_TMPDIR/none
	TMPDIR=$bad fails 1 rdb-query --memory-limit 1M "$DB" "$q"
	is "$stderr" "rdb-query: cannot create the aggregate's temporary file in '$bad': No such file or directory"
	# a file size limit: the write fails with EFBIG
	fails 1 bash -c 'trap "" XFSZ; ulimit -f 64; exec rdb-query --memory-limit 1M "$1" "$2"' \
		- "$DB" "$q"
	is "$stderr" "rdb-query: cannot write the aggregate's temporary file: File too large"
	tmp_empty
}

@test "a full disk under the aggregate is a clean error" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
	unshare -m true 2>/dev/null || skip "cannot make a mount namespace"
	mkdir small
	run --separate-stderr unshare -m sh -c '
		mount -t tmpfs -o size=256k tmpfs small || exit 77
		TMPDIR=$PWD/small rdb-query --memory-limit 1M "$1" "SELECT k, count(*), min(s) FROM t GROUP BY k"
		echo "status=$?"
		ls -A small' - "$DB"
	[ "$status" -ne 77 ] || skip "cannot mount tmpfs here"
	is "$status" 0
	is "$stderr" "rdb-query: cannot write the aggregate's temporary file: No space left on device"
	is "$output" "status=1"
}

@test "GROUP BY keys that repeat row after row (a run takes the row before's group) past the memory limit" {
	q="SELECT id / 3 AS a, 'g' || (id / 3 % 1000) AS b, count(*), sum(v), min(s)
		FROM t GROUP BY 1, 2"
	spills "$q"
	same "$q ORDER BY 1, 2"
	# ids 1 .. 300,000: 100,001 groups, each of 3 rows but the ends
	is "$(wc -l < spill.csv)" 100002
	is "$(sed -n 2,3p spill.csv)" "0,g0,2,-5828,s1418a
1,g1,3,6687,s4254abc"
}

@test "one integer key: rows the direct map knows, keys outside it and NULL keys seen before and after it is made, past the memory limit too" {
	# 200,000 rows: keys 0..999, seven far keys (10^12 + 0..6) every
	# 50th row, NULL every 97th: the far and NULL keys have groups from
	# the first chunk, made before the map, found again by hash after
	awk 'BEGIN { print "i,k"; for (i = 0; i < 200000; i++) {
		k = i % 50 == 0 ? 1000000000000 + i % 7 : i % 1000
		print i "," (i % 97 == 0 ? "" : k) } }' > dm.csv
	rdb-init db > /dev/null
	ok rdb-load -q --schema="i BIGINT, k BIGINT" --create db dm dm.csv
	ok rdb-compact db
	want=$(awk -F, 'NR > 1 { c[$2]++; s[$2] += $1 } END {
		for (k in c) { n++; t += c[k]; w += s[k] * (k == "" ? 0 : k % 1000 + 1) }
		printf "%d,%d,%d\n", n, t, w }' dm.csv)
	q="SELECT count(*), sum(c), sum(s * coalesce(k % 1000 + 1, 0)) FROM (SELECT k, count(*) AS c, sum(i) AS s FROM dm GROUP BY k) AS g"
	for th in 1 2; do
		ok rdb-query --threads $th db "$q"
		is "${lines[1]}" "$want"
		ok rdb-query --threads $th --memory-limit 1M db "$q"
		is "${lines[1]}" "$want"
	done
	ok rdb-query db "SELECT k, count(*) FROM dm WHERE k IS NULL OR k > 999 GROUP BY k ORDER BY k NULLS FIRST"
	is "${lines[1]}" ","$(awk -F, 'NR > 1 && $2 == "" { n++ } END { print n }' dm.csv)
	is "${#lines[@]}" 9
	# two parts (every other row group of 1024 rows), each starting on
	# one family of keys, its map made there, then meeting the other's
	# outside it: the parts' groups of one key, made before a map and
	# after, merge into one
	rm -rf db2
	rdb-init --row-group-rows 1024 db2 > /dev/null
	awk 'BEGIN { print "i,k"; for (i = 0; i < 614400; i++) {
		r = int(i / 1024) % 4
		print i "," (r == 0 || r == 3 ? i % 50000 : 1000000 + i % 50000) } }' > dm2.csv
	ok rdb-load -q --schema="i BIGINT, k BIGINT" --create db2 dm dm2.csv
	ok rdb-compact db2
	want2=$(awk -F, 'NR > 1 { c[$2]++ } END { mn = 1e9; for (k in c) {
		n++; t += c[k]; mn = c[k] < mn ? c[k] : mn; mx = c[k] > mx ? c[k] : mx }
		printf "%d,%d,%d,%d\n", n, t, mn, mx }' dm2.csv)
	for lim in 1G 1M; do
		ok rdb-query --threads 2 --memory-limit $lim db2 "SELECT count(*), sum(c), min(c), max(c) FROM (SELECT k, count(*) AS c FROM dm GROUP BY k) AS g"
		is "${lines[1]}" "$want2"
	done
}

#!/usr/bin/env bats
# ORDER BY past the memory limit: the sort spills sorted runs to
# unnamed temporary files in $TMPDIR and merges them. The rows come out
# exactly as the in-memory sort gives them (ties in input order), LIMIT
# stays in memory, nothing is left in $TMPDIR, and a full disk is a
# clean error.

load helper

# 300,000 rows: k repeats about three times (ties) and is sometimes
# NULL, s is text of varied length, d a decimal with negatives.
setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	rdb-init db > /dev/null
	awk 'BEGIN {
		print "id,k,s,d,f,dt"
		for (i = 1; i <= 300000; i++) {
			k = (i * 7919) % 100003; if (i % 97 == 0) k = ""
			s = "w" ((i * 31337) % 5000) substr("abcdefghijklmnopqrstuvw", 1, i % 23)
			if (i % 89 == 0) s = ""
			d = sprintf("%.2f", ((i * 104729) % 2000000 - 1000000) / 100)
			if (i % 101 == 0) d = ""
			printf "%d,%s,%s,%s,%s,20%02d-%02d-%02d\n", i, k, s, d,
			    ((i * 7) % 1000) / 8, i % 30, 1 + i % 12, 1 + i % 28
		}
	}' > t.csv
	rdb-load -q --schema='id INTEGER, k INTEGER, s TEXT, d DECIMAL(12,2), f DOUBLE, dt DATE' \
		db t t.csv
	rm t.csv
}

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/work" "$BATS_TEST_TMPDIR/tmp" &&
		cd "$BATS_TEST_TMPDIR/work" || return 1
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	DB=$BATS_FILE_TMPDIR/db
}

# The temporary directory is empty (the sort's files never had a name
# there, or lost it at once).
tmp_empty() {
	local left
	left=$(ls -A "$TMPDIR")
	[ -z "$left" ] || fail "left in TMPDIR: $left"
}

# same QUERY: with --memory-limit 1M the query succeeds quietly and
# prints exactly what it prints with the default limit.
same() {
	rdb-query "$DB" "$1" > mem.csv 2> mem.err || fail "default limit: $1" "$(cat mem.err)" || return 1
	rdb-query --memory-limit 1M "$DB" "$1" > spill.csv 2> spill.err ||
		fail "--memory-limit 1M: $1" "$(cat spill.err)" || return 1
	[ ! -s mem.err ] && [ ! -s spill.err ] || fail "stderr: $(cat mem.err spill.err)" || return 1
	cmp mem.csv spill.csv || fail "different rows: $1" || return 1
	tmp_empty
}

# spills QUERY: EXPLAIN ANALYZE at 1M shows the sort spilled.
spills() {
	ok rdb-query --memory-limit 1M "$DB" "EXPLAIN ANALYZE $1"
	[[ $output == *"SORT "*", spilled "*" runs, "*" merge pass"* ]] || fail "$output"
}

@test "ORDER BY past the memory limit gives the rows of the in-memory sort" {
	spills "SELECT * FROM t ORDER BY k"
	same "SELECT * FROM t ORDER BY k"
	is "$(wc -l < spill.csv)" 300001
	# ties in input order
	is "$(sed -n 2,3p spill.csv)" "100003,0,w4011abcdefghijklmnopqrstuv,2141.87,2.625,2013-08-16
200006,0,w3022abcdefghijklmnopqrstu,-5716.26,5.25,2026-03-03"
	same "SELECT id, k FROM t ORDER BY k DESC"
	same "SELECT id, d, s FROM t ORDER BY d NULLS FIRST, s DESC NULLS LAST, dt"
}

@test "several merge passes" {
	# narrow rows make few enough runs to merge at once; wide rows make
	# more than one merge takes
	ok rdb-query --memory-limit 1M "$DB" "EXPLAIN ANALYZE SELECT id, k FROM t ORDER BY k"
	[[ $output == *", 1 merge pass "* ]] || fail "$output"
	ok rdb-query --memory-limit 1M "$DB" "EXPLAIN ANALYZE SELECT * FROM t ORDER BY s, id"
	[[ $output == *", 2 merge passes"* ]] || fail "$output"
	same "SELECT * FROM t ORDER BY s, id"
}

@test "ORDER BY with LIMIT keeps the top rows in memory unless they outgrow it" {
	ok rdb-query --memory-limit 1M "$DB" "EXPLAIN ANALYZE SELECT * FROM t ORDER BY k LIMIT 5"
	[[ $output != *spilled* ]] || fail "$output"
	same "SELECT * FROM t ORDER BY k LIMIT 5"
	is "$(cat spill.csv)" "id,k,s,d,f,dt
100003,0,w4011abcdefghijklmnopqrstuv,2141.87,2.625,2013-08-16
200006,0,w3022abcdefghijklmnopqrstu,-5716.26,5.25,2026-03-03
47318,1,w4166abcdefg,5668.22,28.25,2008-03-27
147321,1,w3177abcdef,-2189.91,30.875,2021-10-14
247324,1,w2188abcde,9951.96,33.5,2004-05-01"
	same "SELECT id, s FROM t ORDER BY s DESC LIMIT 5 OFFSET 100"
	spills "SELECT * FROM t ORDER BY k DESC LIMIT 100000"
	same "SELECT * FROM t ORDER BY k DESC LIMIT 100000 OFFSET 10"
	is "$(wc -l < spill.csv)" 100001
}

@test "every kind of value goes through the temporary file" {
	same "SELECT id, k % 2 = 0 AS even, NULL AS n, CAST(k || ' days' AS INTERVAL) AS iv
		FROM t WHERE id <= 100000 ORDER BY n, even, iv DESC, id"
	same "SELECT id, CAST(s AS BLOB) AS b, CAST('{\"a\":' || k || '}' AS JSON) AS j
		FROM t WHERE id <= 100000 ORDER BY b DESC, j"
	same "SELECT id, f / (k % 3) AS q FROM t WHERE id <= 100000 AND k % 3 <> 0
		ORDER BY q, id DESC"
	# rows larger than the whole budget, alone in their runs
	same "SELECT id, repeat('x', 600000 + id) AS big FROM t WHERE id < 8 ORDER BY big DESC"
	is "$(wc -l < spill.csv)" 8
}

@test "the temporary file has no name even while the sort runs, nor after kill -9" {
	mkfifo out
	rdb-query --memory-limit 1M "$DB" "SELECT * FROM t ORDER BY s" > out 3>&- &
	pid=$!
	HOLDERS=$pid
	exec {rfd}< out
	# the first rows come from the merge: the runs are all written
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
	bad=$BATS_TEST_TMPDIR/none
	TMPDIR=$bad fails 1 rdb-query --memory-limit 1M "$DB" "SELECT * FROM t ORDER BY k"
	is "$stderr" "rdb-query: cannot create the sort's temporary file in '$bad': No such file or directory"
	# a file size limit: the write fails with EFBIG
	fails 1 bash -c 'trap "" XFSZ; ulimit -f 1024; exec rdb-query --memory-limit 1M "$1" "SELECT * FROM t ORDER BY k"' \
		- "$DB"
	is "$stderr" "rdb-query: cannot write the sort's temporary file: File too large"
	tmp_empty
}

@test "a full disk under the sort is a clean error" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
	unshare -m true 2>/dev/null || skip "cannot make a mount namespace"
	mkdir small
	run --separate-stderr unshare -m sh -c '
		mount -t tmpfs -o size=256k tmpfs small || exit 77
		TMPDIR=$PWD/small rdb-query --memory-limit 1M "$1" "SELECT * FROM t ORDER BY k"
		echo "status=$?"
		ls -A small' - "$DB"
	[ "$status" -ne 77 ] || skip "cannot mount tmpfs here"
	is "$status" 0
	is "$stderr" "rdb-query: cannot write the sort's temporary file: No space left on device"
	is "$output" "status=1"
}

#!/usr/bin/env bats
# Work the executor does once for several uses: a filter that keeps
# most rows of a chunk hands the chunk to the aggregate (or to a
# projection under it) with the rows as a selection instead of copying
# every column, and sum, avg and count of one argument keep one state.
# The expressions above such a filter run over the whole chunk: an
# error on a row the filter dropped is no error (they run again on the
# kept rows alone), an error on a kept row still is. Expected results
# come from awk over the same rows.

load helper

# 250,000 rows (enough for two threads): g one of three letters, k
# about 20,000 keys (sometimes NULL), i = id % 1000 (0 on one row in a
# thousand: WHERE i <> 0 keeps 99.9%), d a decimal in cents, sometimes
# NULL.
setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	rdb-init db > /dev/null
	awk 'BEGIN {
		print "id,g,k,i,d"
		for (id = 1; id <= 250000; id++) {
			k = id % 20011; if (id % 97 == 0) k = ""
			d = sprintf("%d.%02d", id % 997, id % 100); if (id % 89 == 0) d = ""
			printf "%d,%s,%s,%d,%s\n", id, substr("abc", id % 3 + 1, 1), k,
			    id % 1000, d
		}
	}' > t.csv
	rdb-load -q --schema='id INTEGER, g TEXT, k INTEGER, i INTEGER, d DECIMAL(12,2)' \
		db t t.csv
	# per group of g (and of k): sum of 100 / i, rows, sum of d,
	# count of d, sum of d on even ids, rows whose d is NULL, sum of
	# i, over the rows where i <> 0
	awk -F, 'NR > 1 && $4 != 0 {
		for (p = 0; p < 2; p++) {
			key = p ? "k" $3 : "g" $2
			q[key] += int(100 / $4); n[key]++; si[key] += $4
			if ($5 != "") {
				split($5, c, "."); cents = c[1] * 100 + c[2]
				s[key] += cents; dc[key]++
				if ($1 % 2 == 0) e[key] += cents
			} else {
				z[key]++
			}
		}
	}
	function dec(v) { return sprintf("%d.%02d", v / 100, v % 100) }
	END {
		for (key in n)
			printf "%s,%d,%d,%s,%d,%s,%d,%d\n", key, q[key], n[key],
			    dc[key] ? dec(s[key]) : "", dc[key],
			    e[key] != "" ? dec(e[key]) : "", z[key], si[key]
	}' t.csv | sort > expect.csv
	rm t.csv
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	DB=$BATS_FILE_TMPDIR/db
	EXPECT=$BATS_FILE_TMPDIR/expect.csv
}

# want PREFIX FIELDS: the expected rows of the groups named PREFIX...,
# the prefix dropped, fields FIELDS (cut -f), in the order of the keys
want() {
	grep "^$1" "$EXPECT" | sed "s/^$1//" | cut -d, -f"$2" | sort -t, -k1,1 -n
}

@test "a filter keeping most rows: the aggregate reads them as a selection" {
	ok rdb-query --threads 1 "$DB" "EXPLAIN ANALYZE SELECT g, sum(d) FROM t WHERE i <> 0 GROUP BY g"
	[[ $output == *"-> FILTER (rows=249750 "* ]] || fail "$output"
	for th in 1 2; do
		ok rdb-query --threads $th --no-header "$DB" "SELECT g, sum(100 / i) AS q,
			count(*) AS n, sum(d) AS s, count(d) AS c FROM t WHERE i <> 0
			GROUP BY g ORDER BY g"
		is "$output" "$(want g 1-5 | sort)"
		ok rdb-query --threads $th --no-header "$DB" "SELECT g, sum(d) FILTER
			(WHERE id % 2 = 0), count(*) FILTER (WHERE d IS NULL), sum(i)
			FROM t WHERE i <> 0 GROUP BY g ORDER BY g"
		is "$output" "$(want g 1,6-8 | sort)"
	done
	ok rdb-query --threads 2 "$DB" "EXPLAIN ANALYZE SELECT g, sum(100 / i) FROM t
		WHERE i <> 0 GROUP BY g"
	[[ $output == *"2 threads"* ]] || fail "$output"
	ok rdb-query --no-header "$DB" "SELECT sum(100 / i), count(*) FROM t WHERE i <> 0"
	is "$output" "$(cut -d, -f2,3 <<< "$(want g 1-3)" | awk -F, '{ q += $1; n += $2 }
		END { print q "," n }')"
}

@test "a projection over such a filter passes the selection on" {
	q="SELECT g, sum(q) AS q, count(*) AS n FROM (SELECT g, 100 / i AS q, d
		FROM t WHERE i <> 0) AS s GROUP BY g"
	ok rdb-query "$DB" "EXPLAIN $q"
	[[ $output == *"HASH AGGREGATE"*"-> PROJECT"*"-> FILTER"* ]] || fail "$output"
	for th in 1 2; do
		ok rdb-query --threads $th --no-header "$DB" "$q ORDER BY g"
		is "$output" "$(want g 1-3 | sort)"
		# (nothing fails: the selection goes through to the end)
		ok rdb-query --threads $th --no-header "$DB" "SELECT g, sum(i2) FROM
			(SELECT g, i * 2 AS i2 FROM t WHERE i <> 0) AS s GROUP BY g
			ORDER BY g"
		is "$output" "$(want g 1,8 | sort | awk -F, '{ print $1 "," 2 * $2 }')"
	done
}

@test "through the spill partitions, with NULL keys" {
	q="SELECT k, count(*) AS n, sum(d), count(d),
		sum(d) FILTER (WHERE id % 2 = 0), count(*) FILTER (WHERE d IS NULL),
		sum(i) FROM t WHERE i <> 0 GROUP BY k"
	ok rdb-query --memory-limit 1M "$DB" "EXPLAIN ANALYZE $q"
	[[ $output == *", spilled "* ]] || fail "$output"
	for lim in 1M 1G; do
		ok rdb-query --threads 1 --memory-limit $lim --no-header "$DB" "$q ORDER BY k NULLS FIRST"
		is "$output" "$(want k 1,3-8)"
	done
}

@test "an error on a kept row is still an error" {
	fails 1 rdb-query "$DB" "SELECT g, sum(100 / (i - 500)) FROM t WHERE i <> 0 GROUP BY g"
	is "$stderr" "rdb-query: division by zero"
	fails 1 rdb-query "$DB" "SELECT g, sum(q) FROM (SELECT g, 100 / (i - 500) AS q
		FROM t WHERE i <> 0) AS s GROUP BY g"
	is "$stderr" "rdb-query: division by zero"
}

@test "decimal arithmetic with a constant operand overflows as with two columns" {
	rdb-init dc > /dev/null
	ok rdb-query dc "CREATE TABLE dc (d DECIMAL(12,2), w DECIMAL(38,0));
		INSERT INTO dc VALUES (1.5, 99999999999999999999999999999999999999),
		(NULL, -99999999999999999999999999999999999999), (2.5, NULL)"
	for q in "w + 1" "1 - w" "w * 2" "-2 * w" "w - 1" \
		"d * 100000000000000000000000000000000000.00"; do
		fails 1 rdb-query dc "SELECT $q FROM dc"
		is "$stderr" "rdb-query: DECIMAL out of range (overflow)"
	done
	# NULL rows never overflow; NULL stays NULL
	ok rdb-query dc "SELECT w + 1 AS a, 1 - d AS b FROM dc WHERE d IS NULL OR w IS NULL"
	is "$output" "a,b
-99999999999999999999999999999999999998,
,-1.50"
}

@test "sums of few groups: totals near the limits as with many" {
	rdb-init wd > /dev/null
	# one row a chunk (inserted one by one): large totals first, then
	# small values added to them
	ok rdb-query wd "CREATE TABLE wd (g TEXT, w DECIMAL(38,0), d DECIMAL(12,2))"
	for v in "'a', 99999999999999999999999999999999999999, 1.5" \
		"'b', -99999999999999999999999999999999999999, -2.5" "'a', 1, 3" \
		"'b', 1, NULL" "'c', 5, 0.01" "'a', -99999999999999999999999999999999999999, 4"; do
		ok rdb-query wd "INSERT INTO wd VALUES ($v)"
	done
	ok rdb-query wd "SELECT g, sum(w), avg(w), count(w), sum(d), count(*)
		FROM wd GROUP BY g ORDER BY g"
	is "$output" "g,sum(w),avg(w),count(w),sum(d),count(*)
a,1,0.3333333333333333,3,8.50,3
b,-99999999999999999999999999999999999998,-5e+37,2,-2.50,2
c,5,5,1,0.01,1"
	for i in 1 2 3; do
		ok rdb-query wd "INSERT INTO wd VALUES ('c', 70000000000000000000000000000000000000, 0)"
	done
	fails 1 rdb-query wd "SELECT g, avg(w) FROM wd GROUP BY g"
	is "$stderr" "rdb-query: sum out of range (overflow)"
}

@test "text keys of one length are packed column by column, equal to those packed row by row" {
	# rows 4001..6000 (another chunk) have keys of varied length and
	# NULLs: their chunks take the row-by-row packing, the others the
	# column-by-column one, and the groups must be the same
	awk 'BEGIN {
		print "id,a,b,c"
		for (id = 1; id <= 10000; id++) {
			a = substr("XYZ", id % 3 + 1, 1)
			b = substr("AABBCCDDEE", 2 * (id % 5) + 1, 2)
			c = "\"\""
			if (id > 4000 && id <= 6000) {
				if (id % 7 == 0) b = ""
				if (id % 11 == 0) b = "AAB"
				if (id % 13 == 0) c = "q"
			}
			printf "%d,%s,%s,%s\n", id, a, b, c
		}
	}' > k.csv
	rdb-init kdb > /dev/null
	ok rdb-load -q --schema='id INTEGER, a TEXT, b TEXT, c TEXT' kdb k k.csv
	ok rdb-query --no-header kdb "SELECT a, b, c, count(*), min(id), max(id)
		FROM k GROUP BY a, b, c ORDER BY a, b NULLS FIRST, c"
	want=$(awk -F, 'NR > 1 {
		key = $2 "," $3 "," $4; n[key]++
		if (!(key in lo)) lo[key] = $1
		hi[key] = $1
	} END { for (k in n) print k "," n[k] "," lo[k] "," hi[k] }' k.csv |
		sort -t, -k1,1 -k2,2 -k3,3)
	is "$(sort -t, -k1,1 -k2,2 -k3,3 <<< "$output")" "$want"
	is "$(wc -l <<< "$output")" 42
}

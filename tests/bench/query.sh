#!/usr/bin/env bash
# rdb-query against DuckDB and sqlite3: TPC-H at scale SF made by
# tools/tpchgen, the same CSV files loaded into each, RUNS runs of each
# query; median seconds, the ratios, and rdb's peak RSS.
#   tests/bench/query.sh OUTDIR SF RUNS
#
# rdb and sqlite3 are timed as whole processes, start-up included
# (rdb-query DB -f FILE --format csv > /dev/null; sqlite3 DB < FILE);
# DuckDB inside node, start-up excluded. sqlite3 gets the same queries
# with its own date syntax (tests/bench/sqlite/) and 600 s per run.
# Generated data and loaded databases stay in OUTDIR and are reused:
# remove OUTDIR/sfSF or OUTDIR/tpch-sfSF.* to remake them. rdb's database
# is remade whenever build/rdb-load is newer than it. A peer or program
# that is missing or fails shows "-" (or "err", ">600") in its columns.
#
# Installs its peers when run as root: Debian's sqlite3 (and nodejs/npm),
# and DuckDB's @duckdb/node-api from the npm registry into OUTDIR/duckdb.
set -eu
[ $# -eq 3 ] || { echo "usage: tests/bench/query.sh OUTDIR SF RUNS" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd) sf=$2 runs=$3
cd "$(dirname "$0")/../.."
tpch=$(cd "${TPCH:-../shared/data/tpch}" && pwd)
tables='nation region part partsupp supplier customer orders lineitem'
note() { echo "query.sh: $*" >&2; }

if [ "$(id -u)" -eq 0 ]; then
	for pkg in sqlite3:sqlite3 nodejs:node npm:npm; do
		command -v "${pkg#*:}" > /dev/null ||
			apt-get install -y -q "${pkg%%:*}" > /dev/null 2>&1 || true
	done
fi
if [ ! -d "$out/duckdb/node_modules/@duckdb/node-api" ] && command -v npm > /dev/null; then
	npm install --silent --prefix "$out/duckdb" @duckdb/node-api > /dev/null 2>&1 || true
fi

# 1. the data, made once per scale factor
cc -O2 -pthread -o "$out/tpchgen" tools/tpchgen.c
cc -O2 -o "$out/timeit" tools/timeit.c
data=$out/sf$sf
if [ ! -d "$data" ]; then
	note "generating TPC-H SF $sf into $data"
	rm -rf "$data.tmp"
	"$out/tpchgen" -s "$sf" -o "$data.tmp"
	mv "$data.tmp" "$data"
fi

# 2. the databases, loaded once
# columns TABLE: its column list from schema.sql, in rdb-load's types
columns() {
	sed -n "s/^CREATE TABLE $1 *(\(.*\));\$/\1/p" "$tpch/schema.sql" |
		sed -E 's/(VAR)?CHAR\([0-9]+\)/TEXT/g'
}
rdb=$out/tpch-sf$sf.rdb
load_rdb() {
	local t
	rm -rf "$rdb" "$rdb.ok"
	build/rdb-init "$rdb" > /dev/null || return 1
	for t in $tables; do
		build/rdb-load -q --schema "$(columns "$t")" "$rdb" "$t" "$data/$t.csv" > /dev/null || return 1
	done
	touch "$rdb.ok"
}
have_rdb=0
if [ -x build/rdb-init ] && [ -x build/rdb-load ]; then
	if [ -e "$rdb.ok" ] && [ "$rdb.ok" -nt build/rdb-load ]; then
		have_rdb=1
	else
		note "loading rdb $rdb"
		if load_rdb; then have_rdb=1; else note "loading $rdb failed"; fi
	fi
fi
[ -x build/rdb-query ] || have_rdb=0

sqlite=$out/tpch-sf$sf.sqlite
load_sqlite() {
	local t
	rm -f "$sqlite.tmp"
	sqlite3 "$sqlite.tmp" < "$tpch/schema.sql" || return 1
	for t in $tables; do
		sqlite3 "$sqlite.tmp" ".import --csv --skip 1 $data/$t.csv $t" || return 1
	done
	mv "$sqlite.tmp" "$sqlite"
}
have_sqlite=0
if command -v sqlite3 > /dev/null; then
	if [ ! -e "$sqlite" ]; then
		note "loading sqlite3 $sqlite"
		load_sqlite || note "loading $sqlite failed"
	fi
	[ -e "$sqlite" ] && have_sqlite=1
fi

# 3. the queries: id, label, file (rdb and DuckDB), file (sqlite3)
qdir=$out/queries
mkdir -p "$qdir"
# QUERIES: which TPC-H queries (default all 22: 01 02 ... 22); SQLITE=0
# leaves sqlite3 out (it takes up to 10 minutes a query)
declare -A label=([groupby]="l_suppkey group by" [select1]="SELECT 1"
	[export]="lineitem to CSV")
ids=
for n in ${QUERIES:-$(seq -w 1 22)}; do
	q=q$n
	cp "$tpch/queries/$q.sql" "$qdir/$q.sql"
	rm -f "$qdir/$q-sqlite.sql"
	[ ! -e "tests/bench/sqlite/$q.sql" ] || cp "tests/bench/sqlite/$q.sql" "$qdir/$q-sqlite.sql"
	ids="$ids $q"
	label[$q]=Q$((10#$n))
done
echo 'SELECT l_suppkey, count(*) FROM lineitem GROUP BY 1;' > "$qdir/groupby.sql"
echo 'SELECT 1;' > "$qdir/select1.sql"
cp "$qdir/groupby.sql" "$qdir/groupby-sqlite.sql"
cp "$qdir/select1.sql" "$qdir/select1-sqlite.sql"
# every row of lineitem written as CSV: rdb-query --format csv, sqlite3's
# .mode csv, DuckDB's COPY ... TO (all to /dev/null)
echo 'SELECT * FROM lineitem;' > "$qdir/export.sql"
printf '.headers on\n.mode csv\nSELECT * FROM lineitem;\n' > "$qdir/export-sqlite.sql"
echo "COPY (SELECT * FROM lineitem) TO '/dev/null' (FORMAT CSV, HEADER);" > "$qdir/export-duckdb.sql"
ids="$ids groupby select1 export"

median() { sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}'; }
declare -A rdb_s rdb_mb duck_s sq_s

# timed ID CMD...: RUNS runs of CMD, its standard input from $stdin
# (default /dev/null); "seconds kb" per run into $out/ID.times; returns
# 124 on a timeout, another non-zero status on a failure. tools/timeit
# times the process alone: through timeout(1) and time(1), the two
# wrappers' own start-up (2 ms here, half of SELECT 1) counted as rdb's.
timed() {
	local id=$1 i rc
	shift
	: > "$out/$id.times"
	for ((i = 0; i < runs; i++)); do
		rc=0
		"$out/timeit" 600 "$out/time.tmp" "$@" < "${stdin:-/dev/null}" > /dev/null 2> "$out/$id.err" || rc=$?
		[ "$rc" -eq 0 ] || return "$rc"
		cat "$out/time.tmp" >> "$out/$id.times"
	done
}
# result ID: the median seconds, or err / >600 after timed's status
result() {
	case $1 in
	0) cut -d' ' -f1 "$out/$2.times" | median ;;
	124) echo '>600' ;;
	*) echo err; note "$2 failed: $(head -c 300 "$out/$2.err")" ;;
	esac
}

# DuckDB answers each query right after rdb-query's runs of it (one
# process, its buffers warm across queries as an in-process user's
# are): a machine whose speed drifts during the run drifts for both
have_duck=0
if [ -d "$out/duckdb/node_modules/@duckdb/node-api" ] && command -v node > /dev/null; then
	cp tests/bench/duckdb-tpch.mjs "$out/duckdb/"
	coproc DUCK { node "$out/duckdb/duckdb-tpch.mjs" "$out/tpch-sf$sf.duckdb" \
		"$tpch/schema.sql" "$data" "$runs" - 2> "$out/duckdb.err"; }
	# it loads the data first when it has to
	if read -r ready <&"${DUCK[0]}" && [ "$ready" = ready ]; then
		have_duck=1
	else
		note "DuckDB failed: $(head -c 300 "$out/duckdb.err")"
	fi
fi
# duck ID: DuckDB's median seconds for query ID into duck_s
duck() {
	local f=$qdir/$1.sql v
	[ "$have_duck" -eq 1 ] || return 0
	[ ! -e "$qdir/$1-duckdb.sql" ] || f=$qdir/$1-duckdb.sql
	echo "$f" >&"${DUCK[1]}"
	if read -r _ v <&"${DUCK[0]}"; then
		duck_s[$1]=$v
	else
		have_duck=0
		note "DuckDB failed: $(head -c 300 "$out/duckdb.err")"
	fi
}

for id in $ids; do
	rdb_s[$id]=- rdb_mb[$id]=- duck_s[$id]=- sq_s[$id]=-
	if [ "$have_rdb" -eq 1 ]; then
		rc=0
		if [ "$id" = select1 ]; then
			timed "rdb-$id" build/rdb-query "$rdb" 'SELECT 1' || rc=$?
		else
			timed "rdb-$id" build/rdb-query "$rdb" -f "$qdir/$id.sql" --format csv || rc=$?
		fi
		rdb_s[$id]=$(result "$rc" "rdb-$id")
		if [ "$rc" -eq 0 ]; then
			rdb_mb[$id]=$(cut -d' ' -f2 "$out/rdb-$id.times" | median | awk '{printf "%.1f", $1 / 1024}')
		fi
	fi
	duck "$id"
	if [ "$have_sqlite" -eq 1 ] && [ "${SQLITE:-1}" != 0 ] && [ -e "$qdir/$id-sqlite.sql" ]; then
		rc=0
		# sqlite3 runs SQLITE_RUNS times (default 1: it is slow)
		runs=${SQLITE_RUNS:-1} stdin=$qdir/$id-sqlite.sql timed "sqlite-$id" sqlite3 "$sqlite" || rc=$?
		sq_s[$id]=$(result "$rc" "sqlite-$id")
	fi
done

if [ "$have_duck" -eq 1 ]; then
	eval "exec ${DUCK[1]}>&-"
	wait "$DUCK_PID" 2> /dev/null || true
fi

# 4. the table
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "-"; else printf "%.2f", a / b }'; }
rows=$(($(wc -l < "$data/lineitem.csv") - 1))
echo "TPC-H SF $sf ($rows lineitem rows), median of $runs runs; rdb and sqlite3 whole process, DuckDB in-process"
printf '%-20s %9s %9s %10s %9s %11s %15s\n' query "rdb s" "DuckDB s" rdb/DuckDB "sqlite3 s" sqlite3/rdb "rdb peak RSS MB"
for id in $ids; do
	printf '%-20s %9s %9s %10s %9s %11s %15s\n' "${label[$id]}" "${rdb_s[$id]}" "${duck_s[$id]}" \
		"$(ratio "${rdb_s[$id]}" "${duck_s[$id]}")" "${sq_s[$id]}" \
		"$(ratio "${sq_s[$id]}" "${rdb_s[$id]}")" "${rdb_mb[$id]}"
done
# the geometric mean and the worst of rdb/DuckDB over the TPC-H queries
for id in $ids; do
	case $id in q*) echo "$(ratio "${rdb_s[$id]}" "${duck_s[$id]}")" ;; esac
done | awk '$1 != "-" {n++; s += log($1); if ($1 > w) w = $1}
	END {if (n) printf "TPC-H rdb/DuckDB over %d queries: geometric mean %.2f, worst %.2f\n", n, exp(s / n), w}'

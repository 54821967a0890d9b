#!/usr/bin/env bash
# rdb-load against DuckDB's COPY and sqlite3's .import: TPC-H lineitem
# as CSV (SF0.1 repeated REPEAT times), the same schema, the same file,
# RUNS runs each; median wall time and peak RSS, and the ratios.
#   tests/bench/load.sh OUTDIR REPEAT RUNS
set -eu
out=$1 repeat=$2 runs=$3
schema='l_orderkey INTEGER NOT NULL, l_partkey INTEGER NOT NULL, l_suppkey INTEGER NOT NULL, l_linenumber INTEGER NOT NULL, l_quantity DECIMAL(15,2) NOT NULL, l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL, l_tax DECIMAL(15,2) NOT NULL, l_returnflag TEXT NOT NULL, l_linestatus TEXT NOT NULL, l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL, l_shipinstruct TEXT NOT NULL, l_shipmode TEXT NOT NULL, l_comment TEXT NOT NULL'
csv=$out/lineitem-x$repeat.csv
if [ ! -s "$csv" ]; then
	{ head -1 "$out/lineitem.csv"; for i in $(seq "$repeat"); do tail -n +2 "$out/lineitem.csv"; done; } > "$csv"
fi
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# run LABEL CMD...: "seconds kb" per run into $out/LABEL.times
run() {
	local label=$1 i
	shift
	: > "$out/$label.times"
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f '%e %M' -o "$out/time.tmp" "$@" > /dev/null 2>&1
		cat "$out/time.tmp" >> "$out/$label.times"
	done
}
prep_rdb() { rm -rf "$out/load.rdb"; build/rdb-init "$out/load.rdb"; }
: > "$out/rdb.times"
for ((i = 0; i < runs; i++)); do
	prep_rdb
	/usr/bin/time -f '%e %M' -o "$out/time.tmp" build/rdb-load -q --schema "$schema" "$out/load.rdb" lineitem "$csv" > /dev/null
	cat "$out/time.tmp" >> "$out/rdb.times"
done
if [ -d "$out/duckdb/node_modules/@duckdb/node-api" ]; then
	cp tests/bench/duckdb-copy.mjs "$out/duckdb/"
	run duckdb node "$out/duckdb/duckdb-copy.mjs" "$PWD/$out/copy.duckdb" "$PWD/$csv"
fi
if command -v sqlite3 > /dev/null; then
	: > "$out/sqlite.times"
	for ((i = 0; i < runs; i++)); do
		rm -f "$out/import.sqlite"
		sqlite3 "$out/import.sqlite" "CREATE TABLE lineitem ($schema);"
		/usr/bin/time -f '%e %M' -o "$out/time.tmp" sqlite3 "$out/import.sqlite" ".import --csv --skip 1 $csv lineitem" > /dev/null 2>&1
		cat "$out/time.tmp" >> "$out/sqlite.times"
	done
fi
t() { [ -s "$out/$1.times" ] && cut -d' ' -f1 "$out/$1.times" | median || echo -; }
m() { [ -s "$out/$1.times" ] && cut -d' ' -f2 "$out/$1.times" | median || echo -; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
rows=$(($(wc -l < "$csv") - 1))
printf '%-40s %14s %14s %8s\n' "load $rows lineitem rows ($(($(stat -c %s "$csv") / 1048576)) MB CSV)" rdb peer rdb/peer
printf '%-40s %14s %14s %8s\n' "wall s, vs DuckDB COPY" "$(t rdb)" "$(t duckdb)" "$(ratio "$(t rdb)" "$(t duckdb)")"
printf '%-40s %14s %14s %8s\n' "wall s, vs sqlite3 .import" "$(t rdb)" "$(t sqlite)" "$(ratio "$(t rdb)" "$(t sqlite)")"
printf '%-40s %14s %14s %8s\n' "peak RSS KB, vs DuckDB" "$(m rdb)" "$(m duckdb)" "$(ratio "$(m rdb)" "$(m duckdb)")"
printf '%-40s %14s %14s %8s\n' "peak RSS KB, vs sqlite3" "$(m rdb)" "$(m sqlite)" "$(ratio "$(m rdb)" "$(m sqlite)")"

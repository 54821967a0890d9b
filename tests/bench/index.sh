#!/usr/bin/env bash
# Secondary indexes on TPC-H lineitem: a point lookup and a 0.1% range
# on l_partkey (spread over the whole table, so zone maps cannot skip
# much), without and with an index, in rdb and in sqlite3 with the same
# index.
#   tests/bench/index.sh OUTDIR [SF [RUNS]]    (SF 1, RUNS 3)
#
# lineitem at scale SF (tools/tpchgen, the data query.sh makes and keeps
# in OUTDIR/sfSF) is loaded into OUTDIR/index-sfSF.rdb and, when
# sqlite3 is there, OUTDIR/index-sfSF.sqlite. Timed, median of RUNS
# whole processes after one untimed run (start-up included):
#   point: SELECT ... WHERE l_partkey = P            (about 30 rows)
#   range: SELECT ... WHERE l_partkey BETWEEN A AND B (0.1% of the parts)
# each without an index, then after CREATE INDEX ON lineitem (l_partkey)
# (its time is shown too). Programs come from RDB_BUILD (default build).
set -eu
[ $# -ge 1 ] && [ $# -le 3 ] ||
	{ echo "usage: tests/bench/index.sh OUTDIR [SF [RUNS]]" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd) sf=${2:-1} runs=${3:-3}
cd "$(dirname "$0")/../.."
bin=$(cd "${RDB_BUILD:-build}" && pwd)
tpch=$(cd "${TPCH:-../shared/data/tpch}" && pwd)
note() { echo "index.sh: $*" >&2; }

# 1. the data, made once per scale factor (as query.sh)
data=$out/sf$sf
if [ ! -d "$data" ]; then
	cc -O2 -pthread -o "$out/tpchgen" tools/tpchgen.c
	note "generating TPC-H SF $sf into $data"
	rm -rf "$data.tmp"
	"$out/tpchgen" -s "$sf" -o "$data.tmp"
	mv "$data.tmp" "$data"
fi

# 2. lineitem in rdb and in sqlite3
db=$out/index-sf$sf.rdb
schema=$(sed -n 's/^CREATE TABLE lineitem *(\(.*\));$/\1/p' "$tpch/schema.sql" |
	sed -E 's/(VAR)?CHAR\([0-9]+\)/TEXT/g')
rm -rf "$db"
note "loading lineitem SF $sf into $db"
"$bin/rdb-init" "$db" > /dev/null
"$bin/rdb-load" -q --schema "$schema" "$db" lineitem "$data/lineitem.csv" > /dev/null
"$bin/rdb-compact" "$db" > /dev/null
q() { "$bin/rdb-query" --format csv --no-header "$db" "$1"; }
rows=$(q 'SELECT count(*) FROM lineitem')
parts=$(q 'SELECT max(l_partkey) FROM lineitem')
p=$((parts / 3 + 7)) a=$((parts / 2)) b=$((parts / 2 + parts / 1000 - 1))
point="SELECT l_orderkey, l_linenumber, l_quantity, l_shipdate FROM lineitem WHERE l_partkey = $p ORDER BY 1, 2"
range="SELECT count(*), sum(l_quantity), min(l_orderkey) FROM lineitem WHERE l_partkey BETWEEN $a AND $b"

sqlite=$out/index-sf$sf.sqlite
have_sqlite=0
if command -v sqlite3 > /dev/null; then
	rm -f "$sqlite"
	note "loading lineitem into $sqlite"
	sed -n '/^CREATE TABLE lineitem/p' "$tpch/schema.sql" | sqlite3 "$sqlite"
	sqlite3 "$sqlite" ".import --csv --skip 1 $data/lineitem.csv lineitem"
	have_sqlite=1
fi

# 3. timings
median() { sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}'; }
# timed ID CMD...: RUNS runs after one untimed; ID.secs gets the median
timed() {
	local id=$1 i s e
	shift
	"$@" > "$out/$id.out"
	: > "$out/$id.times"
	for i in $(seq "$runs"); do
		s=$(date +%s.%N)
		"$@" > /dev/null
		e=$(date +%s.%N)
		awk -v s="$s" -v e="$e" 'BEGIN {printf "%.4f\n", e - s}' >> "$out/$id.times"
	done
	median < "$out/$id.times" > "$out/$id.secs"
}
once() {
	local id=$1 s e
	shift
	s=$(date +%s.%N)
	"$@" > /dev/null
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN {printf "%.4f\n", e - s}' > "$out/$id.secs"
}
for k in point range; do
	timed "ix-rdb-$k-scan" "$bin/rdb-query" --format csv "$db" "${!k}"
done
once ix-rdb-create "$bin/rdb-query" "$db" "CREATE INDEX li_partkey ON lineitem (l_partkey)"
q "EXPLAIN $point" | grep -q "INDEX SCAN lineitem USING li_partkey" ||
	{ note "the point lookup does not use the index"; exit 1; }
for k in point range; do
	timed "ix-rdb-$k-index" "$bin/rdb-query" --format csv "$db" "${!k}"
	cmp -s "$out/ix-rdb-$k-scan.out" "$out/ix-rdb-$k-index.out" ||
		{ note "$k: the index changed the result"; exit 1; }
done
if [ $have_sqlite = 1 ]; then
	for k in point range; do
		timed "ix-sq-$k-scan" sqlite3 -csv -header "$sqlite" "${!k}"
	done
	once ix-sq-create sqlite3 "$sqlite" "CREATE INDEX li_partkey ON lineitem (l_partkey)"
	for k in point range; do
		timed "ix-sq-$k-index" sqlite3 -csv -header "$sqlite" "${!k}"
	done
fi

s() { if [ -e "$out/$1.secs" ]; then cat "$out/$1.secs"; else echo -; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "-" || a == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
nrows() { echo $(($(wc -l < "$out/$1.out") - 1)); }
echo "index: lineitem SF $sf, $rows rows; point l_partkey = $p ($(nrows ix-rdb-point-index) rows), range l_partkey $a..$b (0.1% of $parts parts); median of $runs"
printf '%-36s %10s %10s %8s\n' metric rdb sqlite3 rdb/sq
for k in point range; do
	printf '%-36s %10s %10s %8s\n' "$k, no index" "$(s ix-rdb-$k-scan)" "$(s ix-sq-$k-scan)" "$(ratio "$(s ix-rdb-$k-scan)" "$(s ix-sq-$k-scan)")"
	printf '%-36s %10s %10s %8s\n' "$k, index" "$(s ix-rdb-$k-index)" "$(s ix-sq-$k-index)" "$(ratio "$(s ix-rdb-$k-index)" "$(s ix-sq-$k-index)")"
	printf '%-36s %10s %10s %8s\n' "  $k speed-up from the index" "$(ratio "$(s ix-rdb-$k-scan)" "$(s ix-rdb-$k-index)")" "$(ratio "$(s ix-sq-$k-scan)" "$(s ix-sq-$k-index)")" ""
done
printf '%-36s %10s %10s %8s\n' "CREATE INDEX" "$(s ix-rdb-create)" "$(s ix-sq-create)" "$(ratio "$(s ix-rdb-create)" "$(s ix-sq-create)")"
printf '%-36s %10s %10s %8s\n' "index bytes on disk" "$(du -sb "$db/indexes" | cut -f1)" "" ""

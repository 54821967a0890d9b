#!/usr/bin/env bash
# Time travel on TPC-H lineitem (issue 8): a query on the current state
# against the same query AS OF a commit in the middle of a history, and
# rdb-flashback diff between points 1 and 10 commits apart.
#   tests/bench/flashback.sh OUTDIR [SF [RUNS]]    (SF 1, RUNS 3)
#
# lineitem at scale SF (tools/tpchgen, the data query.sh makes and
# keeps in OUTDIR/sfSF) is loaded into OUTDIR/flashback-sfSF.rdb, then
# 100 commits each change 0.1% of its rows, 10% in all: three of four
# UPDATE l_quantity and l_comment, the fourth DELETEs. Each commit
# takes the rows of one stretch of l_orderkey, as a workload that
# touches recent or related orders does, the stretches spread over the
# table (dbgen writes lineitem in l_orderkey order, so a stretch is a
# run of row ids). Checkpoints happen as the WAL grows.
#
# Timed, median of RUNS whole processes after one untimed run: TPC-H Q6
# and Q1 as rdb-query runs them now and with lineitem FOR SYSTEM_TIME AS
# OF COMMIT the 50th commit of the history (target: at most 1.2 times
# now); rdb-flashback diff from the 50th commit to the 51st and to the
# 60th, with the rows each prints (target: time in proportion to the
# rows changed, not to the table). Programs come from RDB_BUILD
# (default build).
set -eu
[ $# -ge 1 ] && [ $# -le 3 ] ||
	{ echo "usage: tests/bench/flashback.sh OUTDIR [SF [RUNS]]" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd) sf=${2:-1} runs=${3:-3}
cd "$(dirname "$0")/../.."
bin=$(cd "${RDB_BUILD:-build}" && pwd)
tpch=$(cd "${TPCH:-../shared/data/tpch}" && pwd)
note() { echo "flashback.sh: $*" >&2; }

# 1. the data, made once per scale factor (as query.sh)
data=$out/sf$sf
if [ ! -d "$data" ]; then
	cc -O2 -pthread -o "$out/tpchgen" tools/tpchgen.c
	note "generating TPC-H SF $sf into $data"
	rm -rf "$data.tmp"
	"$out/tpchgen" -s "$sf" -o "$data.tmp"
	mv "$data.tmp" "$data"
fi

# 2. lineitem, and its history of 100 commits
db=$out/flashback-sf$sf.rdb
schema=$(sed -n 's/^CREATE TABLE lineitem *(\(.*\));$/\1/p' "$tpch/schema.sql" |
	sed -E 's/(VAR)?CHAR\([0-9]+\)/TEXT/g')
rm -rf "$db"
note "loading lineitem SF $sf into $db"
"$bin/rdb-init" "$db" > /dev/null
"$bin/rdb-load" -q --schema "$schema" "$db" lineitem "$data/lineitem.csv" > /dev/null
q() { "$bin/rdb-query" --format csv --no-header "$db" "$1"; }
rows=$(q 'SELECT count(*) FROM lineitem')
maxkey=$(q 'SELECT max(l_orderkey) FROM lineitem')
base=$("$bin/rdb-flashback" log --no-header --format tsv "$db" | tail -n 1 | cut -f 1)
note "100 commits changing 10% of $rows rows"
width=$((maxkey / 1000))
for i in $(seq 0 99); do
	lo=$((i * (maxkey / 100) + 1)) hi=$((i * (maxkey / 100) + width))
	if [ $((i % 4)) -eq 3 ]; then
		q "DELETE FROM lineitem WHERE l_orderkey BETWEEN $lo AND $hi" > /dev/null
	else
		q "UPDATE lineitem SET l_quantity = l_quantity + 1, l_comment = 'changed by commit $i' WHERE l_orderkey BETWEEN $lo AND $hi" > /dev/null
	fi
done
mid=$((base + 50))
now_rows=$(q 'SELECT count(*) FROM lineitem')
changed=$(q "SELECT count(*) FROM lineitem FOR SYSTEM_TIME BETWEEN COMMIT $((base + 1)) AND COMMIT $((base + 100)) WHERE rdb_op <> 'D' AND rdb_commit_to IS NOT NULL")

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
asof() {
	sed -E "s/^( *)lineitem\$/\1lineitem FOR SYSTEM_TIME AS OF COMMIT $mid/; s/(FROM|from) lineitem\b/\1 lineitem FOR SYSTEM_TIME AS OF COMMIT $mid/" "$1"
}
for n in 06 01; do
	sql=$(cat "$tpch/queries/q$n.sql")
	old=$(asof "$tpch/queries/q$n.sql")
	[ "$old" != "$sql" ] || { note "cannot rewrite q$n"; exit 1; }
	timed "fb-q$n-now" "$bin/rdb-query" --format csv "$db" "$sql"
	timed "fb-q$n-asof" "$bin/rdb-query" --format csv "$db" "$old"
done
timed fb-diff1 "$bin/rdb-flashback" diff --format csv "$db" lineitem --from "$mid" --to $((mid + 1))
timed fb-diff10 "$bin/rdb-flashback" diff --format csv "$db" lineitem --from "$mid" --to $((mid + 10))
timed fb-count "$bin/rdb-query" --format csv "$db" 'SELECT count(*), sum(l_quantity) FROM lineitem'

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }
s() { cat "$out/$1.secs"; }
d1=$(($(wc -l < "$out/fb-diff1.out") - 1)) d10=$(($(wc -l < "$out/fb-diff10.out") - 1))
echo "flashback: lineitem SF $sf, $rows rows, 100 commits changing $changed of them ($now_rows rows now); AS OF commit $mid; median of $runs"
printf '%-44s %10s %10s %8s\n' metric seconds vs ratio
printf '%-44s %10s %10s %8s\n' "Q6 now" "$(s fb-q06-now)" "" ""
printf '%-44s %10s %10s %8s\n' "Q6 AS OF commit $mid (vs now, target <= 1.2)" "$(s fb-q06-asof)" "$(s fb-q06-now)" "$(ratio "$(s fb-q06-asof)" "$(s fb-q06-now)")"
printf '%-44s %10s %10s %8s\n' "Q1 now" "$(s fb-q01-now)" "" ""
printf '%-44s %10s %10s %8s\n' "Q1 AS OF commit $mid (vs now, target <= 1.2)" "$(s fb-q01-asof)" "$(s fb-q01-now)" "$(ratio "$(s fb-q01-asof)" "$(s fb-q01-now)")"
printf '%-44s %10s %10s %8s\n' "scan of the table: count, sum" "$(s fb-count)" "" ""
printf '%-44s %10s %10s %8s\n' "diff 1 commit apart: $d1 rows" "$(s fb-diff1)" "" ""
printf '%-44s %10s %10s %8s\n' "diff 10 commits apart: $d10 rows (vs 1)" "$(s fb-diff10)" "$(s fb-diff1)" "$(ratio "$(s fb-diff10)" "$(s fb-diff1)")"
printf '%-44s %10s %10s %8s\n' "  rows, 10 apart vs 1" "$d10" "$d1" "$(ratio "$d10" "$d1")"

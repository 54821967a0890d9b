#!/usr/bin/env bash
# rdb-verify against sqlite3's PRAGMA integrity_check: the TPC-H
# database at scale SF (made by tools/tpchgen, all eight tables), the
# same CSV files loaded into each, RUNS runs of each check; median
# seconds, MB/s of each database's bytes on disk and the ratios.
#   tests/bench/verify.sh OUTDIR SF RUNS
#
# rdb-verify runs in full (every chunk decompressed and decoded, on
# every core) and --quick (checksums and structure); sqlite3 runs
# PRAGMA integrity_check and PRAGMA quick_check. Each is a whole
# process, start-up included, after one untimed run so that both read
# from the page cache. Bytes on disk are du's (allocated blocks) of the
# rdb directory and of the SQLite file. The data and both databases are
# the ones tests/bench/query.sh makes, with the same names and rules, so
# either script reuses what the other made: OUTDIR/sfSF,
# OUTDIR/tpch-sfSF.rdb (remade whenever RDB_BUILD/rdb-load is newer)
# and OUTDIR/tpch-sfSF.sqlite. Programs come from RDB_BUILD (default
# build). A peer or program that is missing or fails shows "-" (or
# "err", ">600") in its columns.
#
# Installs its peers when run as root: Debian's sqlite3 and time.
set -eu
[ $# -eq 3 ] || { echo "usage: tests/bench/verify.sh OUTDIR SF RUNS" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd) sf=$2 runs=$3
cd "$(dirname "$0")/../.."
bin=${RDB_BUILD:-build}
tpch=$(cd "${TPCH:-../shared/data/tpch}" && pwd)
tables='nation region part partsupp supplier customer orders lineitem'
note() { echo "verify.sh: $*" >&2; }

if [ "$(id -u)" -eq 0 ]; then
	for pkg in sqlite3:sqlite3 time:/usr/bin/time; do
		command -v "${pkg#*:}" > /dev/null ||
			apt-get install -y -q "${pkg%%:*}" > /dev/null 2>&1 || true
	done
fi

# 1. the data, made once per scale factor (as query.sh)
data=$out/sf$sf
if [ ! -d "$data" ]; then
	cc -O2 -pthread -o "$out/tpchgen" tools/tpchgen.c
	note "generating TPC-H SF $sf into $data"
	rm -rf "$data.tmp"
	"$out/tpchgen" -s "$sf" -o "$data.tmp"
	mv "$data.tmp" "$data"
fi

# 2. the databases, loaded once (as query.sh)
# columns TABLE: its column list from schema.sql, in rdb-load's types
columns() {
	sed -n "s/^CREATE TABLE $1 *(\(.*\));\$/\1/p" "$tpch/schema.sql" |
		sed -E 's/(VAR)?CHAR\([0-9]+\)/TEXT/g'
}
rdb=$out/tpch-sf$sf.rdb
load_rdb() {
	local t
	rm -rf "$rdb" "$rdb.ok"
	"$bin/rdb-init" "$rdb" > /dev/null || return 1
	for t in $tables; do
		"$bin/rdb-load" -q --schema "$(columns "$t")" "$rdb" "$t" "$data/$t.csv" > /dev/null || return 1
	done
	touch "$rdb.ok"
}
have_rdb=0
if [ -x "$bin/rdb-init" ] && [ -x "$bin/rdb-load" ]; then
	if [ -e "$rdb.ok" ] && [ "$rdb.ok" -nt "$bin/rdb-load" ]; then
		have_rdb=1
	else
		note "loading rdb $rdb"
		if load_rdb; then have_rdb=1; else note "loading $rdb failed"; fi
	fi
fi
[ -x "$bin/rdb-verify" ] || have_rdb=0

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

# 3. the checks
median() { sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}'; }
# timed ID CMD...: one untimed run, then RUNS runs of CMD; seconds per
# run into $out/ID.times. CMD must exit 0 and print what $want says
# (when set) on stdout. Returns 124 on a timeout, another non-zero
# status on a failure.
timed() {
	local id=$1 i s e rc
	shift
	: > "$out/$id.times"
	for ((i = -1; i < runs; i++)); do
		s=$EPOCHREALTIME
		rc=0
		timeout 600 "$@" < /dev/null > "$out/$id.out" 2> "$out/$id.err" || rc=$?
		e=$EPOCHREALTIME
		[ "$rc" -eq 0 ] || return "$rc"
		if [ -n "${want-}" ] && [ "$(cat "$out/$id.out")" != "$want" ]; then
			head -c 300 "$out/$id.out" > "$out/$id.err"
			return 1
		fi
		[ "$i" -ge 0 ] || continue
		awk -v s="$s" -v e="$e" 'BEGIN {printf "%.4f\n", e - s}' >> "$out/$id.times"
	done
}
# result STATUS ID: the median seconds, or err / >600 after timed's status
result() {
	case $1 in
	0) median < "$out/$2.times" ;;
	124) echo '>600' ;;
	*) echo err; note "$2 failed: $(head -c 300 "$out/$2.err")" ;;
	esac
}
# bytes PATH: what it takes on disk, in bytes
bytes() { du -s -L -B1 "$1" | cut -f1; }

declare -A secs
for id in rdb-full rdb-quick sqlite-full sqlite-quick; do secs[$id]=-; done
rdb_bytes=- sqlite_bytes=-
if [ "$have_rdb" -eq 1 ]; then
	rdb_bytes=$(bytes "$rdb")
	rc=0
	timed rdb-full "$bin/rdb-verify" "$rdb" || rc=$?
	secs[rdb-full]=$(result "$rc" rdb-full)
	rc=0
	timed rdb-quick "$bin/rdb-verify" --quick "$rdb" || rc=$?
	secs[rdb-quick]=$(result "$rc" rdb-quick)
fi
if [ "$have_sqlite" -eq 1 ]; then
	sqlite_bytes=$(bytes "$sqlite")
	rc=0
	want=ok timed sqlite-full sqlite3 "$sqlite" 'PRAGMA integrity_check;' || rc=$?
	secs[sqlite-full]=$(result "$rc" sqlite-full)
	rc=0
	want=ok timed sqlite-quick sqlite3 "$sqlite" 'PRAGMA quick_check;' || rc=$?
	secs[sqlite-quick]=$(result "$rc" sqlite-quick)
fi

# 4. the table
num() { [[ $1 =~ ^[0-9.]+$ ]] && awk -v x="$1" 'BEGIN {exit !(x > 0)}'; }
ratio() { if num "$1" && num "$2"; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; else echo -; fi; }
mbs() { if num "$1" && num "$2"; then awk -v b="$1" -v s="$2" 'BEGIN {printf "%.0f", b / s / 1e6}'; else echo -; fi; }
mb() { if num "$1"; then awk -v b="$1" 'BEGIN {printf "%.1f", b / 1e6}'; else echo -; fi; }
rows=$(($(wc -l < "$data/lineitem.csv") - 1))
echo "TPC-H SF $sf ($rows lineitem rows): rdb $(mb "$rdb_bytes") MB on disk, sqlite3 $(mb "$sqlite_bytes") MB;" \
	"median of $runs runs, whole process, warm cache, $(nproc) cores"
printf '%-24s %8s %9s %10s %13s %11s\n' check "rdb s" "rdb MB/s" "sqlite3 s" "sqlite3 MB/s" sqlite3/rdb
for k in full quick; do
	case $k in
	full) label="full / integrity_check" ;;
	quick) label="--quick / quick_check" ;;
	esac
	printf '%-24s %8s %9s %10s %13s %11s\n' "$label" "${secs[rdb-$k]}" \
		"$(mbs "$rdb_bytes" "${secs[rdb-$k]}")" "${secs[sqlite-$k]}" \
		"$(mbs "$sqlite_bytes" "${secs[sqlite-$k]}")" \
		"$(ratio "${secs[sqlite-$k]}" "${secs[rdb-$k]}")"
done
echo "rdb-verify --quick is $(ratio "${secs[rdb-full]}" "${secs[rdb-quick]}")x faster than the full check"

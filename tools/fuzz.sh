#!/bin/sh
# fuzz.sh - build the libFuzzer targets tests/fuzz/fuzz-*.c and run each
# for a while from its seed corpus.
#
#   tools/fuzz.sh [SECONDS [TARGET...]]   run every target (or the named
#                                         ones: segment, wal, ...) for
#                                         SECONDS each (default 60)
#   tools/fuzz.sh --build                 build only
#   tools/fuzz.sh --seeds                 remake tests/fuzz/corpus with
#                                         tests/fuzz/mkcorpus.c (the JSON
#                                         seeds are kept as they are)
#
# Targets run one after the other (the machine may be shared). Each
# starts from a copy of tests/fuzz/corpus/NAME in build/fuzz/corpus-NAME,
# so what fuzzing adds never lands in the committed corpus; its log is
# build/fuzz/NAME.log and anything it finds is saved as
# build/fuzz/NAME-crash-* (or -leak-, -timeout-, -oom-). Reproduce with
# build/fuzz/fuzz-NAME FILE; minimise with -minimize_crash=1.
#
# Environment: FUZZ_CC (default clang), FUZZ_FLAGS (more libFuzzer flags),
# FUZZ_JOBS (parallel library compiles, default 2), FUZZ_KEEP_CORPUS=1
# (go on from the corpus the last run grew instead of the seeds alone).
# The targets read RDB_FUZZ_LAX, RDB_FUZZ_VERBOSE and
# RDB_FUZZ_CAT_ATOMIC (tests/fuzz/fuzz-util.h, fuzz-manifest.c).
#
# Exit status: 0 when no target found anything, 1 when one did or the
# build failed, 2 for a usage error.

# Word splitting of $PKGS, $BASE_FLAGS and the object list is meant.
# shellcheck disable=SC2086
set -u

cd "$(dirname "$0")/.." || exit 1

# not $CC: make and the environment often set it to cc or gcc
CC=${FUZZ_CC:-clang}
JOBS=${FUZZ_JOBS:-2}
OUT=build/fuzz
PKGS="libzstd liblz4 libarchive libsodium libxxhash"
BASE_FLAGS="-g -O1 -std=c11 -D_GNU_SOURCE -Ilib -Ilib/include -Icmd \
-fno-omit-frame-pointer -fno-sanitize-recover=all"
SAN=address,undefined

die() {
	echo "fuzz.sh: $*" >&2
	exit 1
}

need_clang() {
	if ! command -v "$CC" >/dev/null 2>&1; then
		echo "fuzz.sh: '$CC' not found: the fuzz targets need clang with libFuzzer." >&2
		echo "  Debian/Ubuntu: apt-get install clang   (libFuzzer comes with it)" >&2
		exit 1
	fi
	mkdir -p "$OUT" || exit 1
	printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
	    >"$OUT/probe.c"
	if ! "$CC" -fsanitize=fuzzer,$SAN "$OUT/probe.c" -o "$OUT/probe" \
	    >"$OUT/probe.log" 2>&1; then
		echo "fuzz.sh: '$CC' cannot build a libFuzzer target (see $OUT/probe.log)." >&2
		echo "  Debian/Ubuntu: apt-get install clang   (libFuzzer is in libclang-rt-<version>-dev)" >&2
		exit 1
	fi
	rm -f "$OUT/probe" "$OUT/probe.c" "$OUT/probe.log"
}

pkg_flags() {
	pkg-config --cflags --libs $PKGS 2>/dev/null ||
	    die "pkg-config cannot find $PKGS (make deps installs them)"
	echo -lm
}

# The library once, instrumented for coverage and the sanitizers;
# rebuilt when anything under lib/ or tests/fuzz/ changed.
build_lib() {
	stamp=$OUT/obj/.stamp
	if [ -f "$stamp" ] && [ -z "$(find lib tests/fuzz -newer "$stamp" \
	    \( -name '*.c' -o -name '*.h' \) 2>/dev/null | head -n 1)" ]; then
		return 0
	fi
	echo "fuzz.sh: building the library for fuzzing"
	rm -rf "$OUT/obj"
	mkdir -p "$OUT/obj" || exit 1
	find lib -name '*.c' | sort >"$OUT/obj/srcs"
	# one object per source, named after its path: lib/seg/seg.c is
	# build/fuzz/obj/lib_seg_seg.o
	sed "s|/|_|g; s|^|$OUT/obj/|; s|\\.c\$|.o|" "$OUT/obj/srcs" >"$OUT/obj/list"
	CFLAGS_PKG=$(pkg-config --cflags $PKGS 2>/dev/null)
	export CC OUT BASE_FLAGS SAN CFLAGS_PKG
	# shellcheck disable=SC2016
	xargs -P "$JOBS" -n 1 sh -c '
		o=$OUT/obj/$(echo "$1" | sed "s|/|_|g; s|\\.c\$|.o|")
		exec $CC $BASE_FLAGS -fsanitize=fuzzer-no-link,$SAN $CFLAGS_PKG \
		    -c "$1" -o "$o"' sh <"$OUT/obj/srcs" ||
	    die "the library does not build"
	touch "$stamp"
}

# build_target NAME: tests/fuzz/fuzz-NAME.c -> build/fuzz/fuzz-NAME
build_target() {
	# shellcheck disable=SC2046
	$CC $BASE_FLAGS -Wall -Wextra -fsanitize=fuzzer,$SAN \
	    "tests/fuzz/fuzz-$1.c" $(cat "$OUT/obj/list") $(pkg_flags) \
	    -o "$OUT/fuzz-$1" || die "fuzz-$1 does not build"
}

targets_all() {
	for f in tests/fuzz/fuzz-*.c; do
		[ -f "$f" ] || continue
		f=${f#tests/fuzz/fuzz-}
		echo "${f%.c}"
	done
}

build_all() {
	need_clang
	build_lib
	for t in $1; do
		[ -f "tests/fuzz/fuzz-$t.c" ] || die "no target tests/fuzz/fuzz-$t.c"
		echo "fuzz.sh: building fuzz-$t"
		build_target "$t"
	done
}

seeds() {
	command -v cc >/dev/null 2>&1 || die "no C compiler"
	mkdir -p "$OUT" || exit 1
	# shellcheck disable=SC2046
	cc -std=c11 -O1 -D_GNU_SOURCE -Ilib -Ilib/include -Icmd \
	    tests/fuzz/mkcorpus.c $(find lib -name '*.c' | sort) $(pkg_flags) \
	    -o "$OUT/mkcorpus" || die "mkcorpus does not build"
	for d in segment index wal manifest enc; do
		rm -rf "tests/fuzz/corpus/$d"
	done
	"$OUT/mkcorpus" tests/fuzz/corpus
}

# run NAME SECONDS: prints one summary line; returns 1 if it found
# something.
run_target() {
	t=$1
	corpus=$OUT/corpus-$t
	log=$OUT/$t.log
	[ -n "${FUZZ_KEEP_CORPUS:-}" ] || rm -rf "$corpus"
	mkdir -p "$corpus" || exit 1
	if [ -d "tests/fuzz/corpus/$t" ]; then
		cp tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
	fi
	rm -f "$OUT/$t-"crash-* "$OUT/$t-"leak-* "$OUT/$t-"timeout-* \
	    "$OUT/$t-"oom-*
	echo "fuzz.sh: running fuzz-$t for $2 s (log: $log)" >&2
	# shellcheck disable=SC2086
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	    "$OUT/fuzz-$t" -max_len=65536 -max_total_time="$2" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$OUT/$t-" ${FUZZ_FLAGS:-} "$corpus" >"$log" 2>&1
	rc=$?
	found=$(find "$OUT" -maxdepth 1 \( -name "$t-crash-*" -o \
	    -name "$t-leak-*" -o -name "$t-timeout-*" -o -name "$t-oom-*" \) |
	    sort | head -n 5 | tr '\n' ' ')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] ||
	    execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | sed 's/ft: //')
	units=$(find "$corpus" -type f | wc -l | tr -d ' ')
	if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
		printf '%-10s %12s execs  cov %-6s ft %-6s corpus %-6s nothing found\n' \
		    "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$units"
		return 0
	fi
	printf '%-10s %12s execs  cov %-6s ft %-6s corpus %-6s FOUND (exit %s): %s\n' \
	    "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$units" "$rc" \
	    "${found:-see $log}"
	grep -m 3 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz: )' "$log" |
	    sed 's/^/    /'
	return 1
}

case ${1:-} in
--build)
	build_all "$(targets_all)"
	exit 0
	;;
--seeds)
	seeds
	exit 0
	;;
-h|--help)
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
	exit 0
	;;
-*)
	echo "usage: tools/fuzz.sh [SECONDS [TARGET...]] | --build | --seeds" >&2
	exit 2
	;;
esac

secs=${1:-60}
case $secs in
''|*[!0-9]*)
	echo "fuzz.sh: SECONDS must be a number, not '$secs'" >&2
	exit 2
	;;
esac
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then
	targets=$*
else
	targets=$(targets_all)
fi
[ -n "$targets" ] || die "no targets in tests/fuzz"

build_all "$targets"
status=0
summary=""
for t in $targets; do
	line=$(run_target "$t" "$secs") || status=1
	echo "$line"
	summary="$summary$(echo "$line" | head -n 1)
"
done
echo
echo "fuzz.sh: summary ($secs s per target)"
printf '%s' "$summary"
exit $status

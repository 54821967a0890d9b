#!/usr/bin/env bash
# Run every test of `make check` against build/ and build/san (ASan +
# UBSan), lint the man pages and check the exported symbols. Prints one
# line per stage, the details of each failure, and last of all
# "N passed, N failed". Exits non-zero when anything failed.
set -u
cd "$(dirname "$0")/.." || exit 2

passed=0
failed=0

# count LABEL OUTPUT STATUS: add a TAP stream's results to the totals.
count() {
	local label=$1 out=$2 rc=$3 p f
	p=$(grep -c '^ok ' <<<"$out")
	f=$(grep -c '^not ok ' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# the runner itself failed: a crash or a sanitizer report
	fi
	if [ "$f" -gt 0 ]; then
		# show each failure with its diagnostics
		awk '/^not ok /{show=1} /^ok /{show=0} show' <<<"$out"
		[ "$rc" -ne 0 ] && [ "$(grep -c '^not ok ' <<<"$out")" -eq 0 ] &&
			tail -n 30 <<<"$out"
	fi
	printf '%-28s %d passed, %d failed\n' "$label" "$p" "$f"
	passed=$((passed + p))
	failed=$((failed + f))
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=87}

for b in build build/san; do
	out=$("$b/unit-tests" 2>&1)
	count "unit tests ($b)" "$out" $?
	# the sanitizer pass tests every 7th fault point: it is slower
	stride=1
	[ "$b" = build/san ] && stride=7
	out=$(RDB_FAULT_STRIDE=$stride RDB_BUILD=$b bats --tap tests/bats 2>&1)
	count "bats suites ($b)" "$out" $?
done

# Man pages: mandoc's linter must have nothing to say.
out=
n=0
for m in man/*.[0-9]; do
	n=$((n + 1))
	msg=$(mandoc -Tlint -W warning "$m" 2>&1)
	if [ -z "$msg" ]; then
		out+="ok $n - lint $m"$'\n'
	else
		out+="not ok $n - lint $m"$'\n'"$msg"$'\n'
	fi
done
count "man page lint" "$out" 0

# librdb exports exactly its public API: rdb_* names, every RDB_API
# function of the installed headers, nothing else.
out=
exported=$(nm -D --defined-only build/librdb.so | awk '$2 ~ /^[TDBRVWi]$/ {print $3}' | sort)
stray=$(grep -v '^rdb_' <<<"$exported" | grep -v '^_' || true)
if [ -z "$stray" ]; then
	out+="ok 1 - only rdb_* symbols exported"$'\n'
else
	out+="not ok 1 - symbols outside rdb_* exported"$'\n'"$stray"$'\n'
fi
api=$(grep -h '^RDB_API ' lib/include/rdb/*.h | grep -o '^RDB_API [^(]*(' | sed 's/($//; s/.*[ *]//' | sort)
missing=$(comm -23 <(printf '%s\n' "$api") <(printf '%s\n' "$exported"))
internal=$(comm -13 <(printf '%s\n' "$api") <(grep '^rdb_' <<<"$exported"))
if [ -z "$missing" ] && [ -z "$internal" ]; then
	out+="ok 2 - exports equal the RDB_API declarations"$'\n'
else
	out+="not ok 2 - exports differ from RDB_API"$'\n'"missing: $missing"$'\n'"internal: $internal"$'\n'
fi
count "exported symbols" "$out" 0

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

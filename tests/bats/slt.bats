#!/usr/bin/env bats
# slt: the sqllogictest runner. It parses SQLite's select1..5 scripts,
# counts passes, failures and skips, and keeps each file at or above its
# floor in tests/slt/floors.

load helper

SLT=$BATS_TEST_DIRNAME/../../../shared/data/suites/sqllogictest

@test "the parser reads every record of select1..5" {
	[ -d "$SLT" ] || skip "no ../shared/data/suites"
	ok slt --parse-only "$SLT"/select{1,2,3,4,5}.test
	is "$output" "select1.test: 1000 queries, 31 statements ok, 0 statements error, 0 hash-threshold, 0 halt, 0 skipped, 0 malformed
select2.test: 1000 queries, 31 statements ok, 0 statements error, 1 hash-threshold, 0 halt, 0 skipped, 0 malformed
select3.test: 3320 queries, 31 statements ok, 0 statements error, 1 hash-threshold, 0 halt, 0 skipped, 0 malformed
select4.test: 2832 queries, 1025 statements ok, 0 statements error, 0 hash-threshold, 0 halt, 0 skipped, 0 malformed
select5.test: 732 queries, 704 statements ok, 0 statements error, 0 hash-threshold, 0 halt, 0 skipped, 0 malformed"
}

@test "select1..5 pass at least their floors" {
	[ -d "$SLT" ] || skip "no ../shared/data/suites"
	local floors=() f n
	while read -r f n; do
		[[ -z $f || $f == '#'* ]] && continue
		floors+=(--min-pass "$f:$n")
	done < "$RDB_ROOT/tests/slt/floors"
	run --separate-stderr slt --timeout 60 --fail-log "$BATS_TEST_TMPDIR/fail.log" \
		"${floors[@]}" "$SLT"/select{1,2,3,4,5}.test
	local line
	for line in "${lines[@]}"; do
		echo "# $line" >&3
	done
	[ "$status" -eq 0 ] || fail "status: $status" "stderr: $stderr" \
		"first failures: $(head -c 2000 "$BATS_TEST_TMPDIR/fail.log" 2>/dev/null)" || return 1
	is "$stderr" "" || return 1
	is "${#lines[@]}" 5 || return 1
	for line in "${lines[@]}"; do
		[[ $line =~ ^select[1-5]\.test:\ [0-9]+/[0-9]+\ passed\ \([0-9]+\ failed,\ [0-9]+\ skipped\)$ ]] ||
			fail "bad summary: $line" || return 1
	done
}

@test "statements, queries, conditions and failures are counted" {
	cat > t.test <<'T'
# a comment
statement ok
CREATE TABLE t(a INTEGER, b TEXT)

statement ok
INSERT INTO t VALUES (2, 'x'), (1, ''), (10, NULL)

statement error
SELEC nonsense

query IT rowsort
SELECT a, b FROM t
----
1
(empty)
10
NULL
2
x

query I valuesort
SELECT a FROM t
----
3 values hashing to 91ff90854a35e9226df03b9b06c2f9c8

query IT rowsort
SELECT a, b FROM t WHERE a > 99
----

query I nosort
SELECT a FROM t WHERE a = 1
----
2

skipif sqlite
statement ok
SELEC nonsense

onlyif postgresql
statement ok
SELEC nonsense

onlyif sqlite
query I nosort
SELECT count(*) FROM t
----
3

halt

statement ok
SELEC nonsense
T
	ok slt --fail-log fail.log t.test
	is "$output" "t.test: 7/10 passed (1 failed, 2 skipped)" || fail "$(cat fail.log)"
	is "$(head -1 fail.log)" "t.test:30: value 1 (line 33): expected '2', got '1'"
	ok slt --engine postgresql t.test
	is "$output" "t.test: 6/10 passed (3 failed, 1 skipped)"
}

@test "a floor not met is exit 1; failures alone are not" {
	printf 'query I nosort\nSELECT 1\n----\n2\n' > t.test
	ok slt t.test
	is "$output" "t.test: 0/1 passed (1 failed, 0 skipped)"
	run --separate-stderr slt --min-pass t.test:1 t.test
	is "$status" 1
	is "$output" "t.test: 0/1 passed (1 failed, 0 skipped)"
	is "$stderr" "slt: t.test: 0 passed, fewer than the floor of 1"
	ok slt --min-pass t.test:0 t.test
}

@test "no temporary database is left behind" {
	printf 'statement ok\nCREATE TABLE t(a INTEGER)\n' > t.test
	mkdir dbs
	ok slt --db-dir dbs t.test
	is "$output" "t.test: 1/1 passed (0 failed, 0 skipped)"
	is "$(ls -A dbs)" ""
}

@test "bad usage and unreadable files" {
	usage_fails slt
	usage_fails slt --bogus t.test
	usage_fails slt --min-pass nocount t.test
	usage_fails slt --timeout soon t.test
	fails 1 slt missing.test
	is "$stderr" "slt: cannot open 'missing.test': No such file or directory"
	printf 'statement ok\nSELECT 1\n' > t.test
	fails 1 slt --db-dir missing t.test
}

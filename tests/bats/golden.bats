#!/usr/bin/env bats
# Databases written by each format version keep opening, and read
# exactly as they did (tests/golden/: made by the standard workload of
# rdb-test-helper, with segments, delete files, commit logs, a manifest
# and a WAL tail).

load helper

@test "format version 0 database reads as it was written" {
	cp -r "$RDB_ROOT/tests/golden/v0.rdb" db
	ok rdb-test-helper state db
	is "$output" "$(cat "$RDB_ROOT/tests/golden/v0.state")"
	ok rdb-test-helper log db
	is "${#lines[@]}" 13
	# and takes new writes
	ok rdb-test-helper create db more 'a:INTEGER'
	ok rdb-compact db
	ok rdb-test-helper state db
	is "${lines[0]}" "commit 14"
}

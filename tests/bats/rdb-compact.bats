#!/usr/bin/env bats
# rdb-compact: merge segments, drop history past retention, remove files
# nothing needs.

load helper

h() {
	rdb-test-helper "$@"
}

# a table with two segments, rows in the WAL and some deletes
fill() {
	h create "$1" t 'k:BIGINT,s:TEXT' >/dev/null
	seq 1 1000 | awk '{print $1 "\ts" $1}' | h insert "$1" t >/dev/null
	h checkpoint "$1"
	seq 1001 1500 | awk '{print $1 "\ts" $1}' | h insert "$1" t >/dev/null
	h checkpoint "$1"
	seq 1501 1600 | awk '{print $1 "\ts" $1}' | h insert "$1" t >/dev/null
	h delete "$1" t 0 1 2 1200 >/dev/null
}

@test "within retention: segments merge, every snapshot reads the same" {
	rdb-init db
	fill db
	for c in 2 3 4 5; do h dump --commit $c db t > before.$c; done
	ok rdb-compact --report db
	is "${lines[0]}" "horizon,segments_before,segments_after,rows_purged,files_removed,files_kept,bytes_before,bytes_after"
	[[ ${lines[1]} =~ ^0,3,1,0,[0-9]+,0,[0-9]+,[0-9]+$ ]] || fail "${lines[1]}"
	for c in 2 3 4 5; do
		h dump --commit $c db t > after.$c
		cmp before.$c after.$c || fail "snapshot $c changed"
	done
	ok rdb-stat --tables db
	is "${lines[1]}" "t,2,1596,4,0,1,1,$(stat -c %s db/tables/1/* | paste -sd+ | bc)"
	run ls db/tables/1
	is "${#lines[@]}" 2   # one segment, one delete file
	# one manifest, and the commit log of each of the three checkpoints
	is "$(ls db/manifest/*.man | wc -l)" 1
	is "$(ls db/manifest/*.log | wc -l)" 3
}

@test "retention 0: deleted rows are purged and old snapshots refused (exit 6)" {
	rdb-init --retention 0 db
	fill db
	h dump db t > before
	ok rdb-compact --report --no-header db
	[[ $output =~ ^5,3,1,4,[0-9]+,0,[0-9]+,[0-9]+$ ]] || fail "$output"
	h dump db t > after
	cmp before after
	is "$(wc -l < after)" 1596
	fails 6 h dump --commit 4 db t
	is "$stderr" "rdb-test-helper: commit 4 is outside retained history: the oldest readable is 5"
	ok rdb-stat --tables --no-header db
	[[ $output =~ ^t,2,1596,0,0,1,1, ]] || fail "$output"
	# a purged row cannot be deleted again
	fails 1 h delete db t 1
	is "$stderr" "rdb-test-helper: row 1 of 't' does not exist or is already deleted"
	ok h delete db t 3
	# compacting again changes nothing that was readable
	h dump db t > before2
	ok rdb-compact db
	is "$output" ""
	h dump db t > after2
	cmp before2 after2
}

@test "files nothing names are removed, ours only" {
	rdb-init db
	fill db
	touch db/tables/1/00000000000000ff.seg db/manifest/00000000000000fe.man \
		db/tables/1/notes.txt db/manifest/CURRENT.tmp
	ok rdb-compact db
	[ ! -e db/tables/1/00000000000000ff.seg ]
	[ ! -e db/manifest/00000000000000fe.man ]
	[ ! -e db/manifest/CURRENT.tmp ]
	[ -e db/tables/1/notes.txt ]     # not ours [F-DIR-008]
	ok h dump db t
	is "${#lines[@]}" 1596
}

@test "files a reader may still need are kept while it pins a snapshot" {
	rdb-init db
	fill db
	hold --snapshot 3 hold db reader
	ok rdb-compact --report --no-header --lock-timeout 200ms db
	[[ $output =~ ^0,3,1,0,0,[1-9][0-9]*, ]] || fail "$output"
	kill -9 "$holder"
	while kill -0 "$holder" 2>/dev/null; do sleep 0.01; done
	ok rdb-compact --report --no-header db
	[[ $output =~ ^0,1,1,0,[1-9][0-9]*,0, ]] || fail "$output"
	ok h dump db t
	is "${#lines[@]}" 1596
}

@test "an empty database compacts to nothing" {
	rdb-init db
	ok rdb-compact --report --no-header db
	is "$output" "0,0,0,0,0,0,0,0"
}

@test "a held writer lock times out with exit 5" {
	rdb-init db
	hold --program rdb-load hold db writer
	fails 5 rdb-compact --lock-timeout 100ms db
	[[ $stderr == "rdb-compact: database 'db' is locked by writer rdb-load (pid $holder, since "*"); gave up after 100 ms" ]] || fail "$stderr"
}

@test "damage and bad arguments" {
	rdb-init db
	fill db
	rdb-test-helper corrupt db/tables/1/0000000000000001.seg 30
	fails 3 rdb-compact db
	[[ $stderr == "rdb-compact: damaged segment 'db/tables/1/0000000000000001.seg' at offset "* ]] || fail "$stderr"
	usage_fails rdb-compact
	usage_fails rdb-compact a b
	fails 1 rdb-compact nope
}

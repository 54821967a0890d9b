#!/usr/bin/env bats
# The lock protocol of format/lock.md, between real processes.

load helper

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/work" && cd "$BATS_TEST_TMPDIR/work"
	rdb-init db.rdb
}

@test "a second writer times out and the error names the holder [F-LCK-002] [F-LCK-007]" {
	hold --program rdb-load hold db.rdb writer
	start=$(date +%s%N)
	fails 5 rdb-test-helper --lock-timeout 300ms lock db.rdb writer
	took=$(( ($(date +%s%N) - start) / 1000000 ))
	[[ $stderr =~ ^rdb-test-helper:\ database\ \'db.rdb\'\ is\ locked\ by\ writer\ rdb-load\ \(pid\ $holder,\ since\ 20[0-9-]+\ [0-9:]+\ UTC\)\;\ gave\ up\ after\ 300\ ms$ ]] ||
		fail "stderr: $stderr"
	[ "$took" -ge 300 ] || fail "gave up after $took ms"
	[ "$took" -lt 3000 ] || fail "took $took ms"
}

@test "RDB_LOCK_TIMEOUT bounds the wait; --lock-timeout wins over it" {
	hold hold db.rdb writer
	RDB_LOCK_TIMEOUT=1s fails 5 rdb-test-helper lock db.rdb writer
	[[ $stderr == *"gave up after 1 s" ]] || fail "stderr: $stderr"
	RDB_LOCK_TIMEOUT=1h fails 5 rdb-test-helper --lock-timeout 0 lock db.rdb writer
	[[ $stderr == *"gave up after 0 s" ]] || fail "stderr: $stderr"
}

@test "an invalid RDB_LOCK_TIMEOUT is a usage error" {
	RDB_LOCK_TIMEOUT=soon usage_fails rdb-test-helper lock db.rdb writer
	is "${stderr_lines[0]}" "rdb-test-helper: invalid RDB_LOCK_TIMEOUT 'soon': expected a duration such as 5s or 500ms"
}

@test "the default wait is 5 seconds" {
	hold hold db.rdb writer
	fails 5 rdb-test-helper lock db.rdb writer
	[[ $stderr == *"gave up after 5 s" ]] || fail "stderr: $stderr"
}

@test "a killed writer's lock is gone at once" {
	hold --program rdb-load hold db.rdb writer
	kill -9 "$holder"
	wait "$holder" 2>/dev/null || true
	while kill -0 "$holder" 2>/dev/null; do sleep 0.01; done
	ok rdb-test-helper --lock-timeout 0 lock db.rdb writer
	ok rdb-stat db.rdb
	[[ $output == *$'\nwriter,none\n'* ]]
}

@test "the writer is free again after a clean release" {
	ok rdb-test-helper --lock-timeout 0 lock db.rdb writer
	ok rdb-test-helper --lock-timeout 0 lock db.rdb writer
}

@test "readers never block the writer, nor the writer readers [F-LCK-004]" {
	hold --snapshot 7 hold db.rdb reader
	ok rdb-test-helper --lock-timeout 0 lock db.rdb writer
	hold hold db.rdb writer
	ok rdb-test-helper --lock-timeout 0 lock db.rdb reader
	ok rdb-stat db.rdb
}

@test "many readers at once" {
	for i in 1 2 3 4 5; do
		hold --snapshot $i hold db.rdb reader
	done
	ok rdb-stat db.rdb
	[[ $output == *$'\nreaders,5' ]]
	ok rdb-stat --locks --no-header db.rdb
	is "$(printf '%s\n' "$output" | cut -d, -f6 | sort -n | tr '\n' ' ')" "1 2 3 4 5 "
}

@test "checkpoint waits for readers pinning older snapshots [F-LCK-003]" {
	hold --program rdb-query --snapshot 5 hold db.rdb reader
	reader=$holder
	ok rdb-test-helper --lock-timeout 0 wait-readers db.rdb 5
	fails 5 rdb-test-helper --lock-timeout 200ms wait-readers db.rdb 6
	[[ $stderr == *"is locked by reader rdb-query (pid $reader, since "*"); gave up after 200 ms" ]] ||
		fail "stderr: $stderr"
	kill -9 "$reader"
	while kill -0 "$reader" 2>/dev/null; do sleep 0.01; done
	ok rdb-test-helper --lock-timeout 0 wait-readers db.rdb 6
}

@test "one checkpoint at a time" {
	hold hold db.rdb checkpoint
	fails 5 rdb-test-helper --lock-timeout 100ms lock db.rdb checkpoint
	ok rdb-test-helper --lock-timeout 0 lock db.rdb writer
}

@test "a waiting writer gets the lock when the holder goes" {
	hold hold db.rdb writer
	(sleep 0.3; kill -9 "$holder") &
	ok rdb-test-helper --lock-timeout 5s lock db.rdb writer
}

@test "a holder whose record is unreadable is still honoured [F-LCK-005]" {
	hold hold db.rdb writer
	rdb-test-helper corrupt db.rdb/LOCK 70
	fails 5 rdb-test-helper --lock-timeout 0 lock db.rdb writer
	is "$stderr" "rdb-test-helper: database 'db.rdb' is locked by another writer (holder unknown); gave up after 0 s"
	ok rdb-stat db.rdb
	[[ $output == *$'\nwriter,unknown holder\n'* ]]
}

@test "a read-only lock file still allows reading [F-LCK-009]" {
	d=$(mktemp -d /tmp/rdb-ro.XXXXXX)
	chmod 755 "$d"
	rdb-init "$d/x.rdb"
	chmod 400 "$d/x.rdb/LOCK"
	[ "$(id -u)" -ne 0 ] || chown -R 65534:65534 "$d/x.rdb"
	run --separate-stderr as_nobody rdb-stat "$d/x.rdb"
	rm -rf "$d"
	is "$status" 0
	is "$stderr" ""
	[[ $output == *$'\nwritable,false\n'* ]] || fail "$output"
}

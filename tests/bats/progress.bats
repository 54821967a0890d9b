#!/usr/bin/env bats
# The progress bar: on stderr, only for a terminal, never with --quiet.

load helper

@test "no progress bar when stderr is not a terminal" {
	ok rdb-test-helper progress 20
	is "$output" "done 20"
}

@test "a progress bar on a terminal, erased at the end" {
	run script -qec "rdb-test-helper progress 200 2>&1 >/dev/null" /dev/null
	is "$status" 0
	[[ $output == *"test: ["*"] 100% 200/200 rows ("*"/s) ETA 0:00"* ]] || fail "$output"
	# the last thing drawn is the erase sequence
	[[ $output == *$'\r\033[K' || $output == *$'\r\033[K\r' ]] || fail "$(printf %q "$output")"
}

@test "--quiet turns the progress bar off on a terminal" {
	run script -qec "rdb-test-helper --quiet progress 50 2>&1 >/dev/null" /dev/null
	is "$status" 0
	is "$output" ""
}

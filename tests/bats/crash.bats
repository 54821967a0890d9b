#!/usr/bin/env bats
# Crash safety: a writer killed with SIGKILL at random moments, again and
# again; after each kill the database must hold every acknowledged
# commit, and no part of an unacknowledged one (format/wal.md
# [F-WAL-004] [F-WAL-005]). RDB_KILLS sets the count (make check-long
# runs 1000).

load helper

@test "kill -9 loop: acknowledged commits survive, partial ones never show" {
	kills=${RDB_KILLS:-50}
	rdb-init --checkpoint-size 16k db
	rdb-test-helper create db t 'k:BIGINT:notnull,pad:TEXT' >/dev/null
	acked=0 slowest=0 failures=0 checkpoints=0
	for ((i = 0; i < kills; i++)); do
		next=$((acked + 1))
		seq $next $((next + 30000)) | awk '{print $1 "\tpad-" $1 "-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}' |
			rdb-test-helper --every 3 insert db t > acks 2> err &
		pid=$!
		sleep 0.0$((RANDOM % 9))$((RANDOM % 10))
		kill -9 $pid 2>/dev/null || true
		wait $pid 2>/dev/null || true
		ackd=$(grep -c '^commit' acks || true)
		start=$(date +%s%N)
		rdb-test-helper dump db t > rows 2> dumperr || {
			failures=$((failures + 1))
			echo "# reopen failed after kill $i: $(cat dumperr)" >&3
			break
		}
		took=$((($(date +%s%N) - start) / 1000000))
		[ $took -le $slowest ] || slowest=$took
		m=$(wc -l < rows)
		# rows are exactly k = 1..m, each once
		if ! cut -f2 rows | awk -v m="$m" '$1 != NR {bad=1} END {exit bad || NR != m}'; then
			failures=$((failures + 1))
			echo "# kill $i: rows are not 1..$m" >&3
			break
		fi
		low=$((acked + 3 * ackd))
		if [ $m -lt $low ] || [ $m -gt $((low + 3)) ] || [ $((m % 3)) -ne 0 ]; then
			failures=$((failures + 1))
			echo "# kill $i: $m rows, acknowledged $low" >&3
			break
		fi
		acked=$m
	done
	checkpoints=$(ls db/manifest/*.man 2>/dev/null | wc -l)
	echo "# $i kills, $failures failures, slowest reopen ${slowest} ms, $acked rows, $checkpoints checkpoints" >&3
	[ $failures -eq 0 ]
	[ $acked -gt 0 ]
}

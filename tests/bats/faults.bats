#!/usr/bin/env bats
# Faults at every I/O point of a standard workload (create, appends,
# deletes, an update, DDL, checkpoint, compaction, drop): a crash, a torn
# write, a power loss dropping unsynced writes, EIO, ENOSPC and a short
# write. After each, the database opens, holds every acknowledged step
# and nothing of an unacknowledged one beyond, at most, the step in
# flight, and takes new writes. RDB_FAULT_STRIDE tests every Nth point
# (1 by default; the sanitizer pass uses a sparser stride).

load helper

h() {
	rdb-test-helper "$@"
}

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	rdb-init template
	for i in $(seq 0 15); do
		cp -r template g$i
		rdb-test-helper workload g$i $i > /dev/null
		rdb-test-helper state g$i > S$i
	done
	rm -rf g*
	cp -r template count
	rdb-test-helper --io-count workload count 2> io > /dev/null
	sed -n 's/^io //p' io > total
}

# check KIND: run the workload with KIND at every point; $1 is the kind
run_faults() {
	local kind=$1 stride=${RDB_FAULT_STRIDE:-1} total n a st bad=0 runs=0
	total=$(cat "$BATS_FILE_TMPDIR/total")
	[ "$total" -gt 100 ] || fail "only $total I/O points" || return 1
	for ((n = 1; n <= total; n += stride)); do
		rm -rf db
		cp -r "$BATS_FILE_TMPDIR/template" db
		st=0
		h --fault "$kind:$n" workload db > acks 2> err || st=$?
		a=$(grep -c '^ack' acks || true)
		case $kind in
		crash|torn|powerloss) [ $st -eq 99 ] || { echo "# $kind $n: exit $st: $(cat err)" >&3; bad=1; break; } ;;
		*) [ $st -eq 0 ] || [ $st -eq 1 ] || { echo "# $kind $n: exit $st: $(cat err)" >&3; bad=1; break; } ;;
		esac
		if ! h state db > state 2> serr; then
			echo "# $kind $n: does not open: $(cat serr)" >&3
			bad=1
			break
		fi
		if ! cmp -s state "$BATS_FILE_TMPDIR/S$a" &&
			! cmp -s state "$BATS_FILE_TMPDIR/S$((a < 15 ? a + 1 : 15))"; then
			echo "# $kind $n: after $a acknowledged steps the state matches neither step $a nor $((a + 1))" >&3
			bad=1
			break
		fi
		if ! h create db zz 'a:INTEGER' > /dev/null 2> cerr; then
			echo "# $kind $n: no longer writable: $(cat cerr)" >&3
			bad=1
			break
		fi
		runs=$((runs + 1))
	done
	echo "# $kind: $runs of $total points, $bad failures" >&3
	[ $bad -eq 0 ]
}

@test "a crash at every write or sync" {
	run_faults crash
}

@test "a torn write at every write" {
	run_faults torn
}

@test "a power loss at every point drops what was not synced" {
	run_faults powerloss
}

@test "EIO at every point fails cleanly" {
	run_faults eio
}

@test "ENOSPC at every point fails cleanly" {
	run_faults enospc
}

@test "a short write at every point fails cleanly" {
	run_faults short
}

@test "an injected error is reported with the file, and changes nothing" {
	cp -r "$BATS_FILE_TMPDIR/template" db
	h create db t 'a:INTEGER' > /dev/null
	h create db u 'a:INTEGER' > /dev/null
	cp -r db counted
	total=$(h --io-count create counted v 'a:INTEGER' 2>&1 >/dev/null | sed -n 's/^io //p')
	[ "$total" -ge 4 ]
	# every point but the last, which clears the lock's holder record
	# (advice only: its failure is ignored)
	for ((n = 1; n < total; n++)); do
		fails 1 h --fault enospc:$n create db v 'a:INTEGER'
		[[ $stderr =~ ^rdb-test-helper:\ cannot\ [a-z]+\ .*\'db.*:\ No\ space\ left\ on\ device$ ]] ||
			fail "point $n: $stderr"
		ok h tables db
		is "$output" $'1 t a:INTEGER\n2 u a:INTEGER'
	done
}

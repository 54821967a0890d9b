#!/usr/bin/env bats
# The model test of time travel (issue 8): a random history of a table
# t — inserts, updates, deletes, transactions, rollbacks, ALTER TABLE,
# restores, a drop and its undrop, checkpoints and compactions, commits
# made with the clock moved back and forth by faketime — against an
# independent model of what each commit left (tests/flashback/model.awk).
# Then, at random points (commit ids and times: exact, between commits,
# after the last), AS OF, rdb-flashback query, diff and versions and FOR
# SYSTEM_TIME BETWEEN must print exactly what the model says, and points
# before the first commit, in the future or, after a compaction with a
# short retention, outside retained history must fail with exit status
# 6 and their message.
#
# RDB_MODEL_SEED replays a seed (each run prints its own);
# RDB_MODEL_COMMITS and RDB_MODEL_POINTS set the size (make check-long
# runs a longer one). The sanitizer build checks fewer points.

load helper

model() {
	awk -v seed="$seed" -v commits="$commits" "$@" -f "$RDB_ROOT/tests/flashback/model.awk"
}

# step CMD...: one step of the workload succeeds quietly (its stdout is
# dropped: restore and undrop report what they did).
step() {
	local rc=0
	"$@" </dev/null >/dev/null 2>step.err || rc=$?
	if [ "$rc" -ne 0 ] || [ -s step.err ]; then
		fail "seed $seed: step failed (exit $rc): $*" "$(cat step.err)"
	fi
}

# Run the workload of plan; clock gets, for each commit, the fake time
# (µs) before and after the step that made it.
run_plan() {
	local kind ago made payload ft before after
	: > clock
	while IFS=$'\t' read -r kind ago made payload; do
		ft=()
		[ "$ago" -gt 0 ] && ft=(faketime -f "-${ago}s")
		before=${EPOCHREALTIME/./}
		case $kind in
		sql) step "${ft[@]}" rdb-query db "$payload" || return 1 ;;
		restore) step "${ft[@]}" rdb-flashback restore db t --commit "$payload" || return 1 ;;
		undrop) step "${ft[@]}" rdb-flashback undrop db t || return 1 ;;
		checkpoint) step "${ft[@]}" rdb-test-helper checkpoint db || return 1 ;;
		compact) step "${ft[@]}" rdb-compact db || return 1 ;;
		*) fail "bad step: $kind" || return 1 ;;
		esac
		after=${EPOCHREALTIME/./}
		if [ "$made" = 1 ]; then
			echo "$((before - ago * 1000000)) $((after - ago * 1000000))" >> clock
		fi
	done < plan
}

# The commits' times from the log: "commit <tab> µs <tab> text" in times.
read_times() {
	rdb-flashback log --no-header --format tsv db | cut -f 1,2 | uniq > log.times
	cut -f 2 log.times | TZ=UTC date -f - +%s%6N > log.us
	paste <(cut -f 1 log.times) log.us <(cut -f 2 log.times) > times
}

# Run the points of file points; what they print goes to actual, in the
# form the model writes expected in.
run_points() {
	local f batch=() n=0 rc
	: > actual
	flush() {
		[ ${#batch[@]} -gt 0 ] || return 0
		rc=0
		rdb-query db "$(printf '%s; ' "${batch[@]}")" >> actual 2>batch.err </dev/null || rc=$?
		if [ "$rc" -ne 0 ] || [ -s batch.err ]; then
			{ echo "## batch failed (exit $rc)"; cat batch.err; } >> actual
		fi
		batch=()
	}
	while IFS=$'\t' read -r -a f; do
		if [ "${f[0]}" = sql ]; then
			batch+=("${f[1]}")
			[ ${#batch[@]} -lt 80 ] || flush
			continue
		fi
		flush
		rc=0
		"${f[@]:3}" > out 2> err </dev/null || rc=$?
		{
			echo "## ${f[1]}"
			echo "exit $rc"
			if [ "${f[2]}" = 1 ] && [ -s out ]; then
				head -n 1 out
				tail -n +2 out | LC_ALL=C sort
			else
				cat out
			fi
			echo "## stderr"
			sed 's/is in the future: it is now [0-9][-0-9 :.]*[0-9]/is in the future: it is now NOW/' err
		} >> actual
	done < points
	flush
}

# check HORIZON POINTS: draw the points, run them, compare with the model.
check_points() {
	rm -f points expected
	: > expected
	model -v mode=expect -v times=times -v now="${EPOCHREALTIME/./}" \
		-v points="$2" -v horizon="$1" -v pfile=points -v efile=expected
	run_points
	cp points "points.$1"; cp expected "expected.$1"; cp actual "actual.$1"
	if ! diff -u expected actual > model.diff; then
		fail "seed $seed (RDB_MODEL_SEED=$seed RDB_MODEL_COMMITS=$commits to replay): rdb differs from the model" \
			"$(head -n 80 model.diff)"
	fi
}

@test "AS OF, query, diff, versions and FOR SYSTEM_TIME agree with a model of a random history" {
	command -v faketime >/dev/null || skip "no faketime(1)"
	# a preloaded library must not upset the sanitizers' link order
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	seed=${RDB_MODEL_SEED:-8}
	commits=${RDB_MODEL_COMMITS:-300}
	points=${RDB_MODEL_POINTS:-600}
	[[ $RDB_BUILD == */san ]] && points=${RDB_MODEL_POINTS:-200}
	echo "seed $seed, $commits commits, $points points"

	# Ten years of retention keep the whole history through the
	# workload's compactions; small WAL checkpoints move rows into
	# segments every few commits.
	rdb-init --retention 3650d --sync off --checkpoint-size 32k db
	model -v mode=plan > plan
	run_plan

	# the commits the model expects, with the rows each inserted and
	# deleted
	read_times
	is "$(wc -l < times)" "$(awk -F '\t' '{ n += $3 } END { print n }' plan)" ||
		fail "seed $seed: commit count" || return 1
	rdb-flashback log --no-header --format tsv db t | cut -f 1,6- > log.t
	model -v mode=log > log.want
	diff -u log.want log.t || fail "seed $seed: log of t" || return 1

	# Times strictly increase; each is the (fake) clock at the commit,
	# or its predecessor's plus 1 µs when the clock was set back.
	paste -d ' ' <(cut -f 2 times) clock | awk '
		{
			lo = $2; hi = $3
			if (NR > 1 && lo <= prev) { lo = prev + 1; back++ }
			if (NR > 1 && hi <= prev) hi = prev + 1
			if ($1 < lo || $1 > hi) { print "commit " NR ": " $1 " not in [" lo ", " hi "]"; bad = 1 }
			prev = $1
		}
		END { if (bad) exit 1; print back + 0 > "steps.back" }' ||
		fail "seed $seed: commit times" || return 1
	if [ "$commits" -ge 100 ]; then
		[ "$(cat steps.back)" -gt 0 ] || fail "seed $seed: no commit made with the clock set back" || return 1
	fi
	ok rdb-verify db

	check_points 1 "$points" || return 1

	# A retention that puts the horizon about a third of the way in:
	# compaction drops the history before it; the rest reads the same.
	n=$(wc -l < times)
	target=$(awk -F '\t' -v n=$((n / 3)) 'NR == n { print $2 }' times)
	ret=$(((${EPOCHREALTIME/./} - target) / 1000000 + 1))
	ok rdb-flashback retention db --set "${ret}s"
	before=${EPOCHREALTIME/./}
	ok rdb-compact db
	after=${EPOCHREALTIME/./}
	ok rdb-flashback retention --no-header --format tsv db
	horizon=$(head -n 1 <<<"$output" | cut -f 5)
	[ "$horizon" -gt 1 ] || fail "seed $seed: horizon $horizon" || return 1
	# the newest commit made at or before the compaction's now minus the
	# retention
	awk -F '\t' -v h="$horizon" -v lo=$((before - ret * 1000000)) -v hi=$((after - ret * 1000000)) '
		$1 == h && $2 > hi { print "horizon " h " is after " hi; bad = 1 }
		$1 == h + 1 && $2 <= lo { print "commit " $1 " is before " lo; bad = 1 }
		END { exit bad }' times || fail "seed $seed: horizon $horizon" || return 1
	ok rdb-verify db

	check_points "$horizon" $((points / 3))
}

# Shared set-up for rdb's bats suites.
#
# Tests run the programs of $RDB_BUILD (default: build/, or build/san
# for the sanitizer pass) and work only inside $BATS_TEST_TMPDIR.

bats_require_minimum_version 1.5.0

RDB_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
RDB_BUILD=$(cd "${RDB_BUILD:-$RDB_ROOT/build}" && pwd)
PATH=$RDB_BUILD:$PATH
export PATH RDB_ROOT RDB_BUILD
unset RDB_LOCK_TIMEOUT NO_COLOR
export LC_ALL=C.UTF-8

# Each test works in an empty directory of its own (bats keeps its
# scratch files in $BATS_TEST_TMPDIR itself).
setup() {
	mkdir -p "$BATS_TEST_TMPDIR/work" && cd "$BATS_TEST_TMPDIR/work"
}

# Kill background holders a test started.
teardown() {
	local p
	for p in ${HOLDERS-}; do
		kill -9 "$p" 2>/dev/null || true
	done
	true
}

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# ok CMD...: CMD exits 0 and writes nothing on stderr.
ok() {
	run --separate-stderr "$@"
	if [ "$status" -ne 0 ] || [ -n "$stderr" ]; then
		fail "expected success of: $*" "status: $status" \
			"stdout: $output" "stderr: $stderr"
	fi
}

# fails N CMD...: CMD exits N, prints nothing on stdout and exactly one
# line on stderr, which begins with the program's name.
fails() {
	local want=$1
	shift
	run --separate-stderr "$@"
	if [ "$status" -ne "$want" ]; then
		fail "expected status $want of: $*" "status: $status" \
			"stdout: $output" "stderr: $stderr"
		return 1
	fi
	[ -z "$output" ] || fail "unexpected stdout: $output" || return 1
	[ -n "$stderr" ] || fail "no message on stderr" || return 1
}

# usage_fails CMD...: exit 2 with a message, the usage line and a hint.
usage_fails() {
	run --separate-stderr "$@"
	[ "$status" -eq 2 ] || fail "expected status 2 of: $*" \
		"status: $status" "stderr: $stderr" || return 1
	[ -z "$output" ] || fail "unexpected stdout: $output" || return 1
	[ "${#stderr_lines[@]}" -eq 3 ] || fail "stderr: $stderr" || return 1
	[[ ${stderr_lines[1]} == "usage: "* ]] || fail "stderr: $stderr" || return 1
	[[ ${stderr_lines[2]} == "Try '"*"--help' for more information." ]] ||
		fail "stderr: $stderr"
}

# is "got" "want": exact comparison with a readable failure.
is() {
	[ "$1" = "$2" ] || fail "got:  $1" "want: $2"
}

# Start "rdb-test-helper hold ARGS" in the background and wait until it
# holds its lock; its pid is left in $holder.
hold() {
	local ready=$BATS_TEST_TMPDIR/ready.$RANDOM$RANDOM i
	rdb-test-helper "$@" "$ready" 3>&- &
	holder=$!
	disown "$holder"
	HOLDERS="${HOLDERS-} $holder"
	for ((i = 0; i < 500; i++)); do
		[ -e "$ready" ] && return 0
		kill -0 "$holder" 2>/dev/null || fail "holder exited early" || return 1
		sleep 0.01
	done
	fail "holder did not take its lock"
}

# Run a command as an unprivileged user (when we are root, permissions
# do not apply to us). The program is copied where that user can run it.
as_nobody() {
	if [ "$(id -u)" -ne 0 ]; then
		"$@"
		return
	fi
	local bin=$1
	shift
	local dir
	dir=$(mktemp -d /tmp/rdb-nobody.XXXXXX)
	chmod 755 "$dir"
	cp "$RDB_BUILD/$bin" "$dir/"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/$bin" "$@"
	local rc=$?
	rm -rf "$dir"
	return $rc
}

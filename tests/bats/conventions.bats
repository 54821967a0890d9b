#!/usr/bin/env bats
# Conventions every program keeps: --help whose usage line is the man
# page's SYNOPSIS, --version, --list-options, documented exit codes,
# and man page EXAMPLES that really run.

load helper

programs() {
	local p
	for p in "$RDB_ROOT"/cmd/rdb*.c; do
		basename "$p" .c
	done
}

# The SYNOPSIS of a man page, rendered, on one line.
synopsis() {
	mandoc -T ascii "$RDB_ROOT/man/$1.1" | sed 's/.\x08//g' |
		awk '/^SYNOPSIS/{on=1; next} /^[A-Z]/{on=0} on' | tr -s ' \n' '  ' |
		sed 's/^ *//; s/ *$//'
}

@test "every program has a man page, and --help's usage line is its SYNOPSIS" {
	for p in $(programs); do
		[ -f "$RDB_ROOT/man/$p.1" ] || fail "no man page for $p" || return 1
		ok "$p" --help
		is "${lines[0]}" "usage: $(synopsis "$p")" || return 1
		[[ $output == *"See $p(1)."* || $p == rdb ]] || fail "$p --help: $output" || return 1
	done
}

@test "every program prints its versions" {
	for p in $(programs); do
		ok "$p" --version
		[[ ${lines[0]} =~ ^$p\ \(rdb\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "$p: ${lines[0]}" || return 1
		is "${lines[1]}" "format version 0" || return 1
		[[ ${lines[2]} == "zstd "* ]] || return 1
		is "${#lines[@]}" 3 || return 1
	done
}

@test "every program lists its options for completion" {
	for p in $(programs); do
		ok "$p" --list-options
		is "${lines[0]}" $'program\t'"$p" || return 1
		[[ $output == *$'\noption\thelp\th\t-\t-\t-\tshow this help and exit'* ]] || return 1
	done
}

@test "every page documents every option of its program" {
	for p in $(programs); do
		[ "$p" = rdb ] && continue
		while IFS=$'\t' read -r kind name _; do
			[ "$kind" = option ] || continue
			[ "$name" = list-options ] && continue
			grep -q "^\.It Fl .*-$name\b" "$RDB_ROOT/man/$p.1" ||
				fail "man/$p.1 does not document --$name" || return 1
		done < <("$p" --list-options)
	done
}

@test "every page lists the toolkit's exit codes" {
	for p in $(programs); do
		for code in 0 1 2 3 4 5 6; do
			awk '/^\.Sh EXIT STATUS/{on=1; next} /^\.Sh/{on=0} on' "$RDB_ROOT/man/$p.1" |
				grep -q "^\.It $code\$" || fail "man/$p.1 lacks exit status $code" || return 1
		done
	done
	for code in 0 1 2 3 4 5 6; do
		awk '/^\.Sh EXIT STATUS/{on=1; next} /^\.Sh/{on=0} on' "$RDB_ROOT/man/rdb.7" |
			grep -q "^\.It $code\$" || fail "man/rdb.7 lacks exit status $code" || return 1
	done
}

@test "the EXAMPLES of every man page run" {
	for page in "$RDB_ROOT"/man/*.1; do
		mkdir -p "ex.$(basename "$page")"
		(
			cd "ex.$(basename "$page")" || exit 1
			awk '/^\.Sh EXAMPLES/{on=1; next} /^\.Sh/{on=0} on && /^\.Dl /' "$page" |
				sed 's/^\.Dl //; s/\\e/\\/g; s/\\-/-/g; s/\\(aq/'"'"'/g' > cmds
			[ -s cmds ] || { echo "no examples in $page"; exit 1; }
			while IFS= read -r cmd; do
				out=$(bash -c "$cmd" 2>&1 >/dev/null) ||
					{ echo "$page: '$cmd' failed: $out"; exit 1; }
				[ -z "$out" ] || { echo "$page: '$cmd' wrote to stderr: $out"; exit 1; }
			done < cmds
		) || fail "examples of $page" || return 1
	done
}

@test "usage errors exit 2 in every program" {
	for p in $(programs); do
		usage_fails "$p" --no-such-option
		is "${stderr_lines[0]}" "$p: unknown option '--no-such-option'" || return 1
		is "${stderr_lines[1]}" "usage: $(synopsis "$p")" || return 1
	done
}

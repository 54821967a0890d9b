#!/usr/bin/env bats
# rdb: the front door, and the completion scripts it generates.

load helper

@test "rdb VERB runs rdb-VERB with the arguments" {
	ok rdb init x.rdb
	[ -f x.rdb/RDB ]
	ok rdb stat --format tsv --no-header x.rdb
	is "${lines[0]}" $'path\tx.rdb'
}

@test "rdb passes the exit status of the program through" {
	fails 1 rdb stat nope.rdb
	is "$stderr" "rdb-stat: cannot open 'nope.rdb': No such file or directory"
	usage_fails rdb stat
}

@test "rdb finds programs beside itself before PATH" {
	mkdir bin
	printf '#!/bin/sh\necho impostor\n' > bin/rdb-stat
	chmod +x bin/rdb-stat
	PATH=$PWD/bin:$PATH ok rdb stat --help
	is "${lines[0]}" "usage: rdb-stat [options] DIR"
}

@test "rdb finds other rdb-* programs on PATH" {
	mkdir bin
	printf '#!/bin/sh\necho "extension $*"\n' > bin/rdb-extra
	chmod +x bin/rdb-extra
	PATH=$PWD/bin:$PATH ok rdb extra a b
	is "$output" "extension a b"
}

@test "rdb help lists the programs" {
	ok rdb help
	is "${lines[0]}" "usage: rdb [options] VERB [ARGS ...]"
	[[ $output == *$'\n  init '*'create a new, empty database'* ]]
	[[ $output == *$'\n  stat '* ]]
}

@test "rdb help VERB shows that program's help" {
	ok rdb help stat
	is "$output" "$(rdb-stat --help)"
}

@test "rdb --version and --help" {
	ok rdb --version
	[[ ${lines[0]} =~ ^rdb\ \(rdb\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	is "${lines[1]}" "format version 0"
	[[ ${lines[2]} == "zstd "*", lz4 "*", libarchive "*", libsodium "*", xxhash "* ]]
	ok rdb --help
	is "${lines[0]}" "usage: rdb [options] VERB [ARGS ...]"
}

@test "unknown verbs and bad arguments are usage errors" {
	usage_fails rdb
	is "${stderr_lines[0]}" "rdb: missing VERB; 'rdb help' lists them"
	usage_fails rdb frobnicate
	is "${stderr_lines[0]}" "rdb: 'frobnicate' is not an rdb command; see 'rdb help'"
	usage_fails rdb ../../bin/sh
	usage_fails rdb help nope
	usage_fails rdb help ../x
	usage_fails rdb completion
	usage_fails rdb completion tcsh
	usage_fails rdb --bogus
}

@test "committed completions equal freshly generated ones" {
	for s in bash zsh fish; do
		f=$RDB_ROOT/completions/rdb.$s
		[ $s = zsh ] && f=$RDB_ROOT/completions/_rdb
		ok rdb completion $s
		is "$output" "$(cat "$f")" || fail "completions for $s are stale: run 'make completions'"
	done
}

# Complete the words of a command line with the bash script; the last
# word is the one being completed.
complete_bash() {
	bash -c '
		source "$RDB_ROOT/completions/rdb.bash"
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_rdb_complete
		printf "%s\n" "${COMPREPLY[@]}"
	' complete "$@"
}

@test "bash completes verbs, options and their choices" {
	run complete_bash rdb s
	is "$output" "stat"
	run complete_bash rdb-stat --form
	is "$output" "--format"
	run complete_bash rdb-stat --format ""
	is "$output" "$(printf '%s\n' csv tsv json ndjson table markdown)"
	run complete_bash rdb stat --format n
	is "$output" "ndjson"
	run complete_bash rdb-init --compression = l
	is "$output" "lz4"
	run complete_bash rdb completion ""
	is "$output" "$(printf '%s\n' bash zsh fish)"
	mkdir sales.rdb
	run complete_bash rdb-stat sa
	is "$output" "sales.rdb"
}

@test "zsh and fish scripts parse" {
	if command -v zsh >/dev/null; then
		zsh -n "$RDB_ROOT/completions/_rdb"
	fi
	if command -v fish >/dev/null; then
		fish -n "$RDB_ROOT/completions/rdb.fish"
	fi
	bash -n "$RDB_ROOT/completions/rdb.bash"
}

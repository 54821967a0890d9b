#!/usr/bin/env bats
# rdb-init: creating a database directory (format/directory.md).

load helper

@test "creates a complete database with private modes [F-DIR-002] [F-DIR-003]" {
	ok rdb-init sales.rdb
	is "$output" ""
	run ls -A sales.rdb
	is "$output" "$(printf '%s\n' LOCK RDB audit indexes manifest models tables wal)"
	is "$(stat -c %a sales.rdb)" 700
	is "$(stat -c %a sales.rdb/RDB)" 600
	is "$(stat -c %a sales.rdb/LOCK)" 600
	is "$(stat -c %a sales.rdb/wal)" 700
	is "$(stat -c %s sales.rdb/RDB)" 256
	is "$(stat -c %s sales.rdb/LOCK)" 8192
	is "$(head -c 8 sales.rdb/RDB | od -An -tx1 | tr -d ' \n')" 895244420d0a1a0a
}

@test "leaves no temporary directory behind [F-DIR-004]" {
	ok rdb-init a.rdb
	run ls -A
	is "$output" "a.rdb"
}

@test "modes stay private under a permissive umask" {
	umask 000
	ok rdb-init u.rdb
	is "$(stat -c %a u.rdb)" 700
	is "$(stat -c %a u.rdb/RDB)" 600
	is "$(stat -c %a u.rdb/tables)" 700
}

@test "stores every setting in the superblock" {
	ok rdb-init --compression lz4 --retention 12h --sync normal \
		--page-size 8k --checkpoint-size 1M --row-group-rows 4096 s.rdb
	ok rdb-stat s.rdb
	[[ $output == *$'\ncompression,lz4\n'* ]]
	[[ $output == *$'\ncompression_level,0\n'* ]]
	[[ $output == *$'\nretention,12h\n'* ]]
	[[ $output == *$'\nsync,normal\n'* ]]
	[[ $output == *$'\npage_size,8192\n'* ]]
	[[ $output == *$'\ncheckpoint_size,1048576\n'* ]]
	[[ $output == *$'\nrow_group_rows,4096\n'* ]]
}

@test "defaults are zstd 3, full sync, 7 days, 4k pages" {
	ok rdb-init d.rdb
	ok rdb-stat d.rdb
	[[ $output == *$'\ncompression,zstd\ncompression_level,3\nsync,full\nretention,7d\n'* ]]
	[[ $output == *$'\npage_size,4096\n'* ]]
}

@test "zstd level and zero retention" {
	ok rdb-init --compression-level 19 --retention 0 z.rdb
	ok rdb-stat z.rdb
	[[ $output == *$'\ncompression_level,19\n'* ]]
	[[ $output == *$'\nretention,0s\n'* ]]
}

@test "each database gets its own uuid" {
	ok rdb-init a.rdb
	ok rdb-init b.rdb
	a=$(rdb-stat a.rdb | grep ^uuid,)
	b=$(rdb-stat b.rdb | grep ^uuid,)
	[[ $a =~ ^uuid,[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]
	[ "$a" != "$b" ]
}

@test "refuses an existing non-empty directory and leaves it alone [F-DIR-005]" {
	mkdir full
	echo keep > full/file
	fails 1 rdb-init full
	is "$stderr" "rdb-init: cannot create 'full': Directory not empty"
	is "$(cat full/file)" keep
	run ls -A full
	is "$output" file
}

@test "refuses an existing database" {
	ok rdb-init x.rdb
	uuid=$(rdb-stat x.rdb | grep ^uuid,)
	fails 1 rdb-init x.rdb
	is "$stderr" "rdb-init: cannot create 'x.rdb': Directory not empty"
	is "$(rdb-stat x.rdb | grep ^uuid,)" "$uuid"
}

@test "refuses an existing file" {
	echo data > plain
	fails 1 rdb-init plain
	is "$stderr" "rdb-init: cannot create 'plain': File exists"
	is "$(cat plain)" data
}

@test "accepts an existing empty directory" {
	mkdir empty
	ok rdb-init empty
	[ -f empty/RDB ]
	is "$(stat -c %a empty)" 700
}

@test "a path through a missing directory" {
	fails 1 rdb-init missing/dir/x.rdb
	is "$stderr" "rdb-init: cannot create 'missing/dir/x.rdb': No such file or directory"
	[ ! -e missing ]
}

@test "a path through a file" {
	echo x > f
	fails 1 rdb-init f/x.rdb
	is "$stderr" "rdb-init: cannot create 'f/x.rdb': Not a directory"
}

@test "a read-only parent directory" {
	ro=$(mktemp -d /tmp/rdb-ro.XXXXXX)
	chmod 555 "$ro"
	run --separate-stderr as_nobody rdb-init "$ro/x.rdb"
	rmdir "$ro"
	[ "$status" -eq 1 ]
	is "$stderr" "rdb-init: cannot create '$ro/x.rdb': Permission denied"
}

@test "wrong flags and arguments are usage errors" {
	usage_fails rdb-init
	is "${stderr_lines[0]}" "rdb-init: missing DIR"
	is "${stderr_lines[1]}" "usage: rdb-init [options] DIR"
	usage_fails rdb-init a b
	is "${stderr_lines[0]}" "rdb-init: too many arguments"
	usage_fails rdb-init --bogus x
	is "${stderr_lines[0]}" "rdb-init: unknown option '--bogus'"
	usage_fails rdb-init -Z x
	is "${stderr_lines[0]}" "rdb-init: unknown option '-Z'"
	usage_fails rdb-init --compression
	is "${stderr_lines[0]}" "rdb-init: option '--compression' needs an argument"
	usage_fails rdb-init --compression gzip x
	is "${stderr_lines[0]}" "rdb-init: invalid --compression 'gzip': expected one of zstd|lz4|none"
	usage_fails rdb-init --retention 7x x
	is "${stderr_lines[0]}" "rdb-init: invalid --retention '7x': expected a duration such as 7d, 12h or 0"
	usage_fails rdb-init --compression-level 30 x
	usage_fails rdb-init --compression lz4 --compression-level 3 x
	is "${stderr_lines[0]}" "rdb-init: --compression-level applies to zstd only"
	usage_fails rdb-init --page-size 5000 x
	usage_fails rdb-init --row-group-rows 10 x
	usage_fails rdb-init --sync sometimes x
	usage_fails rdb-init --lock-timeout 5s x
	[ ! -e x ]
}

@test "an empty path is an error" {
	fails 1 rdb-init ""
	is "$stderr" "rdb-init: cannot create '': empty path"
}

#!/usr/bin/env bats
# rdb-stat: describing a database, in every output format, and every way
# a superblock can be wrong (format/superblock.md).

load helper

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/work" && cd "$BATS_TEST_TMPDIR/work"
	rdb-init db.rdb
}

@test "prints name,value rows as csv when stdout is not a terminal" {
	ok rdb-stat db.rdb
	names=$(printf '%s\n' "$output" | cut -d, -f1 | tr '\n' ' ')
	is "$names" "name path format_read_version format_write_version writable uuid created page_size compression compression_level sync retention checkpoint_size row_group_rows size size_meta size_wal size_manifest size_tables size_indexes size_models size_audit tables views commits last_commit writer readers "
	[[ $output == *$'\npath,db.rdb\nformat_read_version,0\nformat_write_version,0\nwritable,true\n'* ]]
	[[ $output == *$'\ntables,0\nviews,0\ncommits,0\nlast_commit,\nwriter,none\nreaders,0' ]]
	[[ $output =~ created,20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z ]]
}

@test "--no-header drops the header row" {
	ok rdb-stat --no-header db.rdb
	is "${lines[0]}" "path,db.rdb"
}

@test "tsv" {
	ok rdb-stat --format tsv db.rdb
	is "${lines[0]}" $'name\tvalue'
	is "${lines[1]}" $'path\tdb.rdb'
}

@test "json keeps numbers and booleans typed" {
	ok rdb-stat --format json db.rdb
	is "${lines[0]}" "["
	is "${lines[1]}" '{"name":"path","value":"db.rdb"},'
	is "${lines[2]}" '{"name":"format_read_version","value":0},'
	is "${lines[4]}" '{"name":"writable","value":true},'
	is "${lines[-1]}" "]"
	[[ $output == *'{"name":"compression","value":"zstd"},'* ]]
}

@test "ndjson is one object per line" {
	ok rdb-stat --format ndjson db.rdb
	is "${lines[0]}" '{"name":"path","value":"db.rdb"}'
	is "${#lines[@]}" 27
}

@test "markdown" {
	ok rdb-stat --format markdown db.rdb
	is "${lines[0]}" "| name | value |"
	is "${lines[1]}" "|---|---|"
	is "${lines[2]}" "| path | db.rdb |"
}

@test "table is boxed and aligned" {
	ok rdb-stat --format table db.rdb
	is "${lines[0]}" "┌──────────────────────┬──────────────────────────────────────┐"
	is "${lines[1]}" "│ name                 │ value                                │"
	is "${lines[3]}" "│ path                 │ db.rdb                               │"
	is "${lines[-1]}" "└──────────────────────┴──────────────────────────────────────┘"
}

@test "table cuts wide values to the terminal width and says so" {
	COLUMNS=50 ok rdb-stat --format table db.rdb
	is "${lines[0]}" "┌──────────────────────┬─────────────────────────┐"
	uuid=$(rdb-stat db.rdb | grep ^uuid, | cut -d, -f2)
	is "${lines[7]}" "│ uuid                 │ ${uuid:0:22}… │"
	is "${lines[-1]}" "(1 value cut to fit; use --format csv to see it whole)"
}

@test "table falls back to ASCII outside UTF-8 locales" {
	LC_ALL=C ok rdb-stat --format table db.rdb
	is "${lines[0]}" "+----------------------+--------------------------------------+"
	is "${lines[1]}" "| name                 | value                                |"
}

@test "--sizes lists each component" {
	ok rdb-stat --sizes db.rdb
	is "${lines[0]}" "component,files,bytes,size"
	[[ ${lines[1]} =~ ^meta,2,[0-9]+, ]]
	[[ ${lines[2]} =~ ^wal,1,[0-9]+, ]]	# file 1, its header [F-WAL-015]
	is "$(printf '%s\n' "${lines[@]:1}" | cut -d, -f1 | tr '\n' ' ')" "meta wal manifest tables indexes models audit "
}

@test "--locks lists nothing on an idle database" {
	ok rdb-stat --locks db.rdb
	is "$output" "lock,slot,pid,program,since,snapshot"
	ok rdb-stat --locks --format json db.rdb
	is "$output" "[]"
}

@test "shows the writer holding the lock" {
	hold --program rdb-load hold db.rdb writer
	ok rdb-stat db.rdb
	[[ $output =~ $'\n'writer,\"rdb-load\ \(pid\ $holder,\ since\ 20[0-9-]+T[0-9:]+Z\)\"$'\n' ]]
	ok rdb-stat --locks db.rdb
	[[ ${lines[1]} =~ ^writer,,$holder,rdb-load,20[0-9-]+T[0-9:]+Z,$ ]]
}

@test "shows pinned readers" {
	hold --program rdb-query --snapshot 42 hold db.rdb reader
	ok rdb-stat db.rdb
	[[ $output == *$'\nreaders,1' ]]
	ok rdb-stat --locks --no-header db.rdb
	[[ $output =~ ^reader,[0-9]+,$holder,rdb-query,[^,]+,42$ ]]
}

@test "--locks, --sizes, --tables, --columns and --views are exclusive" {
	usage_fails rdb-stat --locks --sizes db.rdb
	is "${stderr_lines[0]}" "rdb-stat: choose one of --locks, --sizes, --tables, --columns, --views"
	usage_fails rdb-stat --tables --columns db.rdb
	usage_fails rdb-stat --tables --views db.rdb
}

@test "--tables and --columns describe what the tables hold" {
	ok rdb-stat --tables db.rdb
	is "$output" "table,columns,rows,deleted,wal_rows,segments,row_groups,bytes"
	rdb-test-helper create db.rdb t 'k:BIGINT:notnull,s:TEXT,d:DECIMAL(10;2)' >/dev/null
	seq 1 1000 | awk '{print $1 "\ts" $1 % 3 "\t" $1}' | rdb-test-helper insert db.rdb t >/dev/null
	rdb-test-helper delete db.rdb t 0 1 >/dev/null
	ok rdb-stat --tables db.rdb
	is "${lines[1]}" "t,3,998,2,1000,0,0,0"
	rdb-test-helper checkpoint db.rdb
	ok rdb-stat --tables db.rdb
	[[ ${lines[1]} =~ ^t,3,998,2,0,1,1,[0-9]+$ ]] || fail "${lines[1]}"
	ok rdb-stat --columns db.rdb
	is "${lines[0]}" "table,column,type,nulls,stored_bytes,raw_bytes,ratio,codecs,encodings"
	[[ ${lines[1]} =~ ^t,k,BIGINT\ NOT\ NULL,0,[0-9]+,[0-9]+,[0-9.]+,[a-z\ ]+,delta$ ]] || fail "${lines[1]}"
	[[ ${lines[2]} =~ ^t,s,TEXT,0,[0-9]+,[0-9]+,[0-9.]+,[a-z\ ]+,dict ]] || fail "${lines[2]}"
	[[ ${lines[3]} =~ ^t,d,\"DECIMAL\(10,2\)\",0, ]] || fail "${lines[3]}"
	ok rdb-stat db.rdb
	[[ $output == *$'\ntables,1\nviews,0\ncommits,3\nlast_commit,20'* ]] || fail "$output"
}

@test "--views lists the views, their columns and query; the summary counts them" {
	ok rdb-stat --views db.rdb
	is "$output" "view,columns,query"
	rdb-test-helper create db.rdb t 'a:INTEGER,b:TEXT' >/dev/null
	rdb-test-helper alter db.rdb view v a,b 'SELECT a, b FROM t WHERE a > 1' >/dev/null
	rdb-test-helper alter db.rdb view w n 'SELECT count(*) FROM v' >/dev/null
	ok rdb-stat --views db.rdb
	is "$output" 'view,columns,query
v,a b,"SELECT a, b FROM t WHERE a > 1"
w,n,SELECT count(*) FROM v'
	ok rdb-stat db.rdb
	[[ $output == *$'\ntables,1\nviews,2\ncommits,3\n'* ]] || fail "$output"
	ok rdb-stat --views --format ndjson db.rdb
	is "${lines[1]}" '{"view":"w","columns":"n","query":"SELECT count(*) FROM v"}'
}

@test "a missing path" {
	fails 1 rdb-stat nope.rdb
	is "$stderr" "rdb-stat: cannot open 'nope.rdb': No such file or directory"
}

@test "a plain directory is not a database [F-DIR-001]" {
	mkdir plain
	fails 1 rdb-stat plain
	is "$stderr" "rdb-stat: cannot open 'plain': not an rdb database (no superblock 'RDB')"
}

@test "a file is not a database" {
	echo hi > f
	fails 1 rdb-stat f
	is "$stderr" "rdb-stat: cannot open 'f': not an rdb database (not a directory)"
}

@test "a truncated superblock is damage [F-SB-003]" {
	rdb-test-helper truncate db.rdb/RDB 100
	fails 3 rdb-stat db.rdb
	is "$stderr" "rdb-stat: damaged superblock 'db.rdb/RDB' at offset 100: truncated to 100 of 256 bytes"
	rdb-test-helper truncate db.rdb/RDB 0
	fails 3 rdb-stat db.rdb
	is "$stderr" "rdb-stat: damaged superblock 'db.rdb/RDB' at offset 0: truncated to 0 bytes"
}

@test "a zeroed superblock is damage [F-SB-003]" {
	head -c 256 /dev/zero > db.rdb/RDB
	fails 3 rdb-stat db.rdb
	is "$stderr" "rdb-stat: damaged superblock 'db.rdb/RDB' at offset 0: bad magic"
}

@test "a flipped bit anywhere in the superblock is damage [F-SB-004]" {
	cp db.rdb/RDB good
	for off in 0 9 13 17 21 30 45 48 52 53 54 56 64 72 100 200 247 248 255; do
		cp good db.rdb/RDB
		rdb-test-helper corrupt db.rdb/RDB $off
		fails 3 rdb-stat db.rdb
		[[ $stderr == "rdb-stat: damaged superblock 'db.rdb/RDB' at offset "* ]] ||
			fail "offset $off: $stderr"
	done
	cp good db.rdb/RDB
	ok rdb-stat db.rdb
}

@test "a newer read version is refused [F-SB-010]" {
	rdb-test-helper set-versions db.rdb 1 1
	fails 1 rdb-stat db.rdb
	is "$stderr" "rdb-stat: 'db.rdb/RDB' needs format version 1 to read; this rdb supports version 0"
}

@test "a newer write version opens read-only [F-SB-011]" {
	rdb-test-helper set-versions db.rdb 0 3
	ok rdb-stat db.rdb
	[[ $output == *$'\nformat_write_version,3\nwritable,false\n'* ]]
}

@test "a write version below the read version is damage [F-SB-005]" {
	rdb-test-helper set-versions db.rdb 2 1
	fails 3 rdb-stat db.rdb
	is "$stderr" "rdb-stat: damaged superblock 'db.rdb/RDB' at offset 16: write version 1 below read version 2"
}

@test "a missing lock file or subdirectory is damage [F-DIR-002] [F-LCK-010]" {
	mv db.rdb/LOCK lock.saved
	fails 3 rdb-stat db.rdb
	is "$stderr" "rdb-stat: damaged database 'db.rdb': lock file 'db.rdb/LOCK' is missing"
	mv lock.saved db.rdb/LOCK
	rm -r db.rdb/wal
	fails 3 rdb-stat db.rdb
	is "$stderr" "rdb-stat: damaged database 'db.rdb': directory 'db.rdb/wal' is missing"
}

@test "a damaged lock file is damage [F-LCK-010]" {
	rdb-test-helper corrupt db.rdb/LOCK 3
	fails 3 rdb-stat db.rdb
	is "$stderr" "rdb-stat: damaged lock file 'db.rdb/LOCK' at offset 0: bad header"
	rdb-test-helper corrupt db.rdb/LOCK 3
	rdb-test-helper truncate db.rdb/LOCK 64
	fails 3 rdb-stat db.rdb
	is "$stderr" "rdb-stat: damaged lock file 'db.rdb/LOCK': 64 bytes, expected 8192"
}

@test "a superblock that is a directory or a symlink" {
	rm db.rdb/RDB
	mkdir db.rdb/RDB
	fails 3 rdb-stat db.rdb
	is "$stderr" "rdb-stat: damaged superblock 'db.rdb/RDB': not a regular file"
	rmdir db.rdb/RDB
	ln -s /etc/passwd db.rdb/RDB
	fails 1 rdb-stat db.rdb
	is "$stderr" "rdb-stat: cannot open 'db.rdb/RDB': Too many levels of symbolic links"
}

@test "a closed pipe ends quietly" {
	run --separate-stderr bash -c 'set -o pipefail; (sleep 0.3; rdb-stat db.rdb) | true'
	is "$status" 0
	is "$stderr" ""
}

@test "a full disk on stdout is an error" {
	run --separate-stderr rdb-stat db.rdb
	fails 1 bash -c 'rdb-stat db.rdb > /dev/full'
	is "$stderr" "rdb-stat: cannot write to standard output: No space left on device"
	fails 1 bash -c 'rdb-stat --format table db.rdb > /dev/full'
	fails 1 bash -c 'rdb-stat --version > /dev/full'
	fails 1 bash -c 'rdb-stat --help > /dev/full'
}

@test "wrong flags and arguments are usage errors" {
	usage_fails rdb-stat
	is "${stderr_lines[0]}" "rdb-stat: missing DIR"
	usage_fails rdb-stat a b
	usage_fails rdb-stat --format xml db.rdb
	is "${stderr_lines[0]}" "rdb-stat: invalid --format 'xml': expected one of csv|tsv|json|ndjson|table|markdown"
	usage_fails rdb-stat --format
	usage_fails rdb-stat --sizes=yes db.rdb
}

@test "a table on a terminal by default, with a bold header unless NO_COLOR" {
	run script -qec "rdb-stat db.rdb" /dev/null
	is "$status" 0
	[[ $output == *"┌"* ]] || fail "$output"
	[[ $output == *$'\033[1mname\033[0m'* ]] || fail "$(printf %q "$output")"
	NO_COLOR=1 run script -qec "rdb-stat db.rdb" /dev/null
	is "$status" 0
	[[ $output == *"┌"* ]] || fail "$output"
	[[ $output != *$'\033'* ]] || fail "$(printf %q "$output")"
	TERM=dumb run script -qec "rdb-stat db.rdb" /dev/null
	[[ $output != *$'\033'* ]] || fail "$(printf %q "$output")"
}

#!/usr/bin/env bats
# rdb-index: list, create, drop and rebuild indexes from the shell, and
# every kind of bad input.

load helper

mkdb() {
	rdb-init db >/dev/null
	ok rdb-query db "CREATE TABLE t (a INTEGER, b TEXT);
		INSERT INTO t VALUES (1, 'x'), (1, 'y'), (2, NULL)"
	ok rdb-compact db
}

@test "create, list, drop: the indexes CREATE INDEX makes, with their files" {
	mkdb
	ok rdb-index list db
	is "$output" "name,table,unique,columns,segments,files,bytes"
	ok rdb-index create db ia t a
	is "$output" ""
	ok rdb-index create --unique --message "by b" db ib t b:desc A:asc
	ok rdb-index list db
	is "${lines[0]}" "name,table,unique,columns,segments,files,bytes"
	[[ ${lines[1]} =~ ^ia,t,false,a,1,1,[0-9]+$ ]] || fail "$output"
	[[ ${lines[2]} =~ ^ib,t,true,\"b\ DESC,\ a\",1,1,[0-9]+$ ]] || fail "$output"
	is "${#lines[@]}" 3
	# the same as SQL sees them
	ok rdb-query --format tsv --no-header db "EXPLAIN SELECT * FROM t WHERE b = 'x' AND a = 1"
	[[ $output == *"INDEX SCAN t USING ib"* ]] || fail "$output"
	ok rdb-flashback log --format tsv --no-header db
	[[ ${lines[-1]} == *"by b"* ]] || fail "$output"
	# one table's, as JSON
	ok rdb-query db "CREATE TABLE u (c INTEGER); CREATE INDEX uc ON u (c)"
	ok rdb-index list --format json db u
	is "$output" '[
{"name":"uc","table":"u","unique":false,"columns":"c","segments":0,"files":0,"bytes":0}
]'
	ok rdb-index drop db ia
	ok rdb index list --no-header db t
	[[ $output =~ ^ib,t,true ]] || fail "$output"
	is "${#lines[@]}" 1
}

@test "rebuild makes damaged or missing index files again" {
	mkdb
	ok rdb-index create db ia t a
	ok rdb-index create db ib t b
	f=db/indexes/1/0000000000000001.idx
	[ -f "$f" ] || fail "$(find db/indexes)"
	cp "$f" good
	rdb-test-helper flip "$f" 20 0
	rm db/indexes/2/0000000000000001.idx
	run rdb-verify db
	is "$status" 3
	ok rdb-index list --no-header db
	[[ ${lines[1]} =~ ^ib,t,false,b,1,0,0$ ]] || fail "$output"
	ok rdb-index rebuild db ia
	is "$output" "rebuilt 1 index file"
	cmp -s good "$f" || fail "not the same file again"
	ok rdb-index rebuild db
	is "$output" "rebuilt 2 index files"
	ok rdb-verify db
	is "$output" ""
}

@test "bad input: each one line on stderr, with the documented status" {
	mkdb
	ok rdb-index create db ia t a
	fails 1 rdb-index create --unique db iu t a
	is "$stderr" "rdb-index: duplicate key (a) = (1) in table 't': its UNIQUE index 'iu' allows each value once"
	fails 1 rdb-index create db ix t nosuch
	is "$stderr" "rdb-index: no column 'nosuch' in table 't'"
	fails 1 rdb-index create db ix nosuch a
	is "$stderr" "rdb-index: no such table 'nosuch'"
	fails 1 rdb-index create db ia t b
	is "$stderr" "rdb-index: index 'ia' already exists"
	fails 1 rdb-index create db t t b
	is "$stderr" "rdb-index: a table named 't' already exists"
	fails 1 rdb-index create db ix t a a
	is "$stderr" "rdb-index: column 'a' appears twice in index 'ix'"
	fails 1 rdb-index drop db nosuch
	is "$stderr" "rdb-index: no such index 'nosuch'"
	fails 1 rdb-index rebuild db nosuch
	is "$stderr" "rdb-index: no such index 'nosuch'"
	fails 1 rdb-index list db nosuch
	is "$stderr" "rdb-index: no such table 'nosuch'"
	fails 1 rdb-index list nosuch.rdb
	[[ $stderr == "rdb-index: cannot open 'nosuch.rdb'"* ]] || fail "$stderr"
	usage_fails rdb-index
	is "${stderr_lines[0]}" "rdb-index: missing the command: list, create, drop or rebuild"
	usage_fails rdb-index list
	is "${stderr_lines[0]}" "rdb-index: missing the database directory"
	usage_fails rdb-index frob db
	is "${stderr_lines[0]}" "rdb-index: unknown command 'frob': expected list, create, drop or rebuild"
	usage_fails rdb-index create db x t
	is "${stderr_lines[0]}" "rdb-index: create takes DIR, NAME, TABLE and one or more COLUMNs"
	usage_fails rdb-index create db x t :desc
	is "${stderr_lines[0]}" "rdb-index: an empty column name"
	usage_fails rdb-index drop db
	is "${stderr_lines[0]}" "rdb-index: drop takes DIR and NAME"
	usage_fails rdb-index list db t u
	usage_fails rdb-index rebuild db a b
	usage_fails rdb-index list --unique db
	is "${stderr_lines[0]}" "rdb-index: --unique is for create, not list"
	usage_fails rdb-index rebuild --message x db
	is "${stderr_lines[0]}" "rdb-index: --message is for create and drop, not rebuild"
	# nothing changed
	ok rdb-index list --no-header db
	is "${#lines[@]}" 1
}

@test "a writer holding the lock: create waits, then exits 5" {
	mkdb
	hold hold db writer
	fails 5 rdb-index create --lock-timeout 100ms db ia t a
	[[ $stderr == "rdb-index: database 'db' is locked by writer"* ]] || fail "$stderr"
}

#!/usr/bin/env bats
# Every program that meets damage fails cleanly: exit 3 ("damage found"),
# nothing on stdout, one line on stderr naming the program and the
# damaged file (with the offset where one applies), no sanitizer report,
# never a wrong answer, and the database left as it was. Two limits are
# tested as what they are: a query streaming rows has printed those
# before the damage (its status says the output is not whole), and
# damage in the middle of the WAL ends the log for every reader
# [F-WAL-003], which only rdb-verify tells from a torn write.
# rdb-verify's own findings are tested in rdb-verify.bats; here it only
# confirms that each damage is real.

load helper

h() {
	rdb-test-helper "$@"
}

Q='SELECT count(*), sum(k), sum(d), max(s) FROM t'

# A table of three row groups in each of two segments, a checkpointed
# delete file and a WAL tail: an insert and more deletes.
setup() {
	mkdir -p "$BATS_TEST_TMPDIR/work" && cd "$BATS_TEST_TMPDIR/work"
	rdb-init --row-group-rows 1024 db >/dev/null
	h create db t 'k:BIGINT:notnull,s:TEXT,d:DOUBLE' >/dev/null
	seq 1 3000 | awk '{ print $1 "\ts" $1 % 7 "\t" $1 / 4 }' | h insert db t >/dev/null
	h checkpoint db
	seq 3001 5000 | awk '{ print $1 "\ts" $1 % 7 "\t" $1 / 4 }' | h insert db t >/dev/null
	h delete db t 5 6 7 >/dev/null
	h checkpoint db
	printf '9001\tw\t2\n' | h insert db t >/dev/null
	h delete db t 100 >/dev/null
	seg1=db/tables/1/0000000000000001.seg
	seg2=db/tables/1/0000000000000002.seg
	man=db/manifest/0000000000000002.man
	del=db/tables/1/0000000000000002.del
	[ -e "$seg1" ] && [ -e "$seg2" ] && [ -e "$man" ] && [ -e "$del" ] ||
		fail "unexpected layout: $(find db -type f)"
}

# damaged PROG ARGS...: PROG exits 3 with nothing on stdout and one line
# on stderr, "PROG: damaged ...", quoting a file of the database $dir
# (default db); no sanitizer report (a second line, or exit 86 or 87).
damaged() {
	local prog=$1
	run --separate-stderr "$@"
	[ "$status" -eq 3 ] || fail "expected status 3 of: $*" "status: $status" \
		"stdout: $output" "stderr: $stderr" || return 1
	[ -z "$output" ] || fail "unexpected stdout of $*: $output" || return 1
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr of $*: $stderr" || return 1
	[[ $stderr == "$prog: damaged "*"'${dir:-db}/"*"'"* ]] ||
		fail "not a damage message naming a file: $stderr" || return 1
}

# The same message from every program of the list that reads what was
# damaged (each run on a copy, so that one cannot hide the next).
all_damaged() {
	local want=$1 p dir=copy
	shift
	for p in "$@"; do
		rm -rf copy && cp -a db copy
		case $p in
		query) damaged rdb-query copy "$Q" ;;
		sort) damaged rdb-query copy 'SELECT k, s, d FROM t ORDER BY d DESC' ;;
		stat) damaged rdb-stat copy ;;
		tables) damaged rdb-stat --tables copy ;;
		columns) damaged rdb-stat --columns copy ;;
		load) printf 'k,s,d\n7001,x,1.5\n' >new.csv
			damaged rdb-load -q copy t new.csv ;;
		compact) damaged rdb-compact copy ;;
		esac || return 1
		[[ ${stderr#*: } == "${want//\'db\//\'copy/}" ]] ||
			fail "$p: $stderr" "want: $want" || return 1
		unchanged "$p" || return 1
	done
}

# unchanged PROG: copy is still db. rdb-compact checkpoints the WAL
# before it merges (a whole checkpoint, valid on its own): for it, every
# file of db but the WAL's and CURRENT must still be there as it was.
unchanged() {
	local f
	if [ "$1" != compact ]; then
		diff -r db copy >/dev/null || fail "$1 changed the database"
		return
	fi
	while read -r f; do
		cmp -s "db/$f" "copy/$f" || fail "$1 changed or removed $f" || return 1
	done < <(cd db && find . -type f ! -path './wal/*' ! -name CURRENT)
}

@test "an intact database: every program works, and these are the answers" {
	ok rdb-query db "$Q"
	is "${lines[1]}" "4997,12511379,3125596.5,w"
	ok rdb-stat --columns db
	ok rdb-verify db
}

@test "a bit flipped in a column chunk" {
	read -r off < <(h units db | awk -v f="${seg1#db/}" '$1 == "chunk" && $2 == f && $5 == 1 && $6 == 1 { print $3 }')
	h flip "$seg1" $((off + 3)) 5
	run rdb-verify -q db
	is "$status" 3
	all_damaged "damaged segment '$seg1' at offset $off: chunk checksum mismatch" \
		query sort columns compact
	# what does not read that chunk is not stopped by it
	ok rdb-query db 'SELECT count(*) FROM t WHERE k = 4000'
	is "${lines[1]}" 1
}

@test "a bit flipped in a row id chunk, and in a footer" {
	# the first segment's row ids are read: some of its rows are deleted
	read -r off < <(h units db | awk -v f="${seg1#db/}" '$1 == "chunk" && $2 == f && $5 == 0 && $6 == -2 { print $3 }')
	cp "$seg1" seg.good
	h flip "$seg1" "$off" 0
	run rdb-verify -q db
	is "$status" 3
	all_damaged "damaged segment '$seg1' at offset $off: chunk checksum mismatch" \
		query sort compact
	cp seg.good "$seg1"
	read -r foff < <(h units db | awk -v f="${seg2#db/}" '$1 == "footer" && $2 == f { print $3 + $4 - 8 }')
	h flip "$seg2" $((foff - 20)) 3
	all_damaged "damaged segment '$seg2' at offset $foff: footer checksum mismatch" \
		query sort tables columns compact
}

@test "a truncated segment" {
	size=$(stat -c %s "$seg1")
	truncate -s $((size - 100)) "$seg1"
	all_damaged "damaged segment '$seg1' at offset $((size - 100)): size differs from the manifest's" \
		query sort tables columns compact
}

@test "a missing segment" {
	rm "$seg2"
	all_damaged "damaged database: segment '$seg2' is missing" \
		query sort tables columns compact
}

@test "a damaged manifest" {
	size=$(stat -c %s "$man")
	h flip "$man" 40 2
	all_damaged "damaged '$man' at offset $((size - 8)): checksum mismatch" \
		query stat tables columns load compact
}

@test "a damaged delete file" {
	size=$(stat -c %s "$del")
	h flip "$del" 20 1
	all_damaged "damaged '$del' at offset $((size - 8)): checksum mismatch" \
		query stat tables columns load compact
}

@test "a damaged CURRENT" {
	h flip db/manifest/CURRENT 10 0
	all_damaged "damaged 'db/manifest/CURRENT' at offset 0: bad size, magic or checksum" \
		query stat tables columns load compact
}

@test "a lost CURRENT is damage, not a new database" {
	rm db/manifest/CURRENT
	run rdb-verify -q db
	is "$status" 3
	# before, every reader saw no tables, and rdb-compact removed every
	# manifest and segment as garbage [F-MAN-030] [F-MAN-032]
	all_damaged "damaged database: 'db/manifest/CURRENT' is missing, but manifest 2 holds commits up to 4, beyond the 0 the WAL reaches: CURRENT was lost" \
		query stat tables columns load compact
}

@test "an older CURRENT put back is damage, not an older answer" {
	rm -rf db
	rdb-init db >/dev/null
	h create db t 'k:BIGINT' >/dev/null
	seq 1 10 | h insert db t >/dev/null
	h checkpoint db
	cp db/manifest/CURRENT current.old
	seq 11 20 | h insert db t >/dev/null
	h checkpoint db
	cp current.old db/manifest/CURRENT
	run rdb-verify -q db
	is "$status" 3
	# before, readers counted 10 rows and rdb-compact removed the newer
	# manifest and segment: the only copies of rows 11 to 20
	all_damaged "damaged database: 'db/manifest/CURRENT' names manifest 1, but manifest 2 is newer and holds commits up to 3, beyond the 2 the database reaches: an older CURRENT was put back" \
		stat tables load compact
	damaged rdb-query db 'SELECT count(*) FROM t'
}

@test "a catalog whose column type the segments do not have" {
	# no WAL tail, whose insert would not fit the catalog either
	h checkpoint db
	m=db/manifest/0000000000000003.man
	# column d: name length 1, "d", type 4 (DOUBLE) -> 3 (BIGINT)
	at=$(grep -obUaP '\x01d\x04' "$m" | head -n 1 | cut -d: -f1)
	[ -n "$at" ] || fail "column d not found"
	h corrupt "$m" $((at + 2)) 3
	h rehash "$m"
	run rdb-verify -q db
	is "$status" 3
	# the first segment a reader opens says so
	all_damaged "damaged segment '$seg1': column 3 is DOUBLE, but BIGINT in the catalog" \
		query sort columns compact
}

@test "a damaged superblock" {
	h flip db/RDB 20 1
	all_damaged "damaged superblock 'db/RDB' at offset 248: checksum mismatch" \
		query stat tables columns load compact
}

@test "through rdb: the message names the program that met the damage" {
	rm "$seg2"
	run --separate-stderr rdb query db "$Q"
	is "$status" 3
	is "$output" ""
	is "$stderr" "rdb-query: damaged database: segment '$seg2' is missing"
}

@test "a query streaming rows stops at the damage with exit 3" {
	# rows before the damaged chunk are already out: the status says
	# the output is not whole
	read -r off < <(h units db | awk -v f="${seg1#db/}" '$1 == "chunk" && $2 == f && $5 == 2 && $6 == 1 { print $3 }')
	h flip "$seg1" $((off + 1)) 2
	run --separate-stderr rdb-query --format csv db 'SELECT k, s FROM t'
	is "$status" 3
	is "$stderr" "rdb-query: damaged segment '$seg1' at offset $off: chunk checksum mismatch"
	[ "${#lines[@]}" -lt 4996 ] || fail "${#lines[@]} rows"
}

@test "damage in the middle of the WAL: readers see the log up to it, rdb-verify finds it" {
	# The format ends replay at the first bad record [F-WAL-003]: a
	# reader cannot tell damage from a torn write and opens at the last
	# commit before it; rdb-verify sees the commits after it.
	wal=$(ls db/wal/*.wal)
	read -r at < <(h units db | awk '$1 == "walrec" { print $3; exit }')
	h flip "$wal" $((at + 30)) 1
	run --separate-stderr rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == "error,wal,"*",F-WAL-003,"*"committed work after the damage is lost"* ]] || fail "$output"
	ok rdb-query db "$Q"
	# the checkpoint's 4997 rows, not the WAL's insert and delete
	is "${lines[1]}" "4997,12502479,3125619.75,s6"
}

@test "one bit flipped in every unit: exit 3 and one line, or the right answer" {
	ok rdb-query db "$Q"
	want=$output
	ok rdb-stat --columns db
	wantc=$output
	h units db >units
	RANDOM=7
	tried=0
	while read -r kind file off len _; do
		at=$((off + (RANDOM * 32768 + RANDOM) % len))
		bit=$((RANDOM % 8))
		for p in query columns compact; do
			rm -rf copy && cp -a db copy
			h flip "copy/$file" $at $bit
			case $p in
			query) run --separate-stderr rdb-query copy "$Q"; good=$want ;;
			columns) run --separate-stderr rdb-stat --columns copy; good=$wantc ;;
			compact) run --separate-stderr rdb-compact copy; good= ;;
			esac
			tried=$((tried + 1))
			where="$p, $kind $file bit $bit of byte $at"
			case $status in
			0)
				[ -z "$stderr" ] || fail "$where: $stderr" || return 1
				# the WAL's damage ends the log (F-WAL-003 above)
				[[ $kind == wal* ]] || [ "$output" = "$good" ] ||
					fail "$where: a wrong answer: $output" || return 1
				if [ $p = compact ] && [[ $kind != wal* ]]; then
					run rdb-query copy "$Q"
					[ "$output" = "$want" ] ||
						fail "$where: compaction changed the answer: $output" || return 1
				fi ;;
			3)
				[ "${#stderr_lines[@]}" -eq 1 ] && [[ $stderr == rdb-*": damaged "*"'copy/"* ]] ||
					fail "$where: $stderr" || return 1 ;;
			*)
				fail "$where: status $status: $stderr" || return 1 ;;
			esac
		done
	done <units
	echo "# $tried runs on damaged copies" >&3
	[ "$tried" -gt 100 ] || fail "only $tried runs"
}

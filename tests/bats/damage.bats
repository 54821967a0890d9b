#!/usr/bin/env bats
# Every program that meets damage fails cleanly: exit 3 ("damage found"),
# nothing on stdout, one line on stderr naming the program and the
# damaged file (with the offset where one applies), no sanitizer report,
# never a wrong answer, and the database left as it was. Two limits are
# tested as what they are: a query streaming rows has printed those
# before the damage (its status says the output is not whole), and a
# torn WAL tail (the unfinished end of a killed writer's append) is not
# damage: it is ignored and cut off by the next writer, while damage in
# the middle of the WAL, or a missing WAL file, is refused by every
# program [F-WAL-012] [F-WAL-014].
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

@test "damage in the middle of the WAL: every program refuses, and no writer cuts the log [F-WAL-012]" {
	# a bit of the first record (an INSERT) flipped; three more follow
	wal=$(ls db/wal/*.wal)
	read -r at len < <(h units db | awk '$1 == "walrec" { print $3, $4; exit }')
	h flip "$wal" $((at + 30)) 1
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[1]}" "error,wal,${wal#db/},$at,F-WAL-012,\"damaged WAL '$wal' at offset $at: a record that fails its checks, yet a valid record follows at offset $((at + len))\""
	all_damaged "damaged WAL '$wal' at offset $at: a record that fails its checks, yet a valid record follows at offset $((at + len))" \
		query stat tables columns load compact
	# writers change no byte of the WAL (all_damaged compared the rest)
	sum=$(sha256sum <"$wal")
	printf 'k,s,d\n7001,x,1.5\n' >new.csv
	run rdb-load -q db t new.csv
	is "$status" 3
	run rdb-compact db
	is "$status" 3
	is "$(sha256sum <"$wal")" "$sum"
}

@test "the last committed record damaged, whole: damage, not a torn tail [F-WAL-012]" {
	wal=$(ls db/wal/*.wal)
	read -r at < <(h units db | awk '$1 == "walrec" { a = $3 } END { print a }')
	size=$(stat -c %s "$wal")
	h flip "$wal" $((size - 3)) 6
	all_damaged "damaged WAL '$wal' at offset $at: a whole record that fails its checks (a torn write is cut short)" \
		query stat load compact
}

@test "a torn WAL tail is a note; readers see the last commit, and the next writer carries on" {
	wal=$(ls db/wal/*.wal)
	read -r at < <(h units db | awk '$1 == "walrec" { a = b; b = $3 } END { print a }')
	size=$(stat -c %s "$wal")
	# the last transaction (a delete and its COMMIT) cut in its COMMIT
	h truncate "$wal" $((size - 5))
	run --separate-stderr rdb-verify db
	is "$status" 0
	is "${lines[1]}" "note,wal,${wal#db/},$at,F-WAL-003,$((size - 5 - at)) bytes after the last commit: a write that never committed; the next writer cuts it off"
	is "${#lines[@]}" 2
	ok rdb-query db "$Q"
	# the delete of row 100 was never acknowledged
	is "${lines[1]}" "4998,12511480,3125621.75,w"
	printf 'k,s,d\n7001,x,1.5\n' >new.csv
	ok rdb-load -q db t new.csv
	ok rdb-verify db
	is "$output" ""
	ok rdb-query db "$Q"
	is "${lines[1]}" "4999,12518481,3125623.25,x"
}

# A database whose WAL spans files: a COMMIT past 64 MiB starts the next
# file before it is written [F-WAL-013]; two small transactions follow in
# the new file.
bigwal() {
	rm -rf db
	rdb-init --checkpoint-size 0 db >/dev/null
	h create db t 'k:BIGINT,s:TEXT' >/dev/null
	s=$(head -c 1048576 /dev/zero | tr '\0' x)
	# 30 rows a commit: not so many that they go to a segment
	for i in $(seq 1 65); do printf '%d\t%s\n' "$i" "$s"; done |
		h --every 30 insert db t >/dev/null
	printf '66\ta\n' | h insert db t >/dev/null
	printf '67\tb\n' | h insert db t >/dev/null
	w1=db/wal/0000000000000001.wal
	w2=db/wal/0000000000000002.wal
	[ "$(ls db/wal)" = $'0000000000000001.wal\n0000000000000002.wal' ] ||
		fail "unexpected WAL: $(ls -l db/wal)"
	[ "$(stat -c %s $w1)" -ge $((64 << 20)) ] || fail "short: $(ls -l db/wal)"
	ok rdb-verify db
	is "$output" ""
	ok rdb-query db 'SELECT count(*), max(k), sum(length(s)) FROM t'
	is "${lines[1]}" "67,67,68157442"
}

@test "damage in an earlier WAL file: the later file proves it was whole [F-WAL-012] [F-WAL-013]" {
	bigwal
	size=$(stat -c %s $w1)
	# file 1 seems torn in its last record, but file 2 holds records
	# written after it
	read -r at < <(h units db | awk -v f="${w1#db/}" '$1 == "walrec" && $2 == f { a = $3 } END { print a }')
	sum=$(sha256sum <$w1)
	h truncate $w1 $((size - 10))
	cp $w1 w1.cut
	run --separate-stderr rdb-query db 'SELECT count(*) FROM t'
	is "$status" 3
	is "$stderr" "rdb-query: damaged WAL '$w1' at offset $at: the log stops here, yet '$w2' follows it"
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[1]}" "error,wal,${w1#db/},$at,F-WAL-012,\"damaged WAL '$w1' at offset $at: the log stops here, yet '$w2' follows it\""
	# a writer refuses, and cuts nothing
	run --separate-stderr h insert db t <<<$'68\tc'
	is "$status" 3
	cmp $w1 w1.cut
	# a bit flipped in file 1's first record instead
	rm -rf db && bigwal
	h flip $w1 90 2
	run --separate-stderr rdb-query db 'SELECT count(*) FROM t'
	is "$status" 3
	is "$stderr" "rdb-query: damaged WAL '$w1' at offset 64: a record that fails its checks, yet a valid record follows at offset $(h units db | awk -v f="${w1#db/}" '$1 == "walrec" && $2 == f { n++; if (n == 2) print $3 }')"
}

@test "a missing WAL file, the last or one in the middle, is damage [F-WAL-014]" {
	bigwal
	size=$(stat -c %s $w1)
	cp $w2 w2.good
	# the last file gone: file 1 reached 64 MiB, so file 2 was started
	rm $w2
	run --separate-stderr rdb-query db 'SELECT count(*) FROM t'
	is "$status" 3
	is "$stderr" "rdb-query: damaged WAL '$w2': missing, yet '$w1' ends past 64 MiB ($size bytes), so the log continues in it"
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[1]}" "error,wal,${w2#db/},,F-WAL-014,\"damaged WAL '$w2': missing, yet '$w1' ends past 64 MiB ($size bytes), so the log continues in it\""
	run --separate-stderr h insert db t <<<$'68\tc'
	is "$status" 3
	[ ! -e $w2 ] || fail "a writer made a new $w2"
	is "$(stat -c %s $w1)" "$size"
	# a file in the middle gone: 3 is there, 2 is not
	w3=db/wal/0000000000000003.wal
	mv w2.good $w3
	for p in rdb-query rdb-stat rdb-compact; do
		if [ $p = rdb-query ]; then
			run --separate-stderr $p db 'SELECT 1'
		else
			run --separate-stderr $p db
		fi
		is "$status" 3
		is "$stderr" "$p: damaged WAL '$w2': missing, yet '$w3' follows it"
	done
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[1]}" "error,wal,${w2#db/},,F-WAL-014,\"damaged WAL '$w2': missing, yet '$w3' follows it\""
}

@test "the only WAL file removed, after a checkpoint or in a new database, is damage [F-WAL-015]" {
	rdb-init nd >/dev/null
	w1=nd/wal/0000000000000001.wal
	is "$(stat -c %s $w1)" 64
	rdb-query nd 'CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1)' >/dev/null
	# commits since creation in file 1: removing it loses them
	cp $w1 w1.good
	rm $w1
	for p in rdb-query rdb-stat rdb-compact; do
		if [ $p = rdb-query ]; then
			run --separate-stderr $p nd 'SELECT 1'
		else
			run --separate-stderr $p nd
		fi
		is "$status" 3
		is "$stderr" "$p: damaged WAL '$w1': missing, yet the log starts in it"
	done
	[ ! -e $w1 ] || fail "a program made a new $w1"
	mv w1.good $w1
	# a checkpoint begins the file its manifest names, before the manifest
	rdb-compact nd
	w2=nd/wal/0000000000000002.wal
	is "$(stat -c %s $w2)" 64
	[ ! -e $w1 ] || fail "$w1 outlived the checkpoint"
	rdb-query nd 'INSERT INTO t VALUES (2)' >/dev/null
	rm $w2
	run --separate-stderr rdb-query nd 'SELECT count(*) FROM t'
	is "$status" 3
	is "$stderr" "rdb-query: damaged WAL '$w2': missing, yet the log starts in it"
	run --separate-stderr rdb-verify nd
	is "$status" 3
	is "${lines[1]}" "error,wal,${w2#nd/},,F-WAL-015,\"damaged WAL '$w2': missing, yet the log starts in it\""
	run --separate-stderr rdb-load nd t <<<$'k\n3'
	is "$status" 3
	[ ! -e $w2 ] || fail "a writer made a new $w2"
}

@test "a rotation that did not finish: a header-only next file is ignored and removed [F-WAL-013]" {
	wal=$(ls db/wal/*.wal)
	seq=${wal##*/}
	next=db/wal/$(printf '%016x.wal' $((16#${seq%.wal} + 1)))
	# a header for a COMMIT that was never written
	head -c 64 "$wal" >"$next"
	h corrupt "$next" 24 7
	h rehash "$next"
	cp -a db db2
	run --separate-stderr rdb-verify db
	is "$status" 0
	is "${lines[1]}" "note,wal,${next#db/},0,F-WAL-013,a WAL file of 64 bytes that does not continue the log: a file started when its writer stopped; the next writer starts it again"
	ok rdb-query db "$Q"
	is "${lines[1]}" "4997,12511379,3125596.5,w"
	printf 'k,s,d\n7001,x,1.5\n' >new.csv
	ok rdb-load -q db t new.csv
	ok rdb-verify db
	is "$output" ""
	ok rdb-query db "$Q"
	is "${lines[1]}" "4998,12518380,3125598,x"
	# the file before it torn too (the COMMIT that would have reached
	# 64 MiB cut short): the next writer cuts the tail and removes it
	rm -rf db && mv db2 db
	h truncate "$wal" $(($(stat -c %s "$wal") - 5))
	run --separate-stderr rdb-verify db
	is "$status" 0
	[[ ${lines[1]} == "note,wal,${wal#db/},"*",F-WAL-003,"* ]] || fail "$output"
	is "${lines[2]}" "note,wal,${next#db/},0,F-WAL-013,a WAL file holding no more than a header after the end of the log: a rotation that did not finish; the next writer removes it"
	ok rdb-load -q db t new.csv
	[ ! -e "$next" ] || fail "$next is still there"
	ok rdb-verify db
	is "$output" ""
}

@test "one bit flipped in every unit: exit 3 and one line, or the right answer" {
	ok rdb-query db "$Q"
	want=$output
	ok rdb-stat --columns db
	wantc=$output
	h units db >units
	lastrec=$(awk '$1 == "walrec" { l = $1 " " $2 " " $3 } END { print l }' units)
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
				# only the last record's r_len grown past the
				# end of the file reads as a torn write: the
				# last transaction is not there [F-WAL-012]
				torn=
				[ "$kind $file $off" = "$lastrec" ] && [ $at -lt $((off + 4)) ] && torn=1
				[[ $kind != wal* || -n $torn ]] ||
					fail "$where: WAL damage not found: $output" || return 1
				[ -n "$torn" ] || [ "$output" = "$good" ] ||
					fail "$where: a wrong answer: $output" || return 1
				if [ $p = compact ] && [ -z "$torn" ]; then
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

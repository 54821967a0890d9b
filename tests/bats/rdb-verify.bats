#!/usr/bin/env bats
# rdb-verify: an intact database passes silently; every damage is found,
# none is invented, and nothing crashes.

load helper

# A reference database with every structure rdb writes: tables of every
# type, with NULLs, in all three codecs, two row groups, deletes, two
# checkpoints (so an older manifest, two commit log files, and segments
# and delete files of both), and a WAL tail after the last checkpoint
# holding an insert, a delete, a DDL and an insert after it.
mkref() {
	local h=rdb-test-helper
	rdb-init --row-group-rows 1024 "$1" >/dev/null
	$h create "$1" t1 'k:BIGINT:notnull,i:INTEGER,b:BOOLEAN,d:DOUBLE,m:DECIMAL(12;2),s:TEXT,dt:DATE,ts:TIMESTAMP,j:JSON,bl:BLOB' >/dev/null
	$h create "$1" t2 'a:INTEGER:notnull,s:TEXT' >/dev/null
	$h alter "$1" codec t2 none 0 >/dev/null
	$h create "$1" t3 'x:BIGINT,y:DOUBLE' >/dev/null
	$h alter "$1" codec t3 lz4 0 >/dev/null
	awk 'BEGIN { for (n = 1; n <= 1500; n++)
		printf "%d\t%s\t%s\t%s\t%d\ttext %d\t%d\t%d\t{\"n\":%d}\tb%d\n",
		    n, n % 5 == 0 ? "\\N" : n % 97 - 40, n % 2 ? "true" : "false",
		    n / 8, n * 13, n % 11, 19000 + n % 300, 1700000000 + n, n, n % 3 }' |
		$h insert "$1" t1 >/dev/null
	seq 1 200 | awk '{ print $1 "\tv" $1 % 4 }' | $h insert "$1" t2 >/dev/null
	seq 1 300 | awk '{ print $1 * 7 "\t" ($1 % 9 ? $1 / 3 : "\\N") }' |
		$h insert "$1" t3 >/dev/null
	$h delete "$1" t1 3 5 8 1100 >/dev/null
	$h delete "$1" t2 0 10 >/dev/null
	$h checkpoint "$1"
	seq 201 260 | awk '{ print $1 "\tw" $1 % 4 }' | $h insert "$1" t2 >/dev/null
	$h delete "$1" t3 4 5 >/dev/null
	$h checkpoint "$1"
	printf '1501\t1\ttrue\t2.5\t100\tx\t19500\t1700000000\t[1]\tz\n' |
		$h insert "$1" t1 >/dev/null
	$h delete "$1" t2 20 21 >/dev/null
	$h alter "$1" addcol t3 'z:TEXT' >/dev/null
	printf '9\t1.5\tzz\n' | $h insert "$1" t3 >/dev/null
}

# unit KIND FILE-GLOB FIELD...: fields of the first line of "units".
unit() {
	rdb-test-helper units db | awk -v k="$1" -v f="$2" -v r="$3" -v c="$4" \
	    '$1 == k && $2 ~ f && (r == "" || ($5 == r && $6 == c))'
}

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/work" && cd "$BATS_TEST_TMPDIR/work"
	rdb-init db
	rdb-test-helper create db t 'k:BIGINT:notnull,s:TEXT,d:DOUBLE,dt:DATE' >/dev/null
	seq 1 300 | awk '{print $1 "\ts" $1 % 7 "\t" $1 / 4 "\t" 19000 + $1}' |
		rdb-test-helper insert db t >/dev/null
	rdb-test-helper delete db t 3 5 8 >/dev/null
	rdb-test-helper checkpoint db
	printf '301\tx\t1.5\t19500\n' | rdb-test-helper insert db t >/dev/null
}

@test "an intact database passes silently" {
	ok rdb-verify db
	is "$output" ""
	ok rdb-verify --quick db
	is "$output" ""
	ok rdb-compact db
	ok rdb-verify db
	is "$output" ""
	ok rdb-verify -q db
}

@test "every byte of a segment flipped is found, and nothing crashes" {
	seg=$(ls db/tables/1/*.seg)
	cp "$seg" good
	size=$(stat -c %s "$seg")
	missed=0
	for ((off = 0; off < size; off += 3)); do
		cp good "$seg"
		rdb-test-helper corrupt "$seg" $off
		st=0
		rdb-verify -q db || st=$?
		if [ $st -ne 3 ]; then
			missed=$((missed + 1))
			echo "# offset $off: exit $st" >&3
		fi
	done
	cp good "$seg"
	is "$missed" 0
	ok rdb-verify db
}

@test "a finding names the file, the offset and the requirement" {
	seg=$(ls db/tables/1/*.seg)
	rel=${seg#db/}
	rdb-test-helper corrupt "$seg" 20
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[0]}" "severity,kind,file,offset,requirement,message"
	[[ ${lines[1]} == "error,chunk,$rel,16,F-SEG-001,damaged segment '$seg' at offset 16: chunk checksum mismatch" ]] || fail "${lines[1]}"
	is "$stderr" ""
	run --separate-stderr rdb-verify --format ndjson db
	is "$status" 3
	[[ ${lines[0]} == '{"severity":"error","kind":"chunk","file":"'"$rel"'","offset":16,'* ]] || fail "$output"
	run rdb-verify -q db
	is "$status" 3
	is "$output" ""
}

@test "orphans are warnings, a torn WAL tail a note: still intact" {
	touch db/tables/1/00000000000000ff-0000.seg
	size=$(stat -c %s db/wal/*.wal)
	printf 'torn' >> db/wal/*.wal
	run --separate-stderr rdb-verify db
	is "$status" 0
	[[ $output == *$'\nwarning,orphan,tables/1/00000000000000ff-0000.seg,,F-WAL-011,'* ]] || fail "$output"
	[[ $output == *$'\nnote,wal,wal/'*".wal,$size,F-WAL-003,4 bytes after the last commit"* ]] || fail "$output"
}

@test "damage outside segments: superblock, lock file, manifest, missing files" {
	cp db/RDB rdb.good
	rdb-test-helper corrupt db/RDB 100
	run --separate-stderr rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == "error,superblock,RDB,248,F-SB-004,damaged superblock 'db/RDB' at offset 248: checksum mismatch" ]] || fail "$output"
	cp rdb.good db/RDB
	rdb-test-helper corrupt db/LOCK 5
	run rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == "error,lock,"* ]] || fail "$output"
	rdb-test-helper corrupt db/LOCK 5
	man=$(ls db/manifest/*.man)
	rdb-test-helper corrupt "$man" 30
	run rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == "error,manifest,"* ]] || fail "$output"
	rdb-test-helper corrupt "$man" 30
	rm "$(ls db/tables/1/*.seg)"
	run rdb-verify db
	is "$status" 3
	[[ $output == *"is missing"* ]] || fail "$output"
}


@test "runs beside a writer, and --table limits the segment checks" {
	hold --program rdb-load hold db writer
	ok rdb-verify db
	rdb-test-helper create db u 'a:INTEGER' >/dev/null 2>&1 || true
	ok rdb-verify --table t db
	fails 1 rdb-verify --table nope db
	is "$stderr" "rdb-verify: no such table 'nope'"
}

@test "wrong arguments, and a directory that is not a database" {
	usage_fails rdb-verify
	usage_fails rdb-verify a b
	usage_fails rdb-verify --bogus db
	mkdir plain
	fails 1 rdb-verify plain
	is "$stderr" "rdb-verify: cannot open 'plain': not an rdb database (no superblock 'RDB')"
}

@test "--salvage prints every readable row as NDJSON and says what it skipped" {
	rdb-init --row-group-rows 1024 sv
	{ echo k,s; seq 1 3000 | sed 's/.*/&,s&/'; } | rdb-load -q sv t
	ok rdb-compact sv
	ok rdb-verify --salvage sv
	is "${#lines[@]}" 3000
	is "${lines[0]}" '{"_table":"t","k":1,"s":"s1"}'
	seg=$(ls sv/tables/1/*.seg)
	rdb-test-helper corrupt "$seg" 100
	run --separate-stderr rdb-verify --salvage sv
	is "$status" 3
	is "${#lines[@]}" 1976
	is "${lines[0]}" '{"_table":"t","k":1025,"s":"s1025"}'
	[[ $stderr == "rdb-verify: salvage: skipped: damaged segment '$seg' at offset "*": chunk checksum mismatch" ]] || fail "$stderr"
	# what was salvaged loads back
	printf '%s\n' "${lines[@]}" | rdb-load -q --format ndjson sv rescued
	ok rdb-stat --tables --no-header sv
	[[ $output == *$'\nrescued,3,1976,'* ]] || fail "$output"
}

@test "damage in the middle of the WAL is an error, not a torn tail" {
	wal=$(ls db/wal/*.wal)
	size=$(stat -c %s "$wal")
	printf '302\ty\t2\t19501\n' | rdb-test-helper insert db t >/dev/null
	printf '303\tz\t3\t19502\n' | rdb-test-helper insert db t >/dev/null
	rdb-test-helper corrupt "$wal" $((size + 30))
	run --separate-stderr rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == "error,wal,wal/"*",$size,F-WAL-012,\"damaged WAL '$wal' at offset $size: a record that fails its checks, yet a valid record follows at offset "* ]] || fail "$output"
}

@test "every byte of the superblock, CURRENT, manifest, commit log, delete file and WAL flipped is found" {
	# A torn write is a record cut short at the end of the log, and only
	# that is not damage [F-WAL-012]: the one byte flip that reads so is
	# in the last record's r_len, grown past the end of the file.
	wal=$(ls db/wal/*.wal)
	cp "$wal" wal.good
	# the last transaction: an INSERT and its COMMIT
	read -r tail last < <(unit walrec "" | awk '{ p = c; c = $3 } END { print p, c }')
	truncate -s -1 "$wal"
	run rdb-verify db
	is "$status" 0
	is "${lines[1]}" "note,wal,${wal#db/},$tail,F-WAL-003,$(($(stat -c %s "$wal") - tail)) bytes after the last commit: a write that never committed; the next writer cuts it off"
	cp wal.good "$wal"
	missed=0
	for f in db/RDB db/manifest/CURRENT db/manifest/*.man db/manifest/*.log \
	    db/tables/1/*.del "$wal"; do
		cp "$f" good
		size=$(stat -c %s "$f")
		# every byte; every 7th under the sanitizers (RDB_FAULT_STRIDE)
		for ((off = 0; off < size; off += ${RDB_FAULT_STRIDE:-1})); do
			cp good "$f"
			rdb-test-helper corrupt "$f" $off
			run rdb-verify db
			if [ "$status" -eq 3 ]; then
				continue
			fi
			if [ "$f" = "$wal" ] && [ $off -ge "$last" ] && [ $off -lt $((last + 4)) ] &&
			    [ "$status" -eq 0 ] &&
			    [[ $output == *$'\nnote,wal,'*",$tail,F-WAL-003,"* ]]; then
				continue
			fi
			missed=$((missed + 1))
			echo "# $f offset $off: exit $status" >&3
		done
		cp good "$f"
	done
	is "$missed" 0
	ok rdb-verify db
	is "$output" ""
}

@test "a commit log out of order or missing is damage" {
	log=$(ls db/manifest/*.log)
	mv "$log" log.good
	run rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == "error,log,manifest/"*".log,,F-MAN-045,"*"is missing"* ]] || fail "$output"
	mv log.good "$log"
	ok rdb-verify db
}

@test "bit-flip sweep: one bit of every unit flipped, and its 4 KiB block zeroed, is always found" {
	mkref ref
	ok rdb-verify ref
	is "$output" ""
	rdb-test-helper units ref >units
	for k in superblock lock current manifest log delete seghdr chunk footer \
	    trailer walhdr walrec; do
		grep -q "^$k " units || fail "no unit of kind $k"
	done
	RANDOM=20261126
	tried=0 detected=0 missed=0
	declare -A zeroed
	while read -r kind file off len _; do
		for how in flip zero; do
			bit=
			if [ $how = flip ]; then
				at=$((off + (RANDOM * 32768 + RANDOM) % len))
				bit=$((RANDOM % 8))
			else
				at=$((off / 4096 * 4096))
				[ -z "${zeroed[$file:$at]-}" ] || continue
				zeroed[$file:$at]=1
			fi
			rm -rf db && cp -a ref db
			if [ $how = flip ]; then
				rdb-test-helper flip "db/$file" $at $bit
			else
				rdb-test-helper zero "db/$file" $at 4096
			fi
			st=0
			rdb-verify db >out 2>err || st=$?
			tried=$((tried + 1))
			if [ $st -eq 3 ] && [ ! -s err ] && grep -q '^error,' out; then
				detected=$((detected + 1))
			else
				missed=$((missed + 1))
				echo "# missed: $kind $file, $how at $at${bit:+ bit $bit}: exit $st $(head -c 300 err)" >&3
			fi
		done
	done <units
	echo "# sweep: units tried $tried, detected $detected, missed $missed" >&3
	is "$missed" 0
	[ "$tried" -gt 80 ] || fail "only $tried units tried"
}

@test "catalogue: a truncated segment" {
	seg=$(ls db/tables/1/*.seg)
	size=$(($(stat -c %s "$seg") - 100))
	rdb-test-helper truncate "$seg" $size
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "$stderr" ""
	is "${lines[1]}" "error,segment,${seg#db/},$size,F-MAN-021,damaged segment '$seg' at offset $size: size differs from the manifest's"
	is "${#lines[@]}" 2
}

@test "catalogue: a missing segment" {
	seg=$(ls db/tables/1/*.seg)
	rm "$seg"
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[1]}" "error,segment,${seg#db/},,F-MAN-021,damaged database: segment '$seg' is missing"
	is "${#lines[@]}" 2
}

@test "catalogue: files the format does not name are warnings, not damage" {
	echo notes >db/notes.txt
	mkdir db/tables/1/extra
	touch db/indexes/i.idx db/.hidden
	run --separate-stderr rdb-verify db
	is "$status" 0
	is "$stderr" ""
	is "${#lines[@]}" 4
	[[ $output == *$'\nwarning,unknown,notes.txt,,F-DIR-008,a file this version of rdb does not know: readers ignore it (it may belong to a newer version)'* ]] || fail "$output"
	[[ $output == *$'\nwarning,unknown,tables/1/extra,,F-DIR-008,a folder this version'* ]] || fail "$output"
	[[ $output == *$'\nwarning,unknown,indexes/i.idx,,F-DIR-008,'* ]] || fail "$output"
}

@test "catalogue: a zeroed page is found in every chunk it hits, at the chunk's offset" {
	rdb-test-helper create db big 'a:BIGINT,s:TEXT' >/dev/null
	rdb-test-helper alter db codec big none 0 >/dev/null
	seq 1 5000 | awk '{ print $1 * 7919 % 100003 "\tstring " $1 }' |
		rdb-test-helper insert db big >/dev/null
	rdb-test-helper checkpoint db
	seg=$(ls db/tables/2/*.seg)
	[ "$(stat -c %s "$seg")" -gt 12288 ] || fail "segment too small"
	# the chunks that overlap bytes 4096 to 8191
	want=$(rdb-test-helper units db | awk -v f="${seg#db/}" \
	    '$1 == "chunk" && $2 == f && $3 < 8192 && $3 + $4 > 4096 { print $3 }' |
	    sort -n | tr '\n' ' ')
	[ -n "$want" ] || fail "no chunk in the page"
	rdb-test-helper zero "$seg" 4096 4096
	run --separate-stderr rdb-verify db
	is "$status" 3
	got=$(printf '%s\n' "$output" | awk -F, -v f="${seg#db/}" \
	    '$1 == "error" && $2 == "chunk" && $3 == f && $5 == "F-SEG-001" &&
	    /chunk checksum mismatch$/ { print $4 }' | sort -n | tr '\n' ' ')
	is "$got" "$want"
	# --quick reads the same checksums without decompressing
	run --separate-stderr rdb-verify --quick db
	is "$status" 3
	got=$(printf '%s\n' "$output" | awk -F, -v f="${seg#db/}" \
	    '$1 == "error" && $2 == "chunk" && $3 == f && $5 == "F-SEG-001" &&
	    /chunk checksum mismatch$/ { print $4 }' | sort -n | tr '\n' ' ')
	is "$got" "$want"
}

@test "catalogue: a segment written in another's place (valid checksums, wrong place) is found" {
	# two tables alike, so their segments are the same size
	rdb-init sw
	for t in u w; do
		rdb-test-helper create sw $t 'a:INTEGER,s:TEXT' >/dev/null
	done
	for t in u w; do
		seq 1 100 | awk '{ print $1 "\tx" $1 }' | rdb-test-helper insert sw $t >/dev/null
	done
	rdb-test-helper checkpoint sw
	a=sw/tables/1/0000000000000001.seg b=sw/tables/2/0000000000000001.seg
	is "$(stat -c %s $a)" "$(stat -c %s $b)"
	ok rdb-verify sw
	mv $a x && mv $b $a && mv x $b
	run --separate-stderr rdb-verify sw
	is "$status" 3
	is "${lines[1]}" "error,chunk,tables/1/0000000000000001.seg,22,F-SEG-008,\"row group 0: row id 0 has commit 4, but the commit log gives it to commit 3 (100 rows so): the rows belong elsewhere, as when a file was written in another's place\""
	is "${lines[2]}" "error,chunk,tables/2/0000000000000001.seg,22,F-SEG-008,\"row group 0: row id 0 has commit 3, but the commit log gives it to commit 4 (100 rows so): the rows belong elsewhere, as when a file was written in another's place\""
	is "${#lines[@]}" 3
	# one segment of a table copied over another of the same table
	rdb-init sd
	rdb-test-helper create sd u 'a:INTEGER,s:TEXT' >/dev/null
	for i in 1 2 3; do
		seq 1 100 | awk '{ print $1 "\tx" $1 }' | rdb-test-helper insert sd u >/dev/null
		rdb-test-helper checkpoint sd
	done
	is "$(stat -c %s sd/tables/1/0000000000000002.seg)" "$(stat -c %s sd/tables/1/0000000000000003.seg)"
	cp sd/tables/1/0000000000000003.seg sd/tables/1/0000000000000002.seg
	run --separate-stderr rdb-verify sd
	is "$status" 3
	is "${lines[1]}" "error,chunk,tables/1/0000000000000003.seg,16,F-SEG-008,row group 0: row id 200 is in another segment of the table too (100 rows so)"
	is "${lines[2]}" "error,segment,manifest/0000000000000003.man,,F-SEG-008,\"table 'u': 100 of its row ids below 300 are in no segment and not in the WAL, the first 100: rows were lost\""
}

@test "catalogue: a stale but valid older manifest put back as CURRENT" {
	cp db/manifest/CURRENT current.old
	rdb-test-helper checkpoint db
	printf '302\ty\t2\t19501\n' | rdb-test-helper insert db t >/dev/null
	ok rdb-verify db
	cp current.old db/manifest/CURRENT
	run --separate-stderr rdb-verify db
	is "$status" 3
	# the WAL the manifest of CURRENT starts with is gone (its
	# checkpoint removed it), so the log misses a file [F-WAL-014]
	is "${lines[1]}" "error,wal,wal/0000000000000002.wal,,F-WAL-014,\"damaged WAL 'db/wal/0000000000000002.wal': missing, yet 'db/wal/0000000000000003.wal' follows it\""
	is "${lines[2]}" "error,manifest,manifest/CURRENT,8,F-MAN-032,\"CURRENT names manifest 1, but manifest 2 is newer and holds commits up to 4, beyond the 3 the database reaches: an older CURRENT was put back, and the commits after 3 are lost\""
}

@test "a newer manifest of a checkpoint that did not finish is a warning" {
	man=$(ls db/manifest/*.man)
	new=db/manifest/0000000000000002.man
	cp "$man" "$new"
	rdb-test-helper corrupt "$new" 16 2	# its sequence number
	rdb-test-helper rehash "$new"
	run --separate-stderr rdb-verify db
	is "$status" 0
	is "${lines[1]}" "warning,orphan,manifest/0000000000000002.man,,F-MAN-032,a manifest newer than the current one: the garbage of a checkpoint that did not finish"
	is "${#lines[@]}" 2
	# an older one damaged is damage
	rm "$new"
	rdb-test-helper checkpoint db
	rdb-test-helper corrupt "$man" 30
	run --separate-stderr rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == "error,manifest,${man#db/},$(($(stat -c %s "$man") - 8)),F-MAN-020,\"an older manifest is damaged at offset "*": checksum mismatch (the database no longer reads it"* ]] || fail "$output"
}

@test "catalogue: a WAL gap (a record cut out, the chain made right again; a missing file)" {
	printf '302\ty\t2\t19501\n' | rdb-test-helper insert db t >/dev/null
	printf '303\tz\t3\t19502\n' | rdb-test-helper insert db t >/dev/null
	wal=$(ls db/wal/*.wal)
	cp "$wal" wal.good
	# the second record of three transactions of two records each
	read -r at len < <(unit walrec "" | awk 'NR == 2 { print $3, $4 }')
	{ head -c "$at" wal.good; tail -c +$((at + len + 1)) wal.good; } >"$wal"
	rdb-test-helper rehash "$wal"
	run --separate-stderr rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == "error,wal,${wal#db/},$at,F-WAL-012,\"damaged WAL '$wal' at offset $at: a record that fails its checks, yet a valid record follows at offset "* ]] || fail "$output"
	# the whole file gone, the next one there
	cp wal.good "$wal"
	seq=${wal##*/}
	next=$(printf '%016x.wal' $((16#${seq%.wal} + 1)))
	mv "$wal" "db/wal/$next"
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[1]}" "error,wal,${wal#db/},,F-WAL-014,\"damaged WAL '$wal': missing, yet 'db/wal/$next' follows it\""
}

@test "catalogue: a delete file naming a row past the end, its checksum made right" {
	del=$(ls db/tables/1/*.del)
	# entry 2 (row id 8) becomes row id 2^56 + 8
	rdb-test-helper corrupt "$del" 55 1
	rdb-test-helper rehash "$del"
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "$stderr" ""
	is "${lines[1]}" "error,delete,${del#db/},48,F-MAN-040,damaged delete file '$del' at offset 48: bad entry"
	is "${#lines[@]}" 2
}

@test "catalogue: a chunk whose zone map lies (its footer checksum made right)" {
	seg=$(ls db/tables/1/*.seg)
	entry=$(unit chunk "" 0 0 | awk '{ print $7 }')
	rdb-test-helper zone "$seg" 0 0 1 250
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[1]}" "error,zonemap,${seg#db/},$entry,F-SEG-004,\"row group 0, column 1: the zone map says 1..250, the values are 1..300\""
	is "${#lines[@]}" 2
	# --quick does not decode, so it cannot know
	ok rdb-verify --quick db
}

@test "catalogue: a commit or row id zone map that lies (footer checksum made right) [F-SEG-009]" {
	seg=$(ls db/tables/1/*.seg)
	entry=$(unit chunk "" 0 -1 | awk '{ print $7 }')
	# the rows were inserted by commit 2: a zone map of 3..3 would let
	# a version scan of commit 2 skip them
	rdb-test-helper zone -- "$seg" 0 -1 3 3
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "$stderr" ""
	is "${lines[1]}" "error,zonemap,${seg#db/},$entry,F-SEG-009,\"row group 0: the zone map of the commit chunk says 3..3, the values are 2..2\""
	is "${#lines[@]}" 2
	rdb-test-helper zone -- "$seg" 0 -1 2 2
	ok rdb-verify db
	is "$output" ""
	entry=$(unit chunk "" 0 -2 | awk '{ print $7 }')
	rdb-test-helper zone -- "$seg" 0 -2 0 298
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[1]}" "error,zonemap,${seg#db/},$entry,F-SEG-009,\"row group 0: the zone map of the row id chunk says 0..298, the values are 0..299\""
}

@test "catalogue: a dictionary code out of range, its checksum made right" {
	rdb-test-helper create db dd 'v:BIGINT' >/dev/null
	rdb-test-helper alter db codec dd none 0 >/dev/null
	printf '7\n1000000000000007\n7\n1000000000000007\n' |
		rdb-test-helper insert db dd >/dev/null
	rdb-test-helper checkpoint db
	seg=$(ls db/tables/2/*.seg)
	read -r off len < <(unit chunk tables/2/ 0 0 | awk '{ print $3, $4 }')
	# flags, stream length, DICT, 2 entries, 7, block of the delta
	# (width 0, 1e15), then the codes: width 1, reference 0, packed 0 1 0 1
	is "$(od -An -tx1 -j$((off + len - 3)) -N3 "$seg" | tr -d ' ')" 01000a
	# reference 1: the codes become 1 2 1 2, and 2 is past the dictionary
	rdb-test-helper corrupt "$seg" $((off + len - 2)) 2
	rdb-test-helper rehash "$seg"
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[1]}" "error,chunk,${seg#db/},$off,F-ENC-063,damaged segment '$seg' at offset $off: damaged value stream at offset 12: codes: code 2 of value 1 is outside the dictionary of 2"
	is "${#lines[@]}" 2
}

@test "catalogue: a catalog type change not matched by the data" {
	man=$(ls db/manifest/*.man)
	# column d of t: name length 1, "d", type 4 (DOUBLE) -> 3 (BIGINT)
	at=$(grep -obUaP '\x01d\x04' "$man" | head -n 1 | cut -d: -f1)
	[ -n "$at" ] || fail "column d not found"
	rdb-test-helper corrupt "$man" $((at + 2)) 3
	rdb-test-helper rehash "$man"
	seg=$(ls db/tables/1/*.seg)
	run --separate-stderr rdb-verify db
	is "$status" 3
	# the WAL's row no longer fits the catalog: loading stops there, and
	# the checks go on from the manifest alone
	[[ ${lines[1]} == "error,wal,wal/"*".wal,64,F-WAL-010,\"damaged WAL '"*"' at offset 64: INSERT column unknown, repeated or of the wrong type\"" ]] || fail "$output"
	[[ ${lines[2]} == "error,catalog,${seg#db/},"[0-9]*",F-SEG-005,\"column 'd' is BIGINT in the catalog, DOUBLE in the segment\"" ]] || fail "$output"
	is "${#lines[@]}" 3
}

@test "damage that stops loading does not hide damage elsewhere" {
	seg=$(ls db/tables/1/*.seg) del=$(ls db/tables/1/*.del)
	rdb-test-helper corrupt "$del" 20
	rdb-test-helper corrupt "$seg" 20
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "${lines[1]}" "error,delete,${del#db/},$(($(stat -c %s "$del") - 8)),F-MAN-020,damaged '$del' at offset $(($(stat -c %s "$del") - 8)): checksum mismatch"
	is "${lines[2]}" "error,chunk,${seg#db/},16,F-SEG-001,damaged segment '$seg' at offset 16: chunk checksum mismatch"
	is "${#lines[@]}" 3
	# the manifest itself damaged: every file is still checked alone
	rdb-test-helper corrupt "$del" 20
	man=$(ls db/manifest/*.man)
	rdb-test-helper corrupt "$man" 30
	run --separate-stderr rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == "error,manifest,${man#db/},"*",F-MAN-020,damaged '$man' at offset "* ]] || fail "$output"
	is "${lines[2]}" "error,chunk,${seg#db/},16,F-SEG-001,damaged segment '$seg' at offset 16: chunk checksum mismatch"
	is "${#lines[@]}" 3
}

@test "--progress draws a bar on a terminal, and only there" {
	ok rdb-verify --progress db
	is "$output" ""
	run script -qec "rdb-verify --progress db 2>&1 >/dev/null" /dev/null
	is "$status" 0
	[[ $output == *"rdb-verify: ["*"] 100%"* ]] || fail "$output"
	[[ $output == *$'\r\033[K' ]] || fail "the bar is not erased: $output"
	run script -qec "rdb-verify -q --progress db 2>&1 >/dev/null" /dev/null
	is "$output" ""
}

@test "catalogue: a damaged view, in a manifest and in the WAL [F-MAN-016] [F-MAN-017]" {
	rdb-test-helper alter db view v k,s 'SELECT k, s FROM t' >/dev/null
	rdb-test-helper checkpoint db
	ok rdb-verify db
	is "$output" ""
	man=$(ls db/manifest/*.man | tail -n 1)
	cp "$man" man.good
	# a byte of the query text that is no UTF-8
	at=$(grep -obUaP 'SELECT k, s FROM t' "$man" | head -n 1 | cut -d: -f1)
	[ -n "$at" ] || fail "the view's text is not in $man"
	rdb-test-helper corrupt "$man" $((at + 7)) 255
	rdb-test-helper rehash "$man"
	run --separate-stderr rdb-verify db
	is "$status" 3
	is "$stderr" ""
	[[ ${lines[1]} == "error,manifest,${man#db/},"[0-9]*",F-MAN-016,\"damaged catalog operation in '$man' at offset "[0-9]*": a view query must be 1 to 65536 bytes of UTF-8 within the operation, without NUL bytes\"" ]] || fail "$output"
	# a query text longer than the operation: its length is checked first
	cp man.good "$man"
	rdb-test-helper corrupt "$man" $((at - 1)) 127
	rdb-test-helper rehash "$man"
	run --separate-stderr rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == *",F-MAN-016,\"damaged catalog operation in '$man' at offset "[0-9]*": a view query must be"* ]] || fail "$output"
	# the view renamed to the table's name [F-MAN-017]
	cp man.good "$man"
	vat=$(grep -obUaP '\x08\x01v\x02' "$man" | head -n 1 | cut -d: -f1)
	[ -n "$vat" ] || fail "the view's operation is not in $man"
	rdb-test-helper corrupt "$man" $((vat + 2)) 116	# 't'
	rdb-test-helper rehash "$man"
	run --separate-stderr rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == *",F-MAN-017,damaged catalog operation in '$man' at offset "[0-9]*": a view's name is taken by a table or view" ]] || fail "$output"
	# in the WAL: a NUL in the text of a view made after the checkpoint
	cp man.good "$man"
	ok rdb-verify db
	rdb-test-helper alter db view w n 'SELECT 42' >/dev/null
	wal=$(ls db/wal/*.wal | tail -n 1)
	at=$(grep -obUaP 'SELECT 42' "$wal" | head -n 1 | cut -d: -f1)
	rdb-test-helper corrupt "$wal" $((at + 7)) 0
	rdb-test-helper rehash "$wal"
	run --separate-stderr rdb-verify db
	is "$status" 3
	[[ ${lines[1]} == "error,wal,${wal#db/},"[0-9]*",F-WAL-010,\"damaged catalog operation in '$wal' at offset "[0-9]*": a view query must be"* ]] || fail "$output"
}

#!/usr/bin/env bats
# rdb-verify: an intact database passes silently; every damage is found,
# none is invented, and nothing crashes.

load helper

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
	[[ ${lines[1]} == "error,chunk,$rel,16,F-SEG-002,damaged segment '$seg' at offset 16: chunk checksum mismatch" ]] || fail "${lines[1]}"
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
	[[ ${lines[1]} == "error,wal,wal/"*",$size,F-WAL-003,\"a damaged record at offset $size ends the log, but a commit follows at offset "*": committed work after the damage is lost\"" ]] || fail "$output"
}

@test "every byte of the superblock, CURRENT, manifest, commit log, delete file and WAL flipped is found" {
	# The WAL's last transaction is the one part where a flipped byte
	# may read as a torn tail (a write that never committed): find where
	# it starts by tearing the file's last byte.
	wal=$(ls db/wal/*.wal)
	cp "$wal" wal.good
	truncate -s -1 "$wal"
	run rdb-verify db
	is "$status" 0
	tail=$(printf '%s\n' "$output" | awk -F, '$1 == "note" && $2 == "wal" {print $4}')
	[ -n "$tail" ] || fail "$output"
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
			if [ "$f" = "$wal" ] && [ $off -ge "$tail" ] && [ "$status" -eq 0 ] &&
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

#!/usr/bin/env bats
# The storage engine through the test helper: WAL, catalog, MVCC,
# checkpoint, segments (format/wal.md, manifest.md, segment.md).

load helper

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/work" && cd "$BATS_TEST_TMPDIR/work"
	rdb-init db
}

h() {
	rdb-test-helper "$@"
}

all_types='b:BOOLEAN,i:INTEGER,g:BIGINT,d:DOUBLE,m:DECIMAL(18;2),t:TEXT,dt:DATE,ts:TIMESTAMP,j:JSON,bl:BLOB'
rows=$'true\t-2147483648\t-9223372036854775808\t-1.5\t-12345\thello\t-719162\t-62135596800000000\t{"a":[1,2]}\tx\n\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\nfalse\t2147483647\t9223372036854775807\t1e308\t99\t\t2932896\t253402300799999999\tnull\t\n'
want=$'0\ttrue\t-2147483648\t-9223372036854775808\t-1.5\t-123.45\thello\t0001-01-01\t0001-01-01 00:00:00\t{"a":[1,2]}\tx\n1\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n2\tfalse\t2147483647\t9223372036854775807\t1e+308\t0.99\t\t9999-12-31\t9999-12-31 23:59:59.999999\tnull\t'

@test "every type and NULL round-trip through the WAL and a reopen" {
	ok h create db t "$all_types"
	is "$output" "commit 1"
	printf '%s' "$rows" > rows
	ok h insert db t < rows
	is "$output" "commit 2"
	ok h dump db t
	is "$output" "$want"
}

@test "every type and NULL round-trip through a checkpoint to segments" {
	h create db t "$all_types" >/dev/null
	printf '%s' "$rows" | h insert db t >/dev/null
	ok h checkpoint db
	[ -f db/tables/1/0000000000000001.seg ]
	[ -f db/manifest/CURRENT ]
	ok h dump db t
	is "$output" "$want"
	# codecs: the same through lz4 and no compression
	for c in lz4 none; do
		rdb-init --compression $c db.$c
		h create db.$c t "$all_types" >/dev/null
		printf '%s' "$rows" | h insert db.$c t >/dev/null
		h checkpoint db.$c
		ok h dump db.$c t
		is "$output" "$want"
	done
}

@test "many rows across row groups and checkpoints scan in order" {
	rdb-init --row-group-rows 1024 big
	h create big t 'k:BIGINT,v:TEXT' >/dev/null
	seq 1 5000 | awk '{print $1 "\tv" $1 % 7}' | h insert big t >/dev/null
	h checkpoint big
	seq 5001 6000 | awk '{print $1 "\tv" $1 % 7}' | h insert big t >/dev/null
	ok h dump big t
	is "${#lines[@]}" 6000
	is "${lines[0]}" $'0\t1\tv1'
	is "${lines[5999]}" $'5999\t6000\tv1'
	is "$(printf '%s\n' "${lines[@]}" | cut -f2 | paste -sd+ | bc)" 18003000
}

@test "deletes and time travel: a reader at commit S sees inserted <= S < deleted [F-MAN-050]" {
	h create db t 'k:INTEGER' >/dev/null
	printf '1\n2\n3\n' | h insert db t >/dev/null      # commit 2
	h delete db t 1 >/dev/null                         # commit 3
	printf '4\n' | h insert db t >/dev/null            # commit 4
	h checkpoint db
	h delete db t 0 3 >/dev/null                       # commit 5
	ok h dump --commit 1 db t
	is "$output" ""
	ok h dump --commit 2 db t
	is "$(cut -f2 <<<"$output" | tr '\n' ' ')" "1 2 3 "
	ok h dump --commit 3 db t
	is "$(cut -f2 <<<"$output" | tr '\n' ' ')" "1 3 "
	ok h dump --commit 4 db t
	is "$(cut -f2 <<<"$output" | tr '\n' ' ')" "1 3 4 "
	ok h dump db t
	is "$output" $'2\t3'
	fails 6 h dump --commit 9 db t
	is "$stderr" "rdb-test-helper: commit 9 is in the future: the latest is 5"
}

@test "rows in memory after row groups with no visible row are still scanned" {
	# two segments (a parallel scan), the last one's rows all deleted,
	# then rows in the WAL: the scan must not end with the segments
	h create db t 'k:INTEGER' >/dev/null
	printf '1\n2\n3\n' | h insert db t >/dev/null
	h checkpoint db
	printf '4\n' | h insert db t >/dev/null
	h checkpoint db
	h delete db t 3 >/dev/null
	printf '5\n' | h insert db t >/dev/null
	ok h dump db t
	is "$output" $'0\t1\n1\t2\n2\t3\n4\t5'
	ok rdb-query db 'SELECT k FROM t ORDER BY k'
	is "$output" $'k\n1\n2\n3\n5'
}

@test "deleting a missing or deleted row fails and changes nothing" {
	h create db t 'k:INTEGER' >/dev/null
	printf '1\n2\n' | h insert db t >/dev/null
	h delete db t 0 >/dev/null
	fails 1 h delete db t 0
	is "$stderr" "rdb-test-helper: row 0 of 't' does not exist or is already deleted"
	fails 1 h delete db t 1 7
	is "$stderr" "rdb-test-helper: row 7 of 't' does not exist or is already deleted"
	ok h dump db t
	is "$output" $'1\t2'
	ok h log db
	is "${#lines[@]}" 3
}

@test "the catalog is versioned: schema as it was at each commit" {
	h create db t 'a:INTEGER,b:TEXT' >/dev/null          # 1
	printf '1\tx\n' | h insert db t >/dev/null          # 2
	h alter db addcol t 'c:DOUBLE' >/dev/null             # 3
	printf '2\ty\t2.5\n' | h insert db t >/dev/null     # 4
	h alter db dropcol t b >/dev/null                     # 5
	h alter db renamecol t a k >/dev/null                 # 6
	h alter db rename t u >/dev/null                      # 7
	ok h tables db
	is "$output" "1 u k:INTEGER c:DOUBLE"
	ok h tables --commit 2 db
	is "$output" "1 t a:INTEGER b:TEXT"
	ok h dump --commit 2 db t
	is "$output" $'0\t1\tx'
	ok h dump --commit 4 db t
	is "$output" $'0\t1\tx\t\\N\n1\t2\ty\t2.5'
	ok h dump db u
	is "$output" $'0\t1\t\\N\n1\t2\t2.5'
	h checkpoint db
	ok h dump --commit 4 db t
	is "$output" $'0\t1\tx\t\\N\n1\t2\ty\t2.5'
	ok h dump db u
	is "$output" $'0\t1\t\\N\n1\t2\t2.5'
	h alter db drop u >/dev/null                          # 8
	ok h tables db
	is "$output" ""
	fails 1 h dump db u
	is "$stderr" "rdb-test-helper: no such table 'u'"
	ok h dump --commit 7 db u
	is "${#lines[@]}" 2
}

@test "column defaults are kept as text through the WAL, a checkpoint and renames [F-MAN-014] [F-MAN-015]" {
	h create db t "a:INTEGER=0,b:TEXT='x',c:DATE:notnull" >/dev/null  # 1
	h alter db addcol t 'd:DATE=current_date' >/dev/null           # 2
	h alter db renamecol t b bb >/dev/null                          # 3
	h alter db dropcol t a >/dev/null                               # 4
	want="1 t bb:TEXT='x' c:DATE:notnull d:DATE=current_date"
	ok h tables db
	is "$output" "$want"
	ok h tables --commit 1 db
	is "$output" "1 t a:INTEGER=0 b:TEXT='x' c:DATE:notnull"
	ok rdb-verify db
	is "$output" ""
	h checkpoint db
	ok h tables db
	is "$output" "$want"
	ok h tables --commit 2 db
	is "$output" "1 t a:INTEGER=0 b:TEXT='x' c:DATE:notnull d:DATE=current_date"
	ok rdb-verify db
	is "$output" ""
	fails 1 h create db u 'a:INTEGER='
	is "$stderr" "rdb-test-helper: column 'a': the default must be 1 to 4096 bytes of UTF-8"
}

@test "views are kept as text through the WAL and a checkpoint, and versioned [F-MAN-016] [F-MAN-017]" {
	h create db t 'a:INTEGER,b:TEXT' >/dev/null                   # 1
	h alter db view v a,b 'SELECT a, b FROM t' >/dev/null           # 2
	h alter db view w n 'SELECT count(*) FROM v' >/dev/null         # 3
	h alter db dropview v >/dev/null                                # 4
	h alter db view v x 'SELECT 1' >/dev/null                       # 5
	want=$'1 t a:INTEGER b:TEXT\nview w n SELECT count(*) FROM v\nview v x SELECT 1'
	ok h tables db
	is "$output" "$want"
	ok h tables --commit 3 db
	is "$output" $'1 t a:INTEGER b:TEXT\nview v a,b SELECT a, b FROM t\nview w n SELECT count(*) FROM v'
	ok h tables --commit 1 db
	is "$output" "1 t a:INTEGER b:TEXT"
	ok rdb-verify db
	is "$output" ""
	h checkpoint db
	ok h tables db
	is "$output" "$want"
	ok h tables --commit 3 db
	is "${lines[1]}" "view v a,b SELECT a, b FROM t"
	ok rdb-verify db
	is "$output" ""
	# one set of names for tables and views
	fails 1 h alter db view t x 'SELECT 1'
	is "$stderr" "rdb-test-helper: a table named 't' already exists"
	fails 1 h create db V 'x:INTEGER'
	is "$stderr" "rdb-test-helper: a view named 'V' already exists"
	fails 1 h alter db rename t w
	is "$stderr" "rdb-test-helper: a view named 'w' already exists"
	fails 1 h alter db view W x 'SELECT 1'
	is "$stderr" "rdb-test-helper: view 'W' already exists"
	fails 1 h alter db dropview t
	is "$stderr" "rdb-test-helper: no such view 't'"
	# the bounds of a view
	fails 1 h alter db view u x,X 'SELECT 1, 2'
	is "$stderr" "rdb-test-helper: column 'X' appears twice in view 'u'"
	fails 1 h alter db view u x ''
	is "$stderr" "rdb-test-helper: view 'u': its query must be 1 to 65536 bytes of UTF-8"
	fails 1 h alter db view u x "$(printf 'SELECT %065536d' 1)"
	is "$stderr" "rdb-test-helper: view 'u': its query must be 1 to 65536 bytes of UTF-8"
	ok h alter db view u x "$(printf 'SELECT %065529d' 1)"
	fails 1 h alter db view "$(printf 'v%0255d' 1)" x 'SELECT 1'
	is "$stderr" "rdb-test-helper: view name must be 1 to 255 bytes"
	ok h tables db
	is "${#lines[@]}" 4
}

@test "catalog rules: duplicates, NOT NULL, bad JSON and UTF-8 are refused" {
	h create db t 'a:INTEGER:notnull,j:JSON,s:TEXT' >/dev/null
	fails 1 h create db T 'x:INTEGER'
	is "$stderr" "rdb-test-helper: table 'T' already exists"
	fails 1 h create db u 'x:INTEGER,X:TEXT'
	is "$stderr" "rdb-test-helper: column 'X' appears twice in table 'u'"
	fails 1 h create db v 'x:DECIMAL(39;2)'
	is "$stderr" "rdb-test-helper: column 'x': DECIMAL(39,2) out of range (precision 1 to 38, scale 0 to precision)"
	printf '\\N\tnull\tx\n' > r1
	fails 1 h insert db t < r1
	is "$stderr" "rdb-test-helper: NULL in NOT NULL column 'a' of 't' (row 1)"
	printf '1\t{"a":}\tx\n' > r2
	fails 1 h insert db t < r2
	is "$stderr" "rdb-test-helper: invalid JSON in column 'j' of 't' (row 1)"
	printf '1\tnull\t\xff\xfe\n' > r3
	fails 1 h insert db t < r3
	is "$stderr" "rdb-test-helper: invalid UTF-8 in column 's' of 't' (row 1)"
	ok h dump db t
	is "$output" ""
	printf '1\tnull\tok\n' | h insert db t >/dev/null
	fails 1 h alter db addcol t 'z:INTEGER:notnull'
	is "$stderr" "rdb-test-helper: cannot add NOT NULL column 'z' to 't': existing rows would be NULL"
	ok h log db
	is "${#lines[@]}" 2
}

@test "a failed transaction leaves no trace, and the next one works" {
	h create db t 'a:INTEGER:notnull' >/dev/null
	printf '1\n2\n\\N\n' > r
	fails 1 h insert db t < r
	printf '5\n' | h insert db t >/dev/null
	ok h dump db t
	is "$output" $'0\t5'
}

@test "commit ids and times increase; the log names program and message" {
	h create db t 'a:INTEGER' >/dev/null
	printf '1\n' | h --program rdb-load --message 'nightly' insert db t >/dev/null
	ok h log db
	is "${lines[0]}" "1 rdb-test-helper user '' t1+0-0"
	is "${lines[1]}" "2 rdb-load user 'nightly' t1+1-0"
	h checkpoint db
	ok h log db
	is "${lines[1]}" "2 rdb-load user 'nightly' t1+1-0"
}

@test "a torn WAL tail is ignored; everything committed before it stays [F-WAL-003]" {
	h create db t 'a:INTEGER' >/dev/null
	printf '1\n' | h insert db t >/dev/null
	size=$(stat -c %s db/wal/0000000000000001.wal)
	printf '2\n' | h insert db t >/dev/null
	# cut the last commit in half: it was never acknowledged as complete
	rdb-test-helper truncate db/wal/0000000000000001.wal $((size + 20))
	ok h dump db t
	is "$output" $'0\t1'
	# the next writer truncates the tail and carries on [F-WAL-006]
	printf '3\n' | h insert db t >/dev/null
	ok h dump db t
	is "$output" $'0\t1\n1\t3'
}

@test "a flipped bit in a whole committed WAL record is damage, not a torn tail [F-WAL-012]" {
	h create db t 'a:INTEGER' >/dev/null
	printf '1\n' | h insert db t >/dev/null
	size=$(stat -c %s db/wal/0000000000000001.wal)
	printf '2\n' | h insert db t >/dev/null
	rdb-test-helper corrupt db/wal/0000000000000001.wal $((size + 30))
	cp db/wal/0000000000000001.wal wal.bad
	run --separate-stderr h dump db t
	is "$status" 3
	is "$stderr" "rdb-test-helper: damaged WAL 'db/wal/0000000000000001.wal' at offset $size: a record that fails its checks, yet a valid record follows at offset $((size + 24 + $(od -An -tu4 -N4 -j "$size" wal.bad)))"
	# a writer refuses too, and cuts nothing off [F-WAL-006]
	run --separate-stderr h insert db t <<<3
	is "$status" 3
	cmp db/wal/0000000000000001.wal wal.bad
}

@test "a WAL file of another database is not replayed [F-WAL-001]" {
	h create db t 'a:INTEGER' >/dev/null
	rdb-init other
	h create other t 'a:INTEGER' >/dev/null
	printf '1\n' | h insert other t >/dev/null
	cp other/wal/0000000000000001.wal db/wal/
	# it replaced this database's own: its records are not this
	# database's, and the CREATE TABLE that was there is lost
	run --separate-stderr h tables db
	is "$status" 3
	is "$stderr" "rdb-test-helper: damaged WAL 'db/wal/0000000000000001.wal' at offset 0: its header is damaged or does not continue the log, yet $(($(stat -c %s db/wal/0000000000000001.wal) - 64)) bytes of records follow it"
	# alone (no records after the header) it is a file whose creation
	# did not finish: nothing to replay
	rdb-test-helper truncate db/wal/0000000000000001.wal 64
	ok h tables db
	is "$output" ""
}

@test "a damaged segment is reported with file and offset, exit 3 [F-SEG-007]" {
	h create db t 'a:BIGINT,s:TEXT' >/dev/null
	seq 1 100 | awk '{print $1 "\ts" $1}' | h insert db t >/dev/null
	h checkpoint db
	seg=db/tables/1/0000000000000001.seg
	cp $seg good
	# the last byte of the last chunk, just before the footer
	size=$(stat -c %s $seg)
	flen=$(od -An -tu4 -j $((size - 16)) -N4 $seg | tr -d ' ')
	rdb-test-helper corrupt $seg $((size - 16 - flen - 1))
	fails 3 h dump db t
	[[ $stderr == "rdb-test-helper: damaged segment '$seg' at offset "*": chunk checksum mismatch" ]] || fail "$stderr"
	cp good $seg
	rdb-test-helper corrupt $seg $(( $(stat -c %s $seg) - 20 ))
	fails 3 h dump db t
	[[ $stderr == "rdb-test-helper: damaged segment '$seg' at offset "* ]] || fail "$stderr"
	cp good $seg
	rdb-test-helper truncate $seg 100
	fails 3 h dump db t
	is "$stderr" "rdb-test-helper: damaged segment '$seg' at offset 100: size differs from the manifest's"
	rm $seg
	fails 3 h dump db t
	is "$stderr" "rdb-test-helper: damaged database: segment '$seg' is missing"
}

@test "a damaged manifest or CURRENT is damage, never a guess [F-MAN-020] [F-MAN-031]" {
	h create db t 'a:INTEGER' >/dev/null
	h checkpoint db
	cp db/manifest/CURRENT cur
	rdb-test-helper corrupt db/manifest/CURRENT 9
	fails 3 h tables db
	is "$stderr" "rdb-test-helper: damaged 'db/manifest/CURRENT' at offset 0: bad size, magic or checksum"
	cp cur db/manifest/CURRENT
	rdb-test-helper corrupt db/manifest/0000000000000001.man 20
	fails 3 h tables db
	[[ $stderr == "rdb-test-helper: damaged 'db/manifest/0000000000000001.man' at offset "*": checksum mismatch" ]] || fail "$stderr"
	rm db/manifest/0000000000000001.man
	fails 3 h tables db
	is "$stderr" "rdb-test-helper: damaged database: 'db/manifest/0000000000000001.man' is missing"
}

@test "readers see a consistent snapshot while a writer commits" {
	h create db t 'a:INTEGER' >/dev/null
	seq 1 300 | h --every 3 insert db t > acks &
	w=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		run --separate-stderr h dump db t
		is "$status" 0
		n=${#lines[@]}
		[ $((n % 3)) -eq 0 ] || fail "saw $n rows: a partial commit"
	done
	wait $w
	ok h dump db t
	is "${#lines[@]}" 300
}

@test "a table's own compression overrides the database's, and can be reset" {
	h create db t 'k:BIGINT,s:TEXT' >/dev/null
	h create db u 'k:BIGINT,s:TEXT' >/dev/null
	h alter db codec t none 0 >/dev/null
	h alter db codec u lz4 0 >/dev/null
	for x in t u; do
		seq 1 5000 | awk '{print $1 "\tsome repeated text " $1 % 1000}' | h insert db $x >/dev/null
	done
	h checkpoint db
	ok rdb-stat --columns db
	[[ $output == *$'\nt,s,TEXT,0,'*',none,'* ]] || fail "$output"
	[[ $output == *$'\nu,s,TEXT,0,'*',lz4,'* ]] || fail "$output"
	fails 1 h alter db codec t zstd 30
	is "$stderr" "rdb-test-helper: zstd level must be from -7 to 22"
	h alter db codec t default 0 >/dev/null
	seq 1 5000 | awk '{print $1 "\tsome repeated text " $1 % 1000}' | h insert db t >/dev/null
	h checkpoint db
	ok rdb-stat --columns db
	[[ $output == *$'\nt,s,TEXT,0,'*',none zstd,'* ]] || fail "$output"
	h checkpoint db
	ok h dump db t
	is "${#lines[@]}" 10000
}

@test "inserts, then catalog changes and deletes, in one transaction" {
	h create db t 'a:INTEGER,b:TEXT' >/dev/null
	ok h txn-mix db t
	is "$output" "commit 2"
	ok h tables db
	is "$output" "1 t a:INTEGER b:TEXT c:DOUBLE"
	ok h dump db t
	is "$output" $'0\t1\tx\t\\N\n2\t3\tz\t\\N\n3\t4\tw\t2.5'
	h checkpoint db
	ok h dump db t
	is "$output" $'0\t1\tx\t\\N\n2\t3\tz\t\\N\n3\t4\tw\t2.5'
}

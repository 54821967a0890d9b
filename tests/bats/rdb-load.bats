#!/usr/bin/env bats
# rdb-load: formats, inference, NULLs, modes, rejects, atomicity, and
# every kind of bad input.

load helper

SUITES=$BATS_TEST_DIRNAME/../../../shared/data/suites

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/work" && cd "$BATS_TEST_TMPDIR/work"
	rdb-init db
}

# The schema of table $1 as "name:TYPE ..."
schema() {
	rdb-test-helper tables db | awk -v t="$1" '$2 == t { $1 = ""; $2 = ""; sub(/^  /, ""); print }'
}

@test "csv-spectrum: every case loads to exactly its JSON" {
	[ -d "$SUITES/csv-spectrum" ] || skip "no ../shared/data/suites"
	n=0
	for f in "$SUITES"/csv-spectrum/csvs/*.csv; do
		name=$(basename "$f" .csv)
		rm -rf d && rdb-init d
		ok rdb-load -q d t "$f"
		got=$(rdb-test-helper rows d t)
		want=$(rdb-test-helper jsonrows "$SUITES/csv-spectrum/json/$name.json")
		is "$got" "$want" || fail "csv-spectrum $name" || return 1
		n=$((n + 1))
	done
	[ $n -ge 11 ]
}

@test "JSONTestSuite: every y_ file loads, every n_ file is refused, no i_ file crashes" {
	[ -d "$SUITES/jsontestsuite" ] || skip "no ../shared/data/suites"
	ny=0 nn=0 ni=0
	for f in "$SUITES"/jsontestsuite/test_parsing/y_*.json; do
		run --separate-stderr rdb-load -q db "y$ny" "$f"
		[ "$status" -eq 0 ] || fail "$(basename "$f"): $stderr" || return 1
		ny=$((ny + 1))
	done
	for f in "$SUITES"/jsontestsuite/test_parsing/n_*.json; do
		run --separate-stderr rdb-load -q db "n$nn" "$f"
		[ "$status" -eq 1 ] || fail "$(basename "$f") accepted" || return 1
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$(basename "$f"): $stderr" || return 1
		[[ $stderr == "rdb-load: "* ]] || return 1
		nn=$((nn + 1))
	done
	for f in "$SUITES"/jsontestsuite/test_parsing/i_*.json; do
		run --separate-stderr rdb-load -q db "i$ni" "$f"
		[ "$status" -le 1 ] || fail "$(basename "$f"): status $status" || return 1
		ni=$((ni + 1))
	done
	echo "# y_ $ny loaded, n_ $nn refused, i_ $ni survived" >&3
	is "$ni" 35
	is "$ny" 95
	is "$nn" 188
}

@test "types are inferred conservatively" {
	cat > t.csv <<'CSV'
i,big,dec,dbl,b,d,ts,zip,j,mixed,huge
1,3000000000,1.50,1e3,true,2024-01-31,2024-01-31T10:00:00Z,007,"{""a"":1}",1,123456789012345678901234
-2,-1,-0.25,2.5E-3,FALSE,1999-12-31,2024-01-31 10:00:00.5+02:00,10001,[1],x,1
CSV
	ok rdb-load -q db t t.csv
	is "$(schema t)" "i:INTEGER big:BIGINT dec:DECIMAL d:DATE ts:TIMESTAMP zip:TEXT j:JSON mixed:TEXT huge:DECIMAL dbl:DOUBLE b:BOOLEAN" || true
	ok rdb-load --infer-only db t2 t.csv
	is "$output" 'CREATE TABLE t2 (
    i INTEGER,
    big BIGINT,
    dec DECIMAL(3,2),
    dbl DOUBLE,
    b BOOLEAN,
    d DATE,
    ts TIMESTAMP,
    zip TEXT,
    j JSON,
    mixed TEXT,
    huge DECIMAL(24,0)
);'
	ok rdb-test-helper dump db t
	is "${lines[0]}" $'0\t1\t3000000000\t1.50\t1000\ttrue\t2024-01-31\t2024-01-31 10:00:00\t007\t{"a":1}\t1\t123456789012345678901234'
	is "${lines[1]}" $'1\t-2\t-1\t-0.25\t0.0025\tfalse\t1999-12-31\t2024-01-31 08:00:00.5\t10001\t[1]\tx\t1'
}

@test "NULL and the empty string stay apart" {
	printf 'a,b,c\nx,,""\n,"",y\n' > n.csv
	ok rdb-load -q db t n.csv
	ok rdb-test-helper rows db t
	is "$output" $'a="x"\tb=null\tc=""\na=null\tb=""\tc="y"'
	printf 'a\tb\nx\t\\N\n\t\\\\N\n' > n.tsv
	ok rdb-load -q db u n.tsv
	ok rdb-test-helper rows db u
	is "$output" $'a="x"\tb=null\na=""\tb="\\N"'
	printf 'a,b\nNA,1\nx,NA\n' > m.csv
	ok rdb-load -q --null NA db v m.csv
	ok rdb-test-helper rows db v
	is "$output" $'a=null\tb="1"\na="x"\tb=null'
}

@test "headers: --no-header, --columns, duplicate and empty names" {
	printf '1,2\n3,4\n' > h.csv
	ok rdb-load -q --no-header db a h.csv
	is "$(schema a)" "c1:INTEGER c2:INTEGER"
	ok rdb-load -q --no-header --columns x,y db b h.csv
	is "$(schema b)" "x:INTEGER y:INTEGER"
	ok rdb-test-helper dump db b
	is "${#lines[@]}" 2
	printf 'a,b,a\n1,2,3\n' > dup.csv
	fails 1 rdb-load -q db c dup.csv
	is "$stderr" "rdb-load: dup.csv:1: column name 'a' appears twice in the header (columns 1 and 3)"
	printf 'a,,c\n1,2,3\n' > empty.csv
	fails 1 rdb-load -q db c empty.csv
	is "$stderr" "rdb-load: empty.csv:1: column 2 of the header has no name (give --columns)"
	ok rdb-load -q --columns p,q,r db c empty.csv
	is "$(schema c)" "p:INTEGER q:INTEGER r:INTEGER"
}

@test "dialects: delimiters are detected or given; quote and escape" {
	printf 'a;b\n1;x\n' > s.csv
	ok rdb-load -q db semi s.csv
	is "$(schema semi)" "a:INTEGER b:TEXT"
	printf 'a|b\n1|x\n' | rdb-load -q db pipe -
	is "$(schema pipe)" "a:INTEGER b:TEXT"
	printf "a,b\n1,'x,y'\n" > q.csv
	ok rdb-load -q --quote "'" db quote q.csv
	ok rdb-test-helper rows db quote
	is "$output" $'a="1"\tb="x,y"'
	printf 'a,b\n1,"x\\"y"\n' > e.csv
	ok rdb-load -q --escape '\' db esc e.csv
	ok rdb-test-helper rows db esc
	is "$output" $'a="1"\tb="x"y"'
	printf 'a:b\n1:2\n' > c.csv
	ok rdb-load -q --delimiter : db colon c.csv
	is "$(schema colon)" "a:INTEGER b:INTEGER"
	printf '\xef\xbb\xbfa,b\r\n1,2\r\n' > bom.csv
	ok rdb-load -q db bom bom.csv
	is "$(schema bom)" "a:INTEGER b:INTEGER"
}

@test "JSON and NDJSON: keys are columns, nested values JSON, missing keys NULL" {
	printf '{"id":1,"tags":["a"],"meta":{"k":null},"when":"2024-05-01"}\n{"id":2,"extra":true}\n' > e.ndjson
	ok rdb-load -q db ev e.ndjson
	is "$(schema ev)" "id:INTEGER tags:JSON meta:JSON when:DATE extra:BOOLEAN"
	ok rdb-test-helper rows db ev
	is "$output" $'id="1"\ttags="["a"]"\tmeta="{"k":null}"\twhen="2024-05-01"\textra=null\nid="2"\ttags=null\tmeta=null\twhen=null\textra="true"'
	printf '[{"a":"007"},{"a":"x"}]' > a.json
	ok rdb-load -q db arr a.json
	is "$(schema arr)" "a:TEXT"
	printf '{"n":1}\n{"n":"one"}\n' | rdb-load -q --format ndjson db mix
	is "$(schema mix)" "n:TEXT"
}

@test "compressed input is recognised by content" {
	printf 'a,b\n1,x\n2,y\n' > c.csv
	for z in gzip xz bzip2 zstd lz4; do
		command -v $z >/dev/null || continue
		$z -c c.csv > c.csv.$z
		ok rdb-load -q db "t_$z" c.csv.$z
		ok rdb-test-helper rows db "t_$z"
		is "$output" $'a="1"\tb="x"\na="2"\tb="y"'
	done
	gzip -c c.csv | rdb-load -q db piped
	ok rdb-test-helper rows db piped
	is "${#lines[@]}" 2
}

@test "several files append in order, each mapped by name" {
	printf 'a,b\n1,x\n' > 1.csv
	printf 'b,a\ny,2\n' > 2.csv
	ok rdb-load -q db t 1.csv 2.csv
	ok rdb-test-helper rows db t
	is "$output" $'a="1"\tb="x"\na="2"\tb="y"'
}

@test "--create, --append and --replace" {
	printf 'a\n1\n' > 1.csv
	printf 'a\n2\n' > 2.csv
	ok rdb-load -q --create db t 1.csv
	fails 1 rdb-load -q --create db t 1.csv
	is "$stderr" "rdb-load: table 't' already exists (--create)"
	ok rdb-load -q db t 2.csv
	ok rdb-test-helper dump db t
	is "$(cut -f2 <<<"$output" | tr '\n' ' ')" "1 2 "
	ok rdb-load -q --replace db t 2.csv
	ok rdb-test-helper dump db t
	is "$(cut -f2 <<<"$output" | tr '\n' ' ')" "2 "
	# the old rows are still there in the past
	ok rdb-test-helper dump --commit 2 db t
	is "$(cut -f2 <<<"$output" | tr '\n' ' ')" "1 2 "
	usage_fails rdb-load --create --replace db t 1.csv
}

@test "loading into an existing table converts to its types, by name" {
	rdb-test-helper create db t 'id:BIGINT:notnull,price:DECIMAL(10;2),note:TEXT' >/dev/null
	printf 'note,id,price\nhello,007,3.5\n' > in.csv
	ok rdb-load -q db t in.csv
	ok rdb-test-helper rows db t
	is "$output" $'id="7"\tprice="3.50"\tnote="hello"'
	printf 'id,zzz\n1,2\n' > bad.csv
	fails 1 rdb-load -q db t bad.csv
	is "$stderr" "rdb-load: bad.csv: column 'zzz' is not in table 't'"
	printf 'price\n1\n' > nonull.csv
	fails 1 rdb-load -q db t nonull.csv
	is "$stderr" "rdb-load: nonull.csv: lacks NOT NULL column 'id' of table 't'"
	printf 'id,price\n1,1.234\n' > round.csv
	fails 1 rdb-load -q db t round.csv
	is "$stderr" "rdb-load: round.csv:2:2: '1.234' is not a DECIMAL(10,2) for column 'price'"
}

@test "--types and --schema override inference" {
	printf 'zip,n\n007,1\n' > z.csv
	ok rdb-load -q --types n=BIGINT,zip=text db t z.csv
	is "$(schema t)" "zip:TEXT n:BIGINT"
	printf '1,2\n' > s.csv
	ok rdb-load -q --no-header --schema 'a DOUBLE, b DECIMAL(5,1) NOT NULL' db u s.csv
	ok rdb-test-helper tables db
	[[ $output == *"u a:DOUBLE b:DECIMAL:notnull"* ]] || fail "$output"
	ok rdb-test-helper rows db u
	is "$output" $'a="1"\tb="2.0"'
	usage_fails rdb-load --types n=WHATEVER db t z.csv
	is "${stderr_lines[0]}" "rdb-load: invalid type 'WHATEVER' for column 'n'"
	fails 1 rdb-load -q --types nope=INTEGER db v z.csv
	is "$stderr" "rdb-load: column 'nope' of --types or --schema is not in the input"
	ok rdb-load -q --all-text db w z.csv
	is "$(schema w)" "zip:TEXT n:TEXT"
}

@test "--infer-only prints the schema and loads nothing; --infer-format lists it" {
	printf 'a,b\n1,x\n' > i.csv
	ok rdb-load --infer-only db t i.csv
	is "$output" $'CREATE TABLE t (\n    a INTEGER,\n    b TEXT\n);'
	ok rdb-load --infer-format csv db t i.csv
	is "$output" $'column,type,not_null\na,INTEGER,false\nb,TEXT,false'
	ok rdb-test-helper tables db
	is "$output" ""
	ok rdb-load --infer-only db 'My Table' i.csv
	is "${lines[0]}" 'CREATE TABLE "My Table" ('
}

@test "a later value widens an inferred column exactly, when the file can be read again" {
	{ echo n; seq 1 12000; echo 5000000000; echo 2.5; } > w.csv
	ok rdb-load -q db t w.csv
	is "$(schema t)" "n:DECIMAL"
	ok rdb-test-helper dump db t
	is "${lines[12000]}" $'12000\t5000000000.0'
	is "${lines[12001]}" $'12001\t2.5'
	{ echo d; for i in $(seq 1 10001); do echo 2024-01-01; done; echo '2024-01-01 10:00:00'; } > d.csv
	ok rdb-load -q db u d.csv
	is "$(schema u)" "d:TIMESTAMP"
}

@test "a type conflict after the sample in a pipe stops with the place and a hint" {
	{ echo n; seq 1 10005; echo oops; } > c.csv
	fails 1 rdb-load -q db t - < c.csv
	is "$stderr" "rdb-load: standard input:10007:1: 'oops' is not an INTEGER for column 'n' (the type was inferred from the sample: give --types or --sample all)"
	ok rdb-test-helper tables db
	is "$output" ""
	# from a file, text cannot widen a number either
	fails 1 rdb-load -q db t c.csv
	[[ $stderr == "rdb-load: c.csv:10007:1: 'oops' is not an INTEGER"* ]]
	ok rdb-load -q --sample all db t c.csv
	is "$(schema t)" "n:TEXT"
}

@test "rejected rows: written with line and reason, the rest committed, exit 4" {
	printf 'a,b\n1,x\n2\nz,y\n3,w\n' > r.csv
	rdb-test-helper create db t 'a:INTEGER,b:TEXT' >/dev/null
	run --separate-stderr rdb-load --max-errors 5 --reject-file rej.csv db t r.csv
	is "$status" 4
	[[ $stderr == "rdb-load: loaded 2 rows into 't' in "*" s (commit 2); 2 rows rejected (see 'rej.csv')" ]] || fail "$stderr"
	is "$(cat rej.csv)" 'file,line,reason,row
"r.csv","3","1 fields, expected 2","2"
"r.csv","4","'"'"'z'"'"' is not an INTEGER for column '"'"'a'"'"'","z,y"'
	ok rdb-test-helper dump db t
	is "$(cut -f2 <<<"$output" | tr '\n' ' ')" "1 3 "
	# beyond --max-errors the whole load fails and changes nothing
	fails 1 rdb-load -q --max-errors 1 db t r.csv
	is "$stderr" "rdb-load: r.csv:4:1: 'z' is not an INTEGER for column 'a'"
	ok rdb-test-helper dump db t
	is "${#lines[@]}" 2
}

@test "bad input: ragged rows, unclosed quote, NUL, invalid UTF-8" {
	printf 'a,b\n1,2\n3\n' > rag.csv
	fails 1 rdb-load -q db t rag.csv
	is "$stderr" "rdb-load: rag.csv:3: 1 fields, expected 2"
	printf 'a,b\n1,"open\n2,3\n' > q.csv
	fails 1 rdb-load -q db t q.csv
	is "$stderr" "rdb-load: q.csv:4: the file ends inside a quoted field that began on line 2"
	printf 'a,b\n1,x\0y\n' > nul.csv
	fails 1 rdb-load -q db t nul.csv
	is "$stderr" "rdb-load: nul.csv:2:4: a NUL byte"
	printf 'a,b\n1,\xff\xfe\n' > utf.csv
	fails 1 rdb-load -q db t utf.csv
	is "$stderr" "rdb-load: utf.csv:2:2: invalid UTF-8 in column 'b'"
	printf 'a,b\n1,x"y\n' > stray.csv
	fails 1 rdb-load -q db t stray.csv
	is "$stderr" "rdb-load: stray.csv:2:4: a quote inside an unquoted field"
	ok rdb-test-helper tables db
	is "$output" ""
}

@test "bad input: empty file, header only, 10000 columns, a 100 MB field" {
	: > empty.csv
	run --separate-stderr rdb-load db t empty.csv
	is "$status" 0
	is "$stderr" "rdb-load: nothing to load into 't': no rows and no columns"
	printf 'a,b\n' > h.csv
	ok rdb-load -q db h h.csv
	is "$(schema h)" "a:TEXT b:TEXT"
	seq 1 10000 | sed 's/^/c/' | paste -sd, > wide.csv
	seq 1 10000 | paste -sd, >> wide.csv
	ok rdb-load -q db wide wide.csv
	ok rdb-stat --tables --no-header db
	[[ $output == *"wide,10000,1,"* ]] || fail "$output"
	{ printf 'a,b\n1,"'; head -c 100000000 /dev/zero | tr '\0' x; printf '"\n'; } > big.csv
	ok rdb-load -q db big big.csv
	ok rdb-stat --tables --no-header db
	[[ $output == *"big,2,1,"* ]] || fail "$output"
}

@test "a full disk during the load leaves the database as it was" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
	unshare -m true 2>/dev/null || skip "cannot make a mount namespace"
	mkdir small
	run unshare -m sh -c '
		mount -t tmpfs -o size=256k tmpfs small || exit 77
		rdb-init small/db && echo "a,b" > s.csv && echo "1,x" >> s.csv &&
		rdb-load -q small/db t s.csv || exit 1
		awk "BEGIN { srand(1); print \"a,b\"; for (i = 1; i <= 300000; i++) printf \"%d,%08x%08x\\n\", i, rand() * 4294967295, rand() * 4294967295 }" > big.csv
		rdb-load -q small/db t big.csv; echo "load=$?"
		rdb-test-helper rows small/db t'
	[ "$status" -ne 77 ] || skip "cannot mount tmpfs here"
	is "$status" 0
	[[ ${lines[0]} == "rdb-load: cannot write"*"No space left on device" ]] || fail "$output"
	is "${lines[1]}" "load=1"
	is "${lines[2]}" $'a="1"\tb="x"'
	is "${#lines[@]}" 3
}

@test "a kill -9 mid-load leaves the database as it was" {
	printf 'a\n1\n' | rdb-load -q db t
	# the input pauses after a million rows: the load is surely under way
	{ echo a; seq 2 1000000; sleep 3; } | rdb-load -q db t &
	pid=$!
	sleep 1.5
	kill -9 $pid 2>/dev/null
	wait $pid || true
	ok rdb-test-helper dump db t
	is "$output" $'0\t1'
	printf 'a\n2\n' | rdb-load -q db t
	ok rdb-test-helper dump db t
	is "$output" $'0\t1\n1\t2'
}

@test "wrong arguments" {
	usage_fails rdb-load
	is "${stderr_lines[0]}" "rdb-load: missing DIR and TABLE"
	usage_fails rdb-load db
	is "${stderr_lines[0]}" "rdb-load: missing TABLE"
	usage_fails rdb-load --sample some db t
	usage_fails rdb-load --delimiter ab db t
	usage_fails rdb-load --format xml db t
	usage_fails rdb-load --memory-limit 1M db t
	is "${stderr_lines[0]}" "rdb-load: invalid --memory-limit '1M': expected a size of at least 16M"
	fails 1 rdb-load -q db t nope.csv
	is "$stderr" "rdb-load: cannot open 'nope.csv': No such file or directory"
	fails 1 rdb-load -q db t .
	is "$stderr" "rdb-load: cannot read '.': Is a directory"
	fails 1 rdb-load -q nodb t
}

@test "the summary line, and --quiet" {
	printf 'a\n1\n2\n' > s.csv
	run --separate-stderr rdb-load db t s.csv
	is "$status" 0
	[[ $stderr =~ ^rdb-load:\ loaded\ 2\ rows\ into\ \'t\'\ \(created\)\ in\ [0-9.]+\ s\ \(commit\ 1\)$ ]] || fail "$stderr"
	ok rdb-load -q db t s.csv
}

@test "a large load goes straight to segments, bounded in memory, and survives a crash" {
	pad=$(head -c 90 /dev/zero | tr '\0' p)
	{ echo "k,pad"; seq 1 700000 | sed "s/\$/,$pad/"; } > big.csv
	ok rdb-load -q --memory-limit 64M db t big.csv
	ok rdb-stat --tables --no-header db
	IFS=, read -r name cols rows deleted wal_rows segs rgs bytes <<<"$output"
	is "$rows" 700000
	[ "$segs" -ge 1 ] || fail "no segment: $output"
	[ "$wal_rows" -lt 700000 ] || fail "everything went through the WAL: $output"
	wal=$(du -sk db/wal | cut -f1)
	[ "$wal" -lt 40000 ] || fail "WAL holds $wal KB"
	ok rdb-test-helper dump db t
	is "${#lines[@]}" 700000
	is "${lines[699999]}" $'699999\t700000\t'"$pad"
	# killed after its first segment: nothing of it shows, the orphan goes
	{ echo "k,pad"; seq 1 700000 | sed "s/\$/,$pad/"; sleep 4; } | rdb-load -q db t &
	pid=$!
	for i in $(seq 1 100); do
		[ "$(ls db/tables/1 | wc -l)" -gt "$segs" ] && break
		sleep 0.05
	done
	sleep 0.2
	kill -9 $pid 2>/dev/null
	wait $pid || true
	ok rdb-stat --tables --no-header db
	[[ $output == "t,2,700000,"* ]] || fail "$output"
	ok rdb-compact db
	ok rdb-test-helper dump db t
	is "${#lines[@]}" 700000
}

@test "inferred types take values only as inference spelled them" {
	{ echo n; seq 1 10001; echo 007; } > z.csv
	fails 1 rdb-load -q db t - < z.csv
	is "$stderr" "rdb-load: standard input:10003:1: '007' is not an INTEGER for column 'n' (the type was inferred from the sample: give --types or --sample all)"
	ok rdb-load -q --sample all db t - < z.csv
	is "$(schema t)" "n:TEXT"
	# declared types convert leniently
	ok rdb-load -q --types n=INTEGER db u z.csv
	ok rdb-test-helper dump db u
	is "${lines[10001]}" $'10001\t7'
}

@test "more odd inputs: blank lines, mixed formats, escapes, --types on a table" {
	printf 'a,b\n1,2\n\n3,4\n\n' > blank.csv
	ok rdb-load -q db t blank.csv
	ok rdb-test-helper dump db t
	is "${#lines[@]}" 2
	printf '{"a":1,"b":2}\n' > j.ndjson
	fails 1 rdb-load -q db t blank.csv j.ndjson
	is "$stderr" "rdb-load: 'j.ndjson' is JSON, the load's first file is not: load them separately"
	fails 1 rdb-load -q db t j.ndjson blank.csv
	is "$stderr" "rdb-load: 'blank.csv' is CSV or TSV, the load's first file is not: load them separately"
	printf 'a,b\n1,x\\y\n2,"p\\"q"\n' > esc.csv
	ok rdb-load -q --escape '\' db e esc.csv
	ok rdb-test-helper rows db e
	is "$output" $'a="1"\tb="x\\y"\na="2"\tb="p"q"'
	fails 1 rdb-load -q --types a=TEXT db t blank.csv
	is "$stderr" "rdb-load: table 't' exists: its columns have their types already (drop --types, --schema types or --all-text)"
	: > empty.csv
	fails 1 rdb-load --infer-only db x empty.csv
	is "$stderr" "rdb-load: nothing to infer: no rows and no columns"
	ok rdb-load -q db t empty.csv blank.csv
	ok rdb-test-helper dump db t
	is "${#lines[@]}" 4
	printf 'id,-0,big\n1,-0,123456789012345678901234567890123456789012\n' > odd.csv
	ok rdb-load --infer-only db o odd.csv
	is "$output" $'CREATE TABLE o (\n    id INTEGER,\n    "-0" TEXT,\n    big TEXT\n);'
	printf 'price,name,id\n1,x,2\n2,y,zz\n' > pos.csv
	rdb-test-helper create db p 'price:INTEGER,name:TEXT,id:INTEGER' >/dev/null
	fails 1 rdb-load -q db p pos.csv
	is "$stderr" "rdb-load: pos.csv:3:3: 'zz' is not an INTEGER for column 'id'"
}

# same_as_one_thread ARGS...: rdb-load ARGS with --threads 4 and small
# blocks gives what --threads 1 gives: status, messages, rows, rejects.
# With PIPE=FILE, FILE comes through a pipe.
same_as_one_thread() {
	local t
	for t in 1 4; do
		rm -rf "db$t" && rdb-init "db$t"
		run --separate-stderr sh -c 'cat "$0" | rdb-load "$@"' "${PIPE:-/dev/null}" \
			--threads "$t" --memory-limit 16M --reject-file "rej$t" "db$t" t "$@"
		printf '%s\n' "$status" "${stderr/ in [0-9.]* s/}" |
			sed "s/rej$t/rej/" > "res$t"
		rdb-test-helper dump "db$t" t >> "res$t" 2>&1 || true
	done
	cmp -s res1 res4 || fail "$(diff res1 res4 | head -20)"
	cmp -s rej1 rej4 || fail "$(diff rej1 rej4 | head -20)"
	sed -n 1,2p res4
}

@test "--threads: blocks cut between records give the rows, errors and rejects of one thread" {
	# quoted fields with delimiters, quotes, line breaks; CRLF and LF
	awk 'BEGIN { srand(7); print "a,b,c"
		for (i = 1; i <= 60000; i++) {
			s = ""
			for (k = int(rand() * 6); k > 0; k--)
				s = s substr("ab,\"\n x", int(rand() * 8) + 1, 1)
			gsub(/"/, "\"\"", s)
			printf "%d,\"%s\",%d.5%s", i, s, i % 97, (i % 3 ? "\n" : "\r\n") } }' > q.csv
	run same_as_one_thread q.csv
	is "$output" "0
rdb-load: loaded 60000 rows into 't' (created) (commit 1)"
	# after the sample: a ragged row, a bad value, a value that widens
	awk 'BEGIN { print "a,b"
		for (i = 1; i <= 60000; i++)
			if (i == 15000) print i ",12345.25"
			else if (i == 20000 || i == 40000) print i ",x"
			else if (i == 50001) print i
			else print i "," i % 100 ".5" }' > e.csv
	run same_as_one_thread --max-errors 5 e.csv
	is "$output" "4
rdb-load: loaded 59997 rows into 't' (created) (commit 1); 3 rows rejected (see 'rej')"
	is "$(cat rej4)" 'file,line,reason,row
"e.csv","20001","'"'"'x'"'"' is not a DECIMAL(7,2) for column '"'"'b'"'"'","20000,x"
"e.csv","40001","'"'"'x'"'"' is not a DECIMAL(7,2) for column '"'"'b'"'"'","40000,x"
"e.csv","50002","1 fields, expected 2","50001"'
	run same_as_one_thread --max-errors 1 e.csv
	is "$output" "1
rdb-load: e.csv:40001:2: 'x' is not a DECIMAL(7,2) for column 'b' (the type was inferred from the sample: give --types or --sample all)"
	# errors of the tokenizer late in the file: line and column exact
	n=$(wc -l < q.csv)
	{ cat q.csv; printf '7,"a\nb"x,1\n'; } > late.csv
	run same_as_one_thread late.csv
	is "$output" "1
rdb-load: late.csv:$((n + 2)):3: unexpected 'x' after a closing quote"
	{ cat q.csv; printf '7,"never closed\n\n'; } > open.csv
	run same_as_one_thread open.csv
	is "$output" "1
rdb-load: open.csv:$((n + 3)): the file ends inside a quoted field that began on line $((n + 1))"
	# records ended by a lone CR, and a record longer than a block, are
	# read in order from there on
	{ cat q.csv; awk 'BEGIN { for (i = 1; i <= 3000; i++) printf "%d,\"r\",1.5\r", i }'; } > cr.csv
	run same_as_one_thread cr.csv
	is "$output" "0
rdb-load: loaded 63000 rows into 't' (created) (commit 1)"
	{ head -30000 q.csv; printf '1,"%s",2.5\n' "$(head -c 20000000 /dev/zero | tr '\0' w)"; tail -n +30001 q.csv; } > long.csv
	run same_as_one_thread long.csv
	is "$output" "0
rdb-load: loaded 60001 rows into 't' (created) (commit 1)"
	# from a pipe, compressed, TSV with escapes
	PIPE=q.csv run same_as_one_thread -
	is "$output" "0
rdb-load: loaded 60000 rows into 't' (created) (commit 1)"
	gzip -k q.csv
	run same_as_one_thread q.csv.gz
	is "$output" "0
rdb-load: loaded 60000 rows into 't' (created) (commit 1)"
	awk 'BEGIN { print "a\tb"; for (i = 1; i <= 60000; i++) printf "%d\t%s%s\n", i, "x\\\\y\\n", (i % 7 ? "z" : "\\\nw") }' > t.tsv
	run same_as_one_thread t.tsv
	is "$output" "0
rdb-load: loaded 60000 rows into 't' (created) (commit 1)"
}

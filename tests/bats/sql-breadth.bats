#!/usr/bin/env bats
# SQL a PostgreSQL or DuckDB user reaches for first: table functions of
# series, DML ... RETURNING, DISTINCT ON, and more scalar functions. The
# answers are in tests/sql/*.sql; here are the bad arguments, each with
# its one-line error, and what must not happen around them.

load helper

# rdb-query on db fails with exit status 1 and exactly message $2.
refused() {
	run --separate-stderr rdb-query db "$1"
	is "$status" 1
	is "$output" ""
	is "$stderr" "rdb-query: $2"
}

@test "generate_series and range refuse bad arguments, one line each" {
	rdb-init db >/dev/null
	refused "SELECT * FROM generate_series(1, 3, 0)" \
		"the step of generate_series cannot be zero (at line 1, column 37)"
	refused "SELECT * FROM range(DATE '2024-01-01', DATE '2024-02-01', INTERVAL '0 days')" \
		"the step of range cannot be zero (at line 1, column 59)"
	refused "SELECT * FROM generate_series()" \
		"generate_series takes 1 to 3 arguments (start, stop, step), not 0 (at line 1, column 15)"
	refused "SELECT * FROM range(1, 2, 3, 4)" \
		"range takes 1 to 3 arguments (start, stop, step), not 4 (at line 1, column 15)"
	refused "SELECT * FROM generate_series(1.5, 3)" \
		"generate_series takes BIGINT arguments, or DATE or TIMESTAMP ones with an INTERVAL step, not DECIMAL(2,1) (at line 1, column 31)"
	refused "SELECT * FROM generate_series(CAST('1' AS TEXT), 3)" \
		"generate_series takes BIGINT arguments, or DATE or TIMESTAMP ones with an INTERVAL step, not TEXT (at line 1, column 31)"
	refused "SELECT * FROM generate_series('a', 'b')" \
		"generate_series: cannot cast 'a' to BIGINT (at line 1, column 31)"
	refused "SELECT * FROM range(99999999999999999999)" \
		"range(stop) takes a BIGINT, not DECIMAL(20,0) (at line 1, column 21)"
	refused "SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-01-03')" \
		"generate_series over dates and timestamps takes (start, stop, step), step an INTERVAL (at line 1, column 15)"
	refused "SELECT * FROM generate_series(DATE '2024-01-01', 5, INTERVAL '1 day')" \
		"generate_series over dates and timestamps takes (start, stop, step), step an INTERVAL (at line 1, column 15)"
	refused "SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-01-03', 1)" \
		"generate_series over dates and timestamps takes (start, stop, step), step an INTERVAL (at line 1, column 15)"
	refused "SELECT * FROM generate_series('2024-01-01', 'soon', INTERVAL '1 day')" \
		"generate_series: cannot cast 'soon' to TIMESTAMP (at line 1, column 45)"
	refused "SELECT * FROM generate_series(start = 1, stop = 2)" \
		"generate_series has no named arguments (at line 1, column 39)"
	refused "SELECT * FROM range(1, 2) AS r(a, b)" \
		"'r' has 1 columns but 2 names were given (at line 1, column 15)"
}

@test "a series takes parameters and string literals as the type its place asks for" {
	rdb-init db >/dev/null
	run --separate-stderr rdb-query -p n=3 -p d=2026-03-01 db \
		"SELECT * FROM range(:n); SELECT * FROM generate_series(:d, DATE '2026-03-02', INTERVAL '1 day'); SELECT * FROM generate_series('1', '2')"
	is "$status" 0
	is "$stderr" ""
	is "$output" "$(printf 'range\n0\n1\n2\ngenerate_series\n2026-03-01\n2026-03-02\ngenerate_series\n1\n2')"
	run --separate-stderr rdb-query -p n=lots db "SELECT * FROM range(:n)"
	is "$status" 1
	is "$output" ""
	is "$stderr" "rdb-query: range: cannot cast 'lots' to BIGINT (at line 1, column 21)"
}

@test "a series cannot read the columns of another table (no LATERAL)" {
	rdb-init db >/dev/null
	rdb-query db "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (3)"
	refused "SELECT * FROM t, generate_series(1, t.n)" \
		"the arguments of generate_series must be constants: it cannot read the columns of another table (at line 1, column 37)"
	refused "SELECT (SELECT count(*) FROM range(n)) FROM t" \
		"the arguments of range must be constants: it cannot read the columns of another table (at line 1, column 36)"
	refused "SELECT * FROM t, LATERAL generate_series(1, t.n)" \
		"syntax error at line 1, column 18: LATERAL is not supported yet"
	refused "SELECT * FROM t CROSS JOIN LATERAL (SELECT t.n) AS s" \
		"syntax error at line 1, column 28: LATERAL is not supported yet"
	# a constant subquery is a constant
	run --separate-stderr rdb-query db "SELECT count(*) FROM range((SELECT n FROM t))"
	is "$status" 0
	is "$stderr" ""
	is "$output" "$(printf 'count(*)\n3')"
}

@test "a long series streams: a hundred million rows in bounded memory" {
	rdb-init db >/dev/null
	run --separate-stderr /usr/bin/time -f '%M' "$RDB_BUILD/rdb-query" db \
		"SELECT count(*), sum(x) FROM range(100000000) AS r(x)"
	is "$status" 0
	is "$output" "$(printf 'count(*),sum(x)\n100000000,4999999950000000')"
	# RSS in KiB: the 800 MB of values are never held
	[ "$stderr" -lt 65536 ] || fail "max RSS $stderr KiB"
	run --separate-stderr rdb-query db "EXPLAIN SELECT * FROM range(0, 100000000, 10)"
	is "$output" "$(printf 'plan\nPROJECT (estimated rows=10000000)\n"  -> SERIES range(0, 100000000, 10) (estimated rows=10000000)"')"
}

@test "RETURNING prints in every output format, in and out of a transaction" {
	rdb-init db >/dev/null
	rdb-query db "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, price DECIMAL(6,2))"
	run --separate-stderr rdb-query --format json db \
		"INSERT INTO t VALUES (1, 'a', 1.50), (2, NULL, NULL) RETURNING *"
	is "$status" 0
	is "$stderr" ""
	is "$output" '[
{"id":1,"name":"a","price":1.50},
{"id":2,"name":null,"price":null}
]'
	run --separate-stderr rdb-query --format ndjson db "UPDATE t SET price = 2 WHERE id = 2 RETURNING id, price"
	is "$output" '{"id":2,"price":2.00}'
	run --separate-stderr rdb-query --format tsv db "SELECT 1 FROM t WHERE false; DELETE FROM t WHERE id = 1 RETURNING name, id"
	is "$output" "$(printf '1\nname\tid\na\t1')"
	run --separate-stderr rdb-query --format markdown db "INSERT INTO t VALUES (3, 'c', 3) RETURNING id"
	is "$output" "$(printf '| id |\n|---:|\n| 3 |')"
	run --separate-stderr rdb-query --format table db "INSERT INTO t VALUES (4, 'd', 4) RETURNING id, name"
	is "$status" 0
	is "$output" "$(printf '┌────┬──────┐\n│ id │ name │\n├────┼──────┤\n│  4 │ d    │\n└────┴──────┘')"
	# inside BEGIN the rows come as the statement ends; ROLLBACK undoes it
	run --separate-stderr rdb-query db "BEGIN; INSERT INTO t VALUES (5, 'e', 5) RETURNING id; SELECT count(*) AS n FROM t; ROLLBACK; SELECT count(*) AS n FROM t"
	is "$status" 0
	is "$stderr" ""
	is "$output" "$(printf 'id\n5\nn\n4\nn\n3')"
	# nothing matched: the header, no rows
	run --separate-stderr rdb-query db "DELETE FROM t WHERE id > 99 RETURNING id"
	is "$output" "id"
}

@test "a failing statement with RETURNING returns nothing and changes nothing" {
	rdb-init db >/dev/null
	rdb-query db "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"
	rdb-query db "INSERT INTO t VALUES (1, 'a'), (2, 'b')"
	before=$(rdb-query db "SELECT * FROM t ORDER BY id")
	refused "INSERT INTO t VALUES (3, 'c'), (1, 'dup') RETURNING *" \
		"duplicate key (id) = (1) in table 't': its PRIMARY KEY allows each value once"
	refused "UPDATE t SET name = CASE WHEN id = 2 THEN NULL ELSE name END RETURNING *" \
		"NULL in column 'name' of 't', which is NOT NULL"
	refused "UPDATE t SET id = 1 RETURNING id" \
		"duplicate key (id) = (1) in table 't': its PRIMARY KEY allows each value once"
	refused "DELETE FROM t RETURNING id / 0" \
		"division by zero"
	refused "INSERT INTO t VALUES (3, 'c') RETURNING nope" \
		"no such column 'nope' (at line 1, column 41)"
	refused "INSERT INTO t VALUES (3, 'c') RETURNING x.*" \
		"no table 'x' in RETURNING (there is 't') (at line 1, column 41)"
	refused "DELETE FROM t RETURNING count(*)" \
		"aggregate functions are not allowed in this statement (at line 1, column 25)"
	refused "DELETE FROM t RETURNING" \
		"syntax error at line 1, column 24: expected an expression, found end of input"
	is "$(rdb-query db "SELECT * FROM t ORDER BY id")" "$before"
	# in a transaction: nothing printed, and the transaction is rolled back
	run --separate-stderr rdb-query db "BEGIN; DELETE FROM t WHERE id = 1 RETURNING id / 0"
	is "$status" 1
	is "$output" ""
	is "$(rdb-query db "SELECT * FROM t ORDER BY id")" "$before"
}

@test "DISTINCT ON refuses an ORDER BY that does not start with its expressions, as PostgreSQL" {
	rdb-init db >/dev/null
	rdb-query db "CREATE TABLE t (k TEXT, v INTEGER, w TEXT); INSERT INTO t VALUES ('a', 1, 'x')"
	refused "SELECT DISTINCT ON (k) k, v FROM t ORDER BY v" \
		"SELECT DISTINCT ON expressions must match initial ORDER BY expressions (at line 1, column 21)"
	refused "SELECT DISTINCT ON (k, w) k, v FROM t ORDER BY k, v, w" \
		"SELECT DISTINCT ON expressions must match initial ORDER BY expressions (at line 1, column 24)"
	refused "SELECT DISTINCT ON (k) k FROM t ORDER BY v, k" \
		"SELECT DISTINCT ON expressions must match initial ORDER BY expressions (at line 1, column 21)"
	refused "SELECT DISTINCT ON (3) k, v FROM t ORDER BY 1" \
		"DISTINCT ON position 3 is not in the select list (at line 1, column 21)"
	refused "SELECT DISTINCT ON (2) *, v FROM t ORDER BY 1" \
		"DISTINCT ON position 2 after * in DISTINCT ON's query: name the column (at line 1, column 21)"
	refused "SELECT DISTINCT ON (k) k, row_number() OVER () AS r FROM t ORDER BY k, r" \
		"DISTINCT ON with a window function in ORDER BY is not supported; use a subquery (at line 1, column 72)"
	refused "SELECT DISTINCT ON (k) k FROM t QUALIFY true" \
		"DISTINCT ON with QUALIFY is not supported; use a subquery (at line 1, column 41)"
	refused "SELECT DISTINCT ON k FROM t" \
		"syntax error at line 1, column 20: expected '(', found 'k'"
	refused "SELECT DISTINCT ON () k FROM t" \
		"syntax error at line 1, column 21: expected an expression, found ')'"
	refused "SELECT DISTINCT ON (nope) k FROM t" \
		"no such column 'nope' (at line 1, column 21)"
	# PostgreSQL accepts DISTINCT ON keys missing from an ORDER BY made of them
	run --separate-stderr rdb-query db "SELECT DISTINCT ON (k, w) k FROM t ORDER BY k"
	is "$status" 0
	is "$output" "$(printf 'k\na')"
}

@test "printf checks its format against its arguments, one line each" {
	rdb-init db >/dev/null
	refused "SELECT printf('%d', 'x')" "printf: %d takes an integer, not TEXT (argument 2)"
	refused "SELECT printf('%x', 1.5)" "printf: %x takes an integer, not DECIMAL(2,1) (argument 2)"
	refused "SELECT printf('%c', 'x')" "printf: %c takes an integer, not TEXT (argument 2)"
	refused "SELECT printf('%f', DATE '2024-01-01')" "printf: %f takes a number, not DATE (argument 2)"
	refused "SELECT printf('%d %d', 1)" "printf: the format has more conversions than the 1 argument given"
	refused "SELECT printf('%s')" "printf: the format has more conversions than the 0 arguments given"
	refused "SELECT printf('%d', 1, 2)" "printf: 2 arguments given but the format uses 1"
	refused "SELECT printf('%q', 1)" "printf: unknown conversion '%q'"
	refused "SELECT printf('%n', 1)" "printf: unknown conversion '%n'"
	refused "SELECT printf('%é', 1)" "printf: unknown conversion '%é'"
	refused "SELECT printf('abc %', 1)" "printf: the format ends inside a conversion"
	refused "SELECT printf('%5', 1)" "printf: the format ends inside a conversion"
	refused "SELECT printf('%*d', 5, 1)" "printf: widths and precisions from arguments (*) are not supported"
	refused "SELECT printf('%1\$d', 1)" "printf: numbered arguments (%n\$) are not supported"
	refused "SELECT printf('%10001d', 1)" "printf: a width is at most 10000"
	refused "SELECT printf('%.10001f', 1)" "printf: a precision is at most 10000"
	refused "SELECT printf('%c', 55296)" "printf: %c of 55296, which is no code point"
	refused "SELECT printf('%c', 0)" "printf: %c of 0, which is no code point"
	refused "SELECT printf()" "printf takes at least 1 argument, not 0 (at line 1, column 8)"
	refused "SELECT printf(1)" "function printf(INTEGER) does not exist (at line 1, column 8)"
	# the widest allowed work, and % signs in arguments are only text
	run --separate-stderr rdb-query db "SELECT length(printf('%10000.10000f', 1e300)) AS n, printf('%s', '%n%s%d') AS s"
	is "$status" 0
	is "$stderr" ""
	is "$output" "$(printf 'n,s\n10302,%%n%%s%%d')"
}

@test "hex, gcd, lcm, last_day, dayname, monthname and epoch refuse bad arguments" {
	rdb-init db >/dev/null
	refused "SELECT hex(1.5)" "function hex(DECIMAL(2,1)) does not exist (at line 1, column 8)"
	refused "SELECT hex(DATE '2024-01-01')" "function hex(DATE) does not exist (at line 1, column 8)"
	refused "SELECT gcd(-9223372036854775807 - 1, 0)" "gcd: BIGINT out of range"
	refused "SELECT gcd(1.5, 2)" "function gcd(DECIMAL(2,1), INTEGER) does not exist (at line 1, column 8)"
	refused "SELECT lcm(9223372036854775807, 2)" "lcm: BIGINT out of range"
	refused "SELECT last_day(5)" "function last_day(INTEGER) does not exist (at line 1, column 8)"
	refused "SELECT last_day('soon')" "cannot cast 'soon' to TIMESTAMP (at line 1, column 17)"
	refused "SELECT dayname(1)" "function dayname(INTEGER) does not exist (at line 1, column 8)"
	refused "SELECT monthname(INTERVAL '1 day')" "function monthname(INTERVAL) does not exist (at line 1, column 8)"
	refused "SELECT epoch('x', 1)" "epoch takes 1 argument, not 2 (at line 1, column 8)"
}

@test "bitwise operators take integers only, and a dangling one is a syntax error" {
	rdb-init db >/dev/null
	refused "SELECT 'a' & 1" "operator & (TEXT, INTEGER) does not exist (at line 1, column 12)"
	refused "SELECT 1.5 << 1" "operator << (DECIMAL(2,1), INTEGER) does not exist (at line 1, column 12)"
	refused "SELECT ~DATE '2024-01-01'" "operator ~ DATE does not exist (at line 1, column 8)"
	refused "SELECT 1 #" "syntax error at line 1, column 11: expected an expression, found end of input"
	refused "SELECT xor(1)" "xor takes 2 arguments, not 1 (at line 1, column 8)"
}

@test "a BLOB literal takes pairs of hexadecimal digits, closed" {
	rdb-init db >/dev/null
	refused "SELECT x'123'" "syntax error at line 1, column 8: a BLOB literal X'...' takes an even number of hexadecimal digits"
	refused "SELECT X'12zz'" "syntax error at line 1, column 12: a BLOB literal X'...' takes hexadecimal digits only"
	refused "SELECT x'12" "syntax error at line 1, column 8: unterminated BLOB literal"
}

@test "an aggregate's argument that fails on a row its FILTER keeps is still an error" {
	rdb-init db >/dev/null
	refused "SELECT sum(10 / x) FILTER (WHERE x >= 0) FROM (VALUES (0), (2)) t(x)" "division by zero"
	refused "SELECT g, sum(10 / x) FILTER (WHERE x < 5) FROM (VALUES (1, 0), (2, 7)) t(g, x) GROUP BY g" "division by zero"
}

@test "a DECIMAL column cast to more places than its values fit is an error naming the value" {
	rdb-init db >/dev/null
	ok rdb-query db "CREATE TABLE d (v DECIMAL(10,2)); INSERT INTO d VALUES (1.25), (NULL), (99.99)"
	refused "SELECT CAST(v AS DECIMAL(4,3)) FROM d" "cannot cast '99.99' to DECIMAL(4,3): out of range"
}

@test "a grouped BIGINT sum past its range is an error, whichever way the groups come out" {
	rdb-init db >/dev/null
	ok rdb-query db "CREATE TABLE s (g INTEGER, i BIGINT); INSERT INTO s VALUES (1, 5), (3, 9223372036854775807), (3, 1)"
	refused "SELECT g, sum(i) FROM s GROUP BY g ORDER BY g" "sum out of range for BIGINT (overflow); CAST the argument to DECIMAL(38,0)"
}

-- printf (C's conversions, flags, widths and precisions, checked against
-- the argument types), hex, md5, gcd and lcm, last_day, dayname, monthname
-- and epoch, with NULL and edge inputs; the answers agree with DuckDB
-- (and C's printf) except where a comment says.
SELECT printf('%d|%5d|%-5d|%05d|%+d|% d|%.3d', 42, 42, 42, -42, 42, 42, 7) AS p;
SELECT printf('%x|%X|%o|%#x|%#o|%x', 255, 255, 8, 255, 8, -1) AS p;
-- %f of an integer (the last one here) and %s of any value are rdb's:
-- DuckDB refuses them.
SELECT printf('%5.2f|%e|%g|%.0f|%10.3e|%-8.1f|%+.1f', 3.14159, 12345.678, 0.0001, 2.5, 1234.5, -2.25, 1) AS p;
SELECT printf('%s|%5s|%-5s|%.2s|', 'abc', 'é', 'x', 'ünïcode') AS p;
SELECT printf('%s %s %s %s', 1.50, DATE '2024-01-02', true, 2.5e0) AS p;
-- %c of a code point past 127 is its UTF-8 character (DuckDB: one byte).
SELECT printf('%c%c|%3c', 72, 233, 105) AS p;
SELECT printf('100%% of %i', 3) AS p, printf('no conversions') AS q, printf('%ld %lld', 1, 2) AS r;
SELECT printf('%d', NULL) IS NULL AS a, printf(NULL, 1) IS NULL AS b;
SELECT printf('%08.3f|%-+6d|%#.3g|%G', -3.14159, 5, 1.0, 1e-10) AS p;
SELECT hex(255) AS a, hex(0) AS b, hex(-1) AS c, hex('abc') AS d, hex('') AS e, hex(NULL) IS NULL AS f;
SELECT gcd(12, -18) AS a, gcd(0, 0) AS b, gcd(-7, 0) AS c, lcm(4, 6) AS d, lcm(-4, 6) AS e, lcm(0, 5) AS f, gcd(NULL, 1) IS NULL AS g;
SELECT gcd(9223372036854775807, 3) AS a, lcm(3037000499, 3037000498) AS b;
SELECT last_day(DATE '2024-02-10') AS a, last_day(DATE '2023-02-28') AS b, last_day(TIMESTAMP '2023-12-31 23:59:59') AS c, last_day('2024-04-01') AS d;
SELECT dayname(DATE '2024-02-10') AS a, dayname(TIMESTAMP '1970-01-01 12:00:00') AS b, monthname(DATE '2024-02-10') AS c, monthname(DATE '0001-12-25') AS d;
SELECT epoch(TIMESTAMP '2024-01-01 00:00:01.5') AS a, epoch(DATE '2024-01-01') AS b, epoch(TIMESTAMP '1969-12-31 23:59:59') AS c;
SELECT to_timestamp(epoch(TIMESTAMP '2024-05-06 07:08:09')) AS roundtrip;
SELECT printf('%-10s|%6.2f', name, price) AS line FROM (VALUES ('apple', 1.5), ('pear', 12.25)) AS t(name, price);
SELECT md5('') AS a, md5('abc') AS b, md5(NULL) IS NULL AS c;
SELECT md5(repeat('ab', 28)) AS a55, md5(repeat('x', 64)) AS a64, md5('12345678901234567890123456789012345678901234567890123456789012345678901234567890') AS a80;

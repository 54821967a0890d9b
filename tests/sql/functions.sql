-- Scalar functions and aggregates with NULL and edge inputs; results in
-- functions.out.
SELECT length('héllo') AS a, length('') AS b, length(NULL) AS c, upper('abc') AS d, lower('ÀB') AS e;
SELECT substr('hello', 2, 3) AS a, substr('hello', 0, 2) AS b, substr('hello', 10) AS c, substring('hello' FROM 2 FOR 2) AS d, substr('héllo', 2, 1) AS e;
SELECT trim('  x  ') AS a, ltrim('xxy', 'x') AS b, rtrim('yxx', 'x') AS c, trim(BOTH 'x' FROM 'xax') AS d, trim(LEADING FROM '  a') AS e;
SELECT replace('aaa', 'a', 'bb') AS a, replace('abc', '', 'x') AS b, position('b' IN 'abc') AS c, position('z' IN 'abc') AS d, strpos('abc', 'c') AS e;
SELECT split_part('a,b,c', ',', 2) AS a, split_part('a,b,c', ',', 5) AS b, lpad('7', 3, '0') AS c, rpad('ab', 5, 'xy') AS d, lpad('abcd', 2) AS e;
SELECT concat('a', NULL, 1, true) AS a, concat_ws('-', 'a', NULL, 'b') AS b, starts_with('abc', 'ab') AS c, starts_with('abc', NULL) AS d;
SELECT regexp_matches('abc123', '[0-9]+') AS a, regexp_matches('ABC', 'b', 'i') AS b, regexp_replace('a1b2', '[0-9]', '#', 'g') AS c, regexp_matches(NULL, 'a') AS d;
SELECT abs(-5) AS a, abs(-2.50) AS b, abs(-1.5e0) AS c, round(2.5) AS d, round(-2.5) AS e, round(1.2345, 2) AS f, round(1.5e0) AS g;
SELECT floor(-1.5) AS a, ceil(-1.5) AS b, floor(2.7e0) AS c, ceil(2.1e0) AS d, sqrt(16) AS e, power(2, 10) AS f;
SELECT ln(1) AS a, log10(1000) AS b, exp(0) AS c, mod(7, 3) AS d, mod(-7, 3) AS e, sign(-3) AS f, sign(0) AS g;
SELECT extract(year FROM DATE '2024-03-15') AS a, extract(month FROM DATE '2024-03-15') AS b, date_part('day', DATE '2024-03-15') AS c, extract(dow FROM DATE '2024-03-17') AS d, extract(doy FROM DATE '2024-12-31') AS e;
SELECT extract(hour FROM TIMESTAMP '2024-03-15 13:45:30') AS a, extract(minute FROM TIMESTAMP '2024-03-15 13:45:30') AS b, extract(second FROM TIMESTAMP '2024-03-15 13:45:30') AS c, extract(quarter FROM DATE '2024-08-01') AS d;
SELECT date_trunc('month', DATE '2024-03-15') AS a, date_trunc('year', TIMESTAMP '2024-03-15 13:45:30') AS b, date_trunc('hour', TIMESTAMP '2024-03-15 13:45:30') AS c;
SELECT strftime(DATE '2024-03-05', '%Y/%m/%d %j') AS a, strftime(TIMESTAMP '2024-03-05 07:08:09', '%H:%M:%S %a %b') AS b;
SELECT json_extract('{"a":[1,2,{"b":"c"}]}', '$.a[2].b') AS a, json_extract_string('{"a":"x\u00e9"}', '$.a') AS b, json_extract('{"a":1}', '$.b') AS c;
SELECT count(*) AS a, count(x) AS b, sum(x) AS c, avg(x) AS d, min(x) AS e, max(x) AS f FROM (VALUES (1), (NULL), (3)) AS v (x);
SELECT count(*) AS a, count(x) AS b, sum(x) AS c, avg(x) AS d, min(x) AS e, max(x) AS f FROM (VALUES (1)) AS v (x) WHERE x > 5;
SELECT count(DISTINCT x) AS a, sum(DISTINCT x) AS b, string_agg(y, '|') AS c, bool_and(x > 0) AS d, bool_or(x > 2) AS e FROM (VALUES (1, 'a'), (1, 'b'), (3, 'c')) AS v (x, y);
SELECT stddev(x) AS a, stddev_pop(x) AS b, variance(x) AS c, var_pop(x) AS d, stddev(y) AS e FROM (VALUES (2, 1), (4, NULL), (4, NULL), (4, NULL), (5, NULL), (5, NULL), (7, NULL), (9, NULL)) AS v (x, y);
SELECT count(*) FILTER (WHERE x > 1) AS a, sum(x) FILTER (WHERE x < 3) AS b, min(y) AS c, max(y) AS d FROM (VALUES (1, 'b'), (2, 'a'), (3, NULL)) AS v (x, y);
SELECT k, count(*) AS n, sum(v) AS s FROM (VALUES ('a', 1.5), ('b', NULL), ('a', 2.25), (NULL, 4.0), (NULL, 5.0)) AS t (k, v) GROUP BY k ORDER BY k;
SELECT DISTINCT x FROM (VALUES (2), (1), (2), (NULL), (NULL)) AS v (x) ORDER BY x DESC;

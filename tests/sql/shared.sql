-- Aggregates and expressions evaluated once for several uses: sum, avg
-- and count of one argument share a running sum and count, count(*) is
-- that count plus the argument's NULLs, a subexpression repeated in a
-- select list or among aggregate arguments is computed once a chunk.
-- Each result is what the aggregates give one by one: types, the
-- rounding of avg of decimals, NULL handling, empty input, FILTER and
-- DISTINCT kept apart; random() repeated stays two calls.
CREATE TABLE sh (g TEXT, d DECIMAL(12,2), i INTEGER, f DOUBLE, t TEXT);
INSERT INTO sh VALUES ('a', 1.10, 1, 0.5, 'x'), ('a', NULL, 2, NULL, 'y'), ('a', 2.25, NULL, 1.5, NULL), ('b', NULL, NULL, NULL, NULL), ('b', NULL, 7, 2.0, 'z'), ('c', 3.33, 3, 3.0, 'w'), ('c', 3.33, 3, 3.0, 'w'), ('c', 0.01, -4, -1.25, 'v');
SELECT g, sum(d) AS s, avg(d) AS a, count(d) AS c, count(*) AS n, min(d) AS lo, max(d) AS hi FROM sh GROUP BY g ORDER BY g;
SELECT sum(d) AS s, avg(d) AS a, count(d) AS c, count(*) AS n FROM sh;
SELECT sum(d) AS s, avg(d) AS a, count(d) AS c, count(*) AS n FROM sh WHERE g = 'none';
SELECT g, sum(d) AS s, avg(d) AS a, count(*) AS n FROM sh WHERE g = 'none' GROUP BY g;
SELECT g, sum(i) AS s, avg(i) AS a, count(i) AS c, count(*) AS n FROM sh GROUP BY g ORDER BY g;
SELECT g, sum(f) AS s, avg(f) AS a, count(f) AS c, count(*) AS n FROM sh GROUP BY g ORDER BY g;
SELECT g, count(t) AS c, count(*) AS n, min(t) AS lo, max(t) AS hi FROM sh GROUP BY g ORDER BY g;
SELECT g, sum(d) FILTER (WHERE i > 0) AS sf, avg(d) FILTER (WHERE i > 0) AS af, count(*) FILTER (WHERE i > 0) AS nf, sum(d) AS s, count(*) AS n FROM sh GROUP BY g ORDER BY g;
SELECT g, sum(DISTINCT d) AS sd, avg(DISTINCT d) AS ad, count(DISTINCT d) AS cd, sum(d) AS s, count(d) AS c, count(*) AS n FROM sh GROUP BY g ORDER BY g;
SELECT sum(DISTINCT d) AS sd, count(DISTINCT d) AS cd, avg(d) AS a, count(*) AS n FROM sh;
SELECT g, avg(d) AS a1, avg(d) AS a2, sum(d) + 1 AS s1, count(*) * 2 AS n2, count(1) AS c1 FROM sh GROUP BY g ORDER BY g;
SELECT g, sum(d * (1 - d)) AS s1, sum(d * (1 - d) * (1 + d)) AS s2, avg(d * (1 - d)) AS a1, count(d * (1 - d)) AS c1 FROM sh GROUP BY g ORDER BY g;
SELECT g, d * (1 - d) AS p, d * (1 - d) * 2 AS p2, (d * (1 - d)) IS NULL AS pn FROM sh ORDER BY g, p, i;
SELECT g, sum(CASE WHEN i > 0 THEN d * 2 END) AS s1, sum(CASE WHEN i > 0 THEN d * 2 ELSE 0 END) AS s2, sum(d * 2) AS s3 FROM sh GROUP BY g ORDER BY g;
SELECT count(*) AS n FROM sh HAVING sum(d) > 0 AND avg(d) > 1;
SELECT sum(random()) = sum(random()) AS same FROM sh;
SELECT count(*) AS equal FROM (SELECT random() AS r1, random() AS r2 FROM sh) AS q WHERE r1 = r2;
SELECT count(*) AS equal FROM (SELECT random() * 2 AS r1, random() * 2 AS r2 FROM sh) AS q WHERE r1 = r2;
SELECT min(random()) = max(random()) AS same, sum(random()) < 0 AS negative FROM sh;
SELECT CASE WHEN i <> 0 THEN 100 / i ELSE 0 END AS a, CASE WHEN i <> 0 THEN 100 / i + 1 ELSE 1 END AS b, sum(i) OVER () AS t FROM (VALUES (0), (4)) AS v(i) ORDER BY i;
SELECT sum(CASE WHEN i <> 0 THEN 100 / i END) AS s, max(CASE WHEN i <> 0 THEN 100 / i END) AS m, count(CASE WHEN i <> 0 THEN 100 / i END) AS c FROM (VALUES (0), (4), (5)) AS v(i);
EXPLAIN SELECT g, sum(d) AS s, avg(d) AS a, count(*) AS n, sum(d * (1 - d)) AS s1, sum(d * (1 - d) * (1 + d)) AS s2 FROM sh GROUP BY g;
EXPLAIN SELECT d * (1 - d) AS p, d * (1 - d) * 2 AS p2, random() * 2 AS r1, random() * 2 AS r2 FROM sh;
EXPLAIN SELECT sum(random()) AS s1, sum(random()) AS s2, count(*) AS n FROM sh;

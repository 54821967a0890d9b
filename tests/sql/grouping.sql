-- GROUP BY GROUPING SETS, ROLLUP and CUBE, alone and crossed with plain
-- keys; GROUPING() in the select list, HAVING and ORDER BY; NULLs of the
-- data against the NULLs of a set that lacks the key; equal sets giving
-- equal rows; empty input (only the empty set has a row).
CREATE TABLE gs (r TEXT, c TEXT, y INTEGER, v INTEGER);
INSERT INTO gs VALUES ('east', 'a', 2023, 10), ('east', 'a', 2024, 20), ('east', 'b', 2024, 5), ('west', 'a', 2023, 7), ('west', 'b', 2023, 1), ('west', 'b', 2024, 2), ('west', NULL, 2024, 100), (NULL, 'a', 2023, 1000);
SELECT r, c, sum(v) AS s, count(*) AS n, grouping(r, c) AS g FROM gs GROUP BY ROLLUP (r, c) ORDER BY g, r, c;
SELECT r, c, sum(v) AS s FROM gs GROUP BY CUBE (r, c) ORDER BY grouping(r, c), r, c;
SELECT r, c, sum(v) AS s FROM gs GROUP BY GROUPING SETS ((r, c), (r), ()) ORDER BY grouping(r), grouping(c), r, c;
SELECT r, c, count(*) AS n, grouping(r) AS gr, grouping(c) AS gc FROM gs GROUP BY GROUPING SETS (r, c, ()) ORDER BY gr, gc, r, c;
SELECT y, r, c, sum(v) AS s, grouping(y, r, c) AS g FROM gs GROUP BY y, ROLLUP (r, c) ORDER BY y, g, r, c;
SELECT r, y, sum(v) AS s, grouping(r, y) AS g FROM gs GROUP BY ROLLUP (r), ROLLUP (y) ORDER BY g, r, y;
SELECT r, c, y, count(*) AS n, grouping(r, c, y) AS g FROM gs GROUP BY ROLLUP ((r, c), y) ORDER BY g, r, c, y;
SELECT r, c, count(*) AS n, grouping(c, r) AS cr, grouping(r, c) AS rc FROM gs GROUP BY GROUPING SETS (ROLLUP (r), CUBE (c)) ORDER BY rc, r, c;
SELECT r, sum(v) AS s FROM gs GROUP BY r, () ORDER BY r;
SELECT sum(v) AS s, count(*) AS n FROM gs GROUP BY ();
SELECT c, grouping(c) AS g, count(*) AS n, CASE WHEN grouping(c) = 1 THEN 'all' ELSE coalesce(c, '(none)') END AS label FROM gs GROUP BY ROLLUP (c) ORDER BY g, c;
SELECT r, count(*) AS n FROM gs GROUP BY GROUPING SETS ((r), (r)) ORDER BY r;
SELECT r, count(*) AS n FROM gs GROUP BY GROUPING SETS ((r), (), ()) ORDER BY r, n;
SELECT r, c, sum(v) AS s FROM gs GROUP BY ROLLUP (r, c) HAVING grouping(r, c) = 1 ORDER BY r;
SELECT r, c, sum(v) AS s FROM gs GROUP BY CUBE (r, c) HAVING sum(v) > 100 AND grouping(c) = 1 ORDER BY grouping(r), r;
SELECT r, sum(v) AS s FROM gs GROUP BY ROLLUP (r) ORDER BY grouping(r) DESC, s DESC LIMIT 2;
SELECT y, sum(y) AS sy, count(DISTINCT c) AS dc, sum(v) FILTER (WHERE c = 'a') AS sa FROM gs GROUP BY ROLLUP (y) ORDER BY y;
SELECT y - 2000 AS k, upper(r) AS u, count(*) AS n FROM gs GROUP BY ROLLUP (y - 2000, upper(r)) ORDER BY k, u, n;
SELECT r AS region, sum(v) AS s FROM gs GROUP BY ROLLUP (region) ORDER BY region, s;
SELECT r, c, sum(v) AS s FROM gs GROUP BY ROLLUP (1, 2) ORDER BY 1, 2, 3;
SELECT r, y, count(*) AS n FROM gs GROUP BY r, CUBE (r, y) ORDER BY r, y, n;
SELECT DISTINCT r FROM gs GROUP BY GROUPING SETS ((r), (r, c)) ORDER BY r;
SELECT r, grouping(r) AS g, count(*) AS n FROM gs GROUP BY r ORDER BY r;
SELECT count(*) AS groups, sum(s) AS total FROM (SELECT r, c, sum(v) AS s FROM gs GROUP BY CUBE (r, c)) AS t;
WITH t AS (SELECT r, sum(v) AS s FROM gs GROUP BY ROLLUP (r)) SELECT r, s FROM t WHERE r IS NULL ORDER BY s;
SELECT r, sum(v) AS s FROM gs GROUP BY ROLLUP (r) UNION ALL SELECT 'x', 1 ORDER BY r, s;
SELECT grouping(r, r) AS g2, grouping(c, r, c) AS g3, count(*) AS n FROM gs GROUP BY ROLLUP (r, c) ORDER BY g2, g3, n;
SELECT r, c, count(*) AS n FROM gs GROUP BY GROUPING SETS ((r, c), (c, r)) ORDER BY r, c, n;
SELECT y, r, sum(v) AS s FROM gs GROUP BY GROUPING SETS (y, ROLLUP (r, y)) ORDER BY y, r, s;
SELECT (y) + 1 AS k, r, count(*) AS n FROM gs GROUP BY (y) + 1, ROLLUP (r) ORDER BY k, r, n;
SELECT y + 1 AS k, r, count(*) AS n FROM gs GROUP BY GROUPING SETS ((y) + 1, ((r)), ()) ORDER BY k, r, n;
SELECT CAST(y AS DECIMAL(6,1)) AS d, count(*) AS n FROM gs GROUP BY ROLLUP (CAST(y AS DECIMAL(6,1))) ORDER BY d, n;
SELECT r, (SELECT count(*) FROM gs AS g2 WHERE g2.r = gs.r) AS n, grouping(r) AS g FROM gs GROUP BY ROLLUP (r) ORDER BY g, r;
SELECT r, count(*) AS n, sum(v) AS s FROM gs WHERE v < 0 GROUP BY ROLLUP (r);
SELECT r, c, count(*) AS n, grouping(r, c) AS g FROM gs WHERE v < 0 GROUP BY CUBE (r, c);
SELECT count(*) AS n FROM gs WHERE v < 0 GROUP BY GROUPING SETS ((), ());
SELECT count(*) AS n FROM gs WHERE v < 0 GROUP BY ();
SELECT r, count(*) AS n FROM gs WHERE v < 0 GROUP BY GROUPING SETS ((r));
SELECT r, c, count(*) AS n FROM gs WHERE v < 0 GROUP BY r, ROLLUP (c);
DROP TABLE gs;

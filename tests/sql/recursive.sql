-- WITH RECURSIVE: a first term UNION [ALL] a recursive term that names
-- the query once, run by iteration over the rows the step before made.
-- Each result here was checked against PostgreSQL 15 but where a
-- comment says otherwise.
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT n FROM t;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 100) SELECT count(*) AS c, sum(n) AS s, min(n) AS lo, max(n) AS hi FROM t;
-- without a stop, a LIMIT above ends it
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT n FROM t LIMIT 3;
-- columns named by the first term when the list is left out
WITH RECURSIVE t AS (SELECT 1 AS i, 1 AS f UNION ALL SELECT i + 1, f * (i + 1) FROM t WHERE i < 6) SELECT i, f FROM t;
-- Fibonacci: two columns carried along
WITH RECURSIVE fib(a, b) AS (SELECT 0, 1 UNION ALL SELECT b, a + b FROM fib WHERE b < 60) SELECT a FROM fib;
-- UNION: a row seen before is not produced again, so a cycle ends
CREATE TABLE edges (src INTEGER, dst INTEGER);
INSERT INTO edges VALUES (1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (6, 7);
WITH RECURSIVE reach(n) AS (SELECT 1 UNION SELECT e.dst FROM edges e JOIN reach r ON e.src = r.n) SELECT n FROM reach ORDER BY n;
WITH RECURSIVE reach(n) AS (SELECT 6 UNION SELECT e.dst FROM reach r JOIN edges e ON e.src = r.n) SELECT n FROM reach ORDER BY n;
-- the first term's duplicates go too
WITH RECURSIVE t(n) AS (VALUES (1), (1), (2) UNION SELECT n FROM t) SELECT n FROM t ORDER BY n;
WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n % 4 + 1 FROM t) SELECT count(*) AS c FROM t;
-- UNION ALL keeps duplicates: paths, with the depth bounding a cycle
WITH RECURSIVE p(node, path, d) AS (SELECT 1, '1', 0 UNION ALL SELECT e.dst, p.path || '>' || e.dst, p.d + 1 FROM p JOIN edges e ON e.src = p.node WHERE p.d < 4) SELECT path FROM p ORDER BY d, path;
-- NULLs are equal for UNION, as in DISTINCT
WITH RECURSIVE t(a, b) AS (SELECT 1, CAST(NULL AS TEXT) UNION SELECT (a + 1) % 3, b FROM t) SELECT a, b FROM t ORDER BY a;
-- several queries, only some of them recursive; later ones see earlier ones
WITH RECURSIVE lim AS (SELECT 4 AS m), t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t, lim WHERE n < m), sq AS (SELECT n, n * n AS sq FROM t) SELECT n, sq FROM sq ORDER BY n;
-- the query used twice; in a subquery; in INSERT ... SELECT
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT x.n AS x, y.n AS y FROM t x JOIN t y ON y.n = x.n + 1 ORDER BY x;
SELECT (WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT sum(n) FROM t) AS s;
CREATE TABLE nums (n INTEGER);
INSERT INTO nums WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 4) SELECT n * 10 FROM t;
SELECT n FROM nums ORDER BY n;
-- types come from the first term: INTEGER n + 1 (BIGINT) goes back into
-- INTEGER; text grows; dates step; a DECIMAL keeps its scale, rounding
-- (PostgreSQL's unbounded NUMERIC would print 1.50, 2.250, 3.3750)
WITH RECURSIVE t(n) AS (SELECT 2147483645 UNION ALL SELECT n + 1 FROM t WHERE n < 2147483647) SELECT n FROM t;
CREATE TABLE rt AS WITH RECURSIVE t(n, d, s) AS (SELECT 1, 1.0, 'a' UNION ALL SELECT n + 1, d * 1.5, s || 'b' FROM t WHERE n < 4) SELECT * FROM t;
SELECT n, d, s FROM rt;
WITH RECURSIVE t(d) AS (SELECT DATE '2024-02-27' UNION ALL SELECT d + 1 FROM t WHERE d < DATE '2024-03-01') SELECT d FROM t;
-- a tree: managers and their reports, with the depth
CREATE TABLE staff (id INTEGER, boss INTEGER, name TEXT);
INSERT INTO staff VALUES (1, NULL, 'ada'), (2, 1, 'bob'), (3, 1, 'cy'), (4, 2, 'di'), (5, 4, 'ed'), (6, 3, 'flo');
WITH RECURSIVE chain(id, name, depth) AS (SELECT id, name, 0 FROM staff WHERE boss IS NULL UNION ALL SELECT s.id, s.name, c.depth + 1 FROM staff s JOIN chain c ON s.boss = c.id) SELECT depth, count(*) AS n, min(name) AS first, max(name) AS last FROM chain GROUP BY depth ORDER BY depth;
WITH RECURSIVE up(id, boss) AS (SELECT id, boss FROM staff WHERE name = 'ed' UNION ALL SELECT s.id, s.boss FROM staff s, up WHERE s.id = up.boss) SELECT id FROM up;
-- a recursive term may aggregate the working table, each iteration on
-- its own (PostgreSQL refuses aggregates there), and have a WITH
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL (SELECT max(n) * 2 FROM t HAVING max(n) < 50)) SELECT n FROM t;
WITH RECURSIVE t(n) AS (SELECT 10 UNION ALL (WITH w AS (SELECT n - 3 AS m FROM t) SELECT m FROM w WHERE m > 0)) SELECT n FROM t;
-- an empty first term: nothing
WITH RECURSIVE t(n) AS (SELECT 1 WHERE false UNION ALL SELECT n + 1 FROM t) SELECT count(*) AS c FROM t;
-- plain WITH names under RECURSIVE that do not name themselves
WITH RECURSIVE a AS (SELECT 2 AS v), b AS (SELECT v * 3 AS w FROM a) SELECT w FROM b;
DROP TABLE edges;
DROP TABLE nums;
DROP TABLE rt;
DROP TABLE staff;

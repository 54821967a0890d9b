-- A WITH query named more than once is computed once for the statement
-- (as PostgreSQL materializes it): both references see the same rows,
-- even of a volatile function, in joins, subqueries and set operations.
CREATE TABLE ws (g INTEGER, v INTEGER);
INSERT INTO ws VALUES (1, 10), (1, 20), (2, 5), (3, NULL);
WITH t AS (SELECT g, sum(v) AS s FROM ws GROUP BY g) SELECT a.g, a.s, b.s AS s2 FROM t a JOIN t b ON b.g = a.g ORDER BY a.g;
WITH t AS (SELECT g, sum(v) AS s FROM ws GROUP BY g) SELECT g FROM t WHERE s = (SELECT max(s) FROM t);
WITH r AS (SELECT random() AS x) SELECT a.x = b.x AS same FROM r a, r b;
WITH t AS (SELECT g FROM ws WHERE v IS NOT NULL) SELECT g FROM t UNION ALL SELECT g FROM t ORDER BY 1;
WITH a AS (SELECT g FROM ws), b AS (SELECT count(*) AS n FROM a) SELECT count(*) AS rows, max(n) AS n FROM a, b;
WITH RECURSIVE t(x) AS (SELECT 1 UNION SELECT x + 1 FROM t WHERE x < 5), u AS (SELECT x FROM t WHERE x > 2) SELECT (SELECT count(*) FROM t) AS n, (SELECT sum(x) FROM u) AS s, count(*) AS c FROM t;
WITH RECURSIVE t(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM t WHERE x < 3) SELECT a.x, b.x FROM t a JOIN t b ON b.x = a.x + 1 ORDER BY 1;
DROP TABLE ws;

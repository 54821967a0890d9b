-- WITH: names for queries, visible to later ones, to subqueries and to
-- every term of a set operation; a WITH name hides a table.
CREATE TABLE w1 (a INTEGER, b INTEGER);
INSERT INTO w1 VALUES (1, 10), (2, 20), (3, NULL);
WITH x AS (SELECT a, b FROM w1 WHERE b IS NOT NULL) SELECT * FROM x ORDER BY a;
WITH x (p, q) AS (SELECT a, b FROM w1), y AS (SELECT p FROM x WHERE q > 15) SELECT count(*) AS n FROM y;
WITH x AS (SELECT a FROM w1) SELECT a FROM x WHERE a = (SELECT max(a) FROM x);
WITH x AS (SELECT 1 AS v) SELECT v FROM x UNION ALL SELECT v + 1 FROM x ORDER BY v DESC;
WITH w1 AS (SELECT 99 AS a) SELECT a FROM w1;
SELECT (WITH z AS (SELECT max(b) AS m FROM w1) SELECT m FROM z) AS m;
DROP TABLE w1;

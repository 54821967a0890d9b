-- Subqueries outside FROM: scalar, correlated, EXISTS, IN and NOT IN
-- with SQL's NULL rules, and in every clause.
CREATE TABLE s1 (a INTEGER, b INTEGER, c INTEGER);
INSERT INTO s1 VALUES (1, 10, 100), (2, 20, 200), (3, 30, NULL), (4, NULL, 400);
SELECT (SELECT max(a) FROM s1) AS m, (SELECT a FROM s1 WHERE a > 10) AS none;
SELECT a, (SELECT count(*) FROM s1 AS x WHERE x.b < s1.b) AS n FROM s1 ORDER BY a;
SELECT a FROM s1 WHERE EXISTS (SELECT 1 FROM s1 AS x WHERE x.a = s1.a + 1) ORDER BY a;
SELECT a FROM s1 WHERE NOT EXISTS (SELECT 1 FROM s1 AS x WHERE x.a = s1.a + 1);
SELECT a FROM s1 WHERE a IN (SELECT a + 1 FROM s1) ORDER BY 1;
SELECT count(*) AS n FROM s1 WHERE a NOT IN (SELECT b / 10 FROM s1);
SELECT a FROM s1 WHERE a NOT IN (SELECT b / 10 FROM s1 WHERE b IS NOT NULL);
SELECT 5 IN (SELECT a FROM s1 WHERE false) AS empty_in, 5 NOT IN (SELECT a FROM s1 WHERE false) AS empty_not_in, NULL IN (SELECT a FROM s1) AS null_in;
SELECT CASE WHEN c > (SELECT avg(c) FROM s1) THEN a * 2 ELSE b * 10 END AS v FROM s1 ORDER BY 1;
SELECT b / 10 AS k, count(*) AS n FROM s1 GROUP BY b / 10 HAVING count(*) >= (SELECT min(a) FROM s1) ORDER BY k;
SELECT a FROM s1 ORDER BY (SELECT count(*) FROM s1 AS x WHERE x.a > s1.a), a;
SELECT a, (SELECT max(y.b) FROM s1 AS y WHERE y.a < s1.a AND y.b IS NOT NULL) AS prev_b FROM s1 ORDER BY a;
DROP TABLE s1;

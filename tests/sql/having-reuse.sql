-- A HAVING subquery over the query's own FROM and WHERE is taken from
-- the groups (reuse.c): sum, min and max of the groups' aggregates.
CREATE TABLE hr (k INTEGER, v DECIMAL(10,2), w INTEGER);
INSERT INTO hr VALUES (1, 10.00, 1), (1, 5.50, 2), (2, 1.25, 1), (2, NULL, 1), (3, NULL, 2), (4, 40.00, 1), (4, -2.00, 3), (5, 0.75, 9);
SELECT k, sum(v) AS s FROM hr WHERE w < 9 GROUP BY k HAVING sum(v) > (SELECT sum(v) * 0.2 FROM hr WHERE w < 9) ORDER BY k;
EXPLAIN SELECT k, sum(v) AS s FROM hr WHERE w < 9 GROUP BY k HAVING sum(v) > (SELECT sum(v) * 0.2 FROM hr WHERE w < 9) ORDER BY k;
SELECT k, max(v) AS m FROM hr GROUP BY k HAVING max(v) >= (SELECT max(v) - 35 FROM hr) AND min(v) < (SELECT min(v) + 4 FROM hr) ORDER BY k;
SELECT k, count(*) AS n FROM hr GROUP BY k HAVING count(*) = 2 AND sum(v) < (SELECT sum(v) / 4 FROM hr) ORDER BY k;
SELECT k FROM hr WHERE w > 100 GROUP BY k HAVING sum(v) > (SELECT sum(v) FROM hr WHERE w > 100);
SELECT k, sum(v) AS s FROM hr WHERE w < 9 GROUP BY k HAVING sum(v) > (SELECT sum(v) * 0.2 FROM hr WHERE w < 3) ORDER BY k;
SELECT k, count(v) AS c FROM hr GROUP BY k HAVING count(v) >= (SELECT count(v) / 4 FROM hr) ORDER BY k;
SELECT k, sum(v) OVER () AS tot FROM hr WHERE k < 3 ORDER BY k, v;
SELECT k, v, sum(v) OVER (PARTITION BY k) AS s, max(v) OVER (PARTITION BY k) AS m, count(*) OVER (PARTITION BY k) AS n FROM hr ORDER BY k, v;

-- Subqueries of WHERE run as joins (decorrelation): semi and anti joins,
-- NOT IN's NULL rules, grouped aggregates; each answer is what the
-- subquery run per row gives.
CREATE TABLE o (id INTEGER, k INTEGER, a INTEGER);
CREATE TABLE i (k INTEGER, v INTEGER);
INSERT INTO o VALUES (1, 1, 10), (2, 2, 20), (3, 3, 30), (4, NULL, 40), (5, 1, 50), (6, 9, NULL);
INSERT INTO i VALUES (1, 10), (1, 11), (2, 20), (3, NULL), (NULL, 5), (7, 70);
SELECT id FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.k = o.k) ORDER BY id;
SELECT id FROM o WHERE NOT EXISTS (SELECT 1 FROM i WHERE i.k = o.k) ORDER BY id;
SELECT id FROM o WHERE EXISTS (SELECT * FROM i WHERE i.k = o.k AND i.v <> o.a) ORDER BY id;
SELECT id FROM o WHERE NOT EXISTS (SELECT * FROM i WHERE i.k = o.k AND i.v <> o.a) ORDER BY id;
SELECT id FROM o WHERE NOT EXISTS (SELECT 1 FROM i WHERE i.k = o.k AND o.a > 10) ORDER BY id;
SELECT id FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.k = o.k AND o.a > 10) ORDER BY id;
SELECT id FROM o WHERE a IN (SELECT v FROM i WHERE i.k = o.k) ORDER BY id;
SELECT id FROM o WHERE a + 1 IN (SELECT v + 1 FROM i WHERE i.k = o.k) ORDER BY id;
SELECT id FROM o WHERE k IN (SELECT k FROM i) ORDER BY id;
SELECT id FROM o WHERE k NOT IN (SELECT k FROM i) ORDER BY id;
SELECT id FROM o WHERE k NOT IN (SELECT k FROM i WHERE k IS NOT NULL) ORDER BY id;
SELECT id FROM o WHERE k NOT IN (SELECT k FROM i WHERE false) ORDER BY id;
SELECT id FROM o WHERE NOT (k IN (SELECT k FROM i WHERE k > 1)) ORDER BY id;
SELECT id FROM o WHERE a > (SELECT avg(v) FROM i WHERE i.k = o.k) ORDER BY id;
SELECT id FROM o WHERE a < (SELECT 2 * max(v) FROM i WHERE i.k = o.k) ORDER BY id;
SELECT id FROM o WHERE 0 = (SELECT count(*) FROM i WHERE i.k = o.k) ORDER BY id;
SELECT id FROM o WHERE (SELECT sum(v) FROM i WHERE i.k = o.k) >= 20 ORDER BY id;
SELECT * FROM o WHERE a >= (SELECT min(v) FROM i WHERE i.k = o.k) ORDER BY id;
SELECT id, k FROM o WHERE EXISTS (SELECT 1 FROM o AS p WHERE p.k = o.k AND p.id <> o.id) ORDER BY id;
SELECT id FROM o WHERE a > (SELECT avg(a) FROM o AS p WHERE p.k = o.k) ORDER BY id;
SELECT id FROM o WHERE k IN (SELECT k FROM i WHERE v IN (SELECT v FROM i WHERE v > 10)) ORDER BY id;
SELECT id FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.k = o.k) AND NOT EXISTS (SELECT 1 FROM i WHERE i.k = o.k AND i.v > 15) ORDER BY id;
SELECT o.id, p.id AS pid FROM o LEFT JOIN o AS p ON p.id = o.k WHERE EXISTS (SELECT 1 FROM i WHERE i.k = p.k) ORDER BY 1;
SELECT o.id FROM o JOIN i ON i.k = o.k WHERE NOT EXISTS (SELECT 1 FROM i AS j WHERE j.k = o.k AND j.v > i.v) ORDER BY 1;
SELECT k, count(*) AS n FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.k = o.k) GROUP BY k ORDER BY k;
SELECT id, (SELECT count(*) FROM i WHERE EXISTS (SELECT 1 FROM o AS p WHERE p.k = i.k AND p.a > 10)) AS n FROM o WHERE id < 3 ORDER BY id;
SELECT id FROM o WHERE a > 5 AND k < 3 AND a >= (SELECT avg(v) FROM i WHERE i.k = o.k) ORDER BY id;
SELECT o.id, p.id AS pid FROM o, o AS p WHERE p.k = o.k AND p.a > 10 AND o.a <= (SELECT max(v) + 30 FROM i WHERE i.k = p.k) ORDER BY 1, 2;
EXPLAIN SELECT id FROM o WHERE NOT EXISTS (SELECT 1 FROM i WHERE i.k = o.k);
DROP TABLE o;
DROP TABLE i;

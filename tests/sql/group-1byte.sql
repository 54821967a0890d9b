-- One or two text keys of one byte each find their groups by their
-- bytes (a map the groups fill as they come); other rows of the same
-- columns (NULL, empty, longer, multi-byte) take the hash table, and
-- both agree on each group.
CREATE TABLE g1b (a TEXT, b TEXT, n INTEGER);
INSERT INTO g1b SELECT CASE WHEN i % 3 = 0 THEN 'x' WHEN i % 3 = 1 THEN 'y' ELSE 'z' END, CASE WHEN i % 2 = 0 THEN 'p' ELSE 'q' END, i FROM generate_series(1, 5000) AS g(i);
SELECT a, b, count(*), sum(n) FROM g1b GROUP BY a, b ORDER BY a, b;
SELECT a, count(*), min(n), max(n) FROM g1b GROUP BY a ORDER BY a;
INSERT INTO g1b VALUES ('x', 'p', 100000), (NULL, 'p', 1), ('', 'p', 2), ('xy', 'p', 3), ('é', 'p', 4), ('x', NULL, 5), ('w', 'p', 6);
INSERT INTO g1b SELECT CASE WHEN i % 2 = 0 THEN 'x' ELSE 'w' END, 'p', i FROM generate_series(1, 3000) AS g(i);
SELECT a, b, count(*), sum(n) FROM g1b GROUP BY a, b ORDER BY a NULLS FIRST, b NULLS FIRST;
SELECT a, count(*), sum(n) FROM g1b GROUP BY a ORDER BY a NULLS FIRST;

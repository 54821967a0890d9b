-- count(DISTINCT) over many rows per chunk (the set is probed ahead of
-- the rows), and ORDER BY ... LIMIT past the top-N trims: ties stay in
-- input order, rows not before the kept bound never enter.
SELECT i % 3 AS g, count(DISTINCT i / 7) AS d, count(DISTINCT i % 10) AS e FROM generate_series(1, 10000) AS t(i) GROUP BY 1 ORDER BY 1;
SELECT count(DISTINCT CASE WHEN i % 5 = 0 THEN NULL ELSE i % 1234 END) AS d FROM generate_series(1, 20000) AS t(i);
SELECT i % 1000 AS k, i FROM generate_series(1, 20000) AS t(i) ORDER BY k DESC LIMIT 5 OFFSET 3;
SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE i % 500 END AS k, i FROM generate_series(1, 20000) AS t(i) ORDER BY k NULLS FIRST LIMIT 3 OFFSET 2;
SELECT i % 500 AS k, -i AS j FROM generate_series(1, 30000) AS t(i) ORDER BY k, j DESC LIMIT 4;

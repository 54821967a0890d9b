-- SELECT DISTINCT ON (PostgreSQL): the first row of each group of equal
-- DISTINCT ON values in ORDER BY order (NULLs are one group), by
-- expression, position or alias, with more ORDER BY keys after the
-- DISTINCT ON ones, over grouped rows, with LIMIT, in a subquery, and
-- without ORDER BY (one row per group; which one is unspecified, so
-- only the count is shown).
CREATE TABLE don1 (k TEXT, v INTEGER, w TEXT);
INSERT INTO don1 VALUES ('a', 3, 'x'), ('a', 1, 'y'), ('b', 2, 'z'), ('b', 5, 'q'), (NULL, 4, 'n'), (NULL, 0, 'm'), ('a', 3, 'w');
SELECT DISTINCT ON (k) k, v, w FROM don1 ORDER BY k, v DESC, w;
SELECT DISTINCT ON (k) k, v, w FROM don1 ORDER BY k DESC NULLS LAST, v;
SELECT DISTINCT ON (1) k AS key, v FROM don1 ORDER BY key, v;
SELECT DISTINCT ON (key) k AS key, w FROM don1 ORDER BY 1, w DESC;
SELECT DISTINCT ON (k, v) k, v, w FROM don1 ORDER BY v, k, w;
SELECT DISTINCT ON (v % 2) v % 2 AS parity, v FROM don1 ORDER BY v % 2, v DESC;
SELECT DISTINCT ON (upper(k)) w FROM don1 ORDER BY upper(k), w;
SELECT DISTINCT ON (k) k, v FROM don1 ORDER BY k, v LIMIT 2;
SELECT DISTINCT ON (k) k, v FROM don1 ORDER BY k, v LIMIT 2 OFFSET 1;
SELECT DISTINCT ON (k) k, count(*) AS n, max(v) FROM don1 GROUP BY k, w ORDER BY k, n DESC, max(v);
SELECT count(*) FROM (SELECT DISTINCT ON (k) k, v FROM don1) AS d;
SELECT sum(v) FROM (SELECT DISTINCT ON (k) v FROM don1 ORDER BY k, v) AS d;
SELECT DISTINCT ON (k) k, v, row_number() OVER (ORDER BY v, w) AS r FROM don1 ORDER BY k, v DESC, w;
SELECT DISTINCT ON (x) x FROM generate_series(1, 5) AS g(x) ORDER BY x DESC;
DROP TABLE don1;

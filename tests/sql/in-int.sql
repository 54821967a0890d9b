-- x IN / NOT IN a list of integer constants over a column: a bitmap of a
-- short range, a list for a wide one; NULL in the column is unknown (its
-- row kept by neither), a NULL in the list keeps the general rules.
CREATE TABLE inint (x INTEGER, b BIGINT, d DATE);
INSERT INTO inint VALUES (1, -5, DATE '2024-01-01'), (2, 9000000000, DATE '2024-01-02'), (NULL, NULL, NULL), (49, 0, DATE '2024-03-01'), (-3, 7, DATE '1999-12-31');
SELECT x, x IN (49, 14, 23, 45, 19, 3, 36, 9, 1) AS dense, x NOT IN (2, -3) AS nin, x IN (1, 1000000, -3) AS sparse FROM inint ORDER BY x NULLS LAST;
SELECT b, b IN (9000000000, -5) AS big, b NOT IN (0, 1, 2) AS nbig, b IN (7, NULL) AS withnull FROM inint ORDER BY b NULLS LAST;
SELECT d, d IN (DATE '2024-01-02', DATE '1999-12-31') AS din FROM inint ORDER BY d NULLS LAST;
SELECT count(*) AS n FROM inint WHERE x IN (1, 2, 49) AND x NOT IN (49);

-- Grouped sums and counts come out a column at a time: NULL for a group
-- with no value, 0 for count and total(), a DOUBLE sum's infinity as
-- before (a BIGINT one's overflow is an error: sql-breadth.bats).
CREATE TABLE aggout (g INTEGER, i BIGINT, d DOUBLE, x DECIMAL(5,1));
INSERT INTO aggout VALUES (1, 5, 1.5, 2.5), (1, NULL, NULL, NULL), (2, NULL, NULL, NULL), (3, 9223372036854775807, 1e308, 9999.9), (3, 1, 1e308, 9999.9);
SELECT g, sum(i), sum(d), sum(x), count(i), total(d) FROM aggout WHERE g < 3 GROUP BY g ORDER BY g;
SELECT g, sum(d), sum(x), count(*) FROM aggout GROUP BY g ORDER BY g;

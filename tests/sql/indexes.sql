-- Indexes: CREATE [UNIQUE] INDEX and DROP INDEX; a query whose WHERE
-- binds an index's first columns reads through it (EXPLAIN: INDEX
-- SCAN), with the rows it would read without; a UNIQUE index refuses
-- equal keys but never NULLs.
CREATE TABLE ix (a INTEGER, b TEXT, c DECIMAL(6,2));
INSERT INTO ix VALUES (1, 'x', 1.50), (2, 'y', NULL), (2, NULL, 3.00), (NULL, 'x', 4.25), (3, 'z', 1.50);
CREATE INDEX ix_a ON ix (a);
CREATE INDEX ix_bc ON ix (b, c DESC);
CREATE UNIQUE INDEX IF NOT EXISTS ix_u ON ix (a, b);
CREATE INDEX IF NOT EXISTS ix_a ON ix (c);
EXPLAIN SELECT * FROM ix WHERE a = 2;
EXPLAIN SELECT * FROM ix WHERE b = 'x' AND c > 1.00;
EXPLAIN SELECT * FROM ix WHERE c = 1.50;
SELECT * FROM ix WHERE a = 2 ORDER BY b;
SELECT * FROM ix WHERE a IN (1, 3, 7) ORDER BY a;
SELECT * FROM ix WHERE a BETWEEN 2 AND 3 ORDER BY a, b;
SELECT * FROM ix WHERE b = 'x' AND c > 1.00 ORDER BY c;
SELECT * FROM ix WHERE a < 2 ORDER BY a;
INSERT INTO ix VALUES (2, NULL, 9.99), (NULL, NULL, 0.00);
SELECT count(*) FROM ix WHERE a = 2;
-- constants of another type, where exact: an integer against a DECIMAL
-- or a BIGINT constant against an INTEGER column still use the index;
-- a constant with more decimal places than the column does not
CREATE INDEX ix_c ON ix (c);
EXPLAIN SELECT * FROM ix WHERE c > 1;
EXPLAIN SELECT * FROM ix WHERE a = 3000000000;
EXPLAIN SELECT * FROM ix WHERE c = 1.505;
SELECT * FROM ix WHERE c >= 1 ORDER BY a, b;
SELECT count(*) FROM ix WHERE a IN (2, 3000000000);
DROP INDEX ix_c;
DROP INDEX ix_u;
DROP INDEX IF EXISTS ix_u;
INSERT INTO ix VALUES (1, 'x', 0.01);
SELECT count(*) FROM ix WHERE a = 1 AND b = 'x';
DROP TABLE ix;

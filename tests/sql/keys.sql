-- PRIMARY KEY and UNIQUE: kept over INSERT, UPDATE and multi-row
-- statements; NULLs in a UNIQUE column never clash; a failed statement
-- changes nothing.
CREATE TABLE k1 (id INTEGER PRIMARY KEY, code TEXT UNIQUE, n INTEGER);
INSERT INTO k1 VALUES (1, 'a', 10), (2, NULL, 20), (3, NULL, 30);
UPDATE k1 SET id = id + 1;
UPDATE k1 SET code = 'b' WHERE id = 3;
SELECT * FROM k1 ORDER BY id;
CREATE TABLE k2 (a TEXT, b DATE, v INTEGER, CONSTRAINT k2_pk PRIMARY KEY (a, b));
INSERT INTO k2 VALUES ('x', DATE '2020-01-01', 1), ('x', DATE '2020-01-02', 2), ('y', DATE '2020-01-01', 3);
SELECT * FROM k2 ORDER BY a, b;
DROP TABLE k1;
DROP TABLE k2;

-- INSERT, UPDATE and DELETE ... RETURNING (PostgreSQL): the inserted
-- rows with their defaults, the new values of updated rows, the removed
-- rows; *, t.*, expressions, aliases, names as a select list's; nothing
-- matched returns no rows but the header.
CREATE TABLE ret1 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price DECIMAL(6,2) DEFAULT 1.00, at DATE);
INSERT INTO ret1 (id, name) VALUES (1, 'apple'), (2, 'pear') RETURNING *;
INSERT INTO ret1 VALUES (3, 'plum', 2.50, DATE '2026-03-01') RETURNING id * 10 AS x, upper(name), ret1.price, at + 1;
INSERT INTO ret1 SELECT x + 3, 'fig' || x, NULL, NULL FROM generate_series(1, 3) AS g(x) RETURNING ret1.*, price IS NULL AS no_price;
UPDATE ret1 SET price = price + 1 WHERE id BETWEEN 2 AND 3 RETURNING id, price, name;
UPDATE ret1 SET price = 0 WHERE id > 100 RETURNING *;
DELETE FROM ret1 WHERE name LIKE 'fig%' RETURNING id, name;
DELETE FROM ret1 WHERE id = 1 RETURNING 'gone: ' || name AS note;
SELECT * FROM ret1 ORDER BY id;
DELETE FROM ret1 RETURNING *;
DROP TABLE ret1;
-- RETURNING on the conflict forms: only the rows written
CREATE TABLE ret2 (k INTEGER PRIMARY KEY, v TEXT);
INSERT INTO ret2 VALUES (1, 'a'), (2, 'b');
INSERT OR REPLACE INTO ret2 VALUES (2, 'B'), (3, 'c') RETURNING *;
INSERT INTO ret2 VALUES (3, 'x'), (4, 'd') ON CONFLICT DO NOTHING RETURNING k;
INSERT OR IGNORE INTO ret2 VALUES (1, 'z') RETURNING k;
SELECT * FROM ret2 ORDER BY k;
DROP TABLE ret2;

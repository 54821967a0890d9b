-- Views: named queries kept as text, planned where they are used, as a
-- subquery in FROM would be. Each result here was checked against
-- PostgreSQL 15.
CREATE TABLE vt (id INTEGER, grp TEXT, amount DECIMAL(8,2));
INSERT INTO vt VALUES (1, 'a', 10.00), (2, 'a', 5.50), (3, 'b', 7.25), (4, 'c', NULL), (5, 'b', 1.00);
CREATE VIEW big AS SELECT id, grp, amount FROM vt WHERE amount > 5;
SELECT * FROM big ORDER BY id;
-- names from a column list, a view of a view, aggregates
CREATE VIEW totals (g, n, total) AS SELECT grp, count(*), sum(amount) FROM vt GROUP BY grp;
SELECT g, n, total FROM totals ORDER BY g;
CREATE VIEW big_totals AS SELECT grp, count(*) AS n FROM big GROUP BY grp;
SELECT grp, n FROM big_totals ORDER BY grp;
-- in joins, with an alias and column aliases, in a subquery, with WHERE
SELECT b.id, t.total FROM big b JOIN totals t ON t.g = b.grp ORDER BY b.id;
SELECT x.k, x.m FROM big_totals AS x (k, m) WHERE x.m > 1;
SELECT id FROM vt WHERE grp IN (SELECT g FROM totals WHERE total > 8) ORDER BY id;
SELECT id FROM vt WHERE EXISTS (SELECT 1 FROM big WHERE big.id = vt.id + 1) ORDER BY id;
SELECT (SELECT max(total) FROM totals) AS m;
-- a view follows its table: rows added later show
INSERT INTO vt VALUES (6, 'c', 9.00);
SELECT id FROM big ORDER BY id;
-- a view with WITH, set operations, ORDER BY and LIMIT inside
CREATE VIEW top2 AS WITH r AS (SELECT id, amount FROM vt WHERE amount IS NOT NULL) SELECT id FROM r ORDER BY amount DESC LIMIT 2;
SELECT id FROM top2 ORDER BY id;
CREATE VIEW ends AS SELECT min(id) AS id FROM vt UNION ALL SELECT max(id) FROM vt;
SELECT id FROM ends ORDER BY id;
CREATE VIEW nums AS WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 4) SELECT n FROM t;
SELECT sum(n) AS s FROM nums;
-- a view's name is found in any case, as a table's
SELECT count(*) AS c FROM BIG;
-- CREATE OR REPLACE changes the query; the columns may change too
-- (PostgreSQL allows only new columns at the end)
CREATE OR REPLACE VIEW big AS SELECT id, amount * 2 AS twice FROM vt WHERE amount > 8;
SELECT * FROM big ORDER BY id;
-- IF NOT EXISTS (SQLite's, not PostgreSQL's) keeps the old one; DROP
-- VIEW IF EXISTS of none is no error
CREATE VIEW IF NOT EXISTS big AS SELECT 1 AS one;
SELECT count(*) AS c FROM big;
DROP VIEW IF EXISTS nothing_here;
-- temporary views live in the session and may use the others
CREATE TEMP VIEW tv AS SELECT g FROM totals WHERE n > 1;
SELECT g FROM tv ORDER BY g;
CREATE OR REPLACE TEMPORARY VIEW tv AS SELECT 42 AS answer;
SELECT answer FROM tv;
DROP VIEW tv;
-- INSERT ... SELECT and CREATE TABLE ... AS from a view
CREATE TABLE vcopy AS SELECT * FROM totals;
INSERT INTO vcopy SELECT g || '2', n, total FROM totals WHERE g = 'a';
SELECT g, n, total FROM vcopy ORDER BY g;
-- VALUES as a view's query
CREATE VIEW consts (k, v) AS VALUES (1, 'one'), (2, 'two');
SELECT k, v FROM consts ORDER BY k DESC;
DROP VIEW consts;
DROP VIEW nums;
DROP VIEW ends;
DROP VIEW top2;
DROP VIEW big_totals;
DROP VIEW big;
DROP VIEW totals;
DROP TABLE vcopy;
DROP TABLE vt;

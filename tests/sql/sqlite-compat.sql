-- SQLite forms that sqllogictest scripts use, and answers that must
-- match SQLite's. Each statement's result follows in sqlite-compat.out.
-- An empty IN list: false (NOT IN: true) even for a NULL operand.
SELECT 7 IN () AS a, 7 NOT IN () AS b, NULL IN () AS c, NULL NOT IN () AS d, NULL IN (7) AS e;
CREATE TABLE sc_n(v INTEGER, w TEXT);
INSERT INTO sc_n VALUES (3, 'p'), (NULL, 'q'), (5, NULL);
SELECT count(*) AS n FROM sc_n WHERE NULL NOT IN ();
-- x IN t: the table's one column as the list.
CREATE TABLE sc_k(k INTEGER);
INSERT INTO sc_k VALUES (3), (NULL);
CREATE TABLE sc_e(k INTEGER);
SELECT 3 IN sc_k AS a, 4 IN sc_k AS b, 4 NOT IN sc_k AS c, NULL IN sc_e AS d, NULL NOT IN sc_e AS e;
-- x NOT NULL: x IS NOT NULL; a DEFAULT before NOT NULL stays a constraint.
SELECT v FROM sc_n WHERE v NOT NULL ORDER BY v;
SELECT w FROM sc_n WHERE w NOTNULL AND v ISNULL;
CREATE TABLE sc_d(a INTEGER DEFAULT 4 NOT NULL, b INTEGER);
INSERT INTO sc_d (b) VALUES (1);
SELECT a, b FROM sc_d;
-- total(): a DOUBLE, 0.0 over no values (sum gives NULL there).
SELECT total(v) AS t, sum(v) AS s FROM sc_n WHERE w = 'none';
SELECT total(v) AS t, total(DISTINCT v) AS td, sum(v) AS s, typeof(total(v)) AS ty FROM sc_n;
SELECT w, total(v) AS t FROM sc_n GROUP BY w ORDER BY w;
-- INSERT OR REPLACE: each new row deletes the rows, old or new, that
-- share its PRIMARY KEY or a UNIQUE value; a NULL clashes with nothing.
CREATE TABLE sc_r(k INTEGER PRIMARY KEY, u TEXT UNIQUE, v INTEGER);
INSERT INTO sc_r VALUES (1, 'a', 10), (2, 'b', 20), (3, NULL, 30);
INSERT OR REPLACE INTO sc_r VALUES (4, 'a', 40), (2, 'z', 21), (5, NULL, 50), (5, 'y', 51), (6, NULL, 60);
SELECT * FROM sc_r ORDER BY k;
REPLACE INTO sc_r (k, v) VALUES (3, 33);
-- INSERT OR IGNORE and ON CONFLICT DO NOTHING leave out a clashing row.
INSERT OR IGNORE INTO sc_r VALUES (7, 'a', 70), (8, 'q', 80), (8, 'r', 81), (9, NULL, 90);
INSERT INTO sc_r VALUES (4, 'n', 0), (10, 'n', 100) ON CONFLICT (k) DO NOTHING;
INSERT INTO sc_r SELECT k + 100, u, v FROM sc_r WHERE k < 3 ON CONFLICT DO NOTHING;
SELECT * FROM sc_r ORDER BY k;
-- A table without keys: every row goes in.
CREATE TABLE sc_nk(a INTEGER);
INSERT OR REPLACE INTO sc_nk VALUES (1), (1);
SELECT count(*) AS n FROM sc_nk;

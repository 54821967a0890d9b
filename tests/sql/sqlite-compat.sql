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

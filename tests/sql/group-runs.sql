-- Rows whose keys are the row before's take its group without a
-- lookup: a join's rows from one row of its other side come together,
-- text keys then the same bytes. Runs of NULL keys, runs broken by a
-- later key only, equal text from different rows, and groups that
-- runs and lookups both reach.
CREATE TABLE runs_d (k INTEGER, name TEXT, grp INTEGER);
INSERT INTO runs_d SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE 'n' || (i % 50) END, CASE WHEN i % 13 = 0 THEN NULL ELSE i % 7 END FROM generate_series(1, 300) AS g(i);
CREATE TABLE runs_f (k INTEGER, v INTEGER);
INSERT INTO runs_f SELECT i / 10 + 1, i FROM generate_series(0, 2999) AS g(i);
SELECT count(*), sum(c), sum(s) FROM (SELECT d.k, d.name, d.grp, count(*) AS c, sum(f.v) AS s FROM runs_f f JOIN runs_d d ON f.k = d.k GROUP BY d.k, d.name, d.grp) AS t;
SELECT d.name, d.grp, count(*), sum(f.v) FROM runs_f f JOIN runs_d d ON f.k = d.k GROUP BY d.name, d.grp ORDER BY d.name NULLS FIRST, d.grp NULLS FIRST LIMIT 12;
SELECT d.grp, lower(d.name) AS ln, count(*), min(f.v), max(f.v) FROM runs_f f JOIN runs_d d ON f.k = d.k WHERE d.k < 40 GROUP BY d.grp, lower(d.name) ORDER BY 1 NULLS FIRST, 2 NULLS FIRST;
SELECT f.k % 3 AS m, d.grp, count(*) FROM runs_f f JOIN runs_d d ON f.k = d.k GROUP BY f.k % 3, d.grp ORDER BY 1, 2 NULLS FIRST;
SELECT d.name, d.k / 1000 AS z, count(*), sum(f.v) FROM runs_f f JOIN runs_d d ON f.k = d.k GROUP BY d.name, d.k / 1000 ORDER BY d.name NULLS FIRST LIMIT 8;

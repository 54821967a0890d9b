-- DECIMAL to more places over a column (a vector at a time): in range,
-- NULL kept, out of range NULL under TRY_CAST (the plain CAST's error is
-- in sql-breadth.bats); a comparison's common type rescales the same way.
CREATE TABLE dres (v DECIMAL(10,2));
INSERT INTO dres VALUES (1.25), (NULL), (99.99), (-12.5);
SELECT CAST(v AS DECIMAL(6,4)) AS a, TRY_CAST(v AS DECIMAL(4,3)) AS b FROM dres;
SELECT v FROM dres WHERE v > 1.2499999999 ORDER BY v;

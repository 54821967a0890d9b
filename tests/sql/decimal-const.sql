-- Decimal +, - and * with a constant operand (1 - l_discount) run
-- without copies of the constant: the same values, NULLs and overflow
-- errors as with two columns, the constant on either side, small
-- operands (64-bit math) and large ones (checked 128-bit math).
CREATE TABLE dc (d DECIMAL(12,2), w DECIMAL(38,0));
INSERT INTO dc VALUES (0.06, 1), (-12.5, -99999999999999999999999999999999999999), (NULL, 99999999999999999999999999999999999999), (99999.99, NULL), (-0.01, 0);
SELECT d, 1 - d AS a, d - 1 AS b, 2.5 * d AS c, d * 2.5 AS e, 1 + d AS f, d + 100000000000.00 AS g, 100000000000.00 - d AS h FROM dc ORDER BY d;
SELECT d, d * 12345678901.5 AS big, 12345678901.5 * d AS big2, d * -0.001 AS tiny, (1 - d) * (1 + d) AS p FROM dc ORDER BY d;
SELECT sum(d * (1 - d)) AS s, sum((1 - d) * 3) AS t FROM dc;
SELECT w, w * 1 AS one, w - 0 AS zero, 0 * w AS z FROM dc ORDER BY w;

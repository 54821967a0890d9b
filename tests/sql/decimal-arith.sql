-- Decimal +, - and *: operands in 31 bits (no checks), in 64 bits
-- (64-bit math with its overflow flag, 128-bit when a result does not
-- fit) and wider (checked 128-bit math), with a constant operand on
-- either side (1 - l_discount: no copies of the constant) or two
-- columns; NULLs stay NULL.
CREATE TABLE dc (d DECIMAL(12,2), w DECIMAL(38,0));
INSERT INTO dc VALUES (0.06, 1), (-12.5, -99999999999999999999999999999999999999), (NULL, 99999999999999999999999999999999999999), (99999.99, NULL), (-0.01, 0);
SELECT d, 1 - d AS a, d - 1 AS b, 2.5 * d AS c, d * 2.5 AS e, 1 + d AS f, d + 100000000000.00 AS g, 100000000000.00 - d AS h FROM dc ORDER BY d;
SELECT d, d * 12345678901.5 AS big, 12345678901.5 * d AS big2, d * -0.001 AS tiny, (1 - d) * (1 + d) AS p FROM dc ORDER BY d;
SELECT sum(d * (1 - d)) AS s, sum((1 - d) * 3) AS t FROM dc;
SELECT w, w * 1 AS one, w - 0 AS zero, 0 * w AS z FROM dc ORDER BY w;
CREATE TABLE dw (a DECIMAL(18,2), b DECIMAL(18,2));
INSERT INTO dw VALUES (99999999.99, 3.00), (-42949672.96, 21474836.48), (9999999999999999.99, 9999999999999999.99), (NULL, 5.00), (0.01, NULL), (-9223372036854775.80, 1.00);
SELECT a, b, a * b AS m, a + b AS s, a - b AS d, a * 1000000.01 AS k, 21474836.48 * a AS k2, a - 92233720368547758.07 AS k3 FROM dw ORDER BY a, b;
SELECT sum(a * b) AS sm, sum(a * 3.5) AS sk FROM dw;

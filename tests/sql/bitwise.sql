-- bitwise operators: & | # ~ << >> and xor(), SQLite's shift rules
SELECT 5 & 3 AS a, 5 | 2 AS o, 5 # 1 AS x, xor(5, 1) AS xf, ~5 AS n, ~0 AS n0;
SELECT 1 << 3 AS l, -16 >> 2 AS r, 1 << 63 AS top, 1 << 64 AS gone, -1 >> 70 AS sign, 5 >> 64 AS zero;
SELECT 1 << -1 AS lneg, 8 >> -1 AS rneg, 1 << (-9223372036854775807 - 1) AS lmin, 1 >> 9223372036854775807 AS rmax;
SELECT 1 + 2 << 1 AS prec_add, 6 & 3 = 2 AS prec_cmp, 1 | 2 || 'x' AS with_concat, 7 & 3 | 8 AS ltr;
SELECT NULL & 1 IS NULL AS n1, ~NULL IS NULL AS n2, 2147483647::INTEGER | 1 AS int_in;
CREATE TABLE bits (v BIGINT);
INSERT INTO bits VALUES (1), (2), (3), (NULL), (-9223372036854775807 - 1);
SELECT v, v & 1 AS odd, v >> 1 AS half, ~v AS inv FROM bits ORDER BY v NULLS LAST;
DROP TABLE bits;

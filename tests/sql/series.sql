-- generate_series and range in FROM (PostgreSQL and DuckDB): the stop
-- included or not, steps down, the one-argument form from 0, empty
-- series, NULL arguments (no rows), the ends of BIGINT, column aliases,
-- joins, aggregates over a long series, and DATE and TIMESTAMP series
-- with INTERVAL steps (a month at a time from the 31st clamps, and the
-- clamped day is kept, as PostgreSQL and DuckDB do).
SELECT * FROM generate_series(1, 5);
SELECT * FROM range(1, 5);
SELECT * FROM range(3);
SELECT * FROM generate_series(3);
SELECT x FROM generate_series(10, 1, -3) AS g(x);
SELECT x FROM range(10, 1, -3) AS g(x);
SELECT x FROM range(1, 10, 3) AS g(x);
SELECT count(*) FROM generate_series(5, 1);
SELECT count(*) FROM range(5, 5);
SELECT count(*) FROM generate_series(5, 5);
SELECT count(*) FROM generate_series(1, NULL);
SELECT count(*) FROM range(NULL);
SELECT * FROM generate_series(9223372036854775805, 9223372036854775807);
SELECT * FROM generate_series(-9223372036854775806, -9223372036854775808, -1);
SELECT g FROM generate_series(1, 2) g;
SELECT g.x * 10 AS y FROM generate_series(1, 3) AS g(x) WHERE g.x <> 2;
SELECT a.x, b.y FROM range(3) AS a(x) JOIN range(1, 4) AS b(y) ON a.x = b.y ORDER BY 1;
SELECT count(*), sum(x), min(x), max(x) FROM range(1000000) AS r(x);
SELECT x % 3 AS k, count(*) FROM range(10) AS r(x) GROUP BY 1 ORDER BY 1;
SELECT (SELECT sum(x) FROM generate_series(1, 100) AS s(x)) AS total;
SELECT * FROM generate_series(DATE '2024-01-31', DATE '2024-05-01', INTERVAL '1 month');
SELECT * FROM range(DATE '2024-03-01', DATE '2024-03-04', INTERVAL '1 day');
SELECT * FROM generate_series(DATE '2024-03-04', DATE '2024-03-01', INTERVAL '-2 days');
SELECT * FROM generate_series(TIMESTAMP '2024-01-01 00:00:00', '2024-01-01 03:00:00', INTERVAL '90 minutes');
SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-01-02', INTERVAL '12 hours');
SELECT * FROM generate_series('2024-02-27', '2024-03-01', INTERVAL '1 day') AS d(day);
SELECT count(*) FROM generate_series(DATE '9999-12-30', DATE '9999-12-31', INTERVAL '1 day');
SELECT typeof(x) FROM generate_series(1, 1) AS g(x);

-- an aggregate's argument is evaluated only on the rows its FILTER keeps:
-- 10 / x on the dropped x = 0 is no error (PostgreSQL)
SELECT sum(10 / x) FILTER (WHERE x <> 0) AS s, count(*) AS n, sum(10 / x) FILTER (WHERE x > 1) AS s2, avg(10 / x) FILTER (WHERE x <> 0) AS a FROM (VALUES (0), (2), (5), (NULL)) t(x);
SELECT g, sum(100 / x) FILTER (WHERE x <> 0) AS s, string_agg(CAST(100 / x AS TEXT), ',') FILTER (WHERE x <> 0) AS l, count(*) FILTER (WHERE x = 0) AS zeros FROM (VALUES (1, 0), (1, 4), (2, 0), (1, 5)) t(g, x) GROUP BY g ORDER BY g;
SELECT min(100 / x) FILTER (WHERE x > 0) AS lo, max(100 / x) FILTER (WHERE x > 0) AS hi FROM range(-3, 4) t(x);

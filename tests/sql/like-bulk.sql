-- LIKE with only floating pieces over a table's text, which lies back to
-- back: a piece that runs from one row into the next is no match ('a'
-- then 'b' make "ab"; 'xab' then 'a' make "ba"), empty rows, NOT LIKE,
-- runs of '%'.
CREATE TABLE like_rows AS SELECT i, CASE i % 4 WHEN 0 THEN 'a' WHEN 1 THEN 'b' WHEN 2 THEN 'xab' ELSE '' END AS s FROM generate_series(1, 100) AS g(i);
SELECT count(*) FILTER (WHERE s LIKE '%ab%') AS ab, count(*) FILTER (WHERE s LIKE '%a%b%') AS a_b, count(*) FILTER (WHERE s NOT LIKE '%a%b%') AS not_a_b, count(*) FILTER (WHERE s LIKE '%b%') AS b, count(*) FILTER (WHERE s LIKE '%%a%%') AS a, count(*) FILTER (WHERE s LIKE '%%%') AS any, count(*) FILTER (WHERE s LIKE '%ba%') AS ba, count(*) FILTER (WHERE s LIKE '%xab%') AS xab FROM like_rows;

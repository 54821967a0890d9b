-- LIKE with constant patterns of literal pieces between %s (the fast
-- path) gives what the general matcher gives: each row's two columns agree.
CREATE TABLE lk (s TEXT);
INSERT INTO lk VALUES (''), ('a'), ('ab'), ('abc'), ('cab'), ('aba'), ('bca'), ('ccab'), ('abcab'), (NULL), ('a%b'), ('éa');
SELECT '' AS pattern, count(*) FILTER (WHERE s LIKE '') AS fast, count(*) FILTER (WHERE s LIKE ('' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE '') AS fast_not FROM lk;
SELECT 'a' AS pattern, count(*) FILTER (WHERE s LIKE 'a') AS fast, count(*) FILTER (WHERE s LIKE ('a' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE 'a') AS fast_not FROM lk;
SELECT '%' AS pattern, count(*) FILTER (WHERE s LIKE '%') AS fast, count(*) FILTER (WHERE s LIKE ('%' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE '%') AS fast_not FROM lk;
SELECT 'a%' AS pattern, count(*) FILTER (WHERE s LIKE 'a%') AS fast, count(*) FILTER (WHERE s LIKE ('a%' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE 'a%') AS fast_not FROM lk;
SELECT '%a' AS pattern, count(*) FILTER (WHERE s LIKE '%a') AS fast, count(*) FILTER (WHERE s LIKE ('%a' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE '%a') AS fast_not FROM lk;
SELECT '%a%' AS pattern, count(*) FILTER (WHERE s LIKE '%a%') AS fast, count(*) FILTER (WHERE s LIKE ('%a%' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE '%a%') AS fast_not FROM lk;
SELECT 'a%b' AS pattern, count(*) FILTER (WHERE s LIKE 'a%b') AS fast, count(*) FILTER (WHERE s LIKE ('a%b' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE 'a%b') AS fast_not FROM lk;
SELECT '%ab%c' AS pattern, count(*) FILTER (WHERE s LIKE '%ab%c') AS fast, count(*) FILTER (WHERE s LIKE ('%ab%c' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE '%ab%c') AS fast_not FROM lk;
SELECT 'ab%%c%' AS pattern, count(*) FILTER (WHERE s LIKE 'ab%%c%') AS fast, count(*) FILTER (WHERE s LIKE ('ab%%c%' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE 'ab%%c%') AS fast_not FROM lk;
SELECT '%b%a%' AS pattern, count(*) FILTER (WHERE s LIKE '%b%a%') AS fast, count(*) FILTER (WHERE s LIKE ('%b%a%' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE '%b%a%') AS fast_not FROM lk;
SELECT 'a%a' AS pattern, count(*) FILTER (WHERE s LIKE 'a%a') AS fast, count(*) FILTER (WHERE s LIKE ('a%a' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE 'a%a') AS fast_not FROM lk;
SELECT 'abc' AS pattern, count(*) FILTER (WHERE s LIKE 'abc') AS fast, count(*) FILTER (WHERE s LIKE ('abc' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE 'abc') AS fast_not FROM lk;
SELECT '%abc' AS pattern, count(*) FILTER (WHERE s LIKE '%abc') AS fast, count(*) FILTER (WHERE s LIKE ('%abc' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE '%abc') AS fast_not FROM lk;
SELECT '%ca%b' AS pattern, count(*) FILTER (WHERE s LIKE '%ca%b') AS fast, count(*) FILTER (WHERE s LIKE ('%ca%b' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE '%ca%b') AS fast_not FROM lk;
SELECT '%é%' AS pattern, count(*) FILTER (WHERE s LIKE '%é%') AS fast, count(*) FILTER (WHERE s LIKE ('%é%' || substr(s, 1, 0))) AS general, count(*) FILTER (WHERE s NOT LIKE '%é%') AS fast_not FROM lk;
DROP TABLE lk;

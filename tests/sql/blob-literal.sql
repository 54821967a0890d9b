-- X'...' BLOB literals (SQL standard, SQLite, PostgreSQL's bytea input)
SELECT x'303132' AS b, typeof(X'41') AS t, hex(x'00ff') AS h, X'' = CAST('' AS BLOB) AS empty;
SELECT x'41' = CAST('A' AS BLOB) AS eq, x'303132' IN () AS in_empty, x'303132' IN (SELECT CAST('012' AS BLOB)) AS in_sub;

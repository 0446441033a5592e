// Generic CASE without ELSE gives null when nothing holds.
UNWIND [-5, 0, 5] AS x RETURN x, CASE WHEN x < 0 THEN 'neg' WHEN x = 0 THEN 'zero' END AS sign

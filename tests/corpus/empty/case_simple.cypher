// Simple CASE: null matches no WHEN.
UNWIND [1, 2, 3, null] AS x RETURN x, CASE x WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END AS word

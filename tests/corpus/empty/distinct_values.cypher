// DISTINCT keeps one null and tells the string '1' from the integer 1.
UNWIND [1, 1, '1', 2, 2, null, null] AS x RETURN DISTINCT x

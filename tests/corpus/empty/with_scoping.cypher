WITH 1 AS a, 2 AS b WITH a + b AS c, a RETURN c, a

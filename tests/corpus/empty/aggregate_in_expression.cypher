UNWIND [1, 2, 3] AS x RETURN sum(x) * 2 + count(*) AS v

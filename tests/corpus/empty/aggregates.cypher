// Aggregates skip nulls; collect keeps duplicates unless DISTINCT.
UNWIND [1, 2, 2, 3, null] AS x
RETURN count(*), count(x), count(DISTINCT x), sum(x), avg(x), min(x), max(x), collect(x), collect(DISTINCT x)

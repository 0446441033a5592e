// Aggregating no rows at all still gives one row.
UNWIND [] AS x RETURN count(*), count(x), sum(x), avg(x), min(x), max(x), collect(x)

// count(*), count(expr) skips nulls, count(DISTINCT expr).
MATCH (n) RETURN count(*) AS all, count(n.age) AS with_age, count(DISTINCT n.lang) AS langs

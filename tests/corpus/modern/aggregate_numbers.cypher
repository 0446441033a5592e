// min, max, avg and sum of ages 29, 27, 32, 35.
MATCH (p:person) RETURN min(p.age), max(p.age), avg(p.age), sum(p.age)

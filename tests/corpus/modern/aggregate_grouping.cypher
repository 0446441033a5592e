// Grouping by software; collect() after an ordered WITH.
MATCH (p:person)-[:created]->(s:software)
WITH p, s ORDER BY p.name
RETURN s.name, count(p) AS creators, collect(p.name) AS names

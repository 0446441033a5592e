MATCH (d:Person)-[:DIRECTED]->(m)
WITH d, count(m) AS films WHERE films >= 2
RETURN d.name, films ORDER BY films DESC, d.name

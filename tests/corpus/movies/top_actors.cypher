MATCH (p:Person)-[:ACTED_IN]->(m) RETURN p.name, count(m) AS n ORDER BY n DESC, p.name LIMIT 3

MATCH (m:Movie) OPTIONAL MATCH (d)-[:DIRECTED]->(m)
RETURN m.title, count(d) AS directors ORDER BY directors DESC, m.title

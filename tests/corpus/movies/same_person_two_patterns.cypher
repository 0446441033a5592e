// Who directed and produced the same movie.
MATCH (p:Person)-[:DIRECTED]->(m), (p)-[:PRODUCED]->(m) RETURN p.name, m.title

// Movies with their directors; Top Gun and Speed have none here.
MATCH (m:Movie) OPTIONAL MATCH (d:Person)-[:DIRECTED]->(m) RETURN m.title, d.name

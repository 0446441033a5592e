// DELETE relationships chosen by WHERE, returning how many.
MATCH ()-[r:REVIEWED]->() WHERE r.rating < 70 DELETE r RETURN count(*) AS deleted;
// then:
MATCH (p)-[r:REVIEWED]->(m) RETURN p.name, m.title, r.rating

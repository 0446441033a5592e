// The cast of The Matrix with their role lists.
MATCH (p:Person)-[r:ACTED_IN]->(:Movie {title: 'The Matrix'}) RETURN p.name, r.roles

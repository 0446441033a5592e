MATCH (p:Person)-[:WROTE]->() RETURN p.name AS name
UNION
MATCH (p:Person)-[:PRODUCED]->() RETURN p.name AS name

// Relationships returned whole, with their endpoints.
MATCH (a)-[r:knows]->(b) RETURN a.name, r, b.name, startNode(r).name, endNode(r).name

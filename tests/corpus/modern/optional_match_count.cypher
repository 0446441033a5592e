// Degree of each person, zero-safe through OPTIONAL MATCH.
MATCH (p:person) OPTIONAL MATCH (p)-[r]-() RETURN p.name, count(r) AS degree ORDER BY p.name

// The two oldest people, then what they created.
MATCH (p:person) WITH p ORDER BY p.age DESC LIMIT 2
MATCH (p)-[:created]->(s) RETURN p.name, s.name

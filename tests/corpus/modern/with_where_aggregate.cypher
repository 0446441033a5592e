// Filter on an aggregate through WITH ... WHERE.
MATCH (p:person)-[:created]->(s)
WITH s, count(p) AS creators WHERE creators > 1
RETURN s.name, creators

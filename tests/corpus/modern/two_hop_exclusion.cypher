// Software made by marko's friends that marko did not make himself.
MATCH (m:person {name: 'marko'})-[:knows]->(f)-[:created]->(s)
WHERE NOT (m)-[:created]->(s)
RETURN f.name, s.name

// Who created the same software as marko.
MATCH (m:person {name: 'marko'})-[:created]->(s)<-[:created]-(c) RETURN c.name, s.name

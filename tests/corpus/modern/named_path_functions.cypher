// A named path with length(), nodes() and relationships().
MATCH p = (:person {name: 'marko'})-[:knows]->(:person)-[:created]->(s)
RETURN length(p) AS len, [n IN nodes(p) | n.name] AS names, [r IN relationships(p) | type(r)] AS types

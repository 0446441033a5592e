// Whom marko knows: an outgoing typed relationship.
MATCH (:person {name: 'marko'})-[:knows]->(f) RETURN f.name

// Exactly two hops out of marko.
MATCH (:person {name: 'marko'})-[*2]->(x) RETURN x.name

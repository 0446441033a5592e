// A zero-length lower bound includes the start node itself.
MATCH (:person {name: 'marko'})-[*0..1]->(x) RETURN x.name

// DELETE one relationship.
MATCH (:person {name: 'marko'})-[r:knows]->(:person {name: 'vadas'}) DELETE r;
// then:
MATCH (:person {name: 'marko'})-[:knows]->(f) RETURN f.name

// CREATE a relationship between two matched nodes.
MATCH (a:person {name: 'vadas'}), (b:person {name: 'peter'})
CREATE (a)-[r:knows {weight: 0.1}]->(b) RETURN type(r), r.weight;
// then:
MATCH (:person {name: 'vadas'})-[r:knows]->(x) RETURN x.name, r.weight

// MERGE a relationship twice: created once, matched the second time.
MATCH (a:person {name: 'peter'}), (b:person {name: 'josh'}) MERGE (a)-[r:knows]->(b) RETURN type(r);
// then:
MATCH (a:person {name: 'peter'}), (b:person {name: 'josh'}) MERGE (a)-[r:knows]->(b) RETURN type(r);
// then:
MATCH (:person {name: 'peter'})-[r]->(x) RETURN type(r), x.name

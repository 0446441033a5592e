// MERGE creates a new person: ON CREATE runs.
MERGE (p:person {name: 'stephen'}) ON CREATE SET p.age = 40 ON MATCH SET p.seen = true RETURN p;
// then:
MATCH (p:person) RETURN p.name ORDER BY p.name

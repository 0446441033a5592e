// REMOVE one label and SET another on the people without a birth year.
MATCH (p:Person) WHERE p.born IS NULL REMOVE p:Person SET p:Critic RETURN p.name, labels(p);
// then:
MATCH (c:Critic)-[r:REVIEWED]->(m) RETURN c.name, m.title;
// then:
MATCH (p:Person) RETURN count(p)

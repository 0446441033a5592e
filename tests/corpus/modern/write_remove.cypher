// REMOVE a property and a label.
MATCH (p:person {name: 'vadas'}) REMOVE p.age, p:person RETURN p, labels(p);
// then: three people are left.
MATCH (p:person) RETURN count(p)

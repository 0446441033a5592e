// SET adds a label to people over 30.
MATCH (p:person) WHERE p.age > 30 SET p:senior RETURN p.name, labels(p);
// then:
MATCH (s:senior) RETURN s.name

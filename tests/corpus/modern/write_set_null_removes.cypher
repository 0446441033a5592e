// Setting a property to null removes it.
MATCH (p:person {name: 'peter'}) SET p.age = null RETURN p, keys(p);
// then:
MATCH (p:person) WHERE p.age IS NULL RETURN p.name

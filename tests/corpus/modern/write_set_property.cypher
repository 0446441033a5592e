// SET two properties, one of them new.
MATCH (p:person {name: 'marko'}) SET p.age = 30, p.nick = 'mk' RETURN p;
// then:
MATCH (p:person) WHERE p.nick IS NOT NULL RETURN p.name, p.age, p.nick

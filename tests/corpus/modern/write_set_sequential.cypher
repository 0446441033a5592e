// SET items apply in order: the second reads what the first wrote.
MATCH (a:person {name: 'marko'}), (b:person {name: 'josh'}) SET a.age = b.age, b.age = a.age RETURN a.age, b.age;
// then:
MATCH (p:person) RETURN p.name, p.age ORDER BY p.name

// Nulls sort last ascending...
MATCH (n) RETURN n.name, n.age ORDER BY n.age, n.name;
// then: ...and first descending.
MATCH (n) RETURN n.name, n.age ORDER BY n.age DESC, n.name

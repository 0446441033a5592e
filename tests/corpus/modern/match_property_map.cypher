// A label plus a property map selects one node; the whole node is returned.
MATCH (p:person {name: 'marko'}) RETURN p

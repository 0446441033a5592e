// Map projection: properties, literals, all properties.
MATCH (p:person {name: 'marko'}) RETURN p {.name, .age, .missing, kind: 'person'} AS a, p {.*} AS b

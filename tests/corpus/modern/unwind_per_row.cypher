// UNWIND multiplies each matched row.
MATCH (p:person {name: 'marko'}) UNWIND [1, 2] AS i RETURN p.name, i

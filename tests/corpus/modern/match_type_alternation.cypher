// `:knows|created` matches either type.
MATCH (:person {name: 'marko'})-[r:knows|created]->(x) RETURN type(r), x.name, r.weight

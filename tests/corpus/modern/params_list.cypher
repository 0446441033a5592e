// params: {"names": ["marko", "peter"], "min": 30}
MATCH (p:person) WHERE p.name IN $names OR p.age >= $min RETURN p.name

MATCH (p:person) RETURN p.name, p.age ORDER BY p.age DESC

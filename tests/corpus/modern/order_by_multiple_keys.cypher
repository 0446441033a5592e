// Several sort keys, mixed directions; the weight tie on lop is broken by name.
MATCH (p)-[r:created]->(s) RETURN s.name, r.weight, p.name ORDER BY s.name ASC, r.weight DESC, p.name

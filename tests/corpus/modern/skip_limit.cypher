// Names in order: josh, marko, peter, vadas; skip one, take two.
MATCH (p:person) RETURN p.name ORDER BY p.name SKIP 1 LIMIT 2

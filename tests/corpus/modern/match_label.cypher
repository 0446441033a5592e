// Nodes with a label.
MATCH (p:person) RETURN p.name, p.age

// IN a literal list; names not in the graph match nothing.
MATCH (p:person) WHERE p.name IN ['josh', 'peter', 'nobody'] RETURN p.name, p.age

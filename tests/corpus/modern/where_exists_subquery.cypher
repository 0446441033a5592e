// EXISTS { pattern } in WHERE.
MATCH (p:person) WHERE EXISTS { (p)-[:knows]->() } RETURN p.name

// A negated pattern predicate: people who created nothing.
MATCH (p:person) WHERE NOT (p)-[:created]->() RETURN p.name

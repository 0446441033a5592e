// A pattern as a predicate: who created ripple.
MATCH (p:person) WHERE (p)-[:created]->(:software {name: 'ripple'}) RETURN p.name

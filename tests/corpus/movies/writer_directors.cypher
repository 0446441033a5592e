MATCH (p:Person) WHERE (p)-[:WROTE]->() AND (p)-[:DIRECTED]->() RETURN p.name

// Directors who never acted.
MATCH (p:Person) WHERE (p)-[:DIRECTED]->() AND NOT (p)-[:ACTED_IN]->() RETURN p.name

// OPTIONAL MATCH keeps vadas, who created nothing, with a null.
MATCH (p:person) OPTIONAL MATCH (p)-[:created]->(s) RETURN p.name, s.name

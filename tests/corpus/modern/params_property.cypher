// params: {"name": "josh"}
MATCH (p:person {name: $name})-[:created]->(s) RETURN s.name

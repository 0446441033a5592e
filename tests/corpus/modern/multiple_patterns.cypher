// Two comma-separated patterns sharing a variable: pairs of co-creators.
MATCH (a:person)-[:created]->(s), (b:person)-[:created]->(s)
WHERE a.name < b.name
RETURN a.name, b.name, s.name

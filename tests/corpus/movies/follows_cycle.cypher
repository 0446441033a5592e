// A two-node cycle of FOLLOWS, found from both ends.
MATCH (a)-[:FOLLOWS]->(b)-[:FOLLOWS]->(a) RETURN a.name, b.name

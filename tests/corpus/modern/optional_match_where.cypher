// The WHERE of an OPTIONAL MATCH filters the optional part only: rows without a match keep nulls.
MATCH (p:person) OPTIONAL MATCH (p)-[:knows]->(x) WHERE x.age > 30 RETURN p.name, x.name

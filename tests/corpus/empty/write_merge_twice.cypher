MERGE (n:Thing {id: 1}) ON CREATE SET n.created = true ON MATCH SET n.matched = true RETURN n;
// then:
MERGE (n:Thing {id: 1}) ON CREATE SET n.created = true ON MATCH SET n.matched = true RETURN n;
// then:
MATCH (n:Thing) RETURN count(n)

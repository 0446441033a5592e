// MERGE a node, then a relationship, with ON CREATE; the second run changes nothing.
MATCH (p:Person {name: 'Keanu Reeves'})
MERGE (m:Movie {title: 'John Wick'}) ON CREATE SET m.released = 2014
MERGE (p)-[r:ACTED_IN]->(m) ON CREATE SET r.roles = ['John Wick']
RETURN m.title, m.released, r.roles;
// then:
MATCH (p:Person {name: 'Keanu Reeves'})
MERGE (m:Movie {title: 'John Wick'}) ON CREATE SET m.released = 2014
MERGE (p)-[r:ACTED_IN]->(m) ON CREATE SET r.roles = ['John Wick']
RETURN m.title, m.released, r.roles;
// then:
MATCH (:Person {name: 'Keanu Reeves'})-[:ACTED_IN]->(m) RETURN count(m)

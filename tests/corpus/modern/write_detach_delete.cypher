// DETACH DELETE lop and its three created relationships.
MATCH (s:software {name: 'lop'}) DETACH DELETE s;
// then:
MATCH (n) RETURN count(n);
// then:
MATCH (a)-[r]->(b) RETURN a.name, type(r), b.name

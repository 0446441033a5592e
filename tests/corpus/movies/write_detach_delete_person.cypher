// DETACH DELETE Hugo Weaving and his three credits.
MATCH (p:Person {name: 'Hugo Weaving'}) DETACH DELETE p;
// then:
MATCH (p:Person)-[:ACTED_IN]->(:Movie {title: 'The Matrix'}) RETURN p.name;
// then:
MATCH (n) RETURN count(n)

CREATE (a:A {name: 'a'})-[:R {w: 1}]->(b:B {name: 'b'}) RETURN a, b;
// then:
MATCH (x)-[r]->(y) RETURN x.name, type(r), r.w, y.name

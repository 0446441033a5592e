// CREATE a movie and two acting credits for matched people.
MATCH (k:Person {name: 'Keanu Reeves'}), (c:Person {name: 'Carrie-Anne Moss'})
CREATE (m:Movie {title: 'The Matrix Revolutions', released: 2003})<-[:ACTED_IN {roles: ['Neo']}]-(k),
       (c)-[:ACTED_IN {roles: ['Trinity']}]->(m)
RETURN m.title;
// then:
MATCH (p:Person)-[r:ACTED_IN]->(:Movie {title: 'The Matrix Revolutions'}) RETURN p.name, r.roles

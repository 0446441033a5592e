// RETURN * returns every variable in scope.
MATCH (a:person {name: 'marko'})-[r:knows]->(b) RETURN *

CREATE (:P {i: 1})-[:R]->(:P {i: 2});
// then: DELETE without DETACH fails on connected nodes and changes nothing.
MATCH (n:P) DELETE n;
// then:
MATCH (n:P) RETURN count(n);
// then:
MATCH (n:P) DETACH DELETE n;
// then:
MATCH (n) RETURN count(n)

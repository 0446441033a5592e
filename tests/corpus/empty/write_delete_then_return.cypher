// DELETE a path's relationship then its nodes in one statement.
CREATE (:Q {i: 1})-[:R]->(:Q {i: 2});
// then:
MATCH (a:Q)-[r:R]->(b:Q) DELETE r, a, b RETURN count(*) AS deleted;
// then:
MATCH (n) RETURN count(n)

// MERGE sees the nodes created by earlier rows of the same statement.
UNWIND [1, 2, 1, 3, 2] AS i MERGE (n:K {id: i}) RETURN count(*) AS rows;
// then:
MATCH (n:K) RETURN n.id ORDER BY n.id

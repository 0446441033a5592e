// 1 to 3 FOLLOWS hops from James; the path back to James cannot reuse its first relationship.
MATCH (:Person {name: 'James Thompson'})-[:FOLLOWS*1..3]->(x) RETURN x.name, count(*) AS paths

// 17 acting and 8 directing credits, by 13 people, on all 8 movies.
MATCH (p:Person)-[:ACTED_IN|DIRECTED]->(m:Movie)
RETURN count(*) AS credits, count(DISTINCT p) AS people, count(DISTINCT m) AS movies

// Keanu's co-actors and how many films they share.
MATCH (:Person {name: 'Keanu Reeves'})-[:ACTED_IN]->(m)<-[:ACTED_IN]-(co)
RETURN co.name, count(m) AS movies ORDER BY movies DESC, co.name

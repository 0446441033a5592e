// collect() keeps the order of an ordered WITH.
MATCH (:Person {name: 'Tom Cruise'})-[:ACTED_IN]->(m) WITH m ORDER BY m.released RETURN collect(m.title) AS films

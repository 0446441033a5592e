MATCH (:Person {name: 'Tom Cruise'})-[:ACTED_IN]->(m) RETURN m.title, m.released ORDER BY m.released

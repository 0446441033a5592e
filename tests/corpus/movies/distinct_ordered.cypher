MATCH (:Person)-[:ACTED_IN]->(m) WHERE m.released < 2000 RETURN DISTINCT m.released ORDER BY m.released DESC

// params: {"year": 2000, "limit": 2}
MATCH (m:Movie) WHERE m.released >= $year RETURN m.title ORDER BY m.released LIMIT $limit

MATCH (m:Movie) WHERE m.released >= 1990 AND m.released < 2000 RETURN m.title, m.released ORDER BY m.released

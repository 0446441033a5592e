MATCH (m:Movie) WHERE m.tagline IS NULL RETURN m.title

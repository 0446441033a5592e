MATCH (m:Movie {title: 'The Matrix'}) RETURN m.title, m.released, m.tagline

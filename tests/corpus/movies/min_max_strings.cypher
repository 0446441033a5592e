MATCH (m:Movie) RETURN min(m.title), max(m.title), min(m.released), max(m.released)

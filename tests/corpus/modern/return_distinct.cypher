// DISTINCT over created software.
MATCH ()-[:created]->(s) RETURN DISTINCT s.name, s.lang

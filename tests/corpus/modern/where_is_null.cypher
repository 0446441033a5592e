// Missing properties are null.
MATCH (n) WHERE n.age IS NULL RETURN n.name, n.lang IS NOT NULL AS has_lang

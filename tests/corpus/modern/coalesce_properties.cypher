// coalesce() picks the first non-null property.
MATCH (n) RETURN n.name, coalesce(n.age, n.lang) AS info

// OPTIONAL MATCH with no match at all gives one row of nulls.
OPTIONAL MATCH (n:nothing) RETURN n, n.name

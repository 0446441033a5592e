// Simple CASE on the first label.
MATCH (n) RETURN n.name, CASE labels(n)[0] WHEN 'person' THEN 'P' WHEN 'software' THEN 'S' ELSE '?' END AS kind

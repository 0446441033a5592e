// Simple CASE on an integer expression.
MATCH (m:Movie)
RETURN m.title, CASE m.released / 10 * 10 WHEN 1980 THEN '80s' WHEN 1990 THEN '90s' ELSE 'later' END AS decade

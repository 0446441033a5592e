// Generic CASE: the first true branch wins.
MATCH (p:person)
RETURN p.name, CASE WHEN p.age < 30 THEN 'young' WHEN p.age < 34 THEN 'middle' ELSE 'senior' END AS bracket

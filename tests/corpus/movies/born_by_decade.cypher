MATCH (p:Person) WHERE p.born IS NOT NULL RETURN p.born / 10 * 10 AS decade, count(*) AS people ORDER BY decade

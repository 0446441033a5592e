MATCH (p:Person)<-[:FOLLOWS]-(f) RETURN p.name, count(f) AS followers ORDER BY p.name

// Who Jessica follows, and what they reviewed.
MATCH p = (:Person {name: 'Jessica Thompson'})-[:FOLLOWS]->(:Person)-[:REVIEWED]->(m)
RETURN [n IN nodes(p) | coalesce(n.name, n.title)] AS chain, length(p) AS len

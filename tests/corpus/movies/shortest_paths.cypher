// Keanu reaches Tom Hanks in four hops, seven ways: through a Matrix film and Hugo Weaving or Lana Wachowski to Cloud Atlas, or through James Thompson (who reviewed The Matrix) and his two FOLLOWS links with Jessica or The Da Vinci Code.
MATCH (k:Person {name: 'Keanu Reeves'}), (h:Person {name: 'Tom Hanks'})
MATCH p = shortestPath((k)-[*]-(h))
RETURN length(p) AS hops;
MATCH (k:Person {name: 'Keanu Reeves'}), (h:Person {name: 'Tom Hanks'})
MATCH p = allShortestPaths((k)-[*]-(h))
RETURN [n IN nodes(p) | coalesce(n.name, n.title)] AS via

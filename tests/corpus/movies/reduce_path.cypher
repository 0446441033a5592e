// reduce() over a path's nodes: the initials along each 2-hop FOLLOWS path.
MATCH p = (:Person {name: 'James Thompson'})-[:FOLLOWS*2]->(x)
RETURN x.name, reduce(s = '', n IN nodes(p) | s + substring(n.name, 0, 1)) AS initials

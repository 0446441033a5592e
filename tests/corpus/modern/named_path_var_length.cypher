// Named variable-length paths from marko, ordered by length then end node.
MATCH p = (:person {name: 'marko'})-[*1..2]->(x)
RETURN length(p) AS len, x.name AS name ORDER BY len, name

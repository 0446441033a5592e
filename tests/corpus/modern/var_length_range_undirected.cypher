// Undirected paths of 1 to 3 hops from peter, counted per end node
// (relationships are not repeated within a path).
MATCH (:person {name: 'peter'})-[*1..3]-(x) RETURN x.name, count(*) AS paths ORDER BY x.name

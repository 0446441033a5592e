// An undirected triangle: marko knows josh, both created lop. Each of the
// 3 starting points and 2 directions gives a row.
MATCH (a)--(b)--(c)--(a) RETURN a.name, b.name, c.name

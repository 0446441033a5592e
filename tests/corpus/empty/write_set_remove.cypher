CREATE (n:X {a: 1, b: 2}) SET n.c = 3, n:Y REMOVE n.a, n:X RETURN n, labels(n), keys(n)

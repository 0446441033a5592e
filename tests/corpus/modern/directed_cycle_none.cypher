// No two nodes point at each other in the modern graph.
MATCH (a)-->(b)-->(a) RETURN a, b

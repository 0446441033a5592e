// Every node of the graph, by name.
MATCH (n) RETURN n.name

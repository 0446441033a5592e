// Untyped (a)-->(b)-->(a): only the FOLLOWS pair forms one.
MATCH (a)-->(b)-->(a) RETURN a.name, b.name

// Three relationship types at once.
MATCH (p:Person)-[r:DIRECTED|PRODUCED|WROTE]->(:Movie {title: 'Jerry Maguire'}) RETURN p.name, type(r)

// List indexing and size() on relationship properties.
MATCH (p:Person)-[r:ACTED_IN]->(m) WHERE size(r.roles) > 1
RETURN p.name, m.title, size(r.roles), r.roles[0], r.roles[-1]

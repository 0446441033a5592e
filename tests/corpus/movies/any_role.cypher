// any() over a list property.
MATCH (p:Person)-[r:ACTED_IN]->(m:Movie) WHERE any(role IN r.roles WHERE role STARTS WITH 'Dr.') RETURN p.name, m.title

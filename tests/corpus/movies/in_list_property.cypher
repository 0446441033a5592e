MATCH (p)-[r:ACTED_IN]->(m) WHERE 'Neo' IN r.roles RETURN p.name, m.title

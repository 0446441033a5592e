// Who created lop: an incoming typed relationship.
MATCH (s:software {name: 'lop'})<-[:created]-(p) RETURN p.name

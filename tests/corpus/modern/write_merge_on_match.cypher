// MERGE finds josh: ON MATCH runs, ON CREATE does not.
MERGE (p:person {name: 'josh'}) ON CREATE SET p.created = true ON MATCH SET p.seen = true
RETURN p.name, p.created, p.seen;
// then: still four people.
MATCH (p:person) RETURN count(p)

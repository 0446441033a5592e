// UNION removes duplicates; UNION ALL keeps them.
MATCH (p:person)-[:created]->() RETURN p.name AS name
UNION
MATCH (p:person)<-[:knows]-() RETURN p.name AS name;
// then:
MATCH (p:person)-[:created]->() RETURN p.name AS name
UNION ALL
MATCH (p:person)<-[:knows]-() RETURN p.name AS name

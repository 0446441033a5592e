// Pattern comprehensions: how many things each person created, and whom
// they know that is older than 28 (only marko knows anyone).
MATCH (p:person)
RETURN p.name, size([(p)-[:created]->(s) | s.name]) AS made, [(p)-[:knows]->(f) WHERE f.age > 28 | f.name] AS older_friends

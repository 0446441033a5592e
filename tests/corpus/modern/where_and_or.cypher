// AND binds tighter than OR.
MATCH (p:person) WHERE p.age > 28 AND p.age < 33 OR p.name = 'peter' RETURN p.name

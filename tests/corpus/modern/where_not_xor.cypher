// NOT binds tighter than XOR: (age <= 30) XOR (name starts with m) holds for vadas only.
MATCH (p:person) WHERE NOT p.age > 30 XOR p.name STARTS WITH 'm' RETURN p.name

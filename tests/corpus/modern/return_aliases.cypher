// Column aliases and computed columns.
MATCH (p:person {name: 'josh'}) RETURN p.name AS who, p.age + 1 AS next_year, p.age * 2

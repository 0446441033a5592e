MATCH (p:Person) WHERE p.name STARTS WITH 'Tom '
RETURN toUpper(p.name), toLower(p.name), size(p.name), substring(p.name, 4), left(p.name, 3), split(p.name, ' ')

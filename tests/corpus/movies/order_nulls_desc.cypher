// Null birth years come first in descending order.
MATCH (p:Person) WHERE p.name ENDS WITH 'Thompson' OR p.born < 1950
RETURN p.name, p.born ORDER BY p.born DESC, p.name

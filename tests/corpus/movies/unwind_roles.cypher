// UNWIND a list property.
MATCH (:Person {name: 'Hugo Weaving'})-[r:ACTED_IN]->() UNWIND r.roles AS role RETURN role ORDER BY role

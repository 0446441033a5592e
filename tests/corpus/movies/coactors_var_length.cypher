// Exactly two ACTED_IN hops either way: Keanu's co-actors (never Keanu himself).
MATCH (:Person {name: 'Keanu Reeves'})-[:ACTED_IN*2]-(x:Person) RETURN DISTINCT x.name

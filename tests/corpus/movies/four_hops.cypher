// Four ACTED_IN hops: Keanu again (through the two Matrix films), his Matrix
// co-stars, and Tom Hanks through Hugo Weaving and Cloud Atlas.
MATCH (:Person {name: 'Keanu Reeves'})-[:ACTED_IN*4]-(x:Person) RETURN DISTINCT x.name

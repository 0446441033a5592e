// Deleting a node that still has relationships fails without DETACH, and changes nothing.
MATCH (p:person {name: 'josh'}) DELETE p;
// then:
MATCH (p:person {name: 'josh'})-[r]-() RETURN count(r)

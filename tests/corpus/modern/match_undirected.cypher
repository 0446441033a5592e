// Every relationship touching josh, either direction.
MATCH (:person {name: 'josh'})-[r]-(x) RETURN type(r), x.name

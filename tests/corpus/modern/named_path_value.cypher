// A path returned whole, against the direction of its relationship.
MATCH p = (:person {name: 'vadas'})<-[:knows]-(m) RETURN p, length(p)

// Typed variable length with DISTINCT: what marko reaches through knows then anything.
MATCH (:person {name: 'marko'})-[:knows*1..2]->(x) RETURN DISTINCT x.name

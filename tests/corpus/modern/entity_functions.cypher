// labels(), keys(), properties() and type().
MATCH (n {name: 'lop'})<-[r {weight: 0.2}]-(m) RETURN labels(n), keys(n), properties(n), type(r), properties(r), m.name

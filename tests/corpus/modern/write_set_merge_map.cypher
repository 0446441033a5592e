// SET += merges a map into the properties.
MATCH (s:software {name: 'lop'}) SET s += {lang: 'jvm', stars: 5} RETURN s;
// then:
MATCH (s:software) RETURN s.name, s.lang, s.stars

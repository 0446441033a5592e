// SET n = map replaces every property.
MATCH (m:Movie {title: 'Speed'}) SET m = {title: 'Speed', tagline: 'Get ready for rush hour'} RETURN m;
// then:
MATCH (m:Movie {title: 'Speed'}) RETURN m.released, m.tagline

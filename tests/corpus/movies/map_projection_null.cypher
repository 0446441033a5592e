// A projected missing property shows as null.
MATCH (m:Movie {title: 'Speed'}) RETURN m {.title, .released, .tagline, cast: 2} AS movie

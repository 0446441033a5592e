// Movies with more than one actor, then their directors.
MATCH (m:Movie)<-[:ACTED_IN]-(a) WITH m, count(a) AS cast WHERE cast > 1
MATCH (m)<-[:DIRECTED]-(d) RETURN m.title, cast, d.name

// Ratings per reviewed movie.
MATCH ()-[r:REVIEWED]->(m) RETURN m.title, avg(r.rating) AS avg, count(r) AS reviews, max(r.rating) AS best ORDER BY m.title

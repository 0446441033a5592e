// Grouping keys.
UNWIND [{k: 'a', v: 1}, {k: 'b', v: 2}, {k: 'a', v: 3}] AS r RETURN r.k AS k, sum(r.v) AS total, collect(r.v) AS vs

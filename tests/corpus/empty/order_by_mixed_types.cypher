// The global sort order: lists, strings, booleans, numbers, then null.
UNWIND [3, 'b', 1.5, null, true, 'a', [1], 2, false] AS x RETURN x ORDER BY x;
// then: descending reverses it.
UNWIND [3, 'b', 1.5, null, true, 'a', [1], 2, false] AS x RETURN x ORDER BY x DESC

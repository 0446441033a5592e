UNWIND [3, 1, 2] AS x RETURN x;
// then: an empty list gives no rows.
UNWIND [] AS x RETURN x;
// then: so does null.
UNWIND null AS x RETURN x;
// then: nested lists flatten through two UNWINDs.
UNWIND [[1, 2], [3]] AS l UNWIND l AS x RETURN l, x

// A null predicate that could decide the answer makes it null.
RETURN any(x IN [1, null] WHERE x = 2), all(x IN [1, null] WHERE x = 1), none(x IN [null] WHERE x = 1),
       any(x IN [1, null] WHERE x = 1), all(x IN [2, null] WHERE x = 1)

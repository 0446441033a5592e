// Three-valued logic: comparisons with null are null.
RETURN null = null, null <> null, 1 + null, null IS NULL, null AND false, null OR true, null AND true, NOT null,
       null IN [1], 1 IN [1, null], 2 IN [1, null]

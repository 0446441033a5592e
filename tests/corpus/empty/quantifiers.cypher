RETURN all(x IN [1, 2, 3] WHERE x > 0), any(x IN [1, 2, 3] WHERE x > 2), none(x IN [1, 2, 3] WHERE x > 3),
       single(x IN [1, 2, 3] WHERE x = 2), single(x IN [1, 2, 2] WHERE x = 2), all(x IN [] WHERE false), any(x IN [] WHERE true)

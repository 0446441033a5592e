RETURN size([]), head([]), coalesce(null, null, 3), [] = [], range(5, 1, -2), range(1, 0), [1, 2, 3][..-1], [1, 2, 3][1..]

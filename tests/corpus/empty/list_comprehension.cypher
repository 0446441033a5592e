RETURN [x IN range(1, 10) WHERE x % 2 = 0 | x * x] AS squares, [x IN [1, 2, 3] | x + 1] AS inc, [x IN [1, 2, 3] WHERE x > 1] AS gt1

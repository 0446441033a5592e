// Numbers compare across integer and float; values of different types are not equal
// and have no order.
RETURN 1 < 2.5, 'a' < 'b', 1 = 1.0, '1' = 1, [1, 2] = [1, 2], {a: 1} = {a: 1}, 1 < 'a', 'B' < 'a'

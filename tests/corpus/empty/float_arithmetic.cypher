// Any float operand makes a float.
RETURN 7.0 / 2, 1 / 2.0, 2.5 * 2, 10 / 4, 10 / 4.0, 1e3, 0.1 + 0.2, 1.5 % 1

// Integer division truncates toward zero; % keeps the dividend's sign; ^ is always a float.
RETURN 7 / 2, 7 % 3, -7 / 2, -7 % 3, 2 ^ 10, 1 + 2 * 3 - 4, (1 + 2) * 3

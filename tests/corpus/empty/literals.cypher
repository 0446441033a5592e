RETURN 1, -2, 3.5, 'str', true, false, null, [1, 'a', null], {a: 1, b: [2]}

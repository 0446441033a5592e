RETURN reduce(acc = 0, x IN [1, 2, 3, 4] | acc + x) AS sum, reduce(s = '', w IN ['a', 'b', 'c'] | s + w) AS concat

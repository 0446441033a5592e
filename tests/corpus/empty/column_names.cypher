// Unaliased columns are named after their expression text.
RETURN 1 + 1, 'x' AS y, [1] AS z

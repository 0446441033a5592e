// Float division by zero follows IEEE 754.
RETURN 1.0 / 0, -1.0 / 0, 0.0 / 0

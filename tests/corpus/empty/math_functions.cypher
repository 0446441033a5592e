RETURN abs(-3), abs(-2.5), ceil(1.2), floor(1.8), round(2.4), round(2.6), round(-2.6), sign(-4), sign(0.5), sqrt(16),
       exp(0), log(1), log10(100), pi() > 3.14 AND pi() < 3.15, e() > 2.71 AND e() < 2.72

WITH {a: 1, b: {c: 'x'}} AS m RETURN m.a, m.b.c, m['a'], keys(m), m.missing, m {.a, z: true} AS projected

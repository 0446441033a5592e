// Every path of any length out of marko: vadas, josh, lop directly; ripple and lop through josh.
MATCH (:person {name: 'marko'})-[*]->(x) RETURN x.name

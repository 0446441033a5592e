MATCH (n) RETURN count(n);
// then:
MATCH (n) RETURN n;
// then:
OPTIONAL MATCH (n) RETURN n

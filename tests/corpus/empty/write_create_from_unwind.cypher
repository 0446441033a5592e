UNWIND range(1, 3) AS i CREATE (:N {i: i});
// then:
MATCH (n:N) RETURN sum(n.i), count(n)

//! Bad input: every malformed or failing query gets the error a user should
//! see (class, detail code, phase and, for syntax errors, the byte position),
//! and no mutation of a valid query makes the engine panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use plexus::{Database, Error, ErrorClass, Params, Value};
use plexus_storage::Phase;

const MODERN: &str = include_str!("fixtures/modern.cypher");

fn modern() -> Database {
    let db = Database::in_memory();
    let text: String = MODERN.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let text = text.trim().trim_end_matches(';');
    db.execute(text, &Params::new()).and_then(|r| r.collect_rows()).expect("the modern fixture loads");
    db
}

/// Run a statement to the end: compile errors and runtime errors alike.
fn run(db: &Database, query: &str, params: &Params) -> Result<Vec<Vec<Value>>, Error> {
    db.execute(query, params).and_then(|r| r.collect_rows())
}

fn error_of(db: &Database, query: &str) -> Error {
    match run(db, query, &Params::new()) {
        Ok(rows) => panic!("`{query}` should fail, but returned {rows:?}"),
        Err(e) => e,
    }
}

/// Assert class, detail and phase of the error `query` raises.
fn assert_error(db: &Database, query: &str, class: ErrorClass, detail: &str, phase: Phase) -> Error {
    let e = error_of(db, query);
    assert_eq!((e.class, e.detail, e.phase), (class, detail, phase), "`{query}` raised {e}");
    e
}

/// A syntax error whose position is the first byte of `at` in the query
/// (`at` = "" means the end of the query).
fn assert_syntax(query: &str, detail: &str, at: &str) {
    let e = assert_error(&Database::in_memory(), query, ErrorClass::SyntaxError, detail, Phase::Compile);
    let expected = if at.is_empty() { query.len() } else { query.find(at).expect("`at` occurs in the query") };
    assert_eq!(e.pos, Some(expected), "`{query}`: {e} should point at {at:?} (byte {expected})");
}

#[test]
fn syntax_errors_point_at_the_offending_token() {
    // (query, detail, text the position must point at; "" = end of input)
    let cases = [
        ("MATCH (n RETURN n", "UnexpectedSyntax", "RETURN"),
        ("RETURN 1 +", "UnexpectedSyntax", ""),
        ("MATCH (n)-[r]-> RETURN n", "UnexpectedSyntax", "RETURN"),
        ("FOO (n) RETURN n", "UnexpectedSyntax", "FOO"),
        ("MATCHX (n) RETURN n", "UnexpectedSyntax", "MATCHX"),
        ("MATCH (n) RETRUN n", "UnexpectedSyntax", "RETRUN"),
        ("RETURN 'abc", "UnexpectedSyntax", "'abc"),
        ("RETURN \"abc", "UnexpectedSyntax", "\"abc"),
        ("RETURN 'a\\qb'", "UnexpectedSyntax", "\\q"),
        ("RETURN '\\u12'", "InvalidUnicodeLiteral", "\\u12"),
        ("RETURN 9223372036854775808", "IntegerOverflow", "9223372036854775808"),
        ("RETURN", "UnexpectedSyntax", ""),
        ("", "UnexpectedSyntax", ""),
        ("MATCH (n) RETURN n SKIP -1", "NegativeIntegerArgument", "-1"),
        ("MATCH (n) RETURN n LIMIT 'a'", "InvalidArgumentType", "'a'"),
        ("UNWIND range(1, 3) AS x RETURN x LIMIT -1", "NegativeIntegerArgument", "-1"),
        ("CREATE (n)-[:R]-(m)", "RequiresDirectedRelationship", "-[:R]-"),
        ("CREATE (n)-[]->(m)", "NoSingleRelationshipType", "-[]->"),
        ("MERGE (n)-[:R*2]->(m)", "CreatingVarLength", "-[:R*2]->"),
    ];
    for (query, detail, at) in cases {
        assert_syntax(query, detail, at);
    }
}

#[test]
fn semantic_errors() {
    // (query, detail, text the position must point at, if the engine gives one)
    let cases: [(&str, &str, Option<&str>); 13] = [
        ("RETURN x", "UndefinedVariable", Some("x")),
        ("MATCH (n) RETURN m", "UndefinedVariable", Some("m")),
        ("MATCH (a) WITH a RETURN b", "UndefinedVariable", Some("b")),
        ("CREATE (n:A {x: n.y})", "UndefinedVariable", Some("n.y")),
        ("MATCH (n)-[n]->() RETURN n", "VariableTypeConflict", Some("-[n]->")),
        ("MATCH (n) WHERE count(n) > 1 RETURN n", "InvalidAggregation", Some("count(n)")),
        ("RETURN count(count(*))", "NestedAggregation", Some("count(count")),
        ("RETURN *", "NoVariablesInScope", None),
        ("RETURN 1 AS a, 2 AS a", "ColumnNameConflict", Some("2 AS a")),
        ("RETURN nosuchfn(1)", "UnknownFunction", Some("nosuchfn")),
        ("MATCH (a)-[r]->(b), (c)-[r]->(d) RETURN count(*)", "RelationshipUniquenessViolation", None),
        ("RETURN 1 AS a UNION RETURN 2 AS b", "DifferentColumnsInUnion", None),
        ("MATCH (n)", "InvalidClauseComposition", None),
    ];
    let db = Database::in_memory();
    for (query, detail, at) in cases {
        let e = assert_error(&db, query, ErrorClass::SyntaxError, detail, Phase::Compile);
        if let Some(at) = at {
            let expected = query.find(at).expect("`at` occurs in the query");
            assert_eq!(e.pos, Some(expected), "`{query}`: {e} should point at {at:?}");
        }
    }
    // These are compile errors: nothing runs, so nothing is written.
    let db = Database::in_memory();
    assert_error(&db, "CREATE (a) WITH a RETURN b", ErrorClass::SyntaxError, "UndefinedVariable", Phase::Compile);
    assert_eq!(run(&db, "MATCH (n) RETURN count(n)", &Params::new()).unwrap(), vec![vec![Value::Integer(0)]]);
}

#[test]
fn type_errors() {
    let db = Database::in_memory();
    // Types evident in the query text are rejected before it runs, as in Neo4j.
    for query in ["RETURN 'a' - 1", "RETURN 'a' * 2", "WITH 'a' AS s RETURN s % 2"] {
        assert_error(&db, query, ErrorClass::SyntaxError, "InvalidArgumentType", Phase::Compile);
    }
    assert_error(&db, "WITH 1 AS n RETURN n.foo", ErrorClass::TypeError, "InvalidArgumentType", Phase::Compile);
    assert_error(&db, "RETURN {a: 1}[1]", ErrorClass::TypeError, "MapElementAccessByNonString", Phase::Runtime);
    let invalid_type = [
        "RETURN {a: 1} + 1",
        "RETURN true + 1",
        "RETURN [1, 2][0.5]",
        "UNWIND ['a'] AS s RETURN s - 1",
        "UNWIND [1, 'a'] AS x RETURN sum(x)",
    ];
    for query in invalid_type {
        assert_error(&db, query, ErrorClass::TypeError, "InvalidArgumentType", Phase::Runtime);
    }
    for query in ["RETURN toInteger([1])", "RETURN sqrt('a')", "RETURN size(1)", "RETURN abs('x')"] {
        assert_error(&db, query, ErrorClass::TypeError, "InvalidArgumentValue", Phase::Runtime);
    }
    let db = modern();
    assert_error(&db, "MATCH (n) SET n.x = {a: 1}", ErrorClass::TypeError, "InvalidPropertyType", Phase::Runtime);
    assert_error(&db, "MATCH p = ()-->() SET p.x = 1", ErrorClass::TypeError, "InvalidArgumentType", Phase::Runtime);
}

#[test]
fn list_concatenation_is_not_a_type_error() {
    // `list + x` appends x and `x + list` prepends it, whatever x is (as in Neo4j).
    let db = Database::in_memory();
    let map = Value::Map([("a".to_string(), Value::Integer(1))].into_iter().collect());
    let rows = run(&db, "RETURN [1] + {a: 1}, {a: 1} + [1]", &Params::new()).unwrap();
    assert_eq!(
        rows,
        vec![vec![Value::List(vec![Value::Integer(1), map.clone()]), Value::List(vec![map, Value::Integer(1)]),]]
    );
}

#[test]
fn argument_errors() {
    let db = Database::in_memory();
    assert_error(&db, "RETURN substring('abc', -1)", ErrorClass::ArgumentError, "NumberOutOfRange", Phase::Runtime);
    assert_error(&db, "RETURN range(1, 5, 0)", ErrorClass::ArgumentError, "NumberOutOfRange", Phase::Runtime);
    assert_error(&db, "RETURN 'a' =~ '('", ErrorClass::ArgumentError, "InvalidArgumentValue", Phase::Runtime);
}

#[test]
fn arithmetic_errors() {
    let db = Database::in_memory();
    for query in ["RETURN 1 / 0", "RETURN 1 % 0", "UNWIND [0] AS z RETURN 10 / z"] {
        assert_error(&db, query, ErrorClass::ArithmeticError, "DivisionByZero", Phase::Runtime);
    }
    for query in [
        "RETURN 9223372036854775807 + 1",
        "RETURN -9223372036854775808 - 1",
        "RETURN 9223372036854775807 * 2",
        "RETURN -9223372036854775808 / -1",
        "RETURN abs(-9223372036854775808)",
        "UNWIND [9223372036854775807, 1] AS x RETURN sum(x)",
    ] {
        assert_error(&db, query, ErrorClass::ArithmeticError, "IntegerOverflow", Phase::Runtime);
    }
    // Floats do not overflow: they reach infinity.
    let rows = run(&db, "RETURN 1.0 / 0, 2 ^ 2000", &Params::new()).unwrap();
    assert_eq!(rows, vec![vec![Value::Float(f64::INFINITY), Value::Float(f64::INFINITY)]]);
}

#[test]
fn deleting_a_connected_node_needs_detach() {
    let db = modern();
    let e = assert_error(
        &db,
        "MATCH (p:person {name: 'josh'}) DELETE p",
        ErrorClass::ConstraintVerificationFailed,
        "DeleteConnectedNode",
        Phase::Runtime,
    );
    assert!(e.message.contains("DETACH DELETE"), "the message suggests DETACH DELETE: {e}");
    // The failed statement changed nothing.
    let rows = run(&db, "MATCH (n) RETURN count(n)", &Params::new()).unwrap();
    assert_eq!(rows, vec![vec![Value::Integer(6)]]);
    let rows = run(&db, "MATCH (p:person {name: 'josh'}) DETACH DELETE p RETURN count(*)", &Params::new()).unwrap();
    assert_eq!(rows, vec![vec![Value::Integer(1)]]);
}

#[test]
fn missing_parameter() {
    let db = Database::in_memory();
    let e = assert_error(&db, "RETURN $missing", ErrorClass::ParameterMissing, "MissingParameter", Phase::Compile);
    assert!(e.message.contains("missing"), "the message names the parameter: {e}");
    // Given, it works; other parameters do not stand in for it.
    let mut params = Params::new();
    params.insert("other".to_string(), Value::Integer(1));
    assert_eq!(run(&db, "RETURN $other", &params).unwrap(), vec![vec![Value::Integer(1)]]);
    let e = run(&db, "RETURN $other + $missing", &params).unwrap_err();
    assert_eq!(e.class, ErrorClass::ParameterMissing, "{e}");
}

/// A deterministic pseudo-random sequence (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % bound as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    "MATCH (a:person {name: 'marko'})-[r:knows]->(b) WHERE b.age > 28 RETURN a.name, r.weight ORDER BY b.name",
    "MATCH p = (a)-[*1..3]-(b) RETURN length(p), [n IN nodes(p) | n.name] LIMIT 5",
    "OPTIONAL MATCH (n:person)-[:created]->(s) WITH n, count(s) AS c RETURN n.name, c",
    "UNWIND [1, 2.5, 'x', null, [1], {a: 1}] AS x RETURN x, CASE WHEN x IS NULL THEN 0 ELSE 1 END",
    "RETURN reduce(a = 0, x IN range(1, 5) | a + x), all(y IN [1] WHERE y > 0), 'it\\'s' + \"q\"",
    "MERGE (n:person {name: 'new'}) ON CREATE SET n.age = 1 ON MATCH SET n += {seen: true} RETURN n",
    "MATCH (n:software) SET n:old, n.x = 1 REMOVE n.lang WITH n DETACH DELETE n RETURN count(*)",
    "MATCH (a), (b) WHERE a.name < b.name AND NOT (a)-->(b) RETURN DISTINCT a {.name}, b.age SKIP 1",
    "MATCH (n) WHERE n.name =~ '.*o' OR n.name STARTS WITH 'v' XOR n.age IN [27, $p] RETURN n",
    "CREATE (a:X {k: [1, 2]})-[:R {w: -1.5e3}]->(b:Y) RETURN a, b UNION ALL RETURN 1 AS a, 2 AS b",
];

const PUNCTUATION: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "..", "'", "\"", "`", "\\", "$", "*", "-", "->", "<-", "|", "=",
    "=~", "<>", "+", "/", "%", "^", " ", "0", "-1", "null", "RETURN", "WITH", "MATCH", "AS", "é", "\u{0}",
];

/// Truncations of each seed at every char boundary, plus seeds with random
/// punctuation inserted: none may panic, and none may be an internal error.
#[test]
fn mutated_queries_never_panic() {
    let mut mutants: Vec<String> = Vec::new();
    for seed in SEEDS {
        mutants.extend(seed.char_indices().map(|(i, _)| seed[..i].to_string()));
    }
    let mut rng = Lcg(0x5eed);
    for _ in 0..400 {
        let seed = SEEDS[rng.next(SEEDS.len())];
        let mut q = seed.to_string();
        for _ in 0..1 + rng.next(3) {
            let boundaries: Vec<usize> = q.char_indices().map(|(i, _)| i).chain([q.len()]).collect();
            let at = boundaries[rng.next(boundaries.len())];
            q.insert_str(at, PUNCTUATION[rng.next(PUNCTUATION.len())]);
        }
        mutants.push(q);
    }
    assert!(mutants.len() >= 200);
    let db = modern();
    let mut params = Params::new();
    params.insert("p".to_string(), Value::Integer(35));
    let mut panics = Vec::new();
    let mut internal = Vec::new();
    let (mut ok, mut failed) = (0, 0);
    for q in &mutants {
        match catch_unwind(AssertUnwindSafe(|| run(&db, q, &params))) {
            Err(_) => panics.push(q.clone()),
            Ok(Ok(_)) => ok += 1,
            Ok(Err(e)) => {
                failed += 1;
                if e.class == ErrorClass::Internal {
                    internal.push(format!("{q:?}: {e}"));
                }
            }
        }
    }
    assert!(panics.is_empty(), "{} mutated queries panicked:\n{}", panics.len(), panics.join("\n"));
    assert!(internal.is_empty(), "{} mutated queries raised internal errors:\n{}", internal.len(), internal.join("\n"));
    assert!(ok > 0 && failed > 0, "the sweep exercises both outcomes ({ok} ok, {failed} failed)");
}

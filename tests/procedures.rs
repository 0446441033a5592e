//! CALL: built-in procedures and procedures registered through the API,
//! standalone and inside queries.

use plexus::{Database, ErrorClass, Params, Value};

fn run(db: &Database, query: &str) -> (Vec<String>, Vec<Vec<Value>>) {
    run_with(db, query, &Params::new())
}

fn run_with(db: &Database, query: &str, params: &Params) -> (Vec<String>, Vec<Vec<Value>>) {
    let result = db.execute(query, params).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    let columns = result.columns().to_vec();
    (columns, result.collect_rows().unwrap())
}

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn graph() -> Database {
    let db = Database::in_memory();
    run(&db, "CREATE (:Person {name: 'a'})-[:KNOWS {since: 1}]->(:Person:Admin {name: 'b'}), (:City {name: 'c'})");
    db
}

#[test]
fn builtins_list_labels_types_and_keys() {
    let db = graph();
    let (columns, rows) = run(&db, "CALL db.labels()");
    assert_eq!(columns, ["label"]);
    assert_eq!(rows, vec![vec![s("Person")], vec![s("Admin")], vec![s("City")]]);
    let (columns, rows) = run(&db, "CALL db.relationshipTypes()");
    assert_eq!(columns, ["relationshipType"]);
    assert_eq!(rows, vec![vec![s("KNOWS")]]);
    let (columns, rows) = run(&db, "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey ORDER BY propertyKey");
    assert_eq!(columns, ["propertyKey"]);
    assert_eq!(rows, vec![vec![s("name")], vec![s("since")]]);
}

#[test]
fn labels_no_longer_used_are_not_listed() {
    let db = graph();
    run(&db, "MATCH (c:City) DELETE c");
    let (_, rows) = run(&db, "CALL db.labels() YIELD label RETURN collect(label) AS labels");
    assert_eq!(rows, vec![vec![Value::List(vec![s("Person"), s("Admin")])]]);
}

#[test]
fn in_query_call_with_rename_where_and_aggregation() {
    let db = graph();
    let (columns, rows) = run(
        &db,
        "CALL db.labels() YIELD label AS l WHERE l <> 'City' \
         MATCH (n) WHERE l IN labels(n) RETURN l, count(n) AS c ORDER BY l",
    );
    assert_eq!(columns, ["l", "c"]);
    assert_eq!(rows, vec![vec![s("Admin"), Value::Integer(1)], vec![s("Person"), Value::Integer(2)]]);
}

#[test]
fn a_call_runs_once_per_input_row() {
    let db = graph();
    let (_, rows) =
        run(&db, "UNWIND [1, 2] AS x CALL db.relationshipTypes() YIELD relationshipType RETURN x, relationshipType");
    assert_eq!(rows, vec![vec![Value::Integer(1), s("KNOWS")], vec![Value::Integer(2), s("KNOWS")]]);
}

#[test]
fn closure_procedures_get_checked_arguments() {
    let db = graph();
    db.register_procedure(
        "my.repeat(text :: STRING?, times :: INTEGER?) :: (i :: INTEGER?, out :: STRING?)",
        |_, args| {
            let (Value::String(text), Value::Integer(times)) = (&args[0], &args[1]) else { return Ok(Vec::new()) };
            Ok((0..*times).map(|i| vec![Value::Integer(i), Value::String(text.repeat(i as usize + 1))]).collect())
        },
    )
    .unwrap();
    let (columns, rows) = run(&db, "CALL my.repeat('ab', 2)");
    assert_eq!(columns, ["i", "out"]);
    assert_eq!(rows, vec![vec![Value::Integer(0), s("ab")], vec![Value::Integer(1), s("abab")]]);

    // Implicit arguments come from parameters of the same names.
    let params = Params::from([("text".to_string(), s("x")), ("times".to_string(), Value::Integer(1))]);
    let (_, rows) = run_with(&db, "CALL my.repeat YIELD out", &params);
    assert_eq!(rows, vec![vec![s("x")]]);

    // A node property of the wrong type fails at run time.
    let e = db
        .execute("MATCH (p:Person {name: 'a'}) CALL my.repeat(p.name, p.name) YIELD out RETURN out", &Params::new())
        .and_then(|r| r.collect_rows())
        .unwrap_err();
    assert_eq!((e.class, e.detail), (ErrorClass::TypeError, "InvalidArgumentType"));

    // An evident wrong type fails at compile time.
    let e = db.execute("CALL my.repeat('a', 'b')", &Params::new()).unwrap_err();
    assert_eq!((e.class, e.detail), (ErrorClass::SyntaxError, "InvalidArgumentType"));
}

#[test]
fn table_procedures_and_void_procedures() {
    let db = Database::in_memory();
    db.register_procedure_rows(
        "test.city(name :: STRING?) :: (city :: STRING?)",
        vec![vec![s("Stefan"), s("Berlin")], vec![s("Petra"), s("London")]],
    )
    .unwrap();
    db.register_procedure("test.nothing() :: ()", |_, _| Ok(Vec::new())).unwrap();
    let (_, rows) = run(&db, "UNWIND ['Petra', 'Nobody', 'Stefan'] AS n CALL test.city(n) YIELD city RETURN n, city");
    assert_eq!(rows, vec![vec![s("Petra"), s("London")], vec![s("Stefan"), s("Berlin")]]);

    let (columns, rows) = run(&db, "CALL test.nothing()");
    assert!(columns.is_empty() && rows.is_empty());
    // A void call keeps the rows, and a query may end in one.
    let (_, rows) = run(&db, "UNWIND [1, 2, 3] AS x CALL test.nothing() RETURN x");
    assert_eq!(rows.len(), 3);
    run(&db, "UNWIND [1, 2, 3] AS x CALL test.nothing()");
}

#[test]
fn compile_time_errors() {
    let db = Database::in_memory();
    let err = |q: &str| db.execute(q, &Params::new()).unwrap_err();
    let e = err("CALL no.such.proc()");
    assert_eq!((e.class, e.detail), (ErrorClass::ProcedureError, "ProcedureNotFound"));
    let e = err("CALL db.labels(1)");
    assert_eq!(e.detail, "InvalidNumberOfArguments");
    let e = err("CALL db.labels() YIELD nope RETURN nope");
    assert_eq!(e.detail, "UndefinedVariable");
    let e = err("CALL db.labels() YIELD * RETURN label");
    assert_eq!(e.detail, "UnexpectedSyntax");
    let e = err("WITH 1 AS label CALL db.labels() YIELD label RETURN label");
    assert_eq!(e.detail, "VariableAlreadyBound");
    // Only a standalone CALL, or one of a void procedure, may end a query.
    let e = err("MATCH (n) CALL db.labels() YIELD label");
    assert_eq!(e.detail, "InvalidClauseComposition");
    assert!(db.register_procedure_rows("not a signature", Vec::new()).is_err());
}

#[test]
fn explain_shows_the_call_and_filters_stay_above_yielded_variables() {
    let db = graph();
    let plan = db
        .explain("MATCH (n) CALL db.labels() YIELD label AS l WHERE l = n.name AND n.name = 'a' RETURN n, l")
        .unwrap();
    assert!(plan.contains("ProcedureCall db.labels() YIELD label AS l"), "{plan}");
    let call = plan.find("ProcedureCall").unwrap();
    // The filter on the yielded `l` stays above the call; the one on `n` alone goes below it.
    let filter_on_l = plan.find("l = n.name").unwrap();
    assert!(filter_on_l < call, "{plan}");
    let below = &plan[call..];
    assert!(below.contains("n.name = 'a'") || below.contains("n.name = \"a\""), "{plan}");
}

#[test]
fn procedures_are_shared_by_clones() {
    let db = Database::in_memory();
    let clone = db.clone();
    db.register_procedure("x.one() :: (n :: INTEGER?)", |_, _| Ok(vec![vec![Value::Integer(1)]])).unwrap();
    let (_, rows) = run(&clone, "CALL x.one() YIELD n RETURN n + 1 AS m");
    assert_eq!(rows, vec![vec![Value::Integer(2)]]);
    assert!(clone.procedures().signature("x.one").is_some());
}

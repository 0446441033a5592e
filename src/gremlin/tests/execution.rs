//! Running traversals through `Database::execute_gremlin`: result values and errors.

use plexus_storage::{ErrorClass, Value};

use crate::db::{Database, Params};

fn db() -> Database {
    let db = Database::in_memory();
    let setup = "CREATE (a:person {name: 'marko', age: 29}), (b:person {name: 'vadas', age: 27}), \
                 (c:software {name: 'lop', lang: 'java'}), (a)-[:knows {weight: 0.5}]->(b), \
                 (a)-[:created {weight: 0.4}]->(c)";
    db.execute(setup, &Params::new()).and_then(|r| r.collect_rows()).expect("setup");
    db
}

fn run(db: &Database, q: &str) -> Vec<Value> {
    db.execute_gremlin(q, &Params::new())
        .and_then(|r| r.collect_rows())
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .into_iter()
        .map(|mut r| r.remove(0))
        .collect()
}

fn error(db: &Database, q: &str) -> plexus_storage::Error {
    match db.execute_gremlin(q, &Params::new()).and_then(|r| r.collect_rows()) {
        Ok(rows) => panic!("{q}: expected an error, got {rows:?}"),
        Err(e) => e,
    }
}

#[test]
fn elements_come_back_as_nodes_and_relationships() {
    let db = db();
    let v = run(&db, "g.V().has('name', 'marko')");
    assert!(matches!(&v[..], [Value::Node(n)] if n.properties.get("name") == Some(&Value::String("marko".into()))));
    let e = run(&db, "g.V().has('name', 'marko').outE('knows')");
    assert!(matches!(&e[..], [Value::Relationship(r)] if r.rel_type == "knows"));
}

#[test]
fn paths_maps_and_groups_are_values() {
    let db = db();
    let p = run(&db, "g.V().has('name', 'marko').out('knows').path().by('name')");
    assert_eq!(p, vec![Value::List(vec![Value::String("marko".into()), Value::String("vadas".into())])]);
    let g = run(&db, "g.V().groupCount().by(label)");
    let Value::Map(m) = &g[0] else { panic!("{g:?}") };
    assert_eq!(m.get("person"), Some(&Value::Integer(2)));
    assert_eq!(m.get("software"), Some(&Value::Integer(1)));
    let vm = run(&db, "g.V().has('name', 'lop').elementMap()");
    let Value::Map(m) = &vm[0] else { panic!("{vm:?}") };
    assert_eq!(m.get("T.label"), Some(&Value::String("software".into())));
    assert_eq!(m.get("lang"), Some(&Value::String("java".into())));
}

#[test]
fn repeat_order_and_aggregates() {
    let db = db();
    assert_eq!(run(&db, "g.V().values('age').sum()"), vec![Value::Integer(56)]);
    assert_eq!(run(&db, "g.V().values('age').mean()"), vec![Value::Float(28.0)]);
    assert_eq!(
        run(&db, "g.V().values('name').order().by(desc)"),
        ["vadas", "marko", "lop"].iter().map(|s| Value::String(s.to_string())).collect::<Vec<_>>()
    );
    assert_eq!(run(&db, "g.V().has('name', 'marko').repeat(out()).emit().count()"), vec![Value::Integer(2)]);
}

#[test]
fn writes_commit_and_are_visible_afterwards() {
    let db = db();
    let created =
        run(&db, "g.addV('person').property('name', 'josh').as('j').V().has('name', 'marko').addE('knows').to('j')");
    assert!(matches!(&created[..], [Value::Relationship(_)]));
    assert_eq!(run(&db, "g.V().has('name', 'marko').out('knows').values('name').order()").len(), 2);
    run(&db, "g.V().has('name', 'josh').drop()");
    assert_eq!(run(&db, "g.V().count()"), vec![Value::Integer(3)]);
}

#[test]
fn bad_traversals_are_errors_with_codes() {
    let db = db();
    let unknown = error(&db, "g.V().noSuchStep()");
    assert_eq!(unknown.detail, "UnsupportedStep");
    let bad_range = error(&db, "g.V().range(3, 1)");
    assert_eq!(bad_range.class, ErrorClass::ArgumentError);
    let not_numbers = error(&db, "g.V().values('name').sum()");
    assert_eq!(not_numbers.class, ErrorClass::TypeError);
    let missing = error(&db, "g.V(x)");
    assert_eq!(missing.class, ErrorClass::ParameterMissing);
    let syntax = error(&db, "g.V(.out(");
    assert_eq!(syntax.class, ErrorClass::SyntaxError);
    let stray = error(&db, "g.V().times(2)");
    assert!(stray.message.contains("repeat()"), "{stray}");
}

#[test]
fn an_unbounded_repeat_fails_instead_of_running_forever() {
    let db = db();
    let e = error(&db, "g.V().repeat(both()).times(100000).path()");
    assert!(matches!(e.detail, "TraversalTooLarge" | "InvalidArgument"), "{e}");
}

#[test]
fn flat_map_paths_leave_out_the_inner_steps() {
    let db = db();
    run(&db, "g.V().has('name', 'vadas').addE('created').to(V().has('name', 'lop'))");
    let p = run(&db, "g.V().flatMap(out('knows').out('created')).path().by('name')");
    assert_eq!(p, vec![Value::List(vec![Value::String("marko".into()), Value::String("lop".into())])]);
}

#[test]
fn huge_bulks_are_counted_but_not_listed() {
    let db = Database::in_memory();
    // A complete graph on 12 vertices: 11^7 walks of length 7 from each vertex.
    let setup = "UNWIND range(1, 12) AS i CREATE (:n {i: i}) WITH count(*) AS c \
                 MATCH (a:n), (b:n) WHERE a <> b CREATE (a)-[:e]->(b)";
    db.execute(setup, &Params::new()).and_then(|r| r.collect_rows()).expect("setup");
    assert_eq!(run(&db, "g.V().repeat(out()).times(7).count()"), vec![Value::Integer(12 * 11i64.pow(7))]);
    let e = error(&db, "g.V().repeat(out()).times(7)");
    assert_eq!(e.detail, "TraversalTooLarge");
}

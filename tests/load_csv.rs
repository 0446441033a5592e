//! LOAD CSV in Cypher: with and without headers, field terminators, empty
//! fields, one file per input row, writes driven by rows, and clear errors.

use plexus::{Database, Params, Value};

fn run(db: &Database, query: &str) -> Result<Vec<Vec<Value>>, plexus::Error> {
    db.execute(query, &Params::new()).and_then(|r| r.collect_rows())
}

fn s(x: &str) -> Value {
    Value::from(x)
}

#[test]
fn rows_come_as_lists_or_maps() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("people.csv");
    std::fs::write(&path, "id|name|age\n1|Ada|36\n2|\"Bob|Jr\"|\n").unwrap();
    let url = format!("file://{}", path.display());
    let db = Database::in_memory();
    let maps =
        run(&db, &format!("LOAD CSV WITH HEADERS FROM '{url}' AS row FIELDTERMINATOR '|' RETURN row.name, row.age"))
            .unwrap();
    assert_eq!(maps, vec![vec![s("Ada"), s("36")], vec![s("Bob|Jr"), Value::Null]]);
    let lists = run(&db, &format!("LOAD CSV FROM '{url}' AS row FIELDTERMINATOR '|' RETURN row")).unwrap();
    assert_eq!(lists.len(), 3);
    assert_eq!(lists[0][0], Value::List(vec![s("id"), s("name"), s("age")]));
    // A comma-separated read of the same file sees one field per line.
    let one = run(&db, &format!("LOAD CSV FROM '{url}' AS row RETURN size(row) AS n")).unwrap();
    assert!(one.iter().all(|r| r[0] == Value::Integer(1)), "{one:?}");
}

#[test]
fn each_input_row_loads_its_own_file_and_rows_drive_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.csv");
    let b = tmp.path().join("b.csv");
    std::fs::write(&a, "k\n1\n2\n").unwrap();
    std::fs::write(&b, "k\n3\n").unwrap();
    let db = Database::in_memory();
    let mut params = Params::new();
    params.insert(
        "files".into(),
        Value::List(vec![s(a.to_str().unwrap()), Value::Null, s(&format!("file://{}", b.display()))]),
    );
    let q = "UNWIND $files AS f LOAD CSV WITH HEADERS FROM f AS row CREATE (:N {k: toInteger(row.k), f: f}) RETURN count(*)";
    let rows = db.execute(q, &params).and_then(|r| r.collect_rows()).unwrap();
    assert_eq!(rows, vec![vec![Value::Integer(3)]]);
    let sum = run(&db, "MATCH (n:N) RETURN sum(n.k)").unwrap();
    assert_eq!(sum, vec![vec![Value::Integer(6)]]);
}

#[test]
fn many_rows_stream_in_batches() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("big.csv");
    let text: String = (0..10_000).map(|i| format!("{i},x\n")).collect();
    std::fs::write(&path, text).unwrap();
    let db = Database::in_memory();
    let got =
        run(&db, &format!("LOAD CSV FROM 'file://{}' AS r RETURN count(*), sum(toInteger(r[0]))", path.display()))
            .unwrap();
    assert_eq!(got, vec![vec![Value::Integer(10_000), Value::Integer(49_995_000)]]);
}

#[test]
fn bad_input_gives_clear_errors() {
    let db = Database::in_memory();
    let e = run(&db, "LOAD CSV FROM 'file:///no/such/file.csv' AS r RETURN r").unwrap_err();
    assert_eq!(e.detail, "LoadCsvFailed");
    assert!(e.message.contains("/no/such/file.csv"), "{e}");
    let e = run(&db, "LOAD CSV FROM 'https://example.com/x.csv' AS r RETURN r").unwrap_err();
    assert!(e.message.contains("only local files"), "{e}");
    let e = run(&db, "LOAD CSV FROM 42 AS r RETURN r").unwrap_err();
    assert_eq!(e.class, plexus_storage::ErrorClass::TypeError);
    let e = run(&db, "LOAD CSV FROM 'x' AS r FIELDTERMINATOR '||' RETURN r").unwrap_err();
    assert_eq!(e.detail, "InvalidFieldTerminator");
    let e = run(&db, "LOAD CSV FROM 'x' AS r FIELDTERMINATOR RETURN r").unwrap_err();
    assert_eq!(e.class, plexus_storage::ErrorClass::SyntaxError);
}

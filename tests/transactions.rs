//! Transactions through the embedded API: snapshot isolation for readers,
//! own writes visible inside a transaction, commit and rollback.

use plexus::{Database, Params, Value};

fn count(db: &Database, query: &str) -> i64 {
    let rows = db.execute(query, &Params::new()).and_then(|r| r.collect_rows()).expect("query runs");
    match rows[0][0] {
        Value::Integer(n) => n,
        ref other => panic!("expected a count, got {other:?}"),
    }
}

#[test]
fn explicit_transaction_sees_its_own_writes_and_others_do_not_until_commit() {
    let db = Database::in_memory();
    let mut tx = db.begin();
    tx.execute("CREATE (:T {v: 1}), (:T {v: 2})", &Params::new()).unwrap();
    let inside = tx.execute("MATCH (n:T) RETURN count(n)", &Params::new()).unwrap().collect_rows().unwrap();
    assert_eq!(inside, vec![vec![Value::Integer(2)]]);
    assert_eq!(count(&db, "MATCH (n:T) RETURN count(n)"), 0, "uncommitted writes are invisible outside");
    let seq = tx.commit().unwrap();
    assert_eq!(seq, 1);
    assert_eq!(count(&db, "MATCH (n:T) RETURN count(n)"), 2);
}

#[test]
fn rollback_discards_every_change() {
    let db = Database::in_memory();
    db.execute("CREATE (:T {v: 1})", &Params::new()).unwrap();
    let mut tx = db.begin();
    tx.execute("MATCH (n:T) SET n.v = 10 CREATE (:T {v: 2})", &Params::new()).unwrap();
    tx.rollback();
    let rows = db.execute("MATCH (n:T) RETURN n.v", &Params::new()).unwrap().collect_rows().unwrap();
    assert_eq!(rows, vec![vec![Value::Integer(1)]]);
}

#[test]
fn a_failed_statement_leaves_the_transaction_only_able_to_roll_back() {
    let db = Database::in_memory();
    let mut tx = db.begin();
    tx.execute("CREATE (:T)", &Params::new()).unwrap();
    assert!(tx.execute("RETURN 1 / 0", &Params::new()).is_err());
    let err = tx.execute("RETURN 1", &Params::new()).unwrap_err();
    assert_eq!(err.detail, "TransactionFailed");
    assert!(tx.commit().is_err());
    assert_eq!(count(&db, "MATCH (n) RETURN count(n)"), 0);
}

#[test]
fn a_streaming_reader_keeps_its_snapshot_while_a_writer_commits() {
    let db = Database::in_memory();
    db.execute("UNWIND range(1, 10000) AS i CREATE (:N {i: i})", &Params::new()).unwrap();
    let mut reader = db.execute("MATCH (n:N) RETURN n.i", &Params::new()).unwrap();
    let first = reader.next().expect("a row").unwrap();
    assert!(matches!(first[0], Value::Integer(_)));
    // The writer deletes everything while the reader is half-way through.
    db.execute("MATCH (n:N) DETACH DELETE n", &Params::new()).unwrap();
    let rest = reader.count();
    assert_eq!(rest + 1, 10000, "the reader sees the version it started on");
    assert_eq!(count(&db, "MATCH (n:N) RETURN count(n)"), 0);
}

#[test]
fn a_failed_auto_commit_statement_changes_nothing() {
    let db = Database::in_memory();
    db.execute("CREATE (:T {v: 1})", &Params::new()).unwrap();
    // The SET runs before the division fails; the whole statement must vanish.
    let err = db.execute("MATCH (n:T) SET n.v = 2 WITH n RETURN 1 / 0", &Params::new());
    assert!(err.is_err() || err.and_then(|r| r.collect_rows()).is_err());
    let rows = db.execute("MATCH (n:T) RETURN n.v", &Params::new()).unwrap().collect_rows().unwrap();
    assert_eq!(rows, vec![vec![Value::Integer(1)]]);
}

#[test]
fn commit_sequence_numbers_increase_by_one_per_writing_statement() {
    let db = Database::in_memory();
    db.execute("CREATE ()", &Params::new()).unwrap();
    db.execute("MATCH (n) RETURN n", &Params::new()).unwrap().collect_rows().unwrap();
    db.execute("CREATE ()", &Params::new()).unwrap();
    assert_eq!(db.graph().seq(), 2);
}

//! Aggregation over many batches: the scan yields one batch per 4096 nodes,
//! so partial group tables are built in parallel and merged. The answers
//! must equal a straightforward computation, including first-seen group
//! order and the order of collected values.

use plexus::{Database, Params, QueryGuard, Value};

const N: i64 = 50_000;

fn db() -> Database {
    let db = Database::in_memory();
    db.execute(&format!("UNWIND range(0, {}) AS i CREATE (:N {{i: i, g: i % 7, d: i % 3}})", N - 1), &Params::new())
        .unwrap();
    db
}

fn rows(db: &Database, q: &str) -> Vec<Vec<Value>> {
    db.execute(q, &Params::new()).and_then(|r| r.collect_rows()).unwrap()
}

#[test]
fn grouped_aggregates_match_a_direct_computation() {
    let db = db();
    let got = rows(&db, "MATCH (n:N) RETURN n.g AS g, count(*) AS c, sum(n.i) AS s, min(n.i) AS lo, max(n.i) AS hi");
    assert_eq!(got.len(), 7);
    for (position, row) in got.iter().enumerate() {
        // Nodes are scanned in id order, so groups appear in order 0..7.
        let g = position as i64;
        let members: Vec<i64> = (0..N).filter(|i| i % 7 == g).collect();
        assert_eq!(row[0], Value::Integer(g));
        assert_eq!(row[1], Value::Integer(members.len() as i64));
        assert_eq!(row[2], Value::Integer(members.iter().sum()));
        assert_eq!(row[3], Value::Integer(*members.first().unwrap()));
        assert_eq!(row[4], Value::Integer(*members.last().unwrap()));
    }
}

#[test]
fn collect_keeps_input_order_across_batches() {
    let db = db();
    let got = rows(&db, "MATCH (n:N) WHERE n.g = 3 RETURN collect(n.i) AS l");
    let expected: Vec<Value> = (0..N).filter(|i| i % 7 == 3).map(Value::Integer).collect();
    assert_eq!(got, vec![vec![Value::List(expected)]]);
}

#[test]
fn distinct_aggregates_merge_across_batches() {
    let db = db();
    let got = rows(&db, "MATCH (n:N) RETURN count(DISTINCT n.d) AS d, count(DISTINCT n.g) AS g, count(n) AS c");
    assert_eq!(got, vec![vec![Value::Integer(3), Value::Integer(7), Value::Integer(N)]]);
}

#[test]
fn collecting_aggregates_are_held_to_the_memory_cap() {
    let db = db();
    // Each scan batch fits easily; what collect() keeps (50,000 values) does not.
    let capped = || db.guarded(QueryGuard::new(None, Some(512 * 1024)));
    let run = |q: &str| capped().execute(q, &Params::new()).and_then(|r| r.collect_rows());
    for q in [
        "MATCH (n:N) RETURN collect(n.i) AS all",
        "MATCH (n:N) RETURN count(DISTINCT n.i) AS c",
        "MATCH (n:N) RETURN n.g AS g, collect(n.i) AS all",
    ] {
        let err = run(q).expect_err(q);
        assert_eq!(err.detail, "MemoryLimitExceeded", "{q}: {err}");
    }
    // Aggregates that keep one value per group are not limited by the rows.
    assert_eq!(
        run("MATCH (n:N) RETURN count(n.i) AS c, sum(n.i) AS s, max(n.i) AS m").expect("count")[0][0],
        Value::Integer(N)
    );
    assert_eq!(run("MATCH (n:N) RETURN n.g AS g, count(*) AS c").expect("grouped count").len(), 7);
}

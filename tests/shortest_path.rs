//! shortestPath / allShortestPaths against brute force: on a random graph,
//! the shortest length must equal the least length among all matching
//! variable-length paths, and allShortestPaths must find exactly the
//! variable-length paths of that length.

use plexus::{Database, Params, Value};

fn rows(db: &Database, q: &str) -> Vec<Vec<Value>> {
    db.execute(q, &Params::new()).and_then(|r| r.collect_rows()).unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        other => panic!("expected an integer, got {other:?}"),
    }
}

fn random_graph() -> Database {
    let db = Database::in_memory();
    db.execute("UNWIND range(0, 11) AS i CREATE (:V {id: i})", &Params::new()).unwrap();
    // A fixed pseudo-random edge list (xorshift), with some parallel edges and cycles.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut edges = Vec::new();
    for _ in 0..22 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        edges.push(format!("[{}, {}]", x % 12, (x >> 8) % 12));
    }
    let q =
        format!("UNWIND [{}] AS e MATCH (a:V {{id: e[0]}}), (b:V {{id: e[1]}}) CREATE (a)-[:E]->(b)", edges.join(", "));
    db.execute(&q, &Params::new()).unwrap();
    db
}

#[test]
fn shortest_paths_agree_with_variable_length_enumeration() {
    let db = random_graph();
    let mut compared = 0;
    for from in 0..12 {
        for to in 0..12 {
            if from == to {
                continue;
            }
            let ends = format!("MATCH (a:V {{id: {from}}}), (b:V {{id: {to}}})");
            let brute = rows(&db, &format!("{ends} MATCH p = (a)-[:E*1..5]->(b) RETURN length(p) AS l"));
            let shortest = rows(&db, &format!("{ends} MATCH p = shortestPath((a)-[:E*1..5]->(b)) RETURN length(p)"));
            let all = rows(&db, &format!("{ends} MATCH p = allShortestPaths((a)-[:E*1..5]->(b)) RETURN length(p)"));
            match brute.iter().map(|r| int(&r[0])).min() {
                None => {
                    assert!(shortest.is_empty() && all.is_empty(), "{from}->{to}: no path expected");
                }
                Some(least) => {
                    assert_eq!(shortest.len(), 1, "{from}->{to}");
                    assert_eq!(int(&shortest[0][0]), least, "{from}->{to}");
                    let expected = brute.iter().filter(|r| int(&r[0]) == least).count();
                    assert_eq!(all.len(), expected, "{from}->{to}: allShortestPaths count");
                    assert!(all.iter().all(|r| int(&r[0]) == least));
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 20, "the random graph should connect many pairs, got {compared}");
}

#[test]
fn a_path_of_zero_hops_and_unreachable_targets() {
    let db = random_graph();
    let zero = rows(&db, "MATCH (a:V {id: 3}) MATCH p = shortestPath((a)-[*0..3]-(a)) RETURN length(p)");
    assert_eq!(zero, vec![vec![Value::Integer(0)]]);
    db.execute("CREATE (:Island)", &Params::new()).unwrap();
    let none = rows(&db, "MATCH (a:V {id: 0}), (b:Island) MATCH p = shortestPath((a)-[*]-(b)) RETURN p");
    assert!(none.is_empty());
}

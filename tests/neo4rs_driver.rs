//! The Rust driver `neo4rs` (0.8, which speaks Bolt 4.1) against the server
//! in-process: parameters, nodes, relationships, strings, integers, lists,
//! explicit transactions that commit and roll back, and a server error
//! arriving with its Neo4j code.

use std::net::SocketAddr;

use neo4rs::{query, Graph, Node, Relation};
use plexus::server::ServerConfig;
use plexus::Database;

#[path = "common/server.rs"]
#[allow(dead_code)]
mod server;

use server::TestServer;

/// The server and a driver connected to it (the runtime the driver lives on, too).
fn connect() -> (TestServer, tokio::runtime::Runtime, Graph) {
    let config =
        ServerConfig { bolt_addr: SocketAddr::from(([127, 0, 0, 1], 0)), http_addr: None, ..ServerConfig::default() };
    let server = TestServer::start(Database::in_memory(), config);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let uri = format!("127.0.0.1:{}", server.bolt.port());
    let graph = runtime.block_on(Graph::new(uri, "neo4j", "any")).expect("neo4rs connects");
    (server, runtime, graph)
}

async fn count_people(graph: &Graph) -> i64 {
    let mut rows = graph.execute(query("MATCH (p:Person) RETURN count(p) AS n")).await.expect("count");
    let row = rows.next().await.expect("a row").expect("one row");
    row.get::<i64>("n").expect("an integer")
}

#[test]
fn parameters_nodes_relationships_and_scalars() {
    let (_server, runtime, graph) = connect();
    runtime.block_on(async {
        let create =
            query("CREATE (a:Person {name: $a, age: $age})-[:KNOWS {since: 2020}]->(b:Person {name: $b}) RETURN a, b")
                .param("a", "Ann")
                .param("b", "Bob")
                .param("age", 41_i64);
        graph.run(create).await.expect("create");
        let read = query(
            "MATCH (a:Person {name: $name})-[r:KNOWS]->(b) \
             RETURN a, r, b.name AS friend, a.age AS age, [a.name, b.name] AS names",
        )
        .param("name", "Ann");
        let mut rows = graph.execute(read).await.expect("read");
        let row = rows.next().await.expect("a row").expect("one row");
        let a: Node = row.get("a").expect("a node");
        assert_eq!(a.labels(), vec!["Person"]);
        assert_eq!(a.get::<String>("name").expect("name"), "Ann");
        assert_eq!(a.get::<i64>("age").expect("age"), 41);
        let r: Relation = row.get("r").expect("a relationship");
        assert_eq!(r.typ(), "KNOWS");
        assert_eq!(r.start_node_id(), a.id());
        assert_eq!(r.get::<i64>("since").expect("since"), 2020);
        assert_eq!(row.get::<String>("friend").expect("a string"), "Bob");
        assert_eq!(row.get::<i64>("age").expect("an integer"), 41);
        assert_eq!(row.get::<Vec<String>>("names").expect("a list"), vec!["Ann".to_string(), "Bob".to_string()]);
        assert!(rows.next().await.expect("end").is_none());
    });
}

#[test]
fn explicit_transactions_commit_and_roll_back() {
    let (_server, runtime, graph) = connect();
    runtime.block_on(async {
        let mut committed = graph.start_txn().await.expect("begin");
        committed.run(query("CREATE (:Person {name: 'Kept'})")).await.expect("create");
        committed.commit().await.expect("commit");
        assert_eq!(count_people(&graph).await, 1);
        let mut rolled_back = graph.start_txn().await.expect("begin");
        rolled_back
            .run_queries([query("CREATE (:Person {name: 'Gone'})"), query("CREATE (:Person {name: 'Gone too'})")])
            .await
            .expect("create");
        rolled_back.rollback().await.expect("rollback");
        assert_eq!(count_people(&graph).await, 1);
    });
}

#[test]
fn server_errors_arrive_with_their_neo4j_code() {
    let (_server, runtime, graph) = connect();
    runtime.block_on(async {
        let failure = graph.run(query("RETURN 1 +")).await.expect_err("a syntax error");
        let neo4rs::Error::Neo4j(e) = failure else { panic!("not a server error: {failure:?}") };
        assert_eq!(e.code(), "Neo.ClientError.Statement.SyntaxError");
        let failure = graph.run(query("RETURN 1 / 0")).await.expect_err("division by zero");
        let neo4rs::Error::Neo4j(e) = failure else { panic!("not a server error: {failure:?}") };
        assert_eq!(e.code(), "Neo.ClientError.Statement.ArithmeticError");
        // The pool's connections are still good afterwards.
        assert_eq!(count_people(&graph).await, 0);
    });
}

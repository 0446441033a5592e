//! The Bolt server in-process on an ephemeral loopback port, spoken to in
//! raw Bolt bytes: handshake, HELLO/LOGON, RUN/PULL streaming, transactions,
//! failures and RESET, routing, and bad input closing only its connection.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use plexus::server::bolt::auth::SingleUser;
use plexus::server::bolt::packstream::{map_get, PackValue, Structure};
use plexus::server::bolt::version::BoltVersion;
use plexus::server::ServerConfig;
use plexus::Database;

// --- a server on a background runtime -----------------------------------------

#[path = "common/server.rs"]
#[allow(dead_code)]
mod server;

use server::TestServer;

impl TestServer {
    fn new() -> TestServer {
        TestServer::start(Database::in_memory(), loopback())
    }
}

fn loopback() -> ServerConfig {
    ServerConfig { bolt_addr: SocketAddr::from(([127, 0, 0, 1], 0)), http_addr: None, ..ServerConfig::default() }
}

// --- a raw Bolt client ----------------------------------------------------------

#[path = "common/bolt.rs"]
#[allow(dead_code)]
mod bolt;

use bolt::*;

const NEO4RS_08: [u8; 16] = [0, 0, 1, 4, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0];
const ONLY_4_4: [u8; 16] = [0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

// --- tests ------------------------------------------------------------------------

#[test]
fn handshake_picks_the_versions_drivers_need() {
    let server = TestServer::new();
    assert_eq!(Client::connect(server.bolt, PYTHON_6X).1, [0, 0, 8, 5]);
    assert_eq!(Client::connect(server.bolt, NEO4RS_08).1, [0, 0, 1, 4]);
    assert_eq!(Client::connect(server.bolt, ONLY_4_4).1, [0, 0, 4, 4]);
    let (mut c, v) = Client::connect(server.bolt, [0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(v, [0, 0, 0, 0]);
    c.expect_closed();

    let mut http = TcpStream::connect(server.bolt).expect("connect");
    http.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    http.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    let mut buf = [0u8; 16];
    assert!(matches!(http.read(&mut buf), Ok(0) | Err(_)), "HTTP on the Bolt port is closed");
}

#[test]
fn hello_success_names_a_neo4j_server_and_the_connection() {
    let server = TestServer::new();
    let (mut c, _) = Client::connect(server.bolt, PYTHON_6X);
    c.send(&msg(0x01, vec![map(&[("user_agent", s("t"))])]));
    let hello = c.recv();
    assert_eq!(hello.tag, SUCCESS);
    assert!(matches!(hello.meta("server"), Some(PackValue::String(a)) if a.starts_with("Neo4j/")));
    assert!(matches!(hello.meta("connection_id"), Some(PackValue::String(id)) if id.starts_with("bolt-")));
    // 5.1+: nothing runs before LOGON.
    c.send(&run("RETURN 1", map(&[])));
    assert_eq!(c.recv().meta("code"), Some(&s("Neo.ClientError.Request.Invalid")));
    c.expect_closed();
}

#[test]
fn results_stream_to_pull_in_n_sized_pieces() {
    let server = TestServer::new();
    let mut c = Client::ready(server.bolt);
    c.send(&run("UNWIND range(1, 5) AS x RETURN x, x * 10 AS y", map(&[])));
    c.send(&pull(2));
    let run_ok = c.recv();
    assert_eq!(run_ok.meta("fields"), Some(&PackValue::List(vec![s("x"), s("y")])));
    assert!(run_ok.meta("t_first").is_some());
    assert_eq!(c.recv().record(), &[int(1), int(10)]);
    assert_eq!(c.recv().record(), &[int(2), int(20)]);
    let partial = c.recv();
    assert_eq!((partial.tag, partial.meta("has_more")), (SUCCESS, Some(&PackValue::Boolean(true))));
    c.send(&pull(-1));
    for x in 3..=5 {
        assert_eq!(c.recv().record(), &[int(x), int(x * 10)]);
    }
    let done = c.recv();
    assert_eq!(done.tag, SUCCESS);
    assert_eq!(done.meta("has_more"), None);
    assert_eq!(done.meta("type"), Some(&s("r")));
    assert_eq!(done.meta("db"), Some(&s("neo4j")));
    assert!(matches!(done.meta("bookmark"), Some(PackValue::String(b)) if b.starts_with("plexus:")));

    // DISCARD drops the rest of a stream.
    c.send(&run("UNWIND range(1, 100) AS x RETURN x", map(&[])));
    c.send(&pull(1));
    c.send(&msg(0x2F, vec![map(&[("n", int(-1))])]));
    assert_eq!(c.recv().tag, SUCCESS);
    assert_eq!(c.recv().record(), &[int(1)]);
    assert_eq!(c.recv().meta("has_more"), Some(&PackValue::Boolean(true)));
    let discarded = c.recv();
    assert_eq!((discarded.tag, discarded.meta("has_more")), (SUCCESS, None));
    assert_eq!(c.single("RETURN 7 AS n", map(&[])), int(7));
}

#[test]
fn parameters_of_every_supported_type_come_back_unchanged() {
    let server = TestServer::new();
    let mut c = Client::ready(server.bolt);
    let st = |tag, fields: Vec<PackValue>| PackValue::Struct(Structure { tag, fields });
    let values = [
        PackValue::Null,
        PackValue::Boolean(true),
        int(-17),
        int(i64::MAX),
        PackValue::Float(-0.25),
        s("grüße"),
        PackValue::List(vec![int(1), s("two"), PackValue::Null]),
        map(&[("a", int(1)), ("b", PackValue::List(vec![]))]),
        st(0x44, vec![int(19723)]),
        st(0x74, vec![int(3_600_000_000_000)]),
        st(0x54, vec![int(3_600_000_000_000), int(-7200)]),
        st(0x64, vec![int(1_700_000_000), int(5)]),
        st(0x49, vec![int(1_700_000_000), int(5), int(3600)]),
        st(0x69, vec![int(1_719_835_200), int(0), s("Europe/Berlin")]),
        st(0x45, vec![int(14), int(3), int(7), int(9)]),
    ];
    for v in values {
        let got = c.single("RETURN $v AS v", map(&[("v", v.clone())]));
        assert_eq!(got, v);
    }
}

#[test]
fn nodes_relationships_and_paths_come_as_5x_structures() {
    let server = TestServer::new();
    let mut c = Client::ready(server.bolt);
    let (rows, summary) = c.query(
        "CREATE p = (a:Person {name: 'Ann'})-[r:KNOWS {since: 2020}]->(b:Person {name: 'Bob'}) RETURN a, r, p",
        map(&[]),
    );
    assert_eq!(summary.meta("type"), Some(&s("rw")));
    let Some(PackValue::Map(stats)) = summary.meta("stats") else { panic!("no stats: {summary:?}") };
    assert_eq!(map_get(stats, "nodes-created"), Some(&int(2)));
    assert_eq!(map_get(stats, "relationships-created"), Some(&int(1)));
    assert_eq!(map_get(stats, "contains-updates"), Some(&PackValue::Boolean(true)));
    let [PackValue::Struct(a), PackValue::Struct(r), PackValue::Struct(p)] = rows[0].as_slice() else {
        panic!("{rows:?}")
    };
    assert_eq!((a.tag, a.fields.len()), (0x4E, 4));
    assert_eq!(a.fields[1], PackValue::List(vec![s("Person")]));
    assert_eq!(a.fields[3], s(&a.fields[0].as_int().expect("id").to_string()));
    assert_eq!((r.tag, r.fields.len()), (0x52, 8));
    assert_eq!(r.fields[3], s("KNOWS"));
    assert_eq!(r.fields[1], a.fields[0]);
    assert_eq!((p.tag, p.fields.len()), (0x50, 3));
    assert_eq!(p.fields[2], PackValue::List(vec![int(1), int(1)]));
}

#[test]
fn explicit_transactions_commit_with_a_bookmark_and_roll_back() {
    let server = TestServer::new();
    let mut c = Client::ready(server.bolt);
    c.send(&msg(0x11, vec![map(&[])]));
    c.send(&run("CREATE (n:T {v: 1}) RETURN n.v AS v", map(&[])));
    c.send(&run("RETURN 2 AS two", map(&[])));
    c.send(&msg(0x3F, vec![map(&[("n", int(-1)), ("qid", int(0))])]));
    c.send(&pull(-1)); // qid -1: the last statement
    c.send(&msg(0x12, vec![]));
    assert_eq!(c.recv().tag, SUCCESS); // BEGIN
    assert_eq!(c.recv().meta("qid"), Some(&int(0)));
    assert_eq!(c.recv().meta("qid"), Some(&int(1)));
    assert_eq!(c.recv().record(), &[int(1)]);
    let first = c.recv();
    assert_eq!(first.meta("bookmark"), None, "no bookmark inside a transaction");
    assert_eq!(first.meta("type"), Some(&s("rw")));
    assert_eq!(c.recv().record(), &[int(2)]);
    assert_eq!(c.recv().tag, SUCCESS);
    let commit = c.recv();
    let Some(PackValue::String(bookmark)) = commit.meta("bookmark") else { panic!("{commit:?}") };
    let seq: u64 = bookmark.strip_prefix("plexus:").and_then(|n| n.parse().ok()).expect("plexus:<seq>");
    assert!(seq >= 1);

    // Another connection sees the commit; a rolled-back write is gone.
    let mut other = Client::ready(server.bolt);
    assert_eq!(other.single("MATCH (n:T) RETURN count(n) AS c", map(&[])), int(1));
    c.send(&msg(0x11, vec![map(&[("bookmarks", PackValue::List(vec![s(bookmark)]))])]));
    c.send(&run("CREATE (:T {v: 2})", map(&[])));
    c.send(&pull(-1));
    c.send(&msg(0x13, vec![]));
    for _ in 0..4 {
        assert_eq!(c.recv().tag, SUCCESS);
    }
    assert_eq!(other.single("MATCH (n:T) RETURN count(n) AS c", map(&[])), int(1));
}

#[test]
fn failures_carry_neo4j_codes_and_need_a_reset() {
    let server = TestServer::new();
    let mut c = Client::ready(server.bolt);
    c.send(&run("RETURN 1 +", map(&[])));
    c.send(&pull(1000));
    let failure = c.recv();
    assert_eq!(failure.tag, FAILURE);
    assert_eq!(failure.meta("code"), Some(&s("Neo.ClientError.Statement.SyntaxError")));
    assert_eq!(failure.meta("neo4j_code"), Some(&s("Neo.ClientError.Statement.SyntaxError")));
    assert_eq!(failure.meta("gql_status"), Some(&s("42001")));
    assert_eq!(c.recv().tag, IGNORED);
    c.send(&run("RETURN 1", map(&[])));
    assert_eq!(c.recv().tag, IGNORED, "FAILED until RESET");
    c.send(&msg(0x0F, vec![]));
    assert_eq!(c.recv().tag, SUCCESS);

    let cases = [
        ("RETURN $missing AS m", "Neo.ClientError.Statement.ParameterMissing"),
        ("RETURN 1 / 0 AS x", "Neo.ClientError.Statement.ArithmeticError"),
        ("RETURN $text - 1 AS x", "Neo.ClientError.Statement.TypeError"),
        ("CREATE (a)-[:R]->(b) WITH a DELETE a", "Neo.ClientError.Schema.ConstraintValidationFailed"),
    ];
    for (query, code) in cases {
        c.send(&run(query, map(&[("text", s("a"))])));
        c.send(&pull(-1));
        let mut reply = c.recv();
        while reply.tag == SUCCESS || reply.tag == RECORD {
            reply = c.recv();
        }
        assert_eq!(reply.tag, FAILURE, "{query}");
        assert_eq!(reply.meta("code"), Some(&s(code)), "{query}: {reply:?}");
        c.send(&msg(0x0F, vec![]));
        while c.recv().tag != SUCCESS {}
    }

    // A failure inside a transaction rolls it back at RESET.
    c.send(&msg(0x11, vec![map(&[])]));
    c.send(&run("CREATE (:Gone)", map(&[])));
    c.send(&pull(-1));
    c.send(&run("RETURN nope", map(&[])));
    c.send(&msg(0x12, vec![]));
    c.send(&msg(0x0F, vec![]));
    let tags: Vec<u8> = (0..6).map(|_| c.recv().tag).collect();
    assert_eq!(tags, vec![SUCCESS, SUCCESS, SUCCESS, FAILURE, IGNORED, SUCCESS]);
    assert_eq!(c.single("MATCH (n:Gone) RETURN count(n) AS c", map(&[])), int(0));

    // Unsupported parameter types are a client error too, not a disconnect.
    c.send(&run("RETURN $b", map(&[("b", PackValue::Bytes(vec![1, 2]))])));
    assert_eq!(c.recv().meta("code"), Some(&s("Neo.ClientError.Statement.TypeError")));
    c.send(&msg(0x0F, vec![]));
    assert_eq!(c.recv().tag, SUCCESS);
    assert_eq!(c.single("RETURN 1 AS one", map(&[])), int(1));
}

#[test]
fn a_malformed_frame_closes_only_its_connection() {
    let server = TestServer::new();
    let mut good = Client::ready(server.bolt);
    let garbage: [&[u8]; 3] = [
        &[0x00, 0x02, 0xB1, 0x10, 0x00, 0x00],                   // RUN with too few fields
        &[0x00, 0x03, 0xB1, 0x10, 0xC4, 0x00, 0x00],             // a reserved marker
        &[0x00, 0x05, 0xD6, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00], // a list longer than the message
    ];
    for bytes in garbage {
        let mut bad = Client::ready(server.bolt);
        bad.send_raw(bytes);
        let reply = bad.recv();
        assert_eq!(reply.tag, FAILURE);
        assert_eq!(reply.meta("code"), Some(&s("Neo.ClientError.Request.Invalid")));
        bad.expect_closed();
        assert_eq!(good.single("RETURN 42 AS n", map(&[])), int(42));
    }
}

#[test]
fn oversized_messages_are_refused() {
    let config = ServerConfig { max_message_size: 1024, ..loopback() };
    let server = TestServer::start(Database::in_memory(), config);
    let mut c = Client::ready(server.bolt);
    c.send(&run(&format!("RETURN '{}' AS s", "x".repeat(2000)), map(&[])));
    assert_eq!(c.recv().tag, FAILURE);
    c.expect_closed();
}

#[test]
fn bolt_4_4_uses_three_field_nodes_and_the_utc_patch_when_asked() {
    let server = TestServer::new();
    for patch in [true, false] {
        let (mut c, v) = Client::connect(server.bolt, ONLY_4_4);
        assert_eq!(v, [0, 0, 4, 4]);
        let mut hello =
            vec![("user_agent", s("t")), ("scheme", s("basic")), ("principal", s("u")), ("credentials", s("p"))];
        if patch {
            hello.push(("patch_bolt", PackValue::List(vec![s("utc")])));
        }
        c.send(&msg(0x01, vec![map(&hello)]));
        let ok = c.recv();
        assert_eq!(ok.tag, SUCCESS, "auth rides in HELLO before 5.1");
        assert_eq!(ok.meta("patch_bolt").is_some(), patch);
        let node = c.single("CREATE (n:N) RETURN n", map(&[]));
        assert!(matches!(&node, PackValue::Struct(st) if st.tag == 0x4E && st.fields.len() == 3), "{node:?}");
        let dt = c.single("RETURN datetime('1970-01-01T01:16:40+01:00') AS d", map(&[]));
        let PackValue::Struct(dt) = dt else { panic!("{dt:?}") };
        if patch {
            assert_eq!((dt.tag, dt.fields[0].clone()), (0x49, int(1000)));
        } else {
            assert_eq!((dt.tag, dt.fields[0].clone()), (0x46, int(4600)), "legacy form: wall-clock seconds");
        }
    }
}

#[test]
fn route_answers_with_this_server_for_every_role() {
    let server = TestServer::new();
    let (mut c, _) = Client::connect(server.bolt, PYTHON_6X);
    c.send(&msg(0x01, vec![map(&[("user_agent", s("t")), ("routing", map(&[("address", s("db.example:7687"))]))])]));
    c.send(&msg(0x6A, vec![map(&[("scheme", s("none"))])]));
    c.send(&msg(0x66, vec![map(&[("address", s("db.example:7687"))]), PackValue::List(vec![]), map(&[])]));
    c.send(&msg(0x66, vec![map(&[]), PackValue::List(vec![]), map(&[("db", s("other"))])]));
    assert_eq!(c.recv().tag, SUCCESS);
    assert_eq!(c.recv().tag, SUCCESS);
    let route = c.recv();
    let Some(PackValue::Map(rt)) = route.meta("rt") else { panic!("{route:?}") };
    assert_eq!(map_get(rt, "db"), Some(&s("neo4j")));
    assert!(matches!(map_get(rt, "ttl"), Some(PackValue::Integer(t)) if *t > 0));
    let Some(PackValue::List(servers)) = map_get(rt, "servers") else { panic!("{rt:?}") };
    let mut roles = Vec::new();
    for server in servers {
        let PackValue::Map(entry) = server else { panic!("{server:?}") };
        assert_eq!(map_get(entry, "addresses"), Some(&PackValue::List(vec![s("db.example:7687")])));
        roles.push(map_get(entry, "role").and_then(PackValue::as_str).map(str::to_owned).expect("role"));
    }
    roles.sort();
    assert_eq!(roles, ["READ", "ROUTE", "WRITE"]);
    assert_eq!(c.recv().meta("code"), Some(&s("Neo.ClientError.Database.DatabaseNotFound")));
}

#[test]
fn wrong_credentials_are_refused_and_disconnected() {
    let auth = Arc::new(SingleUser { user: "neo4j".into(), password: "secret".into() });
    let server = TestServer::start(Database::in_memory(), ServerConfig { authenticator: auth, ..loopback() });
    let logon = |password: &str| {
        msg(0x6A, vec![map(&[("scheme", s("basic")), ("principal", s("neo4j")), ("credentials", s(password))])])
    };
    let (mut c, _) = Client::connect(server.bolt, PYTHON_6X);
    c.send(&msg(0x01, vec![map(&[("user_agent", s("t"))])]));
    c.send(&logon("wrong"));
    assert_eq!(c.recv().tag, SUCCESS);
    assert_eq!(c.recv().meta("code"), Some(&s("Neo.ClientError.Security.Unauthorized")));
    c.expect_closed();
    let (mut c, _) = Client::connect(server.bolt, PYTHON_6X);
    c.send(&msg(0x01, vec![map(&[("user_agent", s("t"))])]));
    c.send(&logon("secret"));
    assert_eq!(c.recv().tag, SUCCESS);
    assert_eq!(c.recv().tag, SUCCESS);
    assert_eq!(c.single("RETURN 1 AS one", map(&[])), int(1));
}

#[test]
fn connections_beyond_the_limit_are_closed() {
    let server = TestServer::start(Database::in_memory(), ServerConfig { max_connections: 1, ..loopback() });
    let mut first = Client::ready(server.bolt);
    let mut second = TcpStream::connect(server.bolt).expect("connect");
    second.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let _ = second.write_all(&[0x60, 0x60, 0xB0, 0x17]);
    let mut buf = [0u8; 4];
    assert!(matches!(second.read(&mut buf), Ok(0) | Err(_)));
    assert_eq!(first.single("RETURN 1 AS one", map(&[])), int(1));
}

#[test]
fn shutdown_closes_idle_connections() {
    let mut server = TestServer::new();
    let mut c = Client::ready(server.bolt);
    server.stop();
    c.expect_closed();
    assert!(TcpStream::connect(server.bolt).is_err() || Client::connect_fails(server.bolt));
}

impl Client {
    /// After shutdown a connect may still be accepted by the OS backlog; nothing answers it.
    fn connect_fails(addr: SocketAddr) -> bool {
        let Ok(mut socket) = TcpStream::connect(addr) else { return true };
        socket.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let _ = socket.write_all(&[0x60, 0x60, 0xB0, 0x17]);
        let mut buf = [0u8; 4];
        matches!(socket.read(&mut buf), Ok(0) | Err(_))
    }
}

#[test]
fn big_results_stream_through_completely() {
    let server = TestServer::new();
    let mut c = Client::ready(server.bolt);
    let (rows, summary) = c.query("UNWIND range(1, 200000) AS x RETURN 'row-' + toString(x) AS s", map(&[]));
    assert_eq!(summary.tag, SUCCESS);
    assert_eq!(rows.len(), 200_000);
    assert_eq!(rows[199_999], vec![s("row-200000")]);
    assert_eq!(c.single("RETURN 1 AS one", map(&[])), int(1));
}

#[test]
fn reads_past_the_query_timeout_fail() {
    let config = ServerConfig { query_timeout: Some(Duration::from_millis(1)), ..loopback() };
    let server = TestServer::start(Database::in_memory(), config);
    let mut c = Client::ready(server.bolt);
    c.send(&run("UNWIND range(1, 100000) AS x RETURN x", map(&[])));
    assert_eq!(c.recv().tag, SUCCESS);
    std::thread::sleep(Duration::from_millis(20));
    c.send(&pull(-1));
    let mut reply = c.recv();
    while reply.tag == RECORD {
        reply = c.recv();
    }
    assert_eq!(reply.meta("code"), Some(&s("Neo.ClientError.Transaction.TransactionTimedOut")));
}

/// A complete directed graph on 30 nodes: trails of up to 12 hops from one
/// node number in the quadrillions, so counting them never finishes.
fn complete_graph() -> Database {
    let db = Database::in_memory();
    for q in ["UNWIND range(0, 29) AS i CREATE (:K {i: i})", "MATCH (a:K), (b:K) WHERE a <> b CREATE (a)-[:E]->(b)"] {
        db.execute(q, &Default::default()).and_then(|r| r.collect_rows()).expect("graph");
    }
    db
}

const ENDLESS: &str = "MATCH (a:K {i: 0})-[:E*1..12]->(b) RETURN count(*) AS trails";

/// The summary after RUN + PULL of `query`, and how long it took.
fn run_to_summary(c: &mut Client, query: &str) -> (Reply, Duration) {
    let started = std::time::Instant::now();
    c.send(&run(query, map(&[])));
    c.send(&pull(-1));
    let mut reply = c.recv();
    while matches!(reply.tag, SUCCESS | RECORD) && reply.meta("t_last").is_none() && reply.meta("code").is_none() {
        reply = c.recv();
    }
    (reply, started.elapsed())
}

#[test]
fn a_running_query_stops_at_its_time_limit() {
    let config = ServerConfig { query_timeout: Some(Duration::from_millis(300)), ..loopback() };
    let server = TestServer::start(complete_graph(), config);
    let mut c = Client::ready(server.bolt);
    let (reply, took) = run_to_summary(&mut c, ENDLESS);
    assert_eq!(reply.tag, FAILURE, "{reply:?}");
    assert_eq!(reply.meta("code"), Some(&s("Neo.ClientError.Transaction.TransactionTimedOut")));
    assert!(took < Duration::from_secs(10), "stopped after {took:?}");
    c.send(&msg(0x0F, vec![]));
    assert_eq!(c.recv().tag, SUCCESS);
    assert_eq!(c.single("RETURN 1 AS one", map(&[])), int(1));
}

#[test]
fn reset_cancels_a_running_query() {
    let server = TestServer::start(complete_graph(), loopback());
    let mut c = Client::ready(server.bolt);
    let started = std::time::Instant::now();
    c.send(&run(ENDLESS, map(&[])));
    c.send(&pull(-1));
    assert_eq!(c.recv().tag, SUCCESS, "RUN");
    std::thread::sleep(Duration::from_millis(300));
    c.send(&msg(0x0F, vec![]));
    let pulled = c.recv();
    assert_eq!(pulled.meta("code"), Some(&s("Neo.ClientError.Transaction.Terminated")), "{pulled:?}");
    assert_eq!(c.recv().tag, SUCCESS, "RESET");
    assert!(started.elapsed() < Duration::from_secs(10), "cancelled after {:?}", started.elapsed());
    assert_eq!(c.single("RETURN 2 AS two", map(&[])), int(2));
}

#[test]
fn a_query_over_its_memory_limit_fails_and_the_connection_goes_on() {
    let config = ServerConfig { query_memory_limit: Some(1 << 20), ..loopback() };
    let server = TestServer::start(complete_graph(), config);
    let mut c = Client::ready(server.bolt);
    for query in [ENDLESS, "UNWIND range(1, 300000) AS x RETURN x ORDER BY x DESC LIMIT 1"] {
        let (reply, _) = run_to_summary(&mut c, query);
        assert_eq!(reply.meta("code"), Some(&s("Neo.TransientError.General.MemoryPoolOutOfMemoryError")), "{query}");
        c.send(&msg(0x0F, vec![]));
        assert_eq!(c.recv().tag, SUCCESS);
    }
    // Small queries fit.
    assert_eq!(c.single("UNWIND range(1, 1000) AS x RETURN max(x) AS m", map(&[])), int(1000));
}

#[test]
fn writes_routed_as_reads_are_refused_before_they_run() {
    let server = TestServer::new();
    let mut c = Client::ready(server.bolt);
    c.send(&msg(0x10, vec![s("CREATE (:Refused)"), map(&[]), map(&[("mode", s("r"))])]));
    c.send(&pull(-1));
    assert_eq!(c.recv().meta("code"), Some(&s("Neo.ClientError.Statement.AccessMode")));
    assert_eq!(c.recv().tag, IGNORED);
    c.send(&msg(0x0F, vec![]));
    assert_eq!(c.recv().tag, SUCCESS);
    c.send(&msg(0x10, vec![s("MATCH (n:Refused) RETURN count(n) AS c"), map(&[]), map(&[("mode", s("r"))])]));
    c.send(&pull(-1));
    assert_eq!(c.recv().tag, SUCCESS);
    assert_eq!(c.recv().record(), &[int(0)]);
}

#[test]
fn an_idle_transaction_past_its_timeout_is_rolled_back_and_frees_the_writer() {
    let server = TestServer::new();
    let mut c = Client::ready(server.bolt);
    c.send(&msg(0x11, vec![map(&[("tx_timeout", int(100))])]));
    c.send(&run("CREATE (:Expired)", map(&[])));
    c.send(&pull(-1));
    for _ in 0..3 {
        assert_eq!(c.recv().tag, SUCCESS);
    }
    std::thread::sleep(Duration::from_millis(400));
    // Another writer is not blocked by the abandoned transaction.
    let mut other = Client::ready(server.bolt);
    let (_, created) = other.query("CREATE (:Other)", map(&[]));
    assert_eq!(created.tag, SUCCESS);
    c.send(&msg(0x12, vec![]));
    assert_eq!(c.recv().meta("code"), Some(&s("Neo.ClientError.Transaction.TransactionTimedOut")));
    c.send(&msg(0x0F, vec![]));
    assert_eq!(c.recv().tag, SUCCESS);
    assert_eq!(c.single("MATCH (n:Expired) RETURN count(n) AS c", map(&[])), int(0));
}

#[test]
fn a_neo4rs_0_8_style_session_on_bolt_4_1() {
    // PROTOCOLS.md A.10: auth in HELLO, `db` everywhere, PULL/DISCARD with qid -1, RESET on recycle.
    let server = TestServer::new();
    let (mut c, v) = Client::connect(server.bolt, NEO4RS_08);
    assert_eq!(v, [0, 0, 1, 4]);
    c.send(&msg(
        0x01,
        vec![map(&[
            ("user_agent", s("neo4rs")),
            ("scheme", s("basic")),
            ("principal", s("neo4j")),
            ("credentials", s("pw")),
        ])],
    ));
    let hello = c.recv();
    assert_eq!(hello.tag, SUCCESS);
    assert_eq!(hello.meta("hints"), None, "hints start at 4.3");
    let db = || map(&[("db", s("neo4j"))]);
    let pull_200 = msg(0x3F, vec![map(&[("n", int(200)), ("qid", int(-1))])]);
    let discard_all = msg(0x2F, vec![map(&[("n", int(-1)), ("qid", int(-1))])]);
    c.send(&msg(0x10, vec![s("RETURN 1 AS n"), map(&[]), db()]));
    assert_eq!(c.recv().tag, SUCCESS);
    c.send(&pull_200);
    assert_eq!(c.recv().record(), &[int(1)]);
    assert_eq!(c.recv().tag, SUCCESS);
    c.send(&msg(0x0F, vec![]));
    assert_eq!(c.recv().tag, SUCCESS);
    c.send(&msg(0x11, vec![db()]));
    assert_eq!(c.recv().tag, SUCCESS);
    c.send(&msg(0x10, vec![s("CREATE (n:R4 {v: 1}) RETURN n"), map(&[]), db()]));
    assert_eq!(c.recv().meta("qid"), Some(&int(0)));
    c.send(&discard_all);
    assert_eq!(c.recv().tag, SUCCESS);
    c.send(&msg(0x12, vec![]));
    assert!(c.recv().meta("bookmark").is_some());
    c.send(&msg(0x10, vec![s("MATCH (n:R4) RETURN n"), map(&[]), db()]));
    assert_eq!(c.recv().tag, SUCCESS);
    c.send(&pull_200);
    let node = c.recv().record()[0].clone();
    assert!(matches!(&node, PackValue::Struct(st) if st.tag == 0x4E && st.fields.len() == 3), "{node:?}");
    assert_eq!(c.recv().tag, SUCCESS);
    c.send(&msg(0x02, vec![]));
    c.expect_closed();
}

/// A deterministic byte generator for the fuzz-style test below.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A random PackStream value, biased towards what messages contain.
    fn value(&mut self, depth: u32) -> PackValue {
        match self.below(if depth > 2 { 5 } else { 8 }) {
            0 => PackValue::Null,
            1 => int(self.next() as i64 - (1 << 30)),
            2 => s(["", "n", "qid", "db", "RETURN 1", "bookmarks", "mode", "neo4j"][self.below(8) as usize]),
            3 => PackValue::Float(self.next() as f64 / 7.0),
            4 => PackValue::Boolean(self.below(2) == 0),
            5 => PackValue::List((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            6 => PackValue::Map(
                (0..self.below(4))
                    .map(|_| {
                        (
                            ["n", "qid", "db", "x", "tx_timeout"][self.below(5) as usize].to_string(),
                            self.value(depth + 1),
                        )
                    })
                    .collect(),
            ),
            _ => {
                let tag = [0x01, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x2F, 0x3F, 0x44, 0x49, 0x54, 0x66, 0x6A, 0x6B, 0x45]
                    [self.below(15) as usize];
                msg(tag, (0..self.below(4)).map(|_| self.value(depth + 1)).collect())
            }
        }
    }
}

#[test]
fn random_messages_and_bytes_never_take_the_server_down() {
    let server = TestServer::new();
    let mut rng = Lcg(7);
    for round in 0..150 {
        let mut c = Client::ready(server.bolt);
        if round % 2 == 0 {
            let garbage: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
            let _ = c.socket.write_all(&garbage).and_then(|_| c.socket.write_all(&[0, 0]));
        } else {
            for _ in 0..8 {
                let tag = [0x0F, 0x10, 0x11, 0x12, 0x13, 0x2F, 0x3F, 0x54, 0x66, 0x6B][rng.below(10) as usize];
                let fields = (0..rng.below(4)).map(|_| rng.value(0)).collect();
                if !c.try_send(&msg(tag, fields)) {
                    break;
                }
            }
        }
        // Whatever the server answered, it ends with a closed or still-working connection.
        let _ = c.socket.shutdown(std::net::Shutdown::Write);
        while c.try_recv().is_some() {}
    }
    let mut good = Client::ready(server.bolt);
    assert_eq!(good.single("RETURN 'still up' AS s", map(&[])), s("still up"));
}

#[test]
fn a_client_that_never_finishes_the_handshake_is_disconnected() {
    let config = ServerConfig { handshake_timeout: Duration::from_millis(200), ..loopback() };
    let server = TestServer::start(Database::in_memory(), config);
    let mut idle = TcpStream::connect(server.bolt).expect("connect");
    idle.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    idle.write_all(&[0x60, 0x60]).expect("half a magic");
    let mut buf = [0u8; 4];
    let started = std::time::Instant::now();
    assert!(matches!(idle.read(&mut buf), Ok(0) | Err(_)));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn impersonation_and_unknown_databases_are_refused() {
    let server = TestServer::new();
    let mut c = Client::ready(server.bolt);
    c.send(&msg(0x11, vec![map(&[("imp_user", s("alice"))])]));
    assert_eq!(c.recv().meta("code"), Some(&s("Neo.ClientError.Security.Forbidden")));
    c.send(&msg(0x0F, vec![]));
    assert_eq!(c.recv().tag, SUCCESS);
    c.send(&msg(0x10, vec![s("RETURN 1"), map(&[]), map(&[("db", s("other"))])]));
    assert_eq!(c.recv().meta("code"), Some(&s("Neo.ClientError.Database.DatabaseNotFound")));
    c.send(&msg(0x0F, vec![]));
    assert_eq!(c.recv().tag, SUCCESS);
    for db in [PackValue::Null, s(""), s("neo4j")] {
        c.send(&msg(0x10, vec![s("RETURN 1 AS one"), map(&[]), map(&[("db", db)])]));
        c.send(&pull(-1));
        assert_eq!(c.recv().tag, SUCCESS);
        assert_eq!(c.recv().record(), &[int(1)]);
        assert_eq!(c.recv().tag, SUCCESS);
    }
}

#[test]
fn only_the_configured_versions_are_offered() {
    let config = ServerConfig { bolt_versions: vec![BoltVersion::new(4, 4)], ..loopback() };
    let server = TestServer::start(Database::in_memory(), config);
    assert_eq!(Client::connect(server.bolt, PYTHON_6X).1, [0, 0, 4, 4]);
    let (mut c, v) = Client::connect(server.bolt, NEO4RS_08);
    assert_eq!(v, [0, 0, 0, 0]);
    c.expect_closed();
}

#[test]
fn bolt_4_2_drivers_get_the_routing_table_from_the_system_database() {
    let server = TestServer::new();
    let (mut c, v) = Client::connect(server.bolt, [0, 0, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(v, [0, 0, 2, 4]);
    c.send(&msg(0x01, vec![map(&[("user_agent", s("t")), ("routing", map(&[("address", s("here:7687"))]))])]));
    assert_eq!(c.recv().tag, SUCCESS);
    c.send(&msg(
        0x10,
        vec![
            s("CALL dbms.routing.getRoutingTable($context)"),
            map(&[("context", map(&[("address", s("here:7687"))]))]),
            map(&[("db", s("system")), ("mode", s("r"))]),
        ],
    ));
    c.send(&pull(-1));
    assert_eq!(c.recv().meta("fields"), Some(&PackValue::List(vec![s("ttl"), s("servers")])));
    let row = c.recv().record().to_vec();
    assert_eq!(row[0], int(300));
    let PackValue::List(servers) = &row[1] else { panic!("{row:?}") };
    assert_eq!(servers.len(), 3);
    assert_eq!(c.recv().tag, SUCCESS);
    // Only the routing call may name `system`.
    c.send(&msg(0x10, vec![s("RETURN 1"), map(&[]), map(&[("db", s("system"))])]));
    assert_eq!(c.recv().meta("code"), Some(&s("Neo.ClientError.Database.DatabaseNotFound")));
}

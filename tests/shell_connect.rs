//! `plexus shell --connect`: the binary's shell driven through stdin against
//! a server started in-process (plain Bolt, and Bolt over TLS with a
//! self-signed certificate through `bolt+ssc://`).

use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use plexus::server::bolt::auth::SingleUser;
use plexus::server::tls::Tls;
use plexus::server::ServerConfig;
use plexus::Database;

#[path = "common/server.rs"]
#[allow(dead_code)]
mod server;

use server::TestServer;

#[path = "common/binary.rs"]
mod binary;

use binary::plexus_in;

fn loopback() -> ServerConfig {
    ServerConfig { bolt_addr: SocketAddr::from(([127, 0, 0, 1], 0)), http_addr: None, ..ServerConfig::default() }
}

/// Run `plexus shell ARGS` with `stdin` piped in; (success, stdout, stderr).
fn shell(args: &[&str], stdin: &str) -> (bool, String, String) {
    let cwd = tempfile::tempdir().expect("tempdir");
    let args: Vec<&str> = std::iter::once("shell").chain(args.iter().copied()).collect();
    let Output { status, stdout, stderr } = plexus_in(cwd.path(), &args, stdin);
    (status.success(), String::from_utf8(stdout).expect("UTF-8"), String::from_utf8(stderr).expect("UTF-8"))
}

#[test]
fn creates_reads_tables_parameters_and_errors_with_their_codes() {
    let server = TestServer::start(Database::in_memory(), loopback());
    let uri = format!("bolt://127.0.0.1:{}", server.bolt.port());
    let script = "\
CREATE (:Person {name: 'Ann', age: 41})-[:KNOWS]->(:Person {name: 'Bob', age: 39});
:param minimum => 40
MATCH (p:Person) WHERE p.age >= $minimum RETURN p.name AS name, p.age AS age;
RETURN 1 +;
RETURN 'still here' AS s;
";
    let (ok, out, err) = shell(&["--connect", &uri], script);
    assert!(!ok, "a failed statement makes a piped script fail");
    assert!(err.contains("Neo4j/") && err.contains("Bolt 5.4"), "banner: {err}");
    assert!(out.contains("Created 2 nodes, created 1 relationship"), "{out}");
    assert!(out.contains("$minimum => 40"), "{out}");
    let table = "+-------+-----+\n| name  | age |\n+-------+-----+\n| 'Ann' | 41  |\n+-------+-----+\n1 row in";
    assert!(out.contains(table), "{out}");
    assert!(err.contains("Neo.ClientError.Statement.SyntaxError: "), "{err}");
    assert!(err.contains("line 1, column 11:\n  RETURN 1 +\n            ^"), "{err}");
    // The connection was reset after the failure and the next statement ran.
    assert!(out.contains("'still here'"), "{out}");
    // The data is on the server.
    let (ok, out, err) = shell(&["--connect", &uri], "MATCH (p:Person) RETURN count(p) AS n;");
    assert!(ok, "{err}");
    assert!(out.contains("| 2 |"), "{out}");
}

#[test]
fn gremlin_is_refused_clearly_over_bolt() {
    let server = TestServer::start(Database::in_memory(), loopback());
    let uri = format!("neo4j://127.0.0.1:{}", server.bolt.port());
    let (ok, _, err) = shell(&["--connect", &uri], ":gremlin\ng.V().count();\nRETURN 1;\n");
    assert!(!ok);
    assert_eq!(err.matches("Gremlin needs the server's HTTP or WebSocket endpoint").count(), 2, "{err}");
}

#[test]
fn connects_over_tls_with_a_self_signed_certificate() {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).expect("write");
    std::fs::write(&key, made.key_pair.serialize_pem()).expect("write");
    let config = ServerConfig { tls: Some(Tls::from_pem_files(&cert, &key).expect("valid PEM")), ..loopback() };
    let server = TestServer::start(Database::in_memory(), config);
    let port = server.bolt.port();
    let (ok, out, err) = shell(&["--connect", &format!("bolt+ssc://localhost:{port}")], "RETURN 6 * 7 AS answer;");
    assert!(ok, "{err}");
    assert!(err.contains("TLS"), "banner: {err}");
    assert!(out.contains("| 42     |"), "{out}");
    // Plain Bolt to a TLS port fails with a message, not a hang or a panic.
    let (ok, _, err) = shell(&["--connect", &format!("bolt://127.0.0.1:{port}")], "RETURN 1;");
    assert!(!ok);
    assert!(err.contains("plexus: "), "{err}");
}

#[test]
fn a_server_that_is_not_there_is_a_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let (ok, _, err) = shell(&["--connect", &format!("bolt://127.0.0.1:{port}")], "RETURN 1;");
    assert!(!ok);
    assert!(err.contains(&format!("cannot connect to 127.0.0.1:{port}")), "{err}");
    let (ok, _, err) = shell(&["--connect", "http://localhost"], "");
    assert!(!ok);
    assert!(err.contains("unsupported scheme"), "{err}");
}

#[test]
fn logs_in_with_flags_or_user_info_and_refuses_wrong_credentials() {
    let authenticator = Arc::new(SingleUser { user: "ann".into(), password: "p@ss".into() });
    let server = TestServer::start(Database::in_memory(), ServerConfig { authenticator, ..loopback() });
    let port = server.bolt.port();
    let plain = format!("bolt://127.0.0.1:{port}");
    let (ok, out, err) = shell(&["--connect", &plain, "--user", "ann", "--password", "p@ss"], "RETURN 1 AS one;");
    assert!(ok, "{err}");
    assert!(out.contains("| 1   |"), "{out}");
    let with_user_info = format!("bolt://ann:p%40ss@127.0.0.1:{port}");
    let (ok, _, err) = shell(&["--connect", &with_user_info], "RETURN 1;");
    assert!(ok, "{err}");
    let (ok, _, err) = shell(&["--connect", &plain, "--user", "ann", "--password", "wrong"], "RETURN 1;");
    assert!(!ok);
    assert!(err.contains("Neo.ClientError.Security.Unauthorized"), "{err}");
}

#[test]
fn a_lost_connection_fails_one_statement_and_the_next_connects_again() {
    use std::io::{BufRead, BufReader};
    let mut first = TestServer::start(Database::in_memory(), loopback());
    let address = first.bolt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_plexus"))
        .args(["shell", "--connect", &format!("bolt://{address}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start plexus");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    stdin.write_all(b"RETURN 'before' AS s;\n").expect("write");
    let mut seen = String::new();
    while !seen.contains("1 row in") {
        assert_ne!(stdout.read_line(&mut seen).expect("read"), 0, "the shell ended early: {seen}");
    }
    assert!(seen.contains("'before'"), "{seen}");
    // The server goes away and another takes its address.
    first.stop();
    let _second = TestServer::start(Database::in_memory(), ServerConfig { bolt_addr: address, ..loopback() });
    stdin.write_all(b"RETURN 'lost' AS s;\nRETURN 'after' AS s;\n").expect("write");
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("read");
    let output = child.wait_with_output().expect("wait");
    let err = String::from_utf8(output.stderr).expect("UTF-8");
    assert!(!output.status.success());
    assert!(err.contains("(the next statement connects again)"), "{err}");
    assert!(!rest.contains("'lost'") && rest.contains("'after'"), "{rest}");
}

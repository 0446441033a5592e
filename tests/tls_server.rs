//! The server with TLS on both ports, in-process, with a certificate made at
//! test time: Bolt over TLS through Plexus's own client, HTTPS with a rustls
//! client that trusts only that certificate, and plaintext or silent clients
//! on the TLS ports dropped without disturbing anyone else.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use plexus::client::{BoltClient, ClientError, Security, Target};
use plexus::db::Params;
use plexus::server::tls::Tls;
use plexus::server::ServerConfig;
use plexus::Database;
use plexus_storage::Value;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, ClientConnection, RootCertStore, StreamOwned};

#[path = "common/server.rs"]
#[allow(dead_code)]
mod server;

use server::TestServer;

/// A self-signed certificate for localhost and 127.0.0.1, written as PEM files.
struct Certificate {
    dir: tempfile::TempDir,
    der: CertificateDer<'static>,
}

impl Certificate {
    fn new() -> Certificate {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("a self-signed certificate");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("cert.pem"), made.cert.pem()).expect("write cert");
        std::fs::write(dir.path().join("key.pem"), made.key_pair.serialize_pem()).expect("write key");
        Certificate { dir, der: made.cert.der().clone() }
    }

    fn tls(&self) -> Tls {
        Tls::from_pem_files(&self.dir.path().join("cert.pem"), &self.dir.path().join("key.pem")).expect("valid PEM")
    }

    /// A client configuration that trusts this certificate and nothing else.
    fn client_config(&self) -> Arc<ClientConfig> {
        let mut roots = RootCertStore::empty();
        roots.add(self.der.clone()).expect("a usable root");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        Arc::new(config)
    }
}

fn start(cert: &Certificate, handshake_timeout: Duration) -> TestServer {
    let config = ServerConfig {
        bolt_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        http_addr: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
        handshake_timeout,
        tls: Some(cert.tls()),
        ..ServerConfig::default()
    };
    TestServer::start(Database::in_memory(), config)
}

fn bolt_target(addr: SocketAddr) -> Target {
    Target {
        host: "127.0.0.1".into(),
        port: addr.port(),
        security: Security::AnyCertificate,
        user: None,
        password: None,
    }
}

fn bolt_client(addr: SocketAddr) -> BoltClient {
    BoltClient::connect(&bolt_target(addr), "tls-test/1").expect("a Bolt connection over TLS")
}

/// One HTTP/1.1 exchange over TLS, verifying the server against `config`'s roots.
fn https(addr: SocketAddr, config: Arc<ClientConfig>, head: &str, body: &str) -> (u16, String) {
    let socket = TcpStream::connect(addr).expect("connect");
    socket.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let name = ServerName::try_from("localhost").expect("a server name");
    let mut tls = StreamOwned::new(ClientConnection::new(config, name).expect("client"), socket);
    let request = format!("{head}Host: localhost\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    tls.write_all(request.as_bytes()).expect("request");
    let mut response = Vec::new();
    match tls.read_to_end(&mut response) {
        Ok(_) => {}
        // A server that closes without close_notify after a complete response is fine here.
        Err(e) if e.kind() == ErrorKind::UnexpectedEof && !response.is_empty() => {}
        Err(e) => panic!("reading the response: {e}"),
    }
    let text = String::from_utf8(response).expect("UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status");
    (status, body.to_string())
}

/// True when the server closes `socket` (EOF or reset) within `within`.
fn closed_by_server(socket: &mut TcpStream, within: Duration) -> bool {
    socket.set_read_timeout(Some(within)).expect("timeout");
    let mut buf = [0u8; 256];
    loop {
        match socket.read(&mut buf) {
            Ok(0) => return true,
            // A TLS alert may come first; what matters is that the socket then closes.
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return false,
            Err(_) => return true,
        }
    }
}

#[test]
fn bolt_runs_queries_and_transactions_over_tls() {
    let cert = Certificate::new();
    let server = start(&cert, Duration::from_secs(10));
    let mut client = bolt_client(server.bolt);
    assert!(client.server_agent().starts_with("Neo4j/"), "{}", client.server_agent());
    let params: Params = [("name".to_string(), Value::String("Ann".into()))].into();
    let created = client.run("CREATE (p:Person {name: $name}) RETURN p.name AS name", &params).expect("create");
    assert_eq!(created.columns, vec!["name".to_string()]);
    assert_eq!(created.rows, vec![vec![Value::String("Ann".into())]]);
    client.begin().expect("begin");
    client.run("CREATE (:Person {name: 'Bob'})", &Params::new()).expect("create in a transaction");
    client.rollback().expect("rollback");
    let count = client.run("MATCH (p:Person) RETURN count(p) AS n", &Params::new()).expect("count");
    assert_eq!(count.rows, vec![vec![Value::Integer(1)]]);
    let failed = client.run("RETURN 1/0", &Params::new()).expect_err("division by zero");
    assert!(
        matches!(&failed, ClientError::Server { code, .. } if code == "Neo.ClientError.Statement.ArithmeticError"),
        "{failed}"
    );
    // The connection survived the failure (the client RESETs it).
    assert_eq!(
        client.run("RETURN 2 AS x", &Params::new()).expect("after a failure").rows,
        vec![vec![Value::Integer(2)]]
    );
}

#[test]
fn https_serves_status_and_opencypher_with_a_verified_certificate() {
    let cert = Certificate::new();
    let server = start(&cert, Duration::from_secs(10));
    let http = server.http.expect("an HTTP address");
    let (status, body) = https(http, cert.client_config(), "GET /status HTTP/1.1\r\n", "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("healthy"), "{body}");
    let head = "POST /openCypher HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n";
    let (status, body) = https(http, cert.client_config(), head, "query=RETURN%2040%20%2B%202%20AS%20x");
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(json["results"], serde_json::json!([{"x": 42}]), "{body}");
}

#[test]
fn a_client_that_does_not_trust_the_certificate_fails_the_handshake() {
    let cert = Certificate::new();
    let server = start(&cert, Duration::from_secs(10));
    // `bolt+s://` checks the certificate against the system's roots, which do not hold ours.
    let verified = Target { security: Security::Verified, ..bolt_target(server.bolt) };
    let refused = BoltClient::connect(&verified, "tls-test/1").err().expect("an untrusted certificate");
    assert!(refused.to_string().contains("TLS handshake failed"), "{refused}");
    // The server shrugged it off.
    bolt_client(server.bolt).run("RETURN 1", &Params::new()).expect("a trusting client still works");
}

#[test]
fn plaintext_clients_on_tls_ports_are_dropped_and_others_keep_working() {
    let cert = Certificate::new();
    let server = start(&cert, Duration::from_secs(10));
    let mut busy = bolt_client(server.bolt);
    busy.begin().expect("begin");
    // Plain Bolt on the TLS port: the magic is not a TLS ClientHello.
    let mut plain_bolt = TcpStream::connect(server.bolt).expect("connect");
    plain_bolt.write_all(&[0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).expect("write");
    assert!(closed_by_server(&mut plain_bolt, Duration::from_secs(5)), "plain Bolt was not dropped");
    // Plain HTTP on the HTTPS port gets no HTTP answer.
    let http = server.http.expect("an HTTP address");
    let mut plain_http = TcpStream::connect(http).expect("connect");
    plain_http.write_all(b"GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("write");
    let mut reply = Vec::new();
    plain_http.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let _ = plain_http.read_to_end(&mut reply);
    assert!(!String::from_utf8_lossy(&reply).contains("HTTP/1.1 200"), "plain HTTP was answered");
    // The connection opened before, and new ones, are unaffected.
    busy.run("CREATE (:Survivor)", &Params::new()).expect("the open transaction works");
    busy.commit().expect("commit");
    let rows = bolt_client(server.bolt).run("MATCH (s:Survivor) RETURN count(s)", &Params::new()).expect("read").rows;
    assert_eq!(rows, vec![vec![Value::Integer(1)]]);
    assert_eq!(https(http, cert.client_config(), "GET /status HTTP/1.1\r\n", "").0, 200);
}

#[test]
fn silent_clients_are_cut_at_the_handshake_timeout_without_holding_up_others() {
    let cert = Certificate::new();
    let server = start(&cert, Duration::from_secs(2));
    let http = server.http.expect("an HTTP address");
    let mut silent_bolt = TcpStream::connect(server.bolt).expect("connect");
    let mut silent_http = TcpStream::connect(http).expect("connect");
    // While both sit there saying nothing, others get through on both ports.
    let started = Instant::now();
    bolt_client(server.bolt).run("RETURN 1", &Params::new()).expect("Bolt while a client is silent");
    assert_eq!(https(http, cert.client_config(), "GET /status HTTP/1.1\r\n", "").0, 200);
    assert!(started.elapsed() < Duration::from_secs(2), "a silent client held others up");
    assert!(closed_by_server(&mut silent_bolt, Duration::from_secs(5)), "silent Bolt client kept");
    assert!(closed_by_server(&mut silent_http, Duration::from_secs(5)), "silent HTTPS client kept");
}

#[test]
fn a_bad_certificate_or_key_is_a_startup_error_naming_the_file() {
    let cert = Certificate::new();
    let garbage = cert.dir.path().join("garbage.pem");
    std::fs::write(&garbage, "-----BEGIN CERTIFICATE-----\nnot base64\n").expect("write");
    let good_cert = cert.dir.path().join("cert.pem");
    let good_key = cert.dir.path().join("key.pem");
    let missing = cert.dir.path().join("missing.pem");
    for (c, k, named) in [
        (&missing, &good_key, "missing.pem"),
        (&garbage, &good_key, "garbage.pem"),
        (&good_cert, &garbage, "garbage.pem"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_plexus"))
            .args(["serve", "--in-memory", "--bolt-port", "0", "--http-port", "0", "--tls-cert"])
            .arg(c)
            .arg("--tls-key")
            .arg(k)
            .output()
            .expect("run plexus");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(named) && stderr.contains("TLS"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// The Gremlin WebSocket upgrade rides on the TLS stream like any request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gremlin_websocket_upgrades_over_tls() {
    use futures_util::{SinkExt, StreamExt};
    use plexus::server::gremlin_ws::graphson;
    use plexus::server::gremlin_ws::value::WireValue;
    use tokio_tungstenite::tungstenite::Message;

    let cert = Certificate::new();
    let server = start(&cert, Duration::from_secs(10));
    let http = server.http.expect("an HTTP address");
    let tcp = tokio::net::TcpStream::connect(http).await.expect("connect");
    let name = ServerName::try_from("localhost").expect("a server name");
    let tls = tokio_rustls::TlsConnector::from(cert.client_config()).connect(name, tcp).await.expect("TLS handshake");
    let (mut ws, _) = tokio_tungstenite::client_async(format!("wss://localhost:{}/gremlin", http.port()), tls)
        .await
        .expect("upgrade");
    let request = serde_json::json!({"requestId": "6d0d812c-7c3a-4f7a-8d3a-0e5f1b2c3d4e", "op": "eval",
                                     "processor": "", "args": {"gremlin": "g.inject('over tls')"}});
    ws.send(Message::Text(request.to_string().into())).await.expect("send");
    let reply = match ws.next().await.expect("a response").expect("read") {
        Message::Text(text) => graphson::decode_response(&text).expect("GraphSON"),
        other => panic!("expected a text frame, got {other:?}"),
    };
    assert_eq!(reply.code, 200, "{reply:?}");
    assert_eq!(reply.data, WireValue::List(vec![WireValue::String("over tls".into())]), "{reply:?}");
}

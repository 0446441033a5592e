//! The HTTP side of the server in-process on an ephemeral loopback port:
//! Neptune's `/openCypher` request forms and response JSON, its error shape,
//! and `/status`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use plexus::server::bolt::auth::SingleUser;
use plexus::server::ServerConfig;
use plexus::Database;
use serde_json::{json, Value as Json};

#[path = "common/server.rs"]
#[allow(dead_code)]
mod server;

use server::TestServer;

impl TestServer {
    fn start_http() -> TestServer {
        TestServer::start_with(ServerConfig::default())
    }

    fn start_with(config: ServerConfig) -> TestServer {
        TestServer::start_loopback(Database::in_memory(), config)
    }

    /// One HTTP/1.1 exchange: status, content type and body.
    fn request(&self, method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> (u16, String, String) {
        self.http_request(method, path, "", content_type, body)
    }

    fn cypher_form(&self, form: &str) -> (u16, Json) {
        let (status, _, body) =
            self.request("POST", "/openCypher", Some("application/x-www-form-urlencoded"), form.as_bytes());
        (status, serde_json::from_str(&body).expect("JSON body"))
    }
}

#[test]
fn every_request_form_returns_neptune_results() {
    let server = TestServer::start_http();
    let expected = json!({"results": [{"n": 2, "s": "x"}]});
    let (status, body) =
        server.cypher_form("query=RETURN+%24n+%2B+1+AS+n%2C+%27x%27+AS+s&parameters=%7B%22n%22%3A1%7D");
    assert_eq!((status, body), (200, expected.clone()));
    let (status, ct, body) = server.request(
        "GET",
        "/openCypher?query=RETURN+%24n+%2B+1+AS+n%2C+%27x%27+AS+s&parameters=%7B%22n%22%3A1%7D",
        None,
        b"",
    );
    assert_eq!((status, ct.as_str()), (200, "application/json"));
    assert_eq!(serde_json::from_str::<Json>(&body).expect("json"), expected);
    let (status, _, body) = server.request(
        "POST",
        "/opencypher",
        Some("application/json"),
        br#"{"query": "RETURN $n + 1 AS n, 'x' AS s", "parameters": "{\"n\": 1}"}"#,
    );
    assert_eq!((status, serde_json::from_str::<Json>(&body).expect("json")), (200, expected.clone()));
    let (status, _, body) = server.request(
        "POST",
        "/openCypher?parameters=%7B%22n%22%3A1%7D",
        Some("application/opencypher"),
        b"RETURN $n + 1 AS n, 'x' AS s",
    );
    assert_eq!((status, serde_json::from_str::<Json>(&body).expect("json")), (200, expected));
}

#[test]
fn graph_elements_and_paths_have_neptune_shapes() {
    let server = TestServer::start_http();
    let (status, body) = server.cypher_form(
        "query=CREATE+p%3D(a%3Aairport+%7Bcode%3A+%27SEA%27%7D)-%5Br%3Aroute+%7Bdist%3A+2180%7D%5D-%3E(b%3Aairport)+RETURN+a%2C+r%2C+p",
    );
    assert_eq!(status, 200, "{body}");
    let row = &body["results"][0];
    assert_eq!(row["a"]["~entityType"], "node");
    assert_eq!(row["a"]["~labels"], json!(["airport"]));
    assert_eq!(row["a"]["~properties"], json!({"code": "SEA"}));
    assert!(row["a"]["~id"].is_string());
    assert_eq!(row["r"]["~type"], "route");
    assert_eq!(row["r"]["~start"], row["a"]["~id"]);
    assert_eq!(row["r"]["~properties"]["dist"], 2180);
    let kinds: Vec<&Json> = row["p"].as_array().expect("path array").iter().map(|e| &e["~entityType"]).collect();
    assert_eq!(kinds, vec!["node", "relationship", "node"]);
}

#[test]
fn errors_have_a_code_a_message_and_a_request_id() {
    let server = TestServer::start_http();
    let cases = [
        ("query=RETURN+1+%2B", 400, "MalformedQueryException"),
        ("query=RETURN+1%2F0", 400, "InvalidNumericDataException"),
        ("query=RETURN+%24missing", 400, "BadRequestException"),
        ("parameters=%7B%7D", 400, "BadRequestException"),
        ("query=RETURN+1&parameters=%7Bbroken", 400, "BadRequestException"),
    ];
    for (form, status, code) in cases {
        let (got, body) = server.cypher_form(form);
        assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{form}: {body}");
        assert!(body["detailedMessage"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(body["requestId"].as_str().map(str::len), Some(36));
    }
}

#[test]
fn status_and_explain() {
    let server = TestServer::start_http();
    let (status, _, body) = server.request("GET", "/status", None, b"");
    let body: Json = serde_json::from_str(&body).expect("json");
    assert_eq!((status, body["status"].as_str()), (200, Some("healthy")));
    let (status, _, plan) = server.request(
        "POST",
        "/openCypher",
        Some("application/x-www-form-urlencoded"),
        b"query=MATCH+(n%3AA)+RETURN+n&explain=static",
    );
    assert_eq!(status, 200);
    assert!(plan.contains("Scan"), "{plan}");
    let (status, _, _) = server.request("GET", "/nope", None, b"");
    assert_eq!(status, 404);
}

#[test]
fn an_idle_keep_alive_connection_does_not_hold_shutdown() {
    let mut server =
        TestServer::start_with(ServerConfig { shutdown_grace: Duration::from_millis(300), ..Default::default() });
    let mut socket = TcpStream::connect(server.http.expect("http address")).expect("connect");
    socket.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    socket.write_all(b"GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("request");
    let mut buf = [0u8; 4096];
    let n = socket.read(&mut buf).expect("response");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let started = std::time::Instant::now();
    server.stop();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[test]
fn with_an_authenticator_open_cypher_needs_basic_credentials() {
    let auth = std::sync::Arc::new(SingleUser { user: "ann".into(), password: "pw".into() });
    let server = TestServer::start_with(ServerConfig { authenticator: auth, ..Default::default() });
    let form = Some("application/x-www-form-urlencoded");
    let (status, _, body) = server.request("POST", "/openCypher", form, b"query=RETURN+1+AS+n");
    let body: Json = serde_json::from_str(&body).expect("json");
    assert_eq!((status, body["code"].as_str()), (401, Some("AccessDeniedException")));
    // "ann:no", then "ann:pw"
    let (status, _, _) =
        server.http_request("POST", "/openCypher", "Authorization: Basic YW5uOm5v\r\n", form, b"query=RETURN+1+AS+n");
    assert_eq!(status, 401);
    let (status, _, body) =
        server.http_request("POST", "/openCypher", "Authorization: Basic YW5uOnB3\r\n", form, b"query=RETURN+1+AS+n");
    assert_eq!((status, serde_json::from_str::<Json>(&body).expect("json")), (200, json!({"results": [{"n": 1}]})));
    let (status, _, _) = server.request("GET", "/status", None, b"");
    assert_eq!(status, 200, "health checks need no credentials");
    let (status, _, _) = server.request("GET", "/metrics", None, b"");
    assert_eq!(status, 401, "the metrics need credentials");
    let (status, _, body) = server.http_request("GET", "/metrics", "Authorization: Basic YW5uOnB3\r\n", None, b"");
    assert_eq!(status, 200);
    assert!(body.contains("plexus_"), "{body}");
}

#[test]
fn a_query_past_the_time_limit_is_stopped_with_neptunes_error() {
    let server =
        TestServer::start_with(ServerConfig { query_timeout: Some(Duration::from_millis(200)), ..Default::default() });
    let form = Some("application/x-www-form-urlencoded");
    for q in [
        "UNWIND+range(0%2C+29)+AS+i+CREATE+(%3AK+%7Bi%3A+i%7D)",
        "MATCH+(a%3AK)%2C+(b%3AK)+WHERE+a+%3C%3E+b+CREATE+(a)-%5B%3AE%5D-%3E(b)",
    ] {
        let (status, _, body) = server.request("POST", "/openCypher", form, format!("query={q}").as_bytes());
        assert_eq!(status, 200, "{body}");
    }
    let started = std::time::Instant::now();
    // Trails of up to 12 hops in a complete graph of 30 nodes: it would never finish.
    let endless = "query=MATCH+(a%3AK+%7Bi%3A+0%7D)-%5B%3AE*1..12%5D-%3E(b)+RETURN+count(*)+AS+n";
    let (status, _, body) = server.request("POST", "/openCypher", form, endless.as_bytes());
    let body: Json = serde_json::from_str(&body).expect("json");
    assert_eq!((status, body["code"].as_str()), (500, Some("TimeLimitExceededException")), "{body}");
    assert!(started.elapsed() < Duration::from_secs(10), "stopped after {:?}", started.elapsed());
}

//! The Gremlin Server WebSocket at `/gremlin` on the in-process server, spoken
//! with tokio-tungstenite in both serializers: scripts with bindings,
//! bytecode traversals (results as Traversers), 206 batches, error statuses,
//! malformed frames (a 498 when the request id is readable, else only that
//! connection closes), the SASL challenge, and session transactions.

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use plexus::server::bolt::auth::SingleUser;
use plexus::server::gremlin_ws::graphbinary::{decode_response, encode_request};
use plexus::server::gremlin_ws::graphson;
use plexus::server::gremlin_ws::request::{RequestMessage, GRAPHBINARY_MIME, GRAPHSON_MIME};
use plexus::server::gremlin_ws::response::ResponseMessage;
use plexus::server::gremlin_ws::value::{Bytecode, Uuid, WireInstruction, WireValue};
use plexus::server::ServerConfig;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

#[path = "common/server.rs"]
#[allow(dead_code)]
mod server;

use server::{modern_graph, TestServer};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn start(config: ServerConfig) -> TestServer {
    TestServer::start_loopback(modern_graph(), config)
}

async fn connect(server: &TestServer) -> Socket {
    let url = format!("ws://{}/gremlin", server.http.expect("http"));
    tokio_tungstenite::connect_async(url).await.expect("WebSocket upgrade").0
}

fn s(text: &str) -> WireValue {
    WireValue::String(text.into())
}

fn new_id(n: u8) -> Uuid {
    Uuid([n; 16])
}

/// A request message with `g` aliased to `g`.
fn request(id: Uuid, op: &str, processor: &str, mut args: Vec<(String, WireValue)>) -> RequestMessage {
    args.push(("aliases".into(), WireValue::Map(vec![(s("g"), s("g"))])));
    RequestMessage { request_id: id, op: op.into(), processor: processor.into(), args }
}

fn eval(id: Uuid, script: &str) -> RequestMessage {
    request(id, "eval", "", vec![("gremlin".into(), s(script))])
}

fn bytecode(id: Uuid, steps: &[(&str, Vec<WireValue>)]) -> RequestMessage {
    let steps =
        steps.iter().map(|(name, args)| WireInstruction { name: name.to_string(), args: args.clone() }).collect();
    let b = Bytecode { sources: Vec::new(), steps };
    request(id, "bytecode", "traversal", vec![("gremlin".into(), WireValue::Bytecode(Box::new(b)))])
}

fn framed(mime: &str, body: &[u8]) -> Vec<u8> {
    let mut frame = vec![mime.len() as u8];
    frame.extend_from_slice(mime.as_bytes());
    frame.extend_from_slice(body);
    frame
}

/// Sends a GraphBinary request and reads responses until a final status.
async fn exchange(socket: &mut Socket, request: &RequestMessage) -> Vec<ResponseMessage> {
    let frame = framed(GRAPHBINARY_MIME, &encode_request(request));
    socket.send(Message::Binary(frame.into())).await.expect("send");
    read_until_final(socket, |m| match m {
        Message::Binary(b) => decode_response(&b).expect("a GraphBinary response"),
        other => panic!("expected a binary frame, got {other:?}"),
    })
    .await
}

async fn read_until_final(socket: &mut Socket, decode: impl Fn(Message) -> ResponseMessage) -> Vec<ResponseMessage> {
    let mut out = Vec::new();
    loop {
        let message = socket.next().await.expect("a response").expect("read");
        let response = decode(message);
        let last = response.code != 206;
        out.push(response);
        if last {
            return out;
        }
    }
}

/// The single final response's data items.
async fn items(socket: &mut Socket, request: &RequestMessage) -> Vec<WireValue> {
    let responses = exchange(socket, request).await;
    assert_eq!(responses.len(), 1, "{responses:?}");
    assert_eq!(responses[0].code, 200, "{responses:?}");
    assert_eq!(responses[0].request_id, Some(request.request_id));
    match &responses[0].data {
        WireValue::List(items) => items.clone(),
        other => panic!("data must be a list: {other:?}"),
    }
}

fn traverser(bulk: i64, value: WireValue) -> WireValue {
    WireValue::Traverser { bulk, value: Box::new(value) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphbinary_scripts_with_bindings_and_bytecode_traversals() {
    let server = start(ServerConfig::default());
    let mut ws = connect(&server).await;
    assert_eq!(items(&mut ws, &eval(new_id(1), "g.V().count()")).await, vec![WireValue::Long(3)]);

    let mut with_binding = eval(new_id(2), "g.V().has('name', who).values('age')");
    with_binding.args.push(("bindings".into(), WireValue::Map(vec![(s("who"), s("vadas"))])));
    assert_eq!(items(&mut ws, &with_binding).await, vec![WireValue::Long(27)]);

    // Bytecode answers Traversers; equal neighbours are folded into one bulk.
    let labels = bytecode(new_id(3), &[("V", vec![]), ("label", vec![]), ("order", vec![])]);
    assert_eq!(items(&mut ws, &labels).await, vec![traverser(2, s("person")), traverser(1, s("software"))]);

    let ages = bytecode(
        new_id(4),
        &[
            ("V", vec![]),
            (
                "has",
                vec![s("age"), WireValue::Predicate { text: false, name: "gt".into(), args: vec![WireValue::Int(28)] }],
            ),
            ("values", vec![s("name")]),
        ],
    );
    assert_eq!(items(&mut ws, &ages).await, vec![traverser(1, s("marko"))]);

    // A vertex with its properties, an edge with both ends' labels.
    let marko = bytecode(new_id(5), &[("V", vec![]), ("has", vec![s("name"), s("marko")])]);
    let got = items(&mut ws, &marko).await;
    let [WireValue::Traverser { value, .. }] = got.as_slice() else { panic!("one vertex") };
    let WireValue::Vertex { label, properties, .. } = value.as_ref() else { panic!("{value:?}") };
    assert_eq!(label, "person");
    assert_eq!(properties.len(), 2, "{properties:?}");
    // `g.with_('materializeProperties', 'tokens')`: ids and labels only.
    let mut reference = marko.clone();
    reference.args.push(("materializeProperties".into(), s("tokens")));
    let got = items(&mut ws, &reference).await;
    let [WireValue::Traverser { value, .. }] = got.as_slice() else { panic!("one vertex") };
    assert!(matches!(value.as_ref(), WireValue::Vertex { properties, .. } if properties.is_empty()), "{value:?}");
    let knows = eval(new_id(6), "g.E().hasLabel('knows')");
    let got = items(&mut ws, &knows).await;
    let [WireValue::Edge { label, in_v_label, out_v_label, properties, .. }] = got.as_slice() else {
        panic!("one edge")
    };
    assert_eq!((label.as_str(), in_v_label.as_str(), out_v_label.as_str()), ("knows", "person", "person"));
    assert_eq!(properties, &[WireValue::Property { key: "weight".into(), value: Box::new(WireValue::Double(0.5)) }]);

    // path() results are Paths; elementMap keys are T enums.
    let path = eval(new_id(7), "g.V().has('name','marko').out('knows').path()");
    let got = items(&mut ws, &path).await;
    let [WireValue::Path { objects, .. }] = got.as_slice() else { panic!("one path") };
    assert!(matches!(objects.as_ref(), WireValue::List(o) if o.len() == 2), "{objects:?}");
    let map = eval(new_id(8), "g.V().has('name','lop').elementMap('lang')");
    let got = items(&mut ws, &map).await;
    let [WireValue::Map(entries)] = got.as_slice() else { panic!("one map") };
    assert!(entries.contains(&(WireValue::Enum { kind: "T", value: "label".into() }, s("software"))), "{entries:?}");
    assert!(entries.contains(&(s("lang"), s("java"))), "{entries:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphson_requests_in_binary_and_text_frames() {
    let server = start(ServerConfig::default());
    let mut ws = connect(&server).await;
    let body = json!({
        "requestId": {"@type": "g:UUID", "@value": "5d0d812c-7c3a-4f7a-8d3a-0e5f1b2c3d4e"},
        "processor": "traversal", "op": "bytecode",
        "args": {"gremlin": {"@type": "g:Bytecode", "@value": {"step": [["V"], ["hasLabel", "person"], ["count"]]}},
                 "aliases": {"g": "g"}},
    });
    let frame = framed(GRAPHSON_MIME, body.to_string().as_bytes());
    ws.send(Message::Binary(frame.into())).await.expect("send");
    let responses = read_until_final(&mut ws, |m| match m {
        Message::Binary(b) => graphson::decode_response(std::str::from_utf8(&b).expect("utf-8")).expect("GraphSON"),
        other => panic!("expected a binary frame, got {other:?}"),
    })
    .await;
    assert_eq!(responses[0].code, 200, "{responses:?}");
    assert_eq!(
        responses[0].request_id.map(|id| id.to_string()).as_deref(),
        Some("5d0d812c-7c3a-4f7a-8d3a-0e5f1b2c3d4e")
    );
    assert_eq!(responses[0].data, WireValue::List(vec![traverser(1, WireValue::Long(2))]));

    // A text frame is answered with a text frame; eval results are plain values.
    let text = json!({"requestId": "6d0d812c-7c3a-4f7a-8d3a-0e5f1b2c3d4e", "op": "eval", "processor": "",
                      "args": {"gremlin": "g.V().has('name', n).values('age')", "bindings": {"n": "marko"}}});
    ws.send(Message::Text(text.to_string().into())).await.expect("send");
    let responses = read_until_final(&mut ws, |m| match m {
        Message::Text(t) => graphson::decode_response(&t).expect("GraphSON"),
        other => panic!("expected a text frame, got {other:?}"),
    })
    .await;
    assert_eq!(responses[0].data, WireValue::List(vec![WireValue::Long(29)]), "{responses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_come_in_partial_batches_of_batch_size() {
    let server = start(ServerConfig::default());
    let mut ws = connect(&server).await;
    let mut five = eval(new_id(1), "g.inject(1, 2, 3, 4, 5)");
    five.args.push(("batchSize".into(), WireValue::Int(2)));
    let responses = exchange(&mut ws, &five).await;
    let codes: Vec<u16> = responses.iter().map(|r| r.code).collect();
    assert_eq!(codes, vec![206, 206, 200]);
    let all: Vec<WireValue> = responses
        .iter()
        .flat_map(|r| match &r.data {
            WireValue::List(items) => items.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(all, (1..=5).map(WireValue::Long).collect::<Vec<_>>());
    let none = exchange(&mut ws, &eval(new_id(2), "g.V().hasLabel('nobody')")).await;
    assert_eq!(none.iter().map(|r| r.code).collect::<Vec<_>>(), vec![204]);
    // Groovy-style endings of driver scripts.
    let iterated = exchange(&mut ws, &eval(new_id(3), "g.V().iterate()")).await;
    assert_eq!(iterated.iter().map(|r| r.code).collect::<Vec<_>>(), vec![204]);
    assert_eq!(items(&mut ws, &eval(new_id(4), "g.inject(1, 2, 3).next()")).await, vec![WireValue::Long(1)]);
    assert_eq!(items(&mut ws, &eval(new_id(5), "g.inject(1, 2, 3).toList()")).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_carry_a_status_and_our_message() {
    let server = start(ServerConfig::default());
    let mut ws = connect(&server).await;
    let syntax = exchange(&mut ws, &eval(new_id(1), "g.V().has(")).await;
    assert_eq!(syntax[0].code, 597, "{syntax:?}");
    assert!(!syntax[0].message.is_empty());
    let lambda = WireValue::Lambda { language: "gremlin-python".into(), script: "lambda x: x".into(), arity: 1 };
    let refused = exchange(&mut ws, &bytecode(new_id(2), &[("V", vec![]), ("map", vec![lambda])])).await;
    assert_eq!(refused[0].code, 499);
    assert!(refused[0].message.contains("lambdas are not supported"), "{}", refused[0].message);
    let unknown_op = exchange(&mut ws, &request(new_id(3), "explode", "", vec![])).await;
    assert_eq!(unknown_op[0].code, 499);
    // The connection still serves after errors.
    assert_eq!(items(&mut ws, &eval(new_id(4), "g.V().count()")).await, vec![WireValue::Long(3)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_get_498_or_close_only_their_connection() {
    let server = start(ServerConfig::default());
    let mut bad = connect(&server).await;
    let mut good = connect(&server).await;

    // The request id is readable but the op is cut short: 498 and the connection stays.
    let mut truncated = encode_request(&eval(new_id(9), "g.V()"));
    truncated.truncate(20);
    bad.send(Message::Binary(framed(GRAPHBINARY_MIME, &truncated).into())).await.expect("send");
    let Some(Ok(Message::Binary(b))) = bad.next().await else { panic!("a response") };
    let response = decode_response(&b).expect("response");
    assert_eq!((response.code, response.request_id), (498, Some(new_id(9))));

    // An unknown mime type cannot be answered: that connection closes with a reason.
    bad.send(Message::Binary(framed("text/nonsense", b"hello").into())).await.expect("send");
    match bad.next().await {
        Some(Ok(Message::Close(Some(frame)))) => assert!(frame.reason.contains("text/nonsense"), "{frame:?}"),
        other => panic!("expected a close frame, got {other:?}"),
    }
    assert_eq!(items(&mut good, &eval(new_id(1), "g.V().count()")).await, vec![WireValue::Long(3)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_asked_for_with_407_and_checked() {
    use base64::Engine;
    let auth = Arc::new(SingleUser { user: "ann".into(), password: "pw".into() });
    let server = start(ServerConfig { authenticator: auth, ..ServerConfig::default() });
    let sasl = |raw: &[u8]| {
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
        request(new_id(1), "authentication", "", vec![("sasl".into(), s(&encoded))])
    };

    let mut ws = connect(&server).await;
    let challenge = exchange(&mut ws, &eval(new_id(1), "g.V().count()")).await;
    assert_eq!(challenge[0].code, 407);
    let answered = exchange(&mut ws, &sasl(b"\0ann\0pw")).await;
    assert_eq!((answered[0].code, &answered[0].data), (200, &WireValue::List(vec![WireValue::Long(3)])));
    // Authenticated once, the connection stays so.
    assert_eq!(items(&mut ws, &eval(new_id(2), "g.E().count()")).await, vec![WireValue::Long(2)]);

    let mut other = connect(&server).await;
    assert_eq!(exchange(&mut other, &eval(new_id(1), "g.V().count()")).await[0].code, 407);
    assert_eq!(exchange(&mut other, &sasl(b"\0ann\0wrong")).await[0].code, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_runs_in_one_transaction_until_commit_or_rollback() {
    let server = start(ServerConfig::default());
    let mut tx_socket = connect(&server).await;
    let mut observer = connect(&server).await;
    let in_session = |id: u8, session: &str, steps: &[(&str, Vec<WireValue>)]| {
        let mut r = bytecode(new_id(id), steps);
        r.processor = "session".into();
        r.args.push(("session".into(), s(session)));
        r
    };
    let tx_op = |id: u8, session: &str, op: &str| {
        let b = Bytecode { sources: vec![WireInstruction { name: "tx".into(), args: vec![s(op)] }], steps: vec![] };
        RequestMessage {
            request_id: new_id(id),
            op: "bytecode".into(),
            processor: "session".into(),
            args: vec![("gremlin".into(), WireValue::Bytecode(Box::new(b))), ("session".into(), s(session))],
        }
    };
    let count_t = || eval(new_id(50), "g.V().hasLabel('T').count()");

    items(&mut tx_socket, &in_session(1, "s1", &[("addV", vec![s("T")])])).await;
    // Its own write is visible inside the session, not outside before commit.
    let inside = in_session(2, "s1", &[("V", vec![]), ("hasLabel", vec![s("T")]), ("count", vec![])]);
    assert_eq!(items(&mut tx_socket, &inside).await, vec![traverser(1, WireValue::Long(1))]);
    assert_eq!(items(&mut observer, &count_t()).await, vec![WireValue::Long(0)]);
    assert_eq!(exchange(&mut tx_socket, &tx_op(3, "s1", "commit")).await[0].code, 204);
    assert_eq!(items(&mut observer, &count_t()).await, vec![WireValue::Long(1)]);

    items(&mut tx_socket, &in_session(4, "s2", &[("addV", vec![s("T")])])).await;
    assert_eq!(exchange(&mut tx_socket, &tx_op(5, "s2", "rollback")).await[0].code, 204);
    let close = request(new_id(6), "close", "session", vec![("session".into(), s("s2"))]);
    assert_eq!(exchange(&mut tx_socket, &close).await[0].code, 204);
    assert_eq!(items(&mut observer, &count_t()).await, vec![WireValue::Long(1)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_traversal_past_its_time_limit_gets_598_and_its_writes_are_rolled_back() {
    let server = start(ServerConfig::default());
    let mut ws = connect(&server).await;
    // A million traversers folded into one list: a few hundred ms in a debug build.
    let slow = "g.addV('Slow').inject(1).repeat(__.union(__.identity(), __.identity())).times(20).fold().count(local)";
    let mut request = eval(new_id(1), slow);
    request.args.push(("evaluationTimeout".into(), WireValue::Int(10)));
    let timed_out = exchange(&mut ws, &request).await;
    assert_eq!(timed_out[0].code, 598, "{timed_out:?}");
    assert!(timed_out[0].message.contains("deadline of 10 ms"), "{}", timed_out[0].message);
    // Once the traversal does finish, its addV is rolled back, not committed.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(items(&mut ws, &eval(new_id(2), "g.V().hasLabel('Slow').count()")).await, vec![WireValue::Long(0)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_transaction_is_rolled_back_and_its_commit_refused() {
    let limit = std::time::Duration::from_millis(300);
    let server = start(ServerConfig { query_timeout: Some(limit), ..ServerConfig::default() });
    let mut ws = connect(&server).await;
    let mut write = eval(new_id(1), "g.addV('Idle')");
    write.processor = "session".into();
    write.args.push(("session".into(), s("idle")));
    items(&mut ws, &write).await;
    tokio::time::sleep(limit * 3).await;
    let mut commit = eval(new_id(2), "g.tx().commit()");
    commit.processor = "session".into();
    commit.args.push(("session".into(), s("idle")));
    let refused = exchange(&mut ws, &commit).await;
    assert_eq!(refused[0].code, 597, "{refused:?}");
    assert!(refused[0].message.contains("rolled back"), "{}", refused[0].message);
    // The writer is free again, and nothing of the session's was kept.
    items(&mut ws, &eval(new_id(3), "g.addV('Other')")).await;
    assert_eq!(items(&mut ws, &eval(new_id(4), "g.V().hasLabel('Idle').count()")).await, vec![WireValue::Long(0)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_beyond_the_message_size_limit_closes_its_connection() {
    let server = start(ServerConfig { max_message_size: 4096, ..ServerConfig::default() });
    let mut big = connect(&server).await;
    let mut good = connect(&server).await;
    let huge = eval(new_id(1), &format!("g.inject('{}')", "x".repeat(10_000)));
    let frame = framed(GRAPHBINARY_MIME, &encode_request(&huge));
    let _ = big.send(Message::Binary(frame.into())).await;
    match big.next().await {
        None | Some(Err(_)) | Some(Ok(Message::Close(_))) => {}
        Some(Ok(other)) => panic!("expected the connection to close, got {other:?}"),
    }
    assert_eq!(items(&mut good, &eval(new_id(2), "g.V().count()")).await, vec![WireValue::Long(3)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_queries_are_counted_in_the_metrics() {
    let server = start(ServerConfig::default());
    let mut ws = connect(&server).await;
    items(&mut ws, &eval(new_id(1), "g.V().count()")).await;
    exchange(&mut ws, &eval(new_id(2), "g.V().has(")).await;
    let (status, _, text) = server.http_request("GET", "/metrics", "", None, b"");
    assert_eq!(status, 200);
    for (outcome, n) in [("ok", 1), ("error", 1)] {
        let line =
            format!(r#"plexus_queries_total{{language="gremlin",outcome="{outcome}",protocol="websocket"}} {n}"#);
        assert!(text.contains(&line), "{line} in\n{text}");
    }
    assert!(text.contains(r#"plexus_connections_active{protocol="websocket"} 1"#), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_are_answered_during_a_long_traversal_and_pipelined_requests_in_order() {
    let server = start(ServerConfig::default());
    let mut ws = connect(&server).await;
    let slow =
        eval(new_id(1), "g.inject(1).repeat(__.union(__.identity(), __.identity())).times(20).fold().count(local)");
    let quick = eval(new_id(2), "g.V().count()");
    for request in [&slow, &quick] {
        ws.send(Message::Binary(framed(GRAPHBINARY_MIME, &encode_request(request)).into())).await.expect("send");
    }
    ws.send(Message::Ping(b"still there?".to_vec().into())).await.expect("ping");
    let mut seen = Vec::new();
    while seen.len() < 3 {
        match ws.next().await.expect("a frame").expect("read") {
            Message::Pong(payload) => seen.push(format!("pong {}", String::from_utf8_lossy(&payload))),
            Message::Binary(b) => {
                let r = decode_response(&b).expect("response");
                seen.push(format!("{} {:?}", r.request_id.map(|id| id.0[0]).unwrap_or(0), r.data));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        seen,
        vec!["pong still there?".to_string(), "1 List([Long(1048576)])".into(), "2 List([Long(3)])".into()]
    );
}

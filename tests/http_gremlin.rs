//! `/gremlin` and `/metrics` on the server in-process on ephemeral loopback
//! ports: GraphSON 3 results for every kind of value, Neptune's error shape,
//! HTTP Basic auth, and the Prometheus counters after Bolt and HTTP queries.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use plexus::server::bolt::auth::SingleUser;
use plexus::server::ServerConfig;
use serde_json::{json, Value as Json};

#[path = "common/server.rs"]
#[allow(dead_code)]
mod server;

use server::{modern_graph, TestServer};

#[path = "common/bolt.rs"]
#[allow(dead_code)]
mod bolt;

use bolt::{map, s, Client, FAILURE};

impl TestServer {
    /// One HTTP/1.1 exchange (JSON when there is a body): status, content type and body.
    fn request(&self, method: &str, path: &str, extra_headers: &str, body: &[u8]) -> (u16, String, String) {
        let content_type = (!body.is_empty()).then_some("application/json");
        self.http_request(method, path, extra_headers, content_type, body)
    }

    /// POST /gremlin: the status and the JSON answer.
    fn gremlin(&self, script: &str) -> (u16, Json) {
        let body = json!({"gremlin": script}).to_string();
        let (status, _, body) = self.request("POST", "/gremlin", "", body.as_bytes());
        (status, serde_json::from_str(&body).expect("JSON body"))
    }

    /// The `result.data` values of a successful traversal.
    fn data(&self, script: &str) -> Vec<Json> {
        let (status, body) = self.gremlin(script);
        assert_eq!(status, 200, "{script}: {body}");
        assert_eq!(body["result"]["data"]["@type"], "g:List", "{body}");
        body["result"]["data"]["@value"].as_array().expect("values").clone()
    }
}

fn int64(i: i64) -> Json {
    json!({"@type": "g:Int64", "@value": i})
}

#[test]
fn counts_come_back_in_a_full_graphson_response_message() {
    let server = TestServer::start_loopback(modern_graph(), ServerConfig::default());
    let (status, body) = server.gremlin("g.V().count()");
    assert_eq!(status, 200);
    assert!(body["requestId"].as_str().is_some_and(|id| id.len() == 36), "{body}");
    assert_eq!(body["status"], json!({"message": "", "code": 200, "attributes": {"@type": "g:Map", "@value": []}}));
    assert_eq!(
        body["result"],
        json!({"data": {"@type": "g:List", "@value": [int64(3)]}, "meta": {"@type": "g:Map", "@value": []}})
    );
    // GET with a URL binding, and the client's requestId echoed.
    let (status, ct, text) = server.request(
        "GET",
        "/gremlin?gremlin=g.V%28%29.has%28%27name%27%2Cn%29.values%28%27age%27%29&bindings.n=%22vadas%22&requestId=r-1",
        "",
        b"",
    );
    assert_eq!((status, ct.as_str()), (200, "application/json"), "{text}");
    let body: Json = serde_json::from_str(&text).expect("json");
    assert_eq!(body["requestId"], "r-1");
    assert_eq!(body["result"]["data"]["@value"], json!([int64(27)]));
    // JSON bindings, a double and a string.
    let request = json!({"gremlin": "g.V().has('name', who).outE().values('weight')", "bindings": {"who": "marko"}});
    let (_, _, text) = server.request("POST", "/gremlin", "", request.to_string().as_bytes());
    let values = serde_json::from_str::<Json>(&text).expect("json")["result"]["data"]["@value"].clone();
    let mut weights: Vec<f64> = values
        .as_array()
        .expect("list")
        .iter()
        .map(|v| {
            assert_eq!(v["@type"], "g:Double", "{v}");
            v["@value"].as_f64().expect("number")
        })
        .collect();
    weights.sort_by(f64::total_cmp);
    assert_eq!(weights, vec![0.4, 0.5]);
    assert_eq!(server.data("g.V().has('name', 'lop').values('lang')"), vec![json!("java")]);
}

#[test]
fn vertices_edges_and_paths_are_graphson_elements() {
    let server = TestServer::start_loopback(modern_graph(), ServerConfig::default());
    let vertices = server.data("g.V().has('name', 'marko')");
    let [vertex] = &vertices[..] else { panic!("{vertices:?}") };
    assert_eq!(vertex["@type"], "g:Vertex");
    let v = &vertex["@value"];
    assert_eq!(v["label"], "person");
    assert_eq!(v["id"]["@type"], "g:Int64");
    let name = &v["properties"]["name"][0];
    assert_eq!(name["@type"], "g:VertexProperty");
    assert_eq!((&name["@value"]["value"], &name["@value"]["label"]), (&json!("marko"), &json!("name")));
    assert_eq!(v["properties"]["age"][0]["@value"]["value"], int64(29));

    let edges = server.data("g.V().has('name', 'marko').outE('created')");
    let [edge] = &edges[..] else { panic!("{edges:?}") };
    assert_eq!(edge["@type"], "g:Edge");
    let e = &edge["@value"];
    assert_eq!(
        (&e["label"], &e["outVLabel"], &e["inVLabel"]),
        (&json!("created"), &json!("person"), &json!("software"))
    );
    assert_eq!(e["outV"], v["id"]);
    assert_eq!(e["id"]["@type"], "g:Int64");
    assert_eq!(
        e["properties"]["weight"],
        json!({"@type": "g:Property", "@value": {"key": "weight", "value": {"@type": "g:Double", "@value": 0.4}}})
    );

    let paths = server.data("g.V().has('name', 'marko').outE('knows').inV().path()");
    let [path] = &paths[..] else { panic!("{paths:?}") };
    assert_eq!(path["@type"], "g:Path", "{path}");
    let objects = path["@value"]["objects"]["@value"].as_array().expect("objects");
    let kinds: Vec<&Json> = objects.iter().map(|o| &o["@type"]).collect();
    assert_eq!(kinds, [&json!("g:Vertex"), &json!("g:Edge"), &json!("g:Vertex")]);
    assert_eq!(objects[2]["@value"]["properties"]["name"][0]["@value"]["value"], "vadas");
    assert_eq!(path["@value"]["labels"]["@value"].as_array().map(Vec::len), Some(3));
    let by_name = server.data("g.V().has('name', 'marko').out('knows').path().by('name')");
    let no_labels = json!({"@type": "g:Set", "@value": []});
    assert_eq!(
        by_name,
        vec![json!({"@type": "g:Path", "@value": {
            "labels": {"@type": "g:List", "@value": [no_labels, no_labels]},
            "objects": {"@type": "g:List", "@value": ["marko", "vadas"]}}})]
    );
}

#[test]
fn maps_are_flat_key_value_lists_with_token_keys() {
    let server = TestServer::start_loopback(modern_graph(), ServerConfig::default());
    let groups = server.data("g.V().groupCount().by(label)");
    assert_eq!(groups, vec![json!({"@type": "g:Map", "@value": ["person", int64(2), "software", int64(1)]})]);
    let maps = server.data("g.V().has('name', 'lop').elementMap()");
    let [map] = &maps[..] else { panic!("{maps:?}") };
    assert_eq!(map["@type"], "g:Map");
    let flat = map["@value"].as_array().expect("flat list");
    let pairs: Vec<(&Json, &Json)> = flat.chunks(2).map(|p| (&p[0], &p[1])).collect();
    assert!(pairs.contains(&(&json!({"@type": "g:T", "@value": "label"}), &json!("software"))), "{map}");
    assert!(pairs.iter().any(|(k, v)| **k == json!({"@type": "g:T", "@value": "id"}) && v["@type"] == "g:Int64"));
    assert!(pairs.contains(&(&json!("lang"), &json!("java"))), "{map}");
    let lists = server.data("g.V().values('age').order().fold()");
    assert_eq!(lists, vec![json!({"@type": "g:List", "@value": [int64(27), int64(29)]})]);
}

#[test]
fn bad_scripts_get_neptune_errors() {
    let server = TestServer::start_loopback(modern_graph(), ServerConfig::default());
    let (status, ct, text) = server.request("POST", "/gremlin", "", br#"{"gremlin": "g.V(.count("}"#);
    assert_eq!((status, ct.as_str()), (400, "application/x-amz-json-1.0"), "{text}");
    let body: Json = serde_json::from_str(&text).expect("json");
    assert_eq!(body["code"], "MalformedQueryException");
    assert!(body["requestId"].as_str().is_some_and(|id| !id.is_empty()), "{body}");
    assert!(body["detailedMessage"].as_str().is_some_and(|m| m.contains('(')), "{body}");
    for bad in [&br#"{"bindings": {}}"#[..], b"[1]", br#"{"gremlin": "g.V()", "bindings": 3}"#] {
        let (status, _, text) = server.request("POST", "/gremlin", "", bad);
        let body: Json = serde_json::from_str(&text).expect("json");
        assert_eq!((status, &body["code"]), (400, &json!("BadRequestException")), "{text}");
    }
    // A traversal that parses but fails while it runs.
    let (status, body) = server.gremlin("g.V().values('name').sum()");
    assert_eq!(status, 500, "{body}");
    assert!(body["code"].as_str().is_some_and(|c| c.ends_with("Exception")), "{body}");
}

#[test]
fn gremlin_honours_basic_auth() {
    let auth = Arc::new(SingleUser { user: "ann".into(), password: "pw".into() });
    let server = TestServer::start_loopback(modern_graph(), ServerConfig { authenticator: auth, ..Default::default() });
    let body = br#"{"gremlin": "g.V().count()"}"#;
    let (status, _, text) = server.request("POST", "/gremlin", "", body);
    assert_eq!(status, 401, "{text}");
    assert_eq!(serde_json::from_str::<Json>(&text).expect("json")["code"], "AccessDeniedException");
    // "ann:pw"
    let (status, _, text) = server.request("POST", "/gremlin", "Authorization: Basic YW5uOnB3\r\n", body);
    assert_eq!(status, 200, "{text}");
}

// --- /metrics -------------------------------------------------------------------------

/// Samples of the text format: `name{labels}` (labels as written) → value.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (key, value) = l.rsplit_once(' ').expect("sample line");
            (key.to_string(), value.parse().expect("sample value"))
        })
        .collect()
}

#[test]
fn metrics_count_queries_by_language_protocol_and_outcome() {
    let server = TestServer::start_loopback(modern_graph(), ServerConfig::default());
    let mut bolt = Client::ready_with(server.bolt, &[("scheme", s("none"))]);
    assert!(bolt.try_query("RETURN 1 AS n", map(&[])).is_ok());
    assert!(bolt.try_query("CREATE (:person {name: 'josh'})", map(&[])).is_ok());
    assert_eq!(bolt.try_query("RETURN 1 +", map(&[])).expect_err("a syntax error").tag, FAILURE);
    let (status, _, _) = server.request("GET", "/openCypher?query=RETURN+1", "", b"");
    assert_eq!(status, 200);
    assert_eq!(server.gremlin("g.addV('software').property('name', 'ripple')").0, 200);
    assert_eq!(server.gremlin("g.V().count()").0, 200);
    assert_eq!(server.gremlin("g.V(.").0, 400);

    let (status, ct, text) = server.request("GET", "/metrics", "", b"");
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/plain"), "{ct}");
    let got = samples(&text);
    let expect = |key: &str, value: f64| assert_eq!(got.get(key), Some(&value), "{key} in\n{text}");
    expect(r#"plexus_queries_total{language="cypher",outcome="ok",protocol="bolt"}"#, 2.0);
    expect(r#"plexus_queries_total{language="cypher",outcome="error",protocol="bolt"}"#, 1.0);
    expect(r#"plexus_queries_total{language="cypher",outcome="ok",protocol="http"}"#, 1.0);
    expect(r#"plexus_queries_total{language="gremlin",outcome="ok",protocol="http"}"#, 2.0);
    expect(r#"plexus_queries_total{language="gremlin",outcome="error",protocol="http"}"#, 1.0);
    expect(r#"plexus_query_duration_seconds_count{language="cypher",protocol="bolt"}"#, 3.0);
    expect(r#"plexus_query_duration_seconds_count{language="gremlin",protocol="http"}"#, 3.0);
    expect(r#"plexus_connections_active{protocol="bolt"}"#, 1.0);
    // The seed, the Bolt CREATE and the Gremlin addV each committed once.
    expect("plexus_commits_total", 3.0);
    expect("plexus_store_nodes", 5.0);
    expect("plexus_store_relationships", 2.0);
    assert!(text.contains("# TYPE plexus_query_duration_seconds histogram"), "{text}");
    assert!(got.get("plexus_uptime_seconds").is_some_and(|u| *u >= 0.0), "{text}");
    for name in ["plexus_wal_bytes_total", "plexus_checkpoint_seq"] {
        assert!(got.contains_key(name), "{name} in\n{text}");
    }

    drop(bolt);
    // The connection closes asynchronously: wait for the gauge to come down.
    let mut active = None;
    for _ in 0..100 {
        let (_, _, text) = server.request("GET", "/metrics", "", b"");
        active = samples(&text).get(r#"plexus_connections_active{protocol="bolt"}"#).copied();
        if active == Some(0.0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(active, Some(0.0));
}

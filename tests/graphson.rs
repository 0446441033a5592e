//! GraphSON 3 import and export: the TinkerPop feature suite's graphs load with the right shape, queries run
//! on them, export reads back to the same graph, and bad input is an error rather than a panic.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::PathBuf;

use plexus::io::graphson::{read_graph, write_graph, ImportReport};
use plexus::{Database, ErrorClass, Params, Snapshot, Value};
use plexus_storage::Graph;

fn graph_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tck/gremlin/graphs").join(name)
}

fn load(name: &str) -> (Graph, ImportReport) {
    let file = std::fs::File::open(graph_file(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    read_graph(BufReader::new(file)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Counts straight from the text, independent of the reader: a vertex per non-blank line, and each edge once
/// as the `"inV"` of its outE copy (and once more as the `"outV"` of its inE copy).
fn counted(name: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(graph_file(name)).unwrap();
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count() as u64;
    let (ins, outs) = (text.matches("\"inV\":").count() as u64, text.matches("\"outV\":").count() as u64);
    assert_eq!(ins, outs, "{name}: every edge is listed by both of its vertices");
    (lines, ins)
}

fn node(s: &Snapshot, ext: &str) -> u64 {
    s.node_by_external_id(ext).unwrap_or_else(|| panic!("no vertex {ext}"))
}

fn prop(s: &Snapshot, id: u64, key: &str) -> Value {
    s.key_id(key).map(|k| s.node_property(id, k)).unwrap_or(Value::Null)
}

fn string(v: &str) -> Value {
    Value::String(v.into())
}

/// A graph as comparable data: vertices by external id (labels, properties) and edges by endpoints.
type Shape = (BTreeMap<String, (Vec<String>, Vec<(String, Value)>)>, Vec<(String, String, String, String)>);

fn shape(s: &Snapshot) -> Shape {
    let ext = |n: u64| s.external_id(n).map(str::to_string).unwrap_or_else(|| n.to_string());
    let mut ids = Vec::new();
    s.scan_nodes(0..s.node_capacity(), None, &mut ids);
    let mut vertices = BTreeMap::new();
    for n in ids {
        let mut labels: Vec<String> = s.node_labels(n).into_iter().map(|l| s.label_name(l).to_string()).collect();
        labels.sort();
        let mut props: Vec<(String, Value)> =
            s.node_properties(n).into_iter().map(|(k, v)| (s.key_name(k).to_string(), v)).collect();
        props.sort_by(|a, b| a.0.cmp(&b.0));
        vertices.insert(ext(n), (labels, props));
    }
    let mut rels = Vec::new();
    s.scan_rels(0..s.rel_capacity(), &mut rels);
    let mut edges: Vec<_> = rels
        .into_iter()
        .map(|r| {
            let (src, dst, t) = s.rel_endpoints(r).unwrap();
            let mut props: Vec<_> =
                s.rel_properties(r).into_iter().map(|(k, v)| format!("{}={v}", s.key_name(k))).collect();
            props.sort();
            (ext(src), s.type_name(t).to_string(), ext(dst), props.join(","))
        })
        .collect();
    edges.sort();
    (vertices, edges)
}

#[test]
fn modern_graph_loads() {
    let (graph, report) = load("tinkerpop-modern-v3.json");
    let s = graph.snapshot();
    assert_eq!((report.vertices, report.edges, s.node_count(), s.rel_count()), (6, 6, 6, 6));
    assert!(report.is_lossless());
    let marko = node(&s, "1");
    assert_eq!(prop(&s, marko, "name"), string("marko"));
    assert_eq!(prop(&s, marko, "age"), Value::Integer(29));
    assert_eq!(s.label_name(s.node_labels(marko)[0]), "person");
    assert_eq!(s.label_name(s.node_labels(node(&s, "3"))[0]), "software");
    // e[josh-created->ripple] is GraphSON edge 10, weight 1.0.
    let rel = report.rel_id("10").unwrap();
    let (src, dst, t) = s.rel_endpoints(rel).unwrap();
    assert_eq!(
        (prop(&s, src, "name"), s.type_name(t), prop(&s, dst, "name")),
        (string("josh"), "created", string("ripple"))
    );
    assert_eq!(s.rel_property(rel, s.key_id("weight").unwrap()), Value::Float(1.0));
    let mut gson_ids: Vec<&str> = report.edge_ids.iter().map(|(id, _)| id.as_str()).collect();
    gson_ids.sort();
    assert_eq!(gson_ids, ["10", "11", "12", "7", "8", "9"]);
}

#[test]
fn cypher_runs_on_the_modern_graph() {
    let db = Database::from_graph(load("tinkerpop-modern-v3.json").0);
    let rows = db
        .execute("MATCH (p:person)-[:knows]->(f) RETURN f.name ORDER BY f.name", &Params::new())
        .unwrap()
        .collect_rows()
        .unwrap();
    assert_eq!(rows, vec![vec![string("josh")], vec![string("vadas")]]);
    let rows = db
        .execute(
            "MATCH (:person {name: 'josh'})-[c:created]->(s) RETURN s.name, c.weight ORDER BY s.name",
            &Params::new(),
        )
        .unwrap()
        .collect_rows()
        .unwrap();
    assert_eq!(rows, vec![vec![string("lop"), Value::Float(0.4)], vec![string("ripple"), Value::Float(1.0)]]);
}

#[test]
fn crew_multi_properties_become_lists() {
    let (graph, report) = load("tinkerpop-crew-v3.json");
    let s = graph.snapshot();
    assert_eq!((report.vertices, report.edges), counted("tinkerpop-crew-v3.json"));
    assert_eq!((report.vertices, report.edges), (6, 14));
    let marko = node(&s, "1");
    let places = ["san diego", "santa cruz", "brussels", "santa fe"].map(string).to_vec();
    assert_eq!(prop(&s, marko, "location"), Value::List(places));
    // Four people, each with several locations; every location but the last carries startTime and endTime.
    assert_eq!(report.multi_properties, BTreeMap::from([("location".to_string(), 4)]));
    // Only locations carry meta-properties in the crew file, so each startTime/endTime in the text is one.
    let text = std::fs::read_to_string(graph_file("tinkerpop-crew-v3.json")).unwrap();
    let meta = (text.matches("\"startTime\"").count() + text.matches("\"endTime\"").count()) as u64;
    assert_eq!(report.dropped_meta_properties, BTreeMap::from([("location".to_string(), meta)]));
    assert!(!report.is_lossless());
    assert_eq!(prop(&s, marko, "name"), string("marko"));
}

#[test]
fn grateful_dead_counts_match_the_file() {
    let (graph, report) = load("grateful-dead-v3.json");
    let (vertices, edges) = counted("grateful-dead-v3.json");
    let s = graph.snapshot();
    assert_eq!((report.vertices, report.edges), (vertices, edges));
    assert_eq!((s.node_count(), s.rel_count()), (vertices, edges));
    assert_eq!(report.edge_ids.len() as u64, edges);
    let song = node(&s, "1");
    assert_eq!(prop(&s, song, "name"), string("HEY BO DIDDLEY"));
    assert_eq!(prop(&s, song, "performances"), Value::Integer(5));
}

#[test]
fn sink_self_loops_are_added_once() {
    let (graph, report) = load("tinkerpop-sink-v3.json");
    let s = graph.snapshot();
    assert_eq!((report.vertices, report.edges), counted("tinkerpop-sink-v3.json"));
    assert_eq!((report.vertices, report.edges), (3, 3));
    let (src, dst, t) = s.rel_endpoints(report.rel_id("1001").unwrap()).unwrap();
    assert_eq!((src, dst, s.type_name(t)), (node(&s, "1000"), node(&s, "1000"), "self"));
    let (src, dst, _) = s.rel_endpoints(report.rel_id("2003").unwrap()).unwrap();
    assert_eq!((src, dst), (node(&s, "2000"), node(&s, "2000")));
}

fn round_trip(name: &str) {
    let (graph, _) = load(name);
    let mut out = Vec::new();
    write_graph(&graph.snapshot(), &mut out).unwrap();
    let (again, report) = read_graph(out.as_slice()).unwrap_or_else(|e| panic!("{name} re-read: {e}"));
    assert!(report.is_lossless(), "{name}: our own export has no multi- or meta-properties");
    assert_eq!(shape(&again.snapshot()), shape(&graph.snapshot()), "{name}");
}

#[test]
fn export_reads_back_to_the_same_graph() {
    for name in
        ["tinkerpop-modern-v3.json", "tinkerpop-crew-v3.json", "tinkerpop-sink-v3.json", "grateful-dead-v3.json"]
    {
        round_trip(name);
    }
}

#[test]
fn export_of_nodes_without_external_ids() {
    let db = Database::in_memory();
    db.execute("CREATE (:A:B {x: 1, f: 0.0/0.0, l: [1, 2]})-[:R {w: 'z'}]->(), (:C)", &Params::new()).unwrap();
    let mut out = Vec::new();
    write_graph(&db.graph().snapshot(), &mut out).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains(r#""id":{"@type":"g:Int64","@value":0}"#), "{text}");
    assert!(text.contains(r#""label":"A::B""#) && text.contains(r#""label":"vertex""#), "{text}");
    let (again, report) = read_graph(out.as_slice()).unwrap();
    assert_eq!((report.vertices, report.edges), (3, 1));
    let s = again.snapshot();
    let a = node(&s, "0");
    assert_eq!(s.node_labels(a).len(), 2);
    assert_eq!(prop(&s, a, "l"), Value::List(vec![Value::Integer(1), Value::Integer(2)]));
    assert!(matches!(prop(&s, a, "f"), Value::Float(f) if f.is_nan()));
}

#[test]
fn typed_values_and_wrappers() {
    let line = r#"{"@type":"g:Vertex","@value":{"id":"v1","label":"thing","properties":{
        "when":[{"@type":"g:VertexProperty","@value":{"id":1,"label":"when","value":{"@type":"g:Date","@value":1500}}}],
        "uid":[{"value":{"@type":"g:UUID","@value":"41d2e28a-20a4-4ab0-b379-d810dede3786"}}],
        "big":[{"value":{"@type":"g:Int64","@value":9007199254740993}}],
        "tags":[{"value":{"@type":"g:Set","@value":["a","b"]}}],
        "nothing":[{"value":null}]},
        "outE":{"self":[{"id":"e1","inV":"v1","properties":{"p":{"@type":"g:Property","@value":{"key":"p","value":{"@type":"g:Float","@value":"Infinity"}}}}}]}}}"#;
    let (graph, report) = read_graph(line.replace('\n', "").as_bytes()).unwrap();
    let s = graph.snapshot();
    let v = node(&s, "v1");
    let expected = plexus_storage::value::DateTime { seconds: 1, nanos: 500_000_000, offset_seconds: 0, zone: None };
    assert_eq!(prop(&s, v, "when"), Value::DateTime(expected));
    assert_eq!(prop(&s, v, "uid"), string("41d2e28a-20a4-4ab0-b379-d810dede3786"));
    assert_eq!(prop(&s, v, "big"), Value::Integer(9007199254740993));
    assert_eq!(prop(&s, v, "tags"), Value::List(vec![string("a"), string("b")]));
    assert_eq!(prop(&s, v, "nothing"), Value::Null);
    // The outE copy is the only one (no inE listed): still one edge.
    assert_eq!(report.edges, 1);
    assert_eq!(s.rel_property(report.rel_id("e1").unwrap(), s.key_id("p").unwrap()), Value::Float(f64::INFINITY));
}

#[test]
fn malformed_input_is_an_error_with_its_line() {
    let modern = std::fs::read_to_string(graph_file("tinkerpop-modern-v3.json")).unwrap();
    let first = modern.lines().next().unwrap();
    let cases = [
        // A truncated second line.
        (format!("{first}\n{}", &first[..first.len() / 2]), "line 2"),
        (r#"{"id":{"@type":"g:Int32","@value":"one"},"label":"person"}"#.to_string(), "line 1"),
        (r#"{"id":1,"properties":{"age":[{"value":{"@type":"g:Double","@value":[1]}}]}}"#.to_string(), "line 1"),
        (r#"{"id":1,"properties":{"age":[{"value":{"@type":"g:Int32"}}]}}"#.to_string(), "line 1"),
        (r#"{"id":1,"properties":{"age":{"value":1}}}"#.to_string(), "line 1"),
        (r#"{"label":"person"}"#.to_string(), "line 1"),
        (r#"[1, 2]"#.to_string(), "line 1"),
        (format!("\n{}", r#"{"id":1,"outE":{"knows":[{"id":7,"inV":2}]}}"#), "line 2"),
        (r#"{"id":1,"properties":{"m":[{"value":{"@type":"g:Map","@value":["k",1]}}]}}"#.to_string(), "line 1"),
        (format!("{first}\n{first}"), "line 2"),
        // One edge id naming two different edges.
        ("{\"id\":1,\"outE\":{\"a\":[{\"id\":7,\"inV\":1},{\"id\":7,\"inV\":2}]}}\n{\"id\":2}".to_string(), "line 1"),
    ];
    for (text, line) in cases {
        let err = read_graph(text.as_bytes()).map(|_| ()).expect_err(&text);
        assert_eq!((err.class, err.detail), (ErrorClass::IoError, "InvalidGraphSON"), "{text}: {err}");
        assert!(err.message.starts_with(line), "{text}: {err}");
    }
    let mut not_utf8 = first.as_bytes().to_vec();
    not_utf8.extend(b"\n{\"id\":\"\xff\"}");
    let err = read_graph(not_utf8.as_slice()).map(|_| ()).unwrap_err();
    assert_eq!((err.detail, err.message.starts_with("line 2")), ("InvalidGraphSON", true), "{err}");
    // Blank lines are skipped; an empty file is an empty graph.
    assert_eq!(read_graph("\n \n".as_bytes()).unwrap().1, ImportReport::default());
}

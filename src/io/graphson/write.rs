//! Writing a whole graph as a GraphSON 3 adjacency-list file.

use std::collections::BTreeMap;
use std::io::Write;

use plexus_storage::{Direction, NodeId, Result, Snapshot};
use serde_json::{json, Map, Value as Json};

use super::error::io;
use super::types::encode;

/// Writes every node of `snapshot` as one line, with its relationships under `outE` and `inE`.
pub fn write_graph(snapshot: &Snapshot, mut out: impl Write) -> Result<()> {
    let mut nodes = Vec::new();
    snapshot.scan_nodes(0..snapshot.node_capacity(), None, &mut nodes);
    // Vertex properties carry ids in GraphSON; ours have none, so number them.
    let mut property_id = 0i64;
    for node in nodes {
        let line = vertex(snapshot, node, &mut property_id);
        serde_json::to_writer(&mut out, &line).map_err(|e| io("writing GraphSON", e))?;
        out.write_all(b"\n").map_err(|e| io("writing GraphSON", e))?;
    }
    out.flush().map_err(|e| io("writing GraphSON", e))
}

/// A vertex's id: its external id if it has one, else the internal id.
fn vertex_id(snapshot: &Snapshot, node: NodeId) -> Json {
    match snapshot.external_id(node) {
        Some(ext) => Json::String(ext.to_string()),
        None => json!({"@type": "g:Int64", "@value": node}),
    }
}

fn vertex(snapshot: &Snapshot, node: NodeId, property_id: &mut i64) -> Json {
    let mut obj = Map::new();
    obj.insert("id".into(), vertex_id(snapshot, node));
    let labels: Vec<&str> = snapshot.node_labels(node).into_iter().map(|l| snapshot.label_name(l)).collect();
    let label = if labels.is_empty() { "vertex".to_string() } else { labels.join("::") };
    obj.insert("label".into(), Json::String(label));
    for (field, dir, other_key) in [("inE", Direction::Incoming, "outV"), ("outE", Direction::Outgoing, "inV")] {
        let edges = incident(snapshot, node, dir, other_key);
        if !edges.is_empty() {
            obj.insert(field.into(), Json::Object(edges.into_iter().map(|(k, v)| (k, Json::Array(v))).collect()));
        }
    }
    let mut props = Map::new();
    for (key, value) in snapshot.node_properties(node) {
        *property_id += 1;
        let entry = json!([{"id": {"@type": "g:Int64", "@value": *property_id}, "value": encode(&value)}]);
        props.insert(snapshot.key_name(key).to_string(), entry);
    }
    if !props.is_empty() {
        obj.insert("properties".into(), Json::Object(props));
    }
    Json::Object(obj)
}

/// The edges of `node` in `dir`, grouped by type, each naming its other end under `other_key`.
fn incident(snapshot: &Snapshot, node: NodeId, dir: Direction, other_key: &str) -> BTreeMap<String, Vec<Json>> {
    let mut adjacent = Vec::new();
    snapshot.expand(node, dir, &[], &mut adjacent);
    adjacent.sort_unstable();
    let mut by_type: BTreeMap<String, Vec<Json>> = BTreeMap::new();
    for (rel, other) in adjacent {
        let Some((_, _, rel_type)) = snapshot.rel_endpoints(rel) else { continue };
        let mut edge = Map::new();
        edge.insert("id".into(), json!({"@type": "g:Int64", "@value": rel}));
        edge.insert(other_key.into(), vertex_id(snapshot, other));
        let props: Map<String, Json> =
            snapshot.rel_properties(rel).iter().map(|(k, v)| (snapshot.key_name(*k).to_string(), encode(v))).collect();
        if !props.is_empty() {
            edge.insert("properties".into(), Json::Object(props));
        }
        by_type.entry(snapshot.type_name(rel_type).to_string()).or_default().push(Json::Object(edge));
    }
    by_type
}

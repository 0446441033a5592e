//! Reading a GraphSON 3 adjacency-list file into a new graph.

use std::collections::HashMap;
use std::io::BufRead;

use plexus_storage::{Error, Graph, GraphBuilder, Value};
use serde_json::{Map, Value as Json};

use super::error::{invalid, io};
use super::report::ImportReport;
use super::types::{decode, id_string, typed, unwrap_object, Decoded};

/// TinkerPop's label for a vertex or edge created without one.
const DEFAULT_LABEL: &str = "vertex";

/// An edge as one line saw it, its endpoints still GraphSON ids.
struct EdgeRef {
    line: usize,
    id: Option<String>,
    label: String,
    out_v: String,
    in_v: String,
    props: Vec<(String, Value)>,
}

/// Reads one vertex per line (blank lines skipped) and returns the built graph with what was read and lost.
pub fn read_graph(reader: impl BufRead) -> Result<(Graph, ImportReport), Error> {
    let mut builder = GraphBuilder::new();
    let mut report = ImportReport::default();
    // Edges wait for all vertices: an edge may name a vertex on a later line.
    let mut edges = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line_no = i + 1;
        let line = line.map_err(|e| match e.kind() {
            // `lines()` reports text that is not UTF-8 this way: that is the file's fault, not the stream's.
            std::io::ErrorKind::InvalidData => invalid(line_no, e),
            _ => io(&format!("reading line {line_no}"), e),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let json: Json = serde_json::from_str(&line).map_err(|e| invalid(line_no, e))?;
        read_line(&json, line_no, &mut builder, &mut report, &mut edges).map_err(|m| invalid(line_no, m))?;
    }
    add_edges(&mut builder, edges, &mut report)?;
    Ok((builder.finish(), report))
}

/// A vertex line (or, outside the adjacency layout, a standalone `g:Edge`).
fn read_line(
    json: &Json,
    line: usize,
    builder: &mut GraphBuilder,
    report: &mut ImportReport,
    edges: &mut Vec<EdgeRef>,
) -> Decoded<()> {
    let Json::Object(obj) = json else { return Err(format!("expected a vertex object, got {json}")) };
    if let Some(("g:Edge", Json::Object(edge))) = typed(obj)? {
        let endpoint = |k: &str| edge.get(k).ok_or_else(|| format!("edge without {k}")).and_then(id_string);
        let (out_v, in_v) = (endpoint("outV")?, endpoint("inV")?);
        edges.push(edge_ref(edge, line, label_of(edge)?, out_v, in_v)?);
        return Ok(());
    }
    let vertex = unwrap_object(json, "g:Vertex")?;
    let id = id_string(vertex.get("id").ok_or("vertex without an id")?)?;
    let label = label_of(vertex)?;
    let labels: Vec<&str> = label.split("::").collect();
    let props = match vertex.get("properties") {
        Some(p) => vertex_properties(p, report)?,
        None => Vec::new(),
    };
    builder.add_node_with_external_id(&id, &labels, props).map_err(|e| format!("vertex {id}: {}", e.message))?;
    report.vertices += 1;
    for (field, outgoing) in [("outE", true), ("inE", false)] {
        let Some(by_label) = vertex.get(field) else { continue };
        let by_label = by_label.as_object().ok_or_else(|| format!("{field} must be an object keyed by label"))?;
        for (label, list) in by_label {
            let list = list.as_array().ok_or_else(|| format!("{field}.{label} must be an array"))?;
            for edge in list {
                let edge = unwrap_object(edge, "g:Edge")?;
                let other_key = if outgoing { "inV" } else { "outV" };
                let other = id_string(edge.get(other_key).ok_or_else(|| format!("{field} edge without {other_key}"))?)?;
                let (out_v, in_v) = if outgoing { (id.clone(), other) } else { (other, id.clone()) };
                let edge = edge_ref(edge, line, label.clone(), out_v, in_v)?;
                // Without an id an edge cannot be matched with its other copy: take the outE one only.
                if outgoing || edge.id.is_some() {
                    edges.push(edge);
                }
            }
        }
    }
    Ok(())
}

fn label_of(obj: &Map<String, Json>) -> Decoded<String> {
    match obj.get("label") {
        None => Ok(DEFAULT_LABEL.to_string()),
        Some(Json::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!("a label must be a string, got {other}")),
    }
}

fn edge_ref(edge: &Map<String, Json>, line: usize, label: String, out_v: String, in_v: String) -> Decoded<EdgeRef> {
    let id = edge.get("id").map(id_string).transpose()?;
    let mut props = Vec::new();
    if let Some(p) = edge.get("properties") {
        let p = p.as_object().ok_or("edge properties must be an object")?;
        for (key, value) in p {
            match decode(value)? {
                Value::Null => {}
                v => props.push((key.clone(), v)),
            }
        }
    }
    Ok(EdgeRef { line, id, label, out_v, in_v, props })
}

/// `{"key": [{"id": .., "value": .., "properties": {meta}}, ...]}`: one value stays a value, several become a
/// List, meta-properties are dropped; the report counts both.
fn vertex_properties(json: &Json, report: &mut ImportReport) -> Decoded<Vec<(String, Value)>> {
    let obj = json.as_object().ok_or("vertex properties must be an object")?;
    let mut props = Vec::new();
    for (key, entries) in obj {
        let entries = entries.as_array().ok_or_else(|| format!("vertex property {key} must be an array"))?;
        let mut values = Vec::new();
        for entry in entries {
            let entry = unwrap_object(entry, "g:VertexProperty")?;
            let value = decode(entry.get("value").ok_or_else(|| format!("vertex property {key} without a value"))?)?;
            if let Some(meta) = entry.get("properties") {
                let n = meta.as_object().ok_or("meta-properties must be an object")?.len() as u64;
                if n > 0 {
                    *report.dropped_meta_properties.entry(key.clone()).or_default() += n;
                }
            }
            if !value.is_null() {
                values.push(value);
            }
        }
        match values.len() {
            0 => {}
            1 => props.push((key.clone(), values.pop().unwrap_or_default())),
            _ => {
                *report.multi_properties.entry(key.clone()).or_default() += 1;
                props.push((key.clone(), Value::List(values)));
            }
        }
    }
    Ok(props)
}

/// Adds each distinct edge once (it is listed by both of its vertices), in order of first sight.
fn add_edges(builder: &mut GraphBuilder, edges: Vec<EdgeRef>, report: &mut ImportReport) -> Result<(), Error> {
    let mut seen: HashMap<String, (String, String, String)> = HashMap::new();
    for e in edges {
        if let Some(id) = &e.id {
            let ends = (e.out_v.clone(), e.in_v.clone(), e.label.clone());
            match seen.get(id) {
                Some(prev) if *prev == ends => continue,
                Some(prev) => {
                    return Err(invalid(e.line, format!("edge {id} is listed as {prev:?} and as {ends:?}")));
                }
                None => seen.insert(id.clone(), ends),
            };
        }
        let node = |v: &str| {
            builder.node_by_external_id(v).ok_or_else(|| invalid(e.line, format!("edge to unknown vertex {v}")))
        };
        let (src, dst) = (node(&e.out_v)?, node(&e.in_v)?);
        let rel = builder
            .add_relationship(src, dst, &e.label, e.props)
            .map_err(|err| invalid(e.line, format!("edge {:?}: {}", e.id, err.message)))?;
        report.edges += 1;
        if let Some(id) = e.id {
            report.edge_ids.push((id, rel));
        }
    }
    Ok(())
}

//! Query results as typed GraphSON 3 (PROTOCOLS.md B.6), for `/gremlin`:
//! integers `g:Int64` (ours are 64-bit), floats `g:Double`, vertices with
//! their properties, edges with both ends' labels (read from the snapshot the
//! answer is written from), paths, and maps as `g:Map` whose `T.id`/`T.label`
//! and `Direction.*` keys become `g:T`/`g:Direction`.

use std::collections::BTreeMap;

use plexus_storage::{Node, Path, Relationship, Snapshot, Value};
use serde_json::{json, Map, Value as Json};

/// Encodes results; vertex properties get ids numbered within one answer.
pub struct Encoder<'a> {
    snapshot: &'a Snapshot,
    property_id: i64,
}

fn tagged(type_name: &str, value: Json) -> Json {
    json!({"@type": type_name, "@value": value})
}

fn int64(i: impl Into<Json>) -> Json {
    tagged("g:Int64", i.into())
}

/// A label list as one TinkerPop label (`vertex` when there is none).
fn label_of(labels: &[String]) -> String {
    if labels.is_empty() {
        "vertex".into()
    } else {
        labels.join("::")
    }
}

impl<'a> Encoder<'a> {
    pub fn new(snapshot: &'a Snapshot) -> Self {
        Encoder { snapshot, property_id: 0 }
    }

    /// `{"@type": "g:List", "@value": [...]}` of every value.
    pub fn list(&mut self, values: &[Value]) -> Json {
        tagged("g:List", Json::Array(values.iter().map(|v| self.value(v)).collect()))
    }

    /// Path results (which arrive as lists of their objects) as a `g:List` of `g:Path`.
    pub fn paths(&mut self, values: &[Value]) -> Json {
        let paths = values
            .iter()
            .map(|v| match v {
                Value::List(objects) => {
                    let objects: Vec<Json> = objects.iter().map(|o| self.value(o)).collect();
                    path_of(objects)
                }
                other => self.value(other),
            })
            .collect();
        tagged("g:List", Json::Array(paths))
    }

    pub fn value(&mut self, value: &Value) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Boolean(b) => Json::Bool(*b),
            Value::Integer(i) => int64(*i),
            Value::Float(f) if f.is_nan() => tagged("g:Double", json!("NaN")),
            Value::Float(f) if f.is_infinite() => {
                tagged("g:Double", json!(if *f > 0.0 { "Infinity" } else { "-Infinity" }))
            }
            Value::Float(f) => tagged("g:Double", json!(f)),
            Value::String(s) => Json::String(s.clone()),
            Value::List(items) => self.list(items),
            Value::Map(map) => self.map(map),
            Value::Node(n) => self.vertex(n),
            Value::Relationship(r) => self.edge(r),
            Value::Path(p) => self.path(p),
            // g:Date keeps milliseconds in UTC only.
            Value::DateTime(dt) => tagged("g:Date", json!(dt.seconds * 1000 + i64::from(dt.nanos / 1_000_000))),
            // The other temporal values have no GraphSON 3 core type: their ISO text.
            other => Json::String(other.to_string()),
        }
    }

    fn map(&mut self, map: &BTreeMap<String, Value>) -> Json {
        let mut flat = Vec::with_capacity(map.len() * 2);
        for (k, v) in map {
            flat.push(map_key(k));
            flat.push(self.value(v));
        }
        tagged("g:Map", Json::Array(flat))
    }

    fn vertex(&mut self, n: &Node) -> Json {
        let mut properties = Map::new();
        for (key, value) in &n.properties {
            self.property_id += 1;
            let property = tagged(
                "g:VertexProperty",
                json!({"id": int64(self.property_id), "value": self.value(value), "label": key}),
            );
            properties.insert(key.clone(), Json::Array(vec![property]));
        }
        tagged(
            "g:Vertex",
            json!({"id": int64(n.id), "label": label_of(&n.labels), "properties": Json::Object(properties)}),
        )
    }

    fn edge(&mut self, r: &Relationship) -> Json {
        let mut properties = Map::new();
        for (key, value) in &r.properties {
            properties.insert(key.clone(), tagged("g:Property", json!({"key": key, "value": self.value(value)})));
        }
        tagged(
            "g:Edge",
            json!({
                "id": int64(r.id),
                "label": r.rel_type,
                "inV": int64(r.end),
                "outV": int64(r.start),
                "inVLabel": self.node_label(r.end),
                "outVLabel": self.node_label(r.start),
                "properties": Json::Object(properties),
            }),
        )
    }

    /// A node's label from the snapshot (`vertex` if it has none or is gone).
    fn node_label(&self, node: u64) -> String {
        let labels: Vec<String> =
            self.snapshot.node_labels(node).into_iter().map(|l| self.snapshot.label_name(l).to_string()).collect();
        label_of(&labels)
    }

    fn path(&mut self, p: &Path) -> Json {
        let mut objects = Vec::with_capacity(p.nodes.len() + p.relationships.len());
        for (i, n) in p.nodes.iter().enumerate() {
            objects.push(self.vertex(n));
            if let Some(r) = p.relationships.get(i) {
                objects.push(self.edge(r));
            }
        }
        path_of(objects)
    }
}

/// A `g:Path` of encoded objects (no step labels: results do not carry them).
fn path_of(objects: Vec<Json>) -> Json {
    let labels = objects.iter().map(|_| tagged("g:Set", json!([]))).collect();
    tagged(
        "g:Path",
        json!({"labels": tagged("g:List", Json::Array(labels)), "objects": tagged("g:List", Json::Array(objects))}),
    )
}

/// Gremlin's token keys come back as text (`T.id`); GraphSON types them.
fn map_key(key: &str) -> Json {
    match key.split_once('.') {
        Some(("T", token @ ("id" | "label" | "key" | "value"))) => tagged("g:T", json!(token)),
        Some(("Direction", dir @ ("OUT" | "IN" | "BOTH"))) => tagged("g:Direction", json!(dir)),
        _ => Json::String(key.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_collections_and_token_keys() {
        let snapshot = crate::db::Database::in_memory().graph().snapshot();
        let mut enc = Encoder::new(&snapshot);
        assert_eq!(enc.value(&Value::Integer(6)), json!({"@type": "g:Int64", "@value": 6}));
        assert_eq!(enc.value(&Value::Float(f64::NAN)), json!({"@type": "g:Double", "@value": "NaN"}));
        let map = Value::Map([("T.id".to_string(), Value::Integer(1)), ("name".to_string(), "x".into())].into());
        let id_key = json!({"@type": "g:T", "@value": "id"});
        assert_eq!(
            enc.value(&map),
            json!({"@type": "g:Map", "@value": [id_key, {"@type": "g:Int64", "@value": 1}, "name", "x"]})
        );
        assert_eq!(map_key("Direction.OUT"), json!({"@type": "g:Direction", "@value": "OUT"}));
        assert_eq!(map_key("T.name"), json!("T.name"));
    }
}

//! Query results (storage values) as wire values: vertices with their
//! properties, edges with both ends' labels (read from the snapshot the
//! traversal ended on), paths, maps whose `T.*`/`Direction.*` keys become
//! enums, and for bytecode consecutive equal results folded into one
//! `Traverser` with their count as its bulk.

use plexus_storage::{Node, Relationship, Snapshot, Value};

use super::value::WireValue;

pub struct ResultEncoder<'a> {
    snapshot: &'a Snapshot,
    /// Elements with their properties (`false`: ids and labels only).
    with_properties: bool,
    /// Vertex properties get ids numbered within one answer.
    property_id: i64,
}

/// Whether a traversal's results are `path()`s (they arrive as lists), decided
/// from its top-level steps as `http/gremlin.rs` decides it for scripts.
pub fn ends_in_path(step_names: &[String]) -> bool {
    crate::server::http::gremlin::steps_end_in_path(step_names)
}

fn label_of(labels: &[String]) -> String {
    if labels.is_empty() {
        "vertex".into()
    } else {
        labels.join("::")
    }
}

impl<'a> ResultEncoder<'a> {
    pub fn new(snapshot: &'a Snapshot, with_properties: bool) -> Self {
        ResultEncoder { snapshot, with_properties, property_id: 0 }
    }

    /// Plain values, as `eval` answers them. Path results arrive as lists of their objects.
    pub fn values(&mut self, values: &[Value], paths: bool) -> Vec<WireValue> {
        values.iter().map(|v| self.result(v, paths)).collect()
    }

    /// `Traverser`s, as `bytecode` answers: runs of equal results share one traverser.
    pub fn traversers(&mut self, values: &[Value], paths: bool) -> Vec<WireValue> {
        let mut out: Vec<WireValue> = Vec::new();
        let mut previous: Option<&Value> = None;
        for v in values {
            if previous == Some(v) {
                if let Some(WireValue::Traverser { bulk, .. }) = out.last_mut() {
                    *bulk += 1;
                    continue;
                }
            }
            out.push(WireValue::Traverser { bulk: 1, value: Box::new(self.result(v, paths)) });
            previous = Some(v);
        }
        out
    }

    fn result(&mut self, v: &Value, paths: bool) -> WireValue {
        match v {
            Value::List(objects) if paths => WireValue::Path {
                labels: Box::new(WireValue::List(objects.iter().map(|_| WireValue::Set(Vec::new())).collect())),
                objects: Box::new(WireValue::List(objects.iter().map(|o| self.value(o)).collect())),
            },
            other => self.value(other),
        }
    }

    pub fn value(&mut self, v: &Value) -> WireValue {
        match v {
            Value::Null => WireValue::Null,
            Value::Boolean(b) => WireValue::Boolean(*b),
            Value::Integer(i) => WireValue::Long(*i),
            Value::Float(f) => WireValue::Double(*f),
            Value::String(s) => WireValue::String(s.clone()),
            Value::List(items) => WireValue::List(items.iter().map(|i| self.value(i)).collect()),
            Value::Map(map) => WireValue::Map(map.iter().map(|(k, v)| (map_key(k), self.value(v))).collect()),
            Value::Node(n) => self.vertex(n),
            Value::Relationship(r) => self.edge(r),
            Value::Path(p) => {
                let mut objects = Vec::with_capacity(p.nodes.len() + p.relationships.len());
                for (i, n) in p.nodes.iter().enumerate() {
                    objects.push(self.vertex(n));
                    if let Some(r) = p.relationships.get(i) {
                        objects.push(self.edge(r));
                    }
                }
                WireValue::Path {
                    labels: Box::new(WireValue::List(objects.iter().map(|_| WireValue::Set(Vec::new())).collect())),
                    objects: Box::new(WireValue::List(objects)),
                }
            }
            Value::DateTime(dt) => {
                WireValue::OffsetDateTime { seconds: dt.seconds, nanos: dt.nanos, offset_seconds: dt.offset_seconds }
            }
            Value::LocalDateTime(dt) => {
                WireValue::Date(dt.seconds.saturating_mul(1000).saturating_add(i64::from(dt.nanos / 1_000_000)))
            }
            Value::Date(d) => WireValue::Date(d.days.saturating_mul(86_400_000)),
            Value::Duration(d) if d.months == 0 => {
                WireValue::Duration { seconds: d.days.saturating_mul(86_400).saturating_add(d.seconds), nanos: d.nanos }
            }
            // Times of day and month-based durations have no GraphBinary type: their ISO text.
            other => WireValue::String(other.to_string()),
        }
    }

    fn vertex(&mut self, n: &Node) -> WireValue {
        let mut properties = Vec::with_capacity(n.properties.len());
        let with_properties = self.with_properties;
        for (key, value) in n.properties.iter().filter(|_| with_properties) {
            self.property_id += 1;
            properties.push(WireValue::VertexProperty {
                id: Box::new(WireValue::Long(self.property_id)),
                label: key.clone(),
                value: Box::new(self.value(value)),
                properties: Vec::new(),
            });
        }
        WireValue::Vertex { id: Box::new(WireValue::Long(n.id as i64)), label: label_of(&n.labels), properties }
    }

    fn edge(&mut self, r: &Relationship) -> WireValue {
        let with_properties = self.with_properties;
        let properties = r
            .properties
            .iter()
            .filter(|_| with_properties)
            .map(|(k, v)| WireValue::Property { key: k.clone(), value: Box::new(self.value(v)) })
            .collect();
        WireValue::Edge {
            id: Box::new(WireValue::Long(r.id as i64)),
            label: r.rel_type.clone(),
            in_v: Box::new(WireValue::Long(r.end as i64)),
            in_v_label: self.node_label(r.end),
            out_v: Box::new(WireValue::Long(r.start as i64)),
            out_v_label: self.node_label(r.start),
            properties,
        }
    }

    fn node_label(&self, node: u64) -> String {
        let labels: Vec<String> =
            self.snapshot.node_labels(node).into_iter().map(|l| self.snapshot.label_name(l).to_string()).collect();
        label_of(&labels)
    }
}

/// Gremlin's token keys come back as text (`T.id`); the wire types them.
fn map_key(key: &str) -> WireValue {
    match key.split_once('.') {
        Some(("T", token @ ("id" | "label" | "key" | "value"))) => WireValue::Enum { kind: "T", value: token.into() },
        Some(("Direction", dir @ ("OUT" | "IN" | "BOTH"))) => WireValue::Enum { kind: "Direction", value: dir.into() },
        _ => WireValue::String(key.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_neighbours_share_a_traverser_and_token_keys_are_enums() {
        let snapshot = crate::db::Database::in_memory().graph().snapshot();
        let mut enc = ResultEncoder::new(&snapshot, true);
        let values = [Value::Integer(1), Value::Integer(1), Value::Integer(2), Value::Integer(1)];
        let bulks: Vec<i64> = enc
            .traversers(&values, false)
            .iter()
            .map(|t| match t {
                WireValue::Traverser { bulk, .. } => *bulk,
                _ => 0,
            })
            .collect();
        assert_eq!(bulks, vec![2, 1, 1]);
        let map = Value::Map([("T.id".to_string(), Value::Integer(1))].into());
        assert_eq!(
            enc.value(&map),
            WireValue::Map(vec![(WireValue::Enum { kind: "T", value: "id".into() }, WireValue::Long(1))])
        );
    }
}

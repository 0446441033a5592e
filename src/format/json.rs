//! JSON output: records keyed by column, graph entities as `~`-prefixed objects.

use plexus_storage::{Node, Relationship, Value};
use serde_json::{json, Map, Number, Value as Json};

/// One JSON array of records, each an object keyed by column (in column order).
pub fn records(columns: &[String], rows: &[Vec<Value>]) -> Json {
    Json::Array(
        rows.iter()
            .map(|row| {
                let record: Map<String, Json> = columns.iter().cloned().zip(row.iter().map(value)).collect();
                Json::Object(record)
            })
            .collect(),
    )
}

/// Convert one value. NaN and infinities become strings (JSON has no such
/// numbers); temporals become ISO 8601 strings.
pub fn value(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Boolean(b) => Json::Bool(*b),
        Value::Integer(i) => Json::from(*i),
        Value::Float(f) => float(*f),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(items.iter().map(value).collect()),
        Value::Map(map) => properties(map),
        Value::Node(n) => node(n),
        Value::Relationship(r) => relationship(r),
        Value::Path(p) => {
            let mut elements = Vec::with_capacity(p.nodes.len() + p.relationships.len());
            for (i, n) in p.nodes.iter().enumerate() {
                if i > 0 {
                    if let Some(r) = p.relationships.get(i - 1) {
                        elements.push(relationship(r));
                    }
                }
                elements.push(node(n));
            }
            Json::Array(elements)
        }
        Value::Date(_)
        | Value::LocalTime(_)
        | Value::Time(_)
        | Value::LocalDateTime(_)
        | Value::DateTime(_)
        | Value::Duration(_) => Json::String(v.to_display_string()),
    }
}

fn float(f: f64) -> Json {
    match Number::from_f64(f) {
        Some(n) => Json::Number(n),
        None if f.is_nan() => Json::from("NaN"),
        None if f > 0.0 => Json::from("Infinity"),
        None => Json::from("-Infinity"),
    }
}

fn properties(map: &std::collections::BTreeMap<String, Value>) -> Json {
    Json::Object(map.iter().map(|(k, v)| (k.clone(), value(v))).collect())
}

fn node(n: &Node) -> Json {
    json!({ "~id": n.id, "~labels": n.labels, "~properties": properties(&n.properties) })
}

fn relationship(r: &Relationship) -> Json {
    json!({
        "~id": r.id,
        "~type": r.rel_type,
        "~start": r.start,
        "~end": r.end,
        "~properties": properties(&r.properties),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use plexus_storage::Path;

    use super::*;

    fn person(id: u64, name: &str) -> Node {
        let properties = BTreeMap::from([("name".to_string(), Value::from(name))]);
        Node { id, labels: vec!["Person".into()], properties }
    }

    fn knows(id: u64, start: u64, end: u64) -> Relationship {
        Relationship { id, start, end, rel_type: "KNOWS".into(), properties: BTreeMap::new() }
    }

    #[test]
    fn records_keep_column_order() {
        let columns = vec!["x".to_string(), "a".to_string()];
        let rows = vec![vec![Value::Integer(1), Value::from("s")], vec![Value::Null, Value::Boolean(true)]];
        let out = serde_json::to_string(&records(&columns, &rows)).unwrap();
        assert_eq!(out, r#"[{"x":1,"a":"s"},{"x":null,"a":true}]"#);
    }

    #[test]
    fn floats_that_json_cannot_carry_become_strings() {
        assert_eq!(value(&Value::Float(1.5)), json!(1.5));
        assert_eq!(value(&Value::Float(f64::NAN)), json!("NaN"));
        assert_eq!(value(&Value::Float(f64::INFINITY)), json!("Infinity"));
        assert_eq!(value(&Value::Float(f64::NEG_INFINITY)), json!("-Infinity"));
        assert_eq!(serde_json::to_string(&value(&Value::Float(2.0))).unwrap(), "2.0");
    }

    #[test]
    fn lists_and_maps_nest() {
        let map = BTreeMap::from([("k".to_string(), Value::from(vec![1, 2]))]);
        assert_eq!(value(&Value::Map(map)), json!({"k": [1, 2]}));
    }

    #[test]
    fn nodes_relationships_and_paths() {
        let n = person(7, "Ann");
        assert_eq!(
            value(&Value::Node(Box::new(n.clone()))),
            json!({"~id": 7, "~labels": ["Person"], "~properties": {"name": "Ann"}})
        );
        let r = knows(3, 7, 8);
        let r_json = json!({"~id": 3, "~type": "KNOWS", "~start": 7, "~end": 8, "~properties": {}});
        assert_eq!(value(&Value::Relationship(Box::new(r.clone()))), r_json);
        let m = person(8, "Bo");
        let path = Path { nodes: vec![n, m], relationships: vec![r] };
        let out = value(&Value::Path(Box::new(path)));
        assert_eq!(out.as_array().map(Vec::len), Some(3));
        assert_eq!(out[1], r_json);
        assert_eq!(out[2]["~id"], json!(8));
    }
}

//! Plexus values as Neptune's openCypher HTTP endpoint writes them (PROTOCOLS.md
//! C.2): scalars as JSON, nodes and relationships as `~`-keyed objects with
//! string ids, paths as flat node/relationship arrays, temporals as ISO-8601
//! strings; and JSON parameters as values.

use std::collections::BTreeMap;

use plexus_storage::{Node, Relationship, Value};
use serde_json::{json, Map, Number, Value as Json};

pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Boolean(b) => Json::Bool(*b),
        Value::Integer(i) => Json::Number((*i).into()),
        // JSON has no NaN or infinities; Neptune's Jackson writes them as strings.
        Value::Float(f) => Number::from_f64(*f).map(Json::Number).unwrap_or_else(|| Json::String(f.to_string())),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(m) => properties(m),
        Value::Node(n) => node(n),
        Value::Relationship(r) => relationship(r),
        Value::Path(p) => {
            let mut items = Vec::with_capacity(p.nodes.len() + p.relationships.len());
            for (i, n) in p.nodes.iter().enumerate() {
                items.push(node(n));
                if let Some(r) = p.relationships.get(i) {
                    items.push(relationship(r));
                }
            }
            Json::Array(items)
        }
        Value::Date(x) => Json::String(x.to_string()),
        Value::LocalTime(x) => Json::String(x.to_string()),
        Value::Time(x) => Json::String(x.to_string()),
        Value::LocalDateTime(x) => Json::String(x.to_string()),
        Value::DateTime(x) => Json::String(x.to_string()),
        Value::Duration(x) => Json::String(x.to_string()),
    }
}

fn properties(m: &BTreeMap<String, Value>) -> Json {
    Json::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect::<Map<_, _>>())
}

fn node(n: &Node) -> Json {
    json!({
        "~id": n.id.to_string(),
        "~entityType": "node",
        "~labels": n.labels,
        "~properties": properties(&n.properties),
    })
}

fn relationship(r: &Relationship) -> Json {
    json!({
        "~id": r.id.to_string(),
        "~entityType": "relationship",
        "~start": r.start.to_string(),
        "~end": r.end.to_string(),
        "~type": r.rel_type,
        "~properties": properties(&r.properties),
    })
}

/// A JSON parameter as a value: integral numbers become integers.
pub fn from_json(j: &Json) -> Value {
    match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Boolean(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(from_json).collect()),
        Json::Object(m) => Value::Map(m.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_storage::value::Date;
    use plexus_storage::Path;

    #[test]
    fn graph_elements_take_neptunes_shape() {
        let a = Node {
            id: 22,
            labels: vec!["airport".into()],
            properties: [("code".to_string(), Value::String("SEA".into()))].into(),
        };
        let b = Node { id: 1, labels: vec![], properties: BTreeMap::new() };
        let r = Relationship {
            id: 4404,
            start: 22,
            end: 1,
            rel_type: "route".into(),
            properties: [("dist".to_string(), Value::Integer(2180))].into(),
        };
        assert_eq!(
            to_json(&Value::Node(Box::new(a.clone()))),
            json!({"~id": "22", "~entityType": "node", "~labels": ["airport"], "~properties": {"code": "SEA"}})
        );
        assert_eq!(
            to_json(&Value::Relationship(Box::new(r.clone()))),
            json!({"~id": "4404", "~entityType": "relationship", "~start": "22", "~end": "1", "~type": "route",
                   "~properties": {"dist": 2180}})
        );
        let path = to_json(&Value::Path(Box::new(Path { nodes: vec![a, b], relationships: vec![r] })));
        let kinds: Vec<_> = path.as_array().expect("array").iter().map(|e| e["~entityType"].clone()).collect();
        assert_eq!(kinds, vec![json!("node"), json!("relationship"), json!("node")]);
    }

    #[test]
    fn scalars_and_temporals() {
        assert_eq!(to_json(&Value::Float(f64::INFINITY)), json!("inf"));
        assert_eq!(to_json(&Value::Date(Date { days: 19723 })), json!("2024-01-01"));
        let params = json!({"n": 1, "f": 1.5, "big": 1e300, "s": "x", "l": [true, null], "m": {"k": 2}});
        let v = from_json(&params);
        let Value::Map(m) = v else { panic!("map") };
        assert_eq!(m["n"], Value::Integer(1));
        assert_eq!(m["f"], Value::Float(1.5));
        assert_eq!(m["l"], Value::List(vec![Value::Boolean(true), Value::Null]));
        assert_eq!(to_json(&Value::Map(m)), params);
    }
}

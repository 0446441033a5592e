//! Result values from the wire: nodes, relationships and paths become
//! Plexus values here; every other structure (temporals) is decoded by the
//! server's own parameter decoder, so both directions agree.

use std::collections::BTreeMap;

use plexus_storage::{Node, Path, Relationship, Value};

use crate::server::bolt::packstream::{PackValue, Structure};
use crate::server::bolt::structures::{tag, to_value};

/// A value a server sent; the error says what did not fit.
pub fn from_wire(p: PackValue) -> Result<Value, String> {
    Ok(match p {
        PackValue::List(items) => Value::List(items.into_iter().map(from_wire).collect::<Result<_, _>>()?),
        PackValue::Map(entries) => Value::Map(properties(entries)?),
        PackValue::Struct(s) if s.tag == tag::NODE => Value::Node(Box::new(node(s)?)),
        PackValue::Struct(s) if s.tag == tag::RELATIONSHIP => Value::Relationship(Box::new(relationship(s)?)),
        PackValue::Struct(s) if s.tag == tag::PATH => Value::Path(Box::new(path(s)?)),
        // Bytes have no Plexus value; show them as a list of integers rather than fail the row.
        PackValue::Bytes(b) => Value::List(b.into_iter().map(|x| Value::Integer(x.into())).collect()),
        other => to_value(other).map_err(|e| e.0)?,
    })
}

fn properties(entries: Vec<(String, PackValue)>) -> Result<BTreeMap<String, Value>, String> {
    entries.into_iter().map(|(k, v)| Ok((k, from_wire(v)?))).collect()
}

fn id(v: &PackValue, what: &str) -> Result<u64, String> {
    v.as_int().map(|i| i as u64).ok_or_else(|| format!("{what}: expected an integer id, got {}", v.kind()))
}

fn string(v: PackValue, what: &str) -> Result<String, String> {
    match v {
        PackValue::String(s) => Ok(s),
        other => Err(format!("{what}: expected a string, got {}", other.kind())),
    }
}

fn map(v: PackValue, what: &str) -> Result<BTreeMap<String, Value>, String> {
    match v {
        PackValue::Map(entries) => properties(entries),
        other => Err(format!("{what}: expected a map, got {}", other.kind())),
    }
}

fn list(v: PackValue, what: &str) -> Result<Vec<PackValue>, String> {
    match v {
        PackValue::List(items) => Ok(items),
        other => Err(format!("{what}: expected a list, got {}", other.kind())),
    }
}

/// The fields of `s`, at least `n` of them (5.x appends element ids, which we ignore).
fn fields(s: Structure, n: usize, what: &str) -> Result<std::vec::IntoIter<PackValue>, String> {
    if s.fields.len() < n {
        return Err(format!("a {what} needs {n} fields, got {}", s.fields.len()));
    }
    Ok(s.fields.into_iter())
}

/// `Node(id, labels, properties[, element_id])`.
fn node(s: Structure) -> Result<Node, String> {
    let mut f = fields(s, 3, "Node")?;
    let (Some(id_field), Some(labels), Some(props)) = (f.next(), f.next(), f.next()) else {
        return Err("a Node needs 3 fields".into());
    };
    let labels = list(labels, "Node labels")?.into_iter().map(|l| string(l, "Node label")).collect::<Result<_, _>>()?;
    Ok(Node { id: id(&id_field, "Node")?, labels, properties: map(props, "Node properties")? })
}

/// `Relationship(id, start, end, type, properties[, element ids])`.
fn relationship(s: Structure) -> Result<Relationship, String> {
    let mut f = fields(s, 5, "Relationship")?;
    let (Some(rid), Some(start), Some(end), Some(rel_type), Some(props)) =
        (f.next(), f.next(), f.next(), f.next(), f.next())
    else {
        return Err("a Relationship needs 5 fields".into());
    };
    Ok(Relationship {
        id: id(&rid, "Relationship")?,
        start: id(&start, "Relationship start")?,
        end: id(&end, "Relationship end")?,
        rel_type: string(rel_type, "Relationship type")?,
        properties: map(props, "Relationship properties")?,
    })
}

/// `Path(nodes, unbound relationships, indices)`: the indices walk the path
/// as (relationship, node) pairs; a relationship index is 1-based and
/// negative when the relationship points against the walk.
fn path(s: Structure) -> Result<Path, String> {
    let mut f = fields(s, 3, "Path")?;
    let (Some(nodes), Some(rels), Some(indices)) = (f.next(), f.next(), f.next()) else {
        return Err("a Path needs 3 fields".into());
    };
    let nodes: Vec<Node> = list(nodes, "Path nodes")?
        .into_iter()
        .map(|n| match n {
            PackValue::Struct(s) if s.tag == tag::NODE => node(s),
            other => Err(format!("Path nodes: expected a Node, got {}", other.kind())),
        })
        .collect::<Result<_, _>>()?;
    let rels: Vec<(u64, String, BTreeMap<String, Value>)> = list(rels, "Path relationships")?
        .into_iter()
        .map(|r| match r {
            PackValue::Struct(s) if s.tag == tag::UNBOUND_RELATIONSHIP => {
                let mut f = fields(s, 3, "UnboundRelationship")?;
                let (Some(rid), Some(t), Some(props)) = (f.next(), f.next(), f.next()) else {
                    return Err("an UnboundRelationship needs 3 fields".into());
                };
                Ok((id(&rid, "UnboundRelationship")?, string(t, "type")?, map(props, "properties")?))
            }
            other => Err(format!("Path relationships: expected an UnboundRelationship, got {}", other.kind())),
        })
        .collect::<Result<_, _>>()?;
    let indices: Vec<i64> = list(indices, "Path indices")?
        .iter()
        .map(|i| i.as_int().ok_or_else(|| "Path indices must be integers".to_string()))
        .collect::<Result<_, _>>()?;
    let first = nodes.first().cloned().ok_or("a Path needs at least one node")?;
    let pairs = indices.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err("Path indices must come in pairs".into());
    }
    let mut walk = Path { nodes: vec![first], relationships: Vec::new() };
    for pair in pairs {
        let (r, n) = (pair[0], pair[1]);
        let next = usize::try_from(n).ok().and_then(|n| nodes.get(n)).ok_or("a Path node index is out of range")?;
        let (rid, rel_type, properties) = usize::try_from(r.unsigned_abs() - 1)
            .ok()
            .filter(|_| r != 0)
            .and_then(|i| rels.get(i))
            .ok_or("a Path relationship index is out of range")?
            .clone();
        let previous = walk.nodes.last().map(|p| p.id).unwrap_or_default();
        let (start, end) = if r > 0 { (previous, next.id) } else { (next.id, previous) };
        walk.relationships.push(Relationship { id: rid, start, end, rel_type, properties });
        walk.nodes.push(next.clone());
    }
    Ok(walk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::bolt::packstream::decode;
    use crate::server::bolt::structures::write_value;
    use crate::server::bolt::version::{BoltVersion, Dialect};

    fn round_trip(v: &Value, version: BoltVersion) -> Value {
        let mut bytes = Vec::new();
        write_value(&mut bytes, v, Dialect::new(version)).expect("encodable");
        from_wire(decode(&bytes).expect("decodes")).expect("a value")
    }

    fn node(id: u64, label: &str) -> Node {
        Node { id, labels: vec![label.into()], properties: [("name".to_string(), Value::String(label.into()))].into() }
    }

    fn rel(id: u64, start: u64, end: u64) -> Relationship {
        Relationship { id, start, end, rel_type: "KNOWS".into(), properties: [("w".into(), Value::Integer(2))].into() }
    }

    #[test]
    fn graph_values_survive_the_servers_encoding_in_4_4_and_5_x() {
        // (a)-[r1]->(b)<-[r2]-(c)-[r3]->(a): directions both ways and a node visited twice.
        let (a, b, c) = (node(1, "A"), node(2, "B"), node(3, "C"));
        let path = Path {
            nodes: vec![a.clone(), b.clone(), c.clone(), a.clone()],
            relationships: vec![rel(10, 1, 2), rel(11, 3, 2), rel(12, 3, 1)],
        };
        let values = [
            Value::Node(Box::new(a)),
            Value::Relationship(Box::new(rel(10, 1, 2))),
            Value::Path(Box::new(path)),
            Value::List(vec![Value::Integer(1), Value::String("x".into()), Value::Null]),
            Value::Map([("k".to_string(), Value::Float(1.5))].into()),
            Value::Date(plexus_storage::value::Date { days: 19_723 }),
        ];
        for version in [BoltVersion::new(5, 4), BoltVersion::new(4, 4)] {
            for v in &values {
                assert_eq!(&round_trip(v, version), v, "{version}");
            }
        }
    }

    #[test]
    fn malformed_graph_structures_are_errors() {
        let st = |t, fields: Vec<PackValue>| PackValue::Struct(Structure { tag: t, fields });
        let cases = [
            st(tag::NODE, vec![PackValue::Integer(1)]),
            st(tag::NODE, vec![PackValue::String("x".into()), PackValue::List(vec![]), PackValue::Map(vec![])]),
            st(tag::RELATIONSHIP, vec![PackValue::Integer(1); 5]),
            st(
                tag::PATH,
                vec![
                    PackValue::List(vec![]),
                    PackValue::List(vec![]),
                    PackValue::List(vec![PackValue::Integer(1), PackValue::Integer(0)]),
                ],
            ),
        ];
        for c in cases {
            assert!(from_wire(c.clone()).is_err(), "{c:?}");
        }
    }
}

//! Subscripts: `list[i]`, `map[key]`, `node[key]` and slices `list[a..b]`.

use plexus_storage::{Error, Result, Snapshot, Value};

/// Position `i` of a list of `len` (negative counts from the end); `None` when outside.
fn position(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let p = if i < 0 { len + i } else { i };
    (0..len).contains(&p).then_some(p as usize)
}

pub fn index(container: &Value, index: &Value, snapshot: &Snapshot) -> Result<Value> {
    match (container, index) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::List(items), Value::Integer(i)) => {
            Ok(position(*i, items.len()).map_or(Value::Null, |p| items[p].clone()))
        }
        (Value::Map(m), Value::String(k)) => Ok(m.get(k).cloned().unwrap_or(Value::Null)),
        (Value::Node(n), Value::String(k)) => {
            Ok(snapshot.key_id(k).map_or(Value::Null, |key| snapshot.node_property(n.id, key)))
        }
        (Value::Relationship(r), Value::String(k)) => {
            Ok(snapshot.key_id(k).map_or(Value::Null, |key| snapshot.rel_property(r.id, key)))
        }
        (Value::List(_), other) => Err(Error::type_error(
            "InvalidArgumentType",
            format!("List index must be an integer, got {}", other.type_name()),
        )),
        (Value::Map(_) | Value::Node(_) | Value::Relationship(_), other) => Err(Error::type_error(
            "MapElementAccessByNonString",
            format!("Map key must be a string, got {}", other.type_name()),
        )),
        (other, _) => Err(Error::type_error("InvalidArgumentType", format!("Cannot index into {}", other.type_name()))),
    }
}

pub fn slice(container: &Value, from: Option<&Value>, to: Option<&Value>) -> Result<Value> {
    let items = match container {
        Value::Null => return Ok(Value::Null),
        Value::List(items) => items,
        other => return Err(Error::type_error("InvalidArgumentType", format!("Cannot slice {}", other.type_name()))),
    };
    let len = items.len() as i64;
    let bound = |b: Option<&Value>, default: i64| -> Result<Option<i64>> {
        match b {
            None => Ok(Some(default)),
            Some(Value::Null) => Ok(None),
            Some(Value::Integer(i)) => Ok(Some(if *i < 0 { (len + i).max(0) } else { (*i).min(len) })),
            Some(other) => Err(Error::type_error(
                "InvalidArgumentType",
                format!("Slice bounds must be integers, got {}", other.type_name()),
            )),
        }
    };
    let (Some(start), Some(end)) = (bound(from, 0)?, bound(to, len)?) else { return Ok(Value::Null) };
    if start >= end {
        return Ok(Value::List(Vec::new()));
    }
    Ok(Value::List(items[start as usize..end as usize].to_vec()))
}

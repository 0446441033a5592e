//! List, map, graph-value and path functions that need no graph access.

use plexus_storage::{Error, Result, Value};

use super::{arg, invalid_arg};

/// The largest list `range()` will build (larger requests are an ArgumentError, not an abort).
pub const MAX_RANGE_LEN: i128 = 100_000_000;

/// `size(x)`: characters of a string or elements of a list.
pub fn size(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(Value::Integer(s.chars().count() as i64)),
        Value::List(l) => Ok(Value::Integer(l.len() as i64)),
        other => Err(invalid_arg("size", "a STRING or LIST", other)),
    }
}

fn list_arg<'a>(func: &str, v: &'a Value) -> Result<Option<&'a [Value]>> {
    match v {
        Value::Null => Ok(None),
        Value::List(l) => Ok(Some(l)),
        other => Err(invalid_arg(func, "a LIST", other)),
    }
}

/// `head(list)`: the first element, null if empty.
pub fn head(args: &[Value]) -> Result<Value> {
    Ok(list_arg("head", arg(args, 0))?.and_then(|l| l.first().cloned()).unwrap_or(Value::Null))
}

/// `last(list)`: the last element, null if empty.
pub fn last(args: &[Value]) -> Result<Value> {
    Ok(list_arg("last", arg(args, 0))?.and_then(|l| l.last().cloned()).unwrap_or(Value::Null))
}

/// `tail(list)`: all but the first element (`[]` for an empty list).
pub fn tail(args: &[Value]) -> Result<Value> {
    Ok(list_arg("tail", arg(args, 0))?.map_or(Value::Null, |l| Value::List(l.iter().skip(1).cloned().collect())))
}

fn range_int(v: &Value) -> Result<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::Integer(i) => Ok(Some(*i)),
        other => Err(Error::argument(
            "InvalidArgumentType",
            format!("range() expects INTEGER arguments, got {}", other.type_name()),
        )),
    }
}

/// `range(start, end[, step])`: inclusive integer range; step 0 is an ArgumentError.
pub fn range(args: &[Value]) -> Result<Value> {
    let start = range_int(arg(args, 0))?;
    let end = range_int(arg(args, 1))?;
    let step = if args.len() > 2 { range_int(arg(args, 2))? } else { Some(1) };
    let (Some(start), Some(end), Some(step)) = (start, end, step) else {
        return Ok(Value::Null);
    };
    if step == 0 {
        return Err(Error::argument("NumberOutOfRange", "range() step must not be zero"));
    }
    let (s, e, st) = (start as i128, end as i128, step as i128);
    if (st > 0 && e < s) || (st < 0 && e > s) {
        return Ok(Value::List(Vec::new()));
    }
    let len = (e - s) / st + 1;
    if len > MAX_RANGE_LEN {
        return Err(Error::argument(
            "NumberOutOfRange",
            format!("range() would produce {len} elements (limit {MAX_RANGE_LEN})"),
        ));
    }
    Ok(Value::List((0..len).map(|k| Value::Integer((s + k * st) as i64)).collect()))
}

/// `keys(x)`: property keys of a map, node or relationship.
pub fn keys(args: &[Value]) -> Result<Value> {
    let props = match arg(args, 0) {
        Value::Null => return Ok(Value::Null),
        Value::Map(m) => m,
        Value::Node(n) => &n.properties,
        Value::Relationship(r) => &r.properties,
        other => return Err(invalid_arg("keys", "a MAP, NODE or RELATIONSHIP", other)),
    };
    Ok(Value::List(props.keys().map(|k| Value::String(k.clone())).collect()))
}

/// `labels(node)`.
pub fn labels(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Node(n) => Ok(Value::List(n.labels.iter().map(|l| Value::String(l.clone())).collect())),
        other => Err(invalid_arg("labels", "a NODE", other)),
    }
}

/// `type(relationship)`.
pub fn rel_type(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Relationship(r) => Ok(Value::String(r.rel_type.clone())),
        other => Err(invalid_arg("type", "a RELATIONSHIP", other)),
    }
}

/// `properties(x)`: a map's copy or an entity's properties.
pub fn properties(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Map(m) => Ok(Value::Map(m.clone())),
        Value::Node(n) => Ok(Value::Map(n.properties.clone())),
        Value::Relationship(r) => Ok(Value::Map(r.properties.clone())),
        other => Err(invalid_arg("properties", "a MAP, NODE or RELATIONSHIP", other)),
    }
}

fn entity_id(func: &str, v: &Value) -> Result<Option<u64>> {
    match v {
        Value::Null => Ok(None),
        Value::Node(n) => Ok(Some(n.id)),
        Value::Relationship(r) => Ok(Some(r.id)),
        other => Err(invalid_arg(func, "a NODE or RELATIONSHIP", other)),
    }
}

/// `id(x)`: the internal id of a node or relationship.
pub fn id(args: &[Value]) -> Result<Value> {
    match entity_id("id", arg(args, 0))? {
        None => Ok(Value::Null),
        Some(id) => i64::try_from(id)
            .map(Value::Integer)
            .map_err(|_| Error::internal(format!("entity id {id} does not fit an INTEGER"))),
    }
}

/// `elementId(x)`: the id of a node or relationship as a string.
pub fn element_id(args: &[Value]) -> Result<Value> {
    Ok(entity_id("elementId", arg(args, 0))?.map(|id| id.to_string()).into())
}

/// `nodes(path)`.
pub fn nodes(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Path(p) => Ok(Value::List(p.nodes.iter().map(|n| Value::Node(Box::new(n.clone()))).collect())),
        other => Err(invalid_arg("nodes", "a PATH", other)),
    }
}

/// `relationships(path)`.
pub fn relationships(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Path(p) => {
            Ok(Value::List(p.relationships.iter().map(|r| Value::Relationship(Box::new(r.clone()))).collect()))
        }
        other => Err(invalid_arg("relationships", "a PATH", other)),
    }
}

/// `length(path)`: the number of relationships.
pub fn length(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Path(p) => Ok(Value::Integer(p.relationships.len() as i64)),
        other => Err(invalid_arg("length", "a PATH", other)),
    }
}

/// `coalesce(a, b, ...)`: the first non-null argument (evaluated eagerly here).
pub fn coalesce(args: &[Value]) -> Result<Value> {
    Ok(args.iter().find(|v| !v.is_null()).cloned().unwrap_or(Value::Null))
}

/// `isEmpty(x)`: for lists, maps and strings.
pub fn is_empty(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::List(l) => Ok(Value::Boolean(l.is_empty())),
        Value::Map(m) => Ok(Value::Boolean(m.is_empty())),
        Value::String(s) => Ok(Value::Boolean(s.is_empty())),
        other => Err(invalid_arg("isEmpty", "a LIST, MAP or STRING", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::test_util::*;
    use plexus_storage::{ErrorClass, Node, Path, Relationship};
    use std::collections::BTreeMap;

    const N: Value = Value::Null;

    fn node(id: u64, label: &str) -> Node {
        Node { id, labels: vec![label.to_string()], properties: [("name".to_string(), s("x"))].into_iter().collect() }
    }
    fn rel(id: u64) -> Relationship {
        Relationship { id, start: 1, end: 2, rel_type: "T".into(), properties: BTreeMap::new() }
    }

    #[test]
    fn sizes_and_ends() {
        assert_eq!(size(&[s("ü✓")]).unwrap(), i(2));
        assert_eq!(size(&[l(vec![i(1), N])]).unwrap(), i(2));
        assert_eq!(size(&[N]).unwrap(), N);
        assert_eq!(size(&[i(1)]).unwrap_err().detail, "InvalidArgumentValue");
        assert_eq!(head(&[l(vec![i(1), i(2)])]).unwrap(), i(1));
        assert_eq!(head(&[l(vec![])]).unwrap(), N);
        assert_eq!(last(&[l(vec![i(1), i(2)])]).unwrap(), i(2));
        assert_eq!(last(&[N]).unwrap(), N);
        assert_eq!(tail(&[l(vec![i(1), i(2)])]).unwrap(), l(vec![i(2)]));
        assert_eq!(tail(&[l(vec![])]).unwrap(), l(vec![]));
        assert!(head(&[s("abc")]).is_err());
    }

    #[test]
    fn ranges() {
        assert_eq!(range(&[i(0), i(3)]).unwrap(), l(vec![i(0), i(1), i(2), i(3)]));
        assert_eq!(range(&[i(0), i(10), i(4)]).unwrap(), l(vec![i(0), i(4), i(8)]));
        assert_eq!(range(&[i(3), i(0), i(-2)]).unwrap(), l(vec![i(3), i(1)]));
        assert_eq!(range(&[i(0), i(-1)]).unwrap(), l(vec![]));
        assert_eq!(range(&[i(0), i(5), i(-1)]).unwrap(), l(vec![]));
        assert_eq!(range(&[i(2), i(2)]).unwrap(), l(vec![i(2)]));
        let top = range(&[i(i64::MAX - 1), i(i64::MAX)]).unwrap();
        assert_eq!(top, l(vec![i(i64::MAX - 1), i(i64::MAX)]));
        assert_eq!(
            range(&[i(i64::MIN), i(i64::MAX), i(i64::MAX)]).unwrap(),
            l(vec![i(i64::MIN), i(-1), i(i64::MAX - 1)])
        );
        // List11 [4], [5]
        let e = range(&[i(2), i(8), i(0)]).unwrap_err();
        assert_eq!((e.class, e.detail), (ErrorClass::ArgumentError, "NumberOutOfRange"));
        for bad in [Value::Boolean(true), f(1.1), f(0.0), s("xyz"), l(vec![i(0)])] {
            let e = range(&[bad.clone(), i(1), i(1)]).unwrap_err();
            assert_eq!((e.class, e.detail), (ErrorClass::ArgumentError, "InvalidArgumentType"));
            let e = range(&[i(0), i(1), bad]).unwrap_err();
            assert_eq!((e.class, e.detail), (ErrorClass::ArgumentError, "InvalidArgumentType"));
        }
        assert!(range(&[i(0), i(i64::MAX)]).is_err());
        assert_eq!(range(&[N, i(1)]).unwrap(), N);
    }

    #[test]
    fn entity_functions() {
        let n = Value::Node(Box::new(node(5, "A")));
        let r = Value::Relationship(Box::new(rel(7)));
        assert_eq!(keys(std::slice::from_ref(&n)).unwrap(), l(vec![s("name")]));
        let map = Value::Map([("b".to_string(), i(1)), ("a".to_string(), N)].into_iter().collect());
        assert_eq!(keys(std::slice::from_ref(&map)).unwrap(), l(vec![s("a"), s("b")]));
        assert_eq!(labels(std::slice::from_ref(&n)).unwrap(), l(vec![s("A")]));
        let e = labels(&[i(1)]).unwrap_err();
        assert_eq!((e.class, e.detail), (ErrorClass::TypeError, "InvalidArgumentValue"));
        assert_eq!(rel_type(std::slice::from_ref(&r)).unwrap(), s("T"));
        assert_eq!(rel_type(std::slice::from_ref(&n)).unwrap_err().detail, "InvalidArgumentValue");
        assert_eq!(rel_type(&[N]).unwrap(), N);
        assert_eq!(properties(std::slice::from_ref(&map)).unwrap(), map);
        assert_eq!(properties(std::slice::from_ref(&r)).unwrap(), Value::Map(BTreeMap::new()));
        assert_eq!(id(std::slice::from_ref(&n)).unwrap(), i(5));
        assert_eq!(id(std::slice::from_ref(&r)).unwrap(), i(7));
        assert_eq!(element_id(std::slice::from_ref(&n)).unwrap(), s("5"));
        assert!(id(&[s("x")]).is_err());
    }

    #[test]
    fn path_functions() {
        let p = Value::Path(Box::new(Path { nodes: vec![node(1, "A"), node(2, "B")], relationships: vec![rel(9)] }));
        assert_eq!(length(std::slice::from_ref(&p)).unwrap(), i(1));
        assert_eq!(
            nodes(std::slice::from_ref(&p)).unwrap(),
            l(vec![Value::Node(Box::new(node(1, "A"))), Value::Node(Box::new(node(2, "B")))])
        );
        assert_eq!(relationships(&[p]).unwrap(), l(vec![Value::Relationship(Box::new(rel(9)))]));
        assert_eq!(length(&[N]).unwrap(), N);
        assert!(length(&[s("abc")]).is_err());
    }

    #[test]
    fn coalesce_and_is_empty() {
        assert_eq!(coalesce(&[N, N, i(3), i(4)]).unwrap(), i(3));
        assert_eq!(coalesce(&[N]).unwrap(), N);
        assert_eq!(is_empty(&[l(vec![])]).unwrap(), Value::Boolean(true));
        assert_eq!(is_empty(&[s("a")]).unwrap(), Value::Boolean(false));
        assert_eq!(is_empty(&[Value::Map(BTreeMap::new())]).unwrap(), Value::Boolean(true));
        assert_eq!(is_empty(&[N]).unwrap(), N);
        assert!(is_empty(&[i(1)]).is_err());
    }
}

//! Testing an object against a `P`/`TextP` predicate.

use std::cmp::Ordering;

use plexus_planner::gremlin::{CompareOp, GPredicate, TextOp};
use plexus_storage::{Error, Result, Value};

use super::object::{compare, equals, GObj};

/// Whether `obj` satisfies `p`. Comparing values of unlike kinds is false, not an error;
/// a string predicate over a non-string is false too.
pub fn test(p: &GPredicate, obj: &GObj) -> Result<bool> {
    let value = |v: &Value| GObj::from_value(v.clone());
    Ok(match p {
        GPredicate::Compare(op, v) => compare_op(*op, obj, &value(v)),
        GPredicate::Within(vs) => vs.iter().any(|v| equals(obj, &value(v))),
        GPredicate::Without(vs) => !vs.iter().any(|v| equals(obj, &value(v))),
        GPredicate::Inside(a, b) => {
            compare_op(CompareOp::Gt, obj, &value(a)) && compare_op(CompareOp::Lt, obj, &value(b))
        }
        GPredicate::Outside(a, b) => {
            compare_op(CompareOp::Lt, obj, &value(a)) || compare_op(CompareOp::Gt, obj, &value(b))
        }
        GPredicate::Between(a, b) => {
            compare_op(CompareOp::Gte, obj, &value(a)) && compare_op(CompareOp::Lt, obj, &value(b))
        }
        GPredicate::Text { op, text, negated } => {
            let (Some(s), Value::String(t)) = (obj.as_str(), text) else {
                // A null or non-string never matches, negated or not.
                return Ok(false);
            };
            let hit = match op {
                TextOp::Containing => s.contains(t.as_str()),
                TextOp::StartingWith => s.starts_with(t.as_str()),
                TextOp::EndingWith => s.ends_with(t.as_str()),
                TextOp::Regex => regex_match(t, s)?,
            };
            hit != *negated
        }
        GPredicate::TypeOf(name) => type_of(obj, name),
        GPredicate::Not(inner) => !test(inner, obj)?,
        GPredicate::And(a, b) => test(a, obj)? && test(b, obj)?,
        GPredicate::Or(a, b) => test(a, obj)? || test(b, obj)?,
    })
}

fn compare_op(op: CompareOp, a: &GObj, b: &GObj) -> bool {
    // null equals null, so it is also <= and >= null.
    if a.is_null() && b.is_null() {
        return matches!(op, CompareOp::Eq | CompareOp::Lte | CompareOp::Gte);
    }
    match op {
        CompareOp::Eq => equals(a, b),
        CompareOp::Neq => !equals(a, b),
        CompareOp::Lt => compare(a, b) == Some(Ordering::Less),
        CompareOp::Lte => matches!(compare(a, b), Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => compare(a, b) == Some(Ordering::Greater),
        CompareOp::Gte => matches!(compare(a, b), Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// Java-style `find()` semantics: the pattern may match anywhere.
fn regex_match(pattern: &str, s: &str) -> Result<bool> {
    regex::Regex::new(pattern)
        .map(|r| r.is_match(s))
        .map_err(|e| Error::argument("InvalidRegex", format!("invalid regular expression {pattern:?}: {e}")))
}

fn type_of(obj: &GObj, name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    match obj {
        GObj::Val(v) => match (v, upper.as_str()) {
            // Integers and floats do not keep their Java width: they answer to every width.
            (Value::Integer(_), "INT" | "INTEGER" | "LONG" | "NUMBER" | "SHORT" | "BYTE" | "BIGINT" | "BIGINTEGER") => {
                true
            }
            (Value::Float(_), "DOUBLE" | "FLOAT" | "NUMBER" | "BIGDECIMAL") => true,
            (Value::String(_), "STRING") => true,
            (Value::Boolean(_), "BOOLEAN") => true,
            (Value::DateTime(_), "DATETIME") => true,
            (Value::Null, "NULL") => true,
            _ => false,
        },
        GObj::Vertex(_) => matches!(upper.as_str(), "VERTEX" | "ELEMENT"),
        GObj::Edge(_) => matches!(upper.as_str(), "EDGE" | "ELEMENT"),
        GObj::List(_) => upper == "LIST",
        GObj::Set(_) => upper == "SET",
        // A tree is a nested map here.
        GObj::Map(_) if super::steps::is_subgraph(obj) => upper == "GRAPH",
        GObj::Map(_) => upper == "MAP" || upper == "TREE",
        GObj::Path(_) => upper == "PATH",
        GObj::Prop { .. } => matches!(upper.as_str(), "PROPERTY" | "VPROPERTY"),
        _ => false,
    }
}

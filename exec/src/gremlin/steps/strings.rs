//! String steps: `toUpper`, `toLower`, `trim`, `lTrim`, `rTrim`, `length`,
//! `concat`, `split`, `substring`, `replace`, `reverse`, `asString`.
//! A `local` scope applies the step to each element of a list.

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::{Result, Value};

use super::is_local;
use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::object::GObj;
use crate::gremlin::traverser::Traverser;

const STRING_STEPS: &[&str] =
    &["toUpper", "toLower", "trim", "lTrim", "rTrim", "length", "split", "substring", "replace", "reverse", "asString"];

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let name = step.name.as_str();
    if name == "concat" {
        let mut out = Vec::new();
        for t in input {
            let mut s = match &t.obj {
                GObj::Val(Value::String(s)) => s.clone(),
                GObj::Val(Value::Null) => String::new(),
                other => {
                    return Err(type_error(step, format!("concat() needs a string, got {}", super::display(other))))
                }
            };
            for a in &step.args {
                match a {
                    GArg::Value(Value::String(x)) => s.push_str(x),
                    GArg::Value(Value::Null) => {}
                    GArg::Traversal(c) => {
                        if let Some(GObj::Val(Value::String(x))) = m.first(c, t)? {
                            s.push_str(&x);
                        }
                    }
                    _ => return Err(bad(step, "concat() takes strings or traversals")),
                }
            }
            out.push(t.split(GObj::Val(Value::String(s))));
        }
        return Ok(Some(out));
    }
    if !STRING_STEPS.contains(&name) {
        return Ok(None);
    }
    if name == "asString" && !is_local(step) {
        // Elements print as TinkerPop does: v[id], e[id][out-label->in].
        let mut out = Vec::new();
        for t in input {
            let s = match &t.obj {
                GObj::Vertex(_) => GObj::Val(Value::String(format!("v[{}]", super::display(&m.id_of(&t.obj, step)?)))),
                GObj::Edge(e) => {
                    let snap = m.snapshot();
                    let (s, d, _) = snap.rel_endpoints(*e).unwrap_or((0, 0, 0));
                    let id = |n| m.id_of(&GObj::Vertex(n), step).map(|i| super::display(&i));
                    let label = super::display(&m.label_of(&t.obj, step)?);
                    GObj::Val(Value::String(format!("e[{}][{}-{label}->{}]", e, id(s)?, id(d)?)))
                }
                other => one(step, &[], other)?,
            };
            out.push(t.split(s));
        }
        return Ok(Some(out));
    }
    let local = is_local(step);
    let args: Vec<&GArg> = step.args.iter().skip(usize::from(local)).collect();
    let mut out = Vec::new();
    for t in input {
        let obj = if local {
            match &t.obj {
                GObj::List(items) => {
                    let mut mapped = Vec::new();
                    for i in items {
                        mapped.push(one(step, &args, i)?);
                    }
                    GObj::List(mapped)
                }
                other => one(step, &args, other)?,
            }
        } else if name == "reverse" && matches!(t.obj, GObj::List(_)) {
            let mut items = t.obj.items().unwrap_or_default();
            items.reverse();
            GObj::List(items)
        } else {
            one(step, &args, &t.obj)?
        };
        out.push(t.split(obj));
    }
    Ok(Some(out))
}

fn int(a: Option<&&GArg>) -> Option<i64> {
    match a {
        Some(GArg::Value(Value::Integer(i))) => Some(*i),
        _ => None,
    }
}

fn one(step: &GStep, args: &[&GArg], obj: &GObj) -> Result<GObj> {
    let name = step.name.as_str();
    if name == "asString" {
        return match obj {
            GObj::Val(Value::Null) => Err(type_error(step, "asString() does not accept null")),
            GObj::Val(Value::String(_)) => Ok(obj.clone()),
            GObj::Val(v) => Ok(GObj::Val(Value::String(v.to_display_string()))),
            other => Ok(GObj::Val(Value::String(super::display(other)))),
        };
    }
    let s = match obj {
        GObj::Val(Value::Null) => return Ok(GObj::NULL),
        GObj::Val(Value::String(s)) => s,
        other => return Err(type_error(step, format!("{name}() needs a string, got {}", super::display(other)))),
    };
    let text = |v: String| GObj::Val(Value::String(v));
    Ok(match name {
        "toUpper" => text(s.to_uppercase()),
        "toLower" => text(s.to_lowercase()),
        "trim" => text(s.trim().to_string()),
        "lTrim" => text(s.trim_start().to_string()),
        "rTrim" => text(s.trim_end().to_string()),
        "length" => GObj::int(s.chars().count() as i64),
        "reverse" => text(s.chars().rev().collect()),
        "split" => {
            let parts: Vec<GObj> = match args.first() {
                Some(GArg::Value(Value::String(sep))) if !sep.is_empty() => {
                    s.split(sep.as_str()).map(|p| text(p.to_string())).collect()
                }
                Some(GArg::Value(Value::String(_))) => s.chars().map(|c| text(c.to_string())).collect(),
                Some(GArg::Value(Value::Null)) | None => s.split_whitespace().map(|p| text(p.to_string())).collect(),
                _ => return Err(bad(step, "split() takes a separator string")),
            };
            GObj::List(parts)
        }
        "substring" => {
            let chars: Vec<char> = s.chars().collect();
            let n = chars.len() as i64;
            let start = int(args.first()).ok_or_else(|| bad(step, "substring() needs a start index"))?;
            let start = if start < 0 { (n + start).max(0) } else { start.min(n) };
            let end = match int(args.get(1)) {
                Some(e) if e < 0 => (n + e).max(0),
                Some(e) => e.min(n),
                None => n,
            };
            text(if end <= start { String::new() } else { chars[start as usize..end as usize].iter().collect() })
        }
        "replace" => match (args.first(), args.get(1)) {
            (Some(GArg::Value(Value::String(from))), Some(GArg::Value(to))) => {
                let to = to.as_str().unwrap_or("");
                text(s.replace(from.as_str(), to))
            }
            (Some(GArg::Value(Value::Null)), _) => text(s.clone()),
            _ => return Err(bad(step, "replace() takes two strings")),
        },
        _ => return Err(bad(step, format!("unknown string step {name}()"))),
    })
}

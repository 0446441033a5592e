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
            // concat() of null with nothing to add stays null.
            if t.obj.is_null() && step.args.is_empty() {
                out.push(t.split(GObj::NULL));
                continue;
            }
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
    if name == "asString" {
        // Objects print as TinkerPop's toString does: v[id], e[id][out-label->in], {k=v}, [a, b].
        let local = is_local(step);
        let mut out = Vec::new();
        for t in input {
            let text = match (&t.obj, local) {
                (GObj::Val(Value::Null), _) => return Err(type_error(step, "asString() does not accept null")),
                (GObj::List(items), true) => {
                    let mut mapped = Vec::new();
                    for i in items {
                        if i.is_null() {
                            return Err(type_error(step, "asString(): Can't parse null as String"));
                        }
                        mapped.push(GObj::Val(Value::String(java_string(m, step, i)?)));
                    }
                    GObj::List(mapped)
                }
                (obj, _) => GObj::Val(Value::String(java_string(m, step, obj)?)),
            };
            out.push(t.split(text));
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
        } else if name == "reverse" && matches!(t.obj, GObj::List(_) | GObj::Path(_) | GObj::Set(_)) {
            let mut items = t.obj.items().unwrap_or_default();
            items.reverse();
            GObj::List(items)
        } else if name == "reverse" && !matches!(t.obj, GObj::Val(Value::String(_))) {
            // Reversing anything that is neither text nor a collection leaves it as it is.
            t.obj.clone()
        } else {
            one(step, &args, &t.obj)?
        };
        out.push(t.split(obj));
    }
    Ok(Some(out))
}

/// An object as Java's `toString` writes it.
fn java_string(m: &Machine, step: &GStep, obj: &GObj) -> Result<String> {
    let id = |o: &GObj| m.id_of(o, step).map(|i| super::display(&i));
    Ok(match obj {
        GObj::Val(Value::String(s)) => s.clone(),
        GObj::Val(v) => v.to_display_string(),
        GObj::Vertex(_) => format!("v[{}]", id(obj)?),
        GObj::Edge(e) => {
            let snap = m.snapshot();
            let (s, d, _) = snap.rel_endpoints(*e).unwrap_or((0, 0, 0));
            let label = super::display(&m.label_of(obj, step)?);
            format!("e[{}][{}-{label}->{}]", id(obj)?, id(&GObj::Vertex(s))?, id(&GObj::Vertex(d))?)
        }
        GObj::Prop { owner, key, value } => {
            let kind = if matches!(**owner, GObj::Vertex(_)) { "vp" } else { "p" };
            format!("{kind}[{key}->{}]", java_string(m, step, value)?)
        }
        GObj::List(items) | GObj::Set(items) | GObj::Path(items) => {
            let parts: Result<Vec<String>> = items.iter().map(|i| java_string(m, step, i)).collect();
            let body = parts?.join(", ");
            if matches!(obj, GObj::Path(_)) {
                format!("path[{body}]")
            } else {
                format!("[{body}]")
            }
        }
        GObj::Map(entries) => {
            let mut parts = Vec::new();
            for (k, v) in entries {
                parts.push(format!("{}={}", java_string(m, step, k)?, java_string(m, step, v)?));
            }
            format!("{{{}}}", parts.join(", "))
        }
        GObj::Entry(e) => format!("{}={}", java_string(m, step, &e.0)?, java_string(m, step, &e.1)?),
        GObj::Token(t) => t.rsplit('.').next().unwrap_or(t).to_string(),
    })
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

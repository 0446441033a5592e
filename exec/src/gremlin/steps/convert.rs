//! Type conversion steps: `asNumber([GType])`, `asBool()`, `format(text)`.

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::{Result, Value};

use super::filter::select_label;
use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::object::GObj;
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let mut out = Vec::new();
    match step.name.as_str() {
        "asNumber" => {
            let target = match step.args.first() {
                None => None,
                Some(GArg::Token(_, t)) => Some(t.to_ascii_uppercase()),
                Some(_) => return Err(bad(step, "asNumber() takes a GType")),
            };
            for t in input {
                out.push(t.split(as_number(step, &t.obj, target.as_deref())?));
            }
        }
        "asBool" => {
            for t in input {
                let b = match &t.obj {
                    GObj::Val(Value::Boolean(b)) => Value::Boolean(*b),
                    GObj::Val(Value::Integer(i)) => Value::Boolean(*i != 0),
                    GObj::Val(Value::Float(f)) => Value::Boolean(*f != 0.0 && !f.is_nan()),
                    GObj::Val(Value::String(s)) if s.eq_ignore_ascii_case("true") => Value::Boolean(true),
                    GObj::Val(Value::String(s)) if s.eq_ignore_ascii_case("false") => Value::Boolean(false),
                    other => {
                        return Err(type_error(step, format!("asBool() cannot convert {}", super::display(other))))
                    }
                };
                out.push(t.split(GObj::Val(b)));
            }
        }
        "format" => {
            let Some(GArg::Value(Value::String(text))) = step.args.first() else {
                return Err(bad(step, "format() needs a format string"));
            };
            for t in input {
                if let Some(s) = format(m, step, text, t)? {
                    out.push(t.split(GObj::Val(Value::String(s))));
                }
            }
        }
        _ => return Ok(None),
    }
    Ok(Some(out))
}

fn as_number(step: &GStep, obj: &GObj, target: Option<&str>) -> Result<GObj> {
    let fail = |why: &str| type_error(step, format!("asNumber(): {why}"));
    let number = match obj {
        GObj::Val(v @ (Value::Integer(_) | Value::Float(_))) => v.clone(),
        GObj::Val(Value::String(s)) => {
            let s = s.trim();
            let hex = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"));
            match hex.map_or_else(|| s.parse::<i64>(), |h| i64::from_str_radix(h, 16)) {
                Ok(i) => Value::Integer(i),
                Err(_) => Value::Float(s.parse::<f64>().map_err(|_| fail(&format!("cannot parse {s:?} as a number")))?),
            }
        }
        GObj::Val(Value::Null) => return Ok(GObj::NULL),
        // A date is its epoch milliseconds.
        GObj::Val(Value::DateTime(d)) => Value::Integer(d.seconds * 1000 + i64::from(d.nanos / 1_000_000)),
        other => return Err(fail(&format!("cannot convert {}", super::display(other)))),
    };
    let Some(target) = target else { return Ok(GObj::Val(number)) };
    let range = match target {
        "BYTE" => Some((i8::MIN as i64, i8::MAX as i64)),
        "SHORT" => Some((i16::MIN as i64, i16::MAX as i64)),
        "INT" => Some((i32::MIN as i64, i32::MAX as i64)),
        "LONG" | "BIGINT" => Some((i64::MIN, i64::MAX)),
        "DOUBLE" | "FLOAT" | "BIGDECIMAL" | "NUMBER" => None,
        other => return Err(fail(&format!("{other} is not a number type"))),
    };
    Ok(GObj::Val(match range {
        None => Value::Float(number.as_f64().unwrap_or(f64::NAN)),
        Some((lo, hi)) => {
            let i = match number {
                Value::Integer(i) => i,
                Value::Float(f) if f.is_finite() => f.trunc() as i64,
                _ => return Err(fail("not a finite number")),
            };
            if i < lo || i > hi {
                return Err(fail(&format!("{i} overflows {target}")));
            }
            Value::Integer(i)
        }
    }))
}

/// `format("%{name} is %{age}")`: each `%{key}` from the element, map or path labels;
/// a missing key makes the traverser unproductive.
fn format(m: &mut Machine, step: &GStep, text: &str, t: &Traverser) -> Result<Option<String>> {
    let mut out = String::new();
    let mut rest = text;
    // `%{_}` takes the next by() modulator's value.
    let by = crate::gremlin::by::bys(step);
    let mut next_by = 0;
    while let Some(i) = rest.find("%{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else { return Err(bad(step, "format(): unclosed %{")) };
        let key = &after[..end];
        let value = if key == "_" {
            let projection = by.get(next_by).and_then(|b| b.projection.clone());
            next_by += 1;
            m.project(projection.as_ref(), t, step)?
        } else {
            match m.value_of(&t.obj, key, step) {
                Ok(Some(v)) => Some(v),
                _ => select_label(m, t, key),
            }
        };
        match value {
            Some(GObj::Val(Value::String(s))) => out.push_str(&s),
            Some(v) => out.push_str(&super::display(&v)),
            None => return Ok(None),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Some(out))
}

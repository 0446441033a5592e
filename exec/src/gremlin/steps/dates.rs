//! Date steps: `asDate()`, `dateAdd(DT.unit, n)`, `dateDiff(date)` (milliseconds).
//! Dates from numbers (epoch milliseconds) are written in UTC.

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::value::DateTime;
use plexus_storage::{Result, Value};

use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::object::GObj;
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let mut out = Vec::new();
    match step.name.as_str() {
        "asDate" => {
            for t in input {
                let d = match &t.obj {
                    GObj::Val(Value::DateTime(d)) => utc(d.seconds, d.nanos)?,
                    GObj::Val(Value::String(s)) => match parse(s) {
                        Ok(v @ Value::DateTime(_)) => GObj::Val(v),
                        _ => return Err(type_error(step, format!("asDate(): {s:?} is not an ISO 8601 date"))),
                    },
                    GObj::Val(Value::Integer(ms)) => {
                        utc(ms.div_euclid(1000), (ms.rem_euclid(1000) * 1_000_000) as u32)?
                    }
                    other => {
                        return Err(type_error(step, format!("asDate() cannot convert {}", super::display(other))))
                    }
                };
                out.push(t.split(d));
            }
        }
        "dateAdd" => {
            let (Some(GArg::Token(_, unit)), Some(GArg::Value(Value::Integer(n)))) =
                (step.args.first(), step.args.get(1))
            else {
                return Err(bad(step, "dateAdd() takes a DT unit and an integer"));
            };
            let unit_seconds = match unit.as_str() {
                "second" => 1,
                "minute" => 60,
                "hour" => 3600,
                "day" => 86400,
                other => return Err(bad(step, format!("dateAdd(): unknown unit {other}"))),
            };
            for t in input {
                let GObj::Val(Value::DateTime(d)) = &t.obj else {
                    return Err(type_error(step, "dateAdd() needs a date"));
                };
                out.push(t.split(utc(d.seconds + unit_seconds * n, d.nanos)?));
            }
        }
        "dateDiff" => {
            for t in input {
                let GObj::Val(Value::DateTime(d)) = &t.obj else {
                    return Err(type_error(step, "dateDiff() needs a date"));
                };
                let other = match step.args.first() {
                    Some(GArg::Traversal(c)) => m.first(c, t)?.unwrap_or(GObj::NULL),
                    Some(a) => m.constant(a, step)?,
                    None => return Err(bad(step, "dateDiff() needs a date")),
                };
                let diff = match other {
                    GObj::Val(Value::DateTime(o)) => GObj::int(millis(d) - millis(&o)),
                    // Against null the difference is the date itself, in milliseconds since the epoch.
                    GObj::Val(Value::Null) => GObj::int(millis(d)),
                    o => return Err(type_error(step, format!("dateDiff() needs a date, got {}", super::display(&o)))),
                };
                out.push(t.split(diff));
            }
        }
        _ => return Ok(None),
    }
    Ok(Some(out))
}

fn millis(d: &DateTime) -> i64 {
    d.seconds * 1000 + i64::from(d.nanos / 1_000_000)
}

fn parse(text: &str) -> Result<Value> {
    crate::scalar::temporal::construct::datetime(&[Value::String(text.to_string())])
}

/// The instant written in UTC, as `datetime("…Z")` gives it.
fn utc(seconds: i64, nanos: u32) -> Result<GObj> {
    let Value::DateTime(zero) = parse("1970-01-01T00:00:00Z")? else {
        return Err(plexus_storage::Error::internal("datetime() did not give a DateTime"));
    };
    Ok(GObj::Val(Value::DateTime(DateTime { seconds, nanos, offset_seconds: zero.offset_seconds, zone: zero.zone })))
}

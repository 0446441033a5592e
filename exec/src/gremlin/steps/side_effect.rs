//! Side effects: `aggregate`/`store` into named lists, `cap`, `sideEffect`,
//! `sack(op)`, and `inject` in the middle of a traversal.

use std::cmp::Ordering;

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::{Result, Value};

use super::filter::child_arg;
use super::is_local;
use crate::gremlin::by::bys;
use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::object::{order, GObj};
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let out = match step.name.as_str() {
        "aggregate" | "store" => {
            let key = step
                .args
                .iter()
                .find_map(GArg::as_str)
                .ok_or_else(|| bad(step, format!("{}() needs a side-effect key", step.name)))?
                .to_string();
            let _local = is_local(step) || step.name == "store";
            let projection = bys(step).into_iter().next().and_then(|b| b.projection);
            let mut items = Vec::new();
            for t in input {
                if let Some(v) = m.project(projection.as_ref(), t, step)? {
                    for _ in 0..t.bulk {
                        items.push(v.clone());
                    }
                }
            }
            if let Some(op) = m.reducers.get(&key).cloned() {
                // assign: the side effect becomes what was aggregated.
                if op == "assign" {
                    m.side_effects.insert(key, GObj::List(items));
                    return Ok(Some(input.to_vec()));
                }
                let mut acc = m.side_effects.remove(&key).unwrap_or(GObj::NULL);
                for i in items {
                    acc = operator(step, &op, acc, i)?;
                }
                m.side_effects.insert(key, acc);
                return Ok(Some(input.to_vec()));
            }
            let entry = m.side_effects.entry(key).or_insert_with(|| GObj::List(Vec::new()));
            match entry {
                GObj::List(existing) => existing.extend(items),
                GObj::Set(existing) => {
                    for i in items {
                        if !existing.contains(&i) {
                            existing.push(i);
                        }
                    }
                }
                other => {
                    let mut all = other.items().unwrap_or_else(|| vec![other.clone()]);
                    all.extend(items);
                    *other = GObj::List(all);
                }
            }
            input.to_vec()
        }
        "cap" => {
            let keys: Vec<&str> = step.args.iter().filter_map(GArg::as_str).collect();
            if keys.is_empty() {
                return Err(bad(step, "cap() needs side-effect keys"));
            }
            let get = |m: &Machine, k: &str| m.side_effects.get(k).cloned().unwrap_or(GObj::List(Vec::new()));
            let value = if keys.len() == 1 {
                get(m, keys[0])
            } else {
                GObj::Map(keys.iter().map(|k| (GObj::str(k), get(m, k))).collect())
            };
            let seed = input.first().cloned().unwrap_or_else(|| Traverser::start(GObj::NULL));
            vec![seed.reduced(value)]
        }
        "sideEffect" => {
            let child = child_arg(step, 0)?;
            for t in input {
                m.child(child, t)?;
            }
            input.to_vec()
        }
        "sack" => {
            let Some(GArg::Token(_, op)) = step.args.first() else {
                return Err(bad(step, "sack() takes an Operator"));
            };
            let projection = bys(step).into_iter().next().and_then(|b| b.projection);
            let mut out = Vec::new();
            for t in input {
                let mut t = t.clone();
                // A by() that yields nothing drops the traverser.
                let Some(v) = m.project(projection.as_ref(), &t, step)? else { continue };
                let current = t.sack.take().unwrap_or(GObj::NULL);
                t.sack = Some(operator(step, op, current, v)?);
                out.push(t);
            }
            out
        }
        "inject" => {
            let mut values = Vec::new();
            for a in &step.args {
                values.push(m.constant(a, step)?);
            }
            let mut out = Vec::new();
            // At the start of a traversal the input is the one empty start traverser.
            let starting = input.len() == 1 && input[0].path.is_none();
            let base = input.first().cloned().unwrap_or_else(|| Traverser::start(GObj::NULL));
            // Mid-traversal the incoming traversers come first, then the injected values.
            if !starting {
                out.extend(input.iter().cloned());
            }
            for v in values {
                let mut t = Traverser::start(v);
                t.sack = base.sack.clone();
                out.push(t);
            }
            out
        }
        _ => return Ok(None),
    };
    Ok(Some(out))
}

/// `Operator.sum` and friends, as `sack()` and `fold(seed, op)` apply them.
pub fn operator(step: &GStep, op: &str, a: GObj, b: GObj) -> Result<GObj> {
    let num = |o: &GObj| o.as_value().filter(|v| v.is_number()).cloned();
    Ok(match op {
        "assign" => b,
        "addAll" if matches!(a, GObj::Map(_)) || matches!(b, GObj::Map(_)) => {
            let mut merged = match a {
                GObj::Map(e) => e,
                _ => Vec::new(),
            };
            if let GObj::Map(e) = b {
                for (k, v) in e {
                    match merged.iter_mut().find(|(mk, _)| *mk == k) {
                        Some((_, mv)) => *mv = v,
                        None => merged.push((k, v)),
                    }
                }
            }
            GObj::Map(merged)
        }
        "addAll" => {
            let mut items = a.items().unwrap_or_default();
            items.extend(b.items().unwrap_or_else(|| vec![b.clone()]));
            GObj::List(items)
        }
        "and" | "or" => {
            let (Some(x), Some(y)) = (a.as_value().and_then(Value::as_bool), b.as_value().and_then(Value::as_bool))
            else {
                return Err(type_error(step, format!("Operator.{op} needs booleans")));
            };
            GObj::Val(Value::Boolean(if op == "and" { x && y } else { x || y }))
        }
        "min" | "max" => {
            let o = order(&a, &b);
            let take_a = if op == "min" { o != Ordering::Greater } else { o != Ordering::Less };
            if a.is_null() {
                b
            } else if take_a {
                a
            } else {
                b
            }
        }
        _ => {
            let (Some(x), Some(y)) = (num(&a), num(&b)) else {
                return Err(type_error(step, format!("Operator.{op} needs numbers")));
            };
            match (x, y, op) {
                (Value::Integer(x), Value::Integer(y), "sum" | "sumLong") => GObj::int(x.saturating_add(y)),
                (Value::Integer(x), Value::Integer(y), "minus") => GObj::int(x.saturating_sub(y)),
                (Value::Integer(x), Value::Integer(y), "mult") => GObj::int(x.saturating_mul(y)),
                (Value::Integer(x), Value::Integer(y), "div") if y != 0 => GObj::int(x / y),
                (x, y, _) => {
                    let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                    GObj::Val(Value::Float(match op {
                        "sum" | "sumLong" => x + y,
                        "minus" => x - y,
                        "mult" => x * y,
                        "div" => x / y,
                        _ => return Err(bad(step, format!("unknown Operator.{op}"))),
                    }))
                }
            }
        }
    })
}

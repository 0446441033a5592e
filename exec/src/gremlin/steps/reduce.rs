//! Barrier steps that reduce or reorder all traversers: `count`, `sum`, `mean`,
//! `min`, `max`, `fold`, `group`, `groupCount`, `order` (and their `local` forms).

use std::cmp::Ordering;

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::{Result, Value};

use super::is_local;
use crate::gremlin::by::{bys, By};
use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::object::{order, GObj};
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let name = step.name.as_str();
    if matches!(name, "count" | "sum" | "mean" | "min" | "max") {
        if is_local(step) {
            let mut out = Vec::new();
            for t in input {
                let items = match t.obj.items() {
                    Some(items) => items,
                    None if name == "count" => vec![t.obj.clone()],
                    None => vec![t.obj.clone()],
                };
                if let Some(r) = reduce(step, items.into_iter().map(|o| (o, 1)))? {
                    out.push(t.split(r));
                }
            }
            return Ok(Some(out));
        }
        let r = reduce(step, input.iter().map(|t| (t.obj.clone(), t.bulk)))?;
        let seed = input.first().cloned().unwrap_or_else(|| Traverser::start(GObj::NULL));
        return Ok(Some(r.map(|r| seed.reduced(r)).into_iter().collect()));
    }
    let out = match name {
        "fold" => {
            crate::gremlin::machine::check_expansion(input)?;
            let items: Vec<GObj> = expand(input).collect();
            let seed = input.first().cloned().unwrap_or_else(|| Traverser::start(GObj::NULL));
            let folded = match step.args.as_slice() {
                [] => GObj::List(items),
                [seed_arg, GArg::Token(_, op)] => {
                    let mut acc = m.constant(seed_arg, step)?;
                    for i in items {
                        acc = super::side_effect::operator(step, op, acc, i)?;
                    }
                    acc
                }
                _ => return Err(bad(step, "fold() takes no arguments or a seed and an Operator")),
            };
            vec![seed.reduced(folded)]
        }
        "group" | "groupCount" => {
            let side_effect = step.args.first().and_then(GArg::as_str).map(str::to_string);
            let map = match (&side_effect, name) {
                // A group side effect grows with every traverser that reaches it, however many calls it takes.
                (Some(key), "group") => {
                    let mut members = m.group_members.remove(key).unwrap_or_default();
                    members.extend(input.iter().cloned());
                    let map = group(m, step, &members)?;
                    m.group_members.insert(key.clone(), members);
                    map
                }
                (_, "group") => group(m, step, input)?,
                _ => group_count(m, step, input)?,
            };
            match side_effect {
                Some(key) => {
                    let merged = match m.side_effects.remove(&key) {
                        Some(GObj::Map(mut old)) if name == "groupCount" => {
                            if let GObj::Map(new) = map {
                                for (k, v) in new {
                                    match old.iter_mut().find(|(ok, _)| *ok == k) {
                                        Some((_, ov)) => *ov = add(ov, &v),
                                        None => old.push((k, v)),
                                    }
                                }
                            }
                            GObj::Map(old)
                        }
                        _ => map,
                    };
                    m.side_effects.insert(key, merged);
                    input.to_vec()
                }
                None => {
                    let seed = input.first().cloned().unwrap_or_else(|| Traverser::start(GObj::NULL));
                    vec![seed.reduced(map)]
                }
            }
        }
        "order" => order_step(m, step, input)?,
        _ => return Ok(None),
    };
    Ok(Some(out))
}

fn expand(input: &[Traverser]) -> impl Iterator<Item = GObj> + '_ {
    input.iter().flat_map(|t| std::iter::repeat_n(t.obj.clone(), t.bulk as usize))
}

fn add(a: &GObj, b: &GObj) -> GObj {
    match (a, b) {
        (GObj::Val(Value::Integer(x)), GObj::Val(Value::Integer(y))) => GObj::int(x.saturating_add(*y)),
        (GObj::Val(x), GObj::Val(y)) => GObj::Val(Value::Float(x.as_f64().unwrap_or(0.0) + y.as_f64().unwrap_or(0.0))),
        _ => a.clone(),
    }
}

/// `count`, `sum`, `mean`, `min`, `max` of objects with their bulks; `None` when there is no result.
fn reduce(step: &GStep, items: impl Iterator<Item = (GObj, u64)>) -> Result<Option<GObj>> {
    let name = step.name.as_str();
    if name == "count" {
        return Ok(Some(GObj::int(items.map(|(_, b)| b as i64).sum())));
    }
    let mut acc: Option<GObj> = None;
    let mut n: u64 = 0;
    let mut saw_null = false;
    let mut saw_float = false;
    for (o, bulk) in items {
        if o.is_null() {
            saw_null = true;
            continue;
        }
        saw_float |= matches!(o, GObj::Val(Value::Float(_)));
        match name {
            "sum" | "mean" => {
                let GObj::Val(v) = &o else { return Err(type_error(step, format!("{name}() needs numbers"))) };
                if !v.is_number() {
                    return Err(type_error(step, format!("{name}() needs numbers, got {}", v.type_name())));
                }
                let scaled = match v {
                    Value::Integer(i) => GObj::int(i.saturating_mul(bulk as i64)),
                    _ => GObj::Val(Value::Float(v.as_f64().unwrap_or(0.0) * bulk as f64)),
                };
                acc = Some(match acc {
                    Some(a) => add(&a, &scaled),
                    None => scaled,
                });
                n += bulk;
            }
            _ => {
                if !matches!(o, GObj::Val(_)) {
                    return Err(type_error(step, format!("{name}() needs comparable values")));
                }
                let better = match &acc {
                    None => true,
                    Some(a) => {
                        let ord = order(&o, a);
                        if name == "min" {
                            ord == Ordering::Less
                        } else {
                            ord == Ordering::Greater
                        }
                    }
                };
                if better {
                    acc = Some(o);
                }
            }
        }
    }
    // Only nulls: the answer is null (no input at all: no answer).
    if acc.is_none() && saw_null {
        return Ok(Some(GObj::NULL));
    }
    // min/max over mixed integers and floats answer in the wider type.
    if saw_float && matches!(name, "min" | "max") {
        if let Some(GObj::Val(Value::Integer(i))) = acc {
            return Ok(Some(GObj::Val(Value::Float(i as f64))));
        }
    }
    if name == "mean" {
        return Ok(acc.map(|a| {
            let total = a.as_value().and_then(Value::as_f64).unwrap_or(0.0);
            GObj::Val(Value::Float(total / n as f64))
        }));
    }
    Ok(acc)
}

/// `group().by(key).by(value)`: the value `by` runs over each group's traversers together.
fn group(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<GObj> {
    let by = bys(step);
    let key_by = by.first().and_then(|b| b.projection.clone());
    let value_by = by.get(1).and_then(|b| b.projection.clone());
    let mut groups: Vec<(GObj, Vec<Traverser>)> = Vec::new();
    for t in input {
        let Some(k) = m.project(key_by.as_ref(), t, step)? else { continue };
        match groups.iter_mut().find(|(gk, _)| *gk == k) {
            Some((_, members)) => members.push(t.clone()),
            None => groups.push((k, vec![t.clone()])),
        }
    }
    let mut entries = Vec::new();
    for (k, members) in groups {
        let value = match &value_by {
            Some(GArg::Traversal(child)) => {
                let results = m.run(child, members.clone())?;
                // The value is the child's first result; a group without one is left out.
                match results.into_iter().next() {
                    Some(r) => r.obj,
                    None => continue,
                }
            }
            Some(p) => {
                let mut items = Vec::new();
                for t in &members {
                    if let Some(v) = m.project(Some(p), t, step)? {
                        items.extend(std::iter::repeat_n(v, t.bulk as usize));
                    }
                }
                GObj::List(items)
            }
            None => GObj::List(expand(&members).collect()),
        };
        entries.push((k, value));
    }
    Ok(GObj::Map(entries))
}

fn group_count(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<GObj> {
    let key_by = bys(step).first().and_then(|b| b.projection.clone());
    let mut entries: Vec<(GObj, GObj)> = Vec::new();
    for t in input {
        let Some(k) = m.project(key_by.as_ref(), t, step)? else { continue };
        match entries.iter_mut().find(|(gk, _)| *gk == k) {
            Some((_, GObj::Val(Value::Integer(n)))) => *n += t.bulk as i64,
            _ => entries.push((k, GObj::int(t.bulk as i64))),
        }
    }
    Ok(GObj::Map(entries))
}

/// Sorts objects by the `by()` keys; unproductive objects (no key) are dropped.
fn sort_by(m: &mut Machine, step: &GStep, items: Vec<Traverser>, by: &[By]) -> Result<Vec<Traverser>> {
    let by: Vec<By> =
        if by.is_empty() { vec![By { projection: None, descending: false, shuffle: false }] } else { by.to_vec() };
    let mut keyed: Vec<(Vec<GObj>, Traverser)> = Vec::new();
    'items: for t in items {
        let mut keys = Vec::new();
        for b in &by {
            match m.project(b.projection.as_ref(), &t, step)? {
                Some(k) => keys.push(k),
                None => continue 'items,
            }
        }
        keyed.push((keys, t));
    }
    if by.iter().any(|b| b.shuffle) {
        keyed.reverse();
        return Ok(keyed.into_iter().map(|(_, t)| t).collect());
    }
    keyed.sort_by(|(a, _), (b, _)| {
        for (i, bb) in by.iter().enumerate() {
            let o = bb.cmp(&a[i], &b[i]);
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
    Ok(keyed.into_iter().map(|(_, t)| t).collect())
}

fn order_step(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Vec<Traverser>> {
    let by = bys(step);
    if !is_local(step) {
        return sort_by(m, step, input.to_vec(), &by);
    }
    let mut out = Vec::new();
    for t in input {
        let Some(items) = t.obj.items() else {
            out.push(t.clone());
            continue;
        };
        let wrapped: Vec<Traverser> = items.into_iter().map(|i| t.split(i)).collect();
        let sorted: Vec<GObj> = sort_by(m, step, wrapped, &by)?.into_iter().map(|x| x.obj).collect();
        let obj = match &t.obj {
            GObj::Map(_) => GObj::Map(
                sorted.into_iter().filter_map(|e| if let GObj::Entry(e) = e { Some(*e) } else { None }).collect(),
            ),
            _ => GObj::List(sorted),
        };
        out.push(t.split(obj));
    }
    Ok(out)
}

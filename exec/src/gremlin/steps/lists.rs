//! Steps over list values: `all`/`any`/`none` (a predicate over the elements) and
//! the set algebra `difference`, `intersect`, `disjunct`, `combine`, `merge`,
//! `product`, `conjoin`.

use std::collections::HashSet;

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::{Result, Value};

use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::object::GObj;
use crate::gremlin::predicate::test;
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let name = step.name.as_str();
    let mut out = Vec::new();
    match name {
        "all" | "any" | "none" if matches!(step.args.first(), Some(GArg::Predicate(_))) => {
            let Some(GArg::Predicate(p)) = step.args.first() else { return Ok(None) };
            for t in input {
                let Some(items) = list_items(&t.obj) else { continue };
                let mut hits = 0;
                for i in &items {
                    if test(p, i)? {
                        hits += 1;
                    }
                }
                let keep = match name {
                    "all" => hits == items.len(),
                    "any" => hits > 0,
                    _ => hits == 0,
                };
                if keep {
                    out.push(t.clone());
                }
            }
        }
        "difference" | "intersect" | "disjunct" | "combine" | "merge" | "product" | "conjoin" => {
            for t in input {
                out.push(t.split(combine(m, step, t)?));
            }
        }
        _ => return Ok(None),
    }
    Ok(Some(out))
}

/// The items of a list or set; `None` for anything else.
fn list_items(o: &GObj) -> Option<Vec<GObj>> {
    match o {
        GObj::List(v) | GObj::Set(v) | GObj::Path(v) => Some(v.clone()),
        _ => None,
    }
}

/// The step's argument: a literal collection or what a child traversal yields.
fn argument(m: &mut Machine, step: &GStep, t: &Traverser) -> Result<GObj> {
    match step.args.first() {
        Some(GArg::Traversal(c)) => Ok(m.first(c, t)?.unwrap_or(GObj::NULL)),
        Some(a) => m.constant(a, step),
        None => Err(bad(step, format!("{}() needs an argument", step.name))),
    }
}

fn combine(m: &mut Machine, step: &GStep, t: &Traverser) -> Result<GObj> {
    let name = step.name.as_str();
    if name == "conjoin" {
        let Some(items) = list_items(&t.obj) else {
            return Err(type_error(step, "conjoin() needs a list"));
        };
        let sep = match step.args.first() {
            Some(GArg::Value(Value::String(s))) => s.clone(),
            _ => return Err(bad(step, "conjoin() needs a string delimiter")),
        };
        let parts: Vec<String> = items
            .iter()
            .filter(|i| !i.is_null())
            .map(|i| match i {
                GObj::Val(Value::String(s)) => s.clone(),
                other => super::display(other),
            })
            .collect();
        return Ok(GObj::Val(Value::String(parts.join(&sep))));
    }
    let arg = argument(m, step, t)?;
    if name == "merge" {
        if let (GObj::Map(a), GObj::Map(b)) = (&t.obj, &arg) {
            let mut merged = a.clone();
            for (k, v) in b {
                match merged.iter_mut().find(|(mk, _)| mk == k) {
                    Some((_, mv)) => *mv = v.clone(),
                    None => merged.push((k.clone(), v.clone())),
                }
            }
            return Ok(GObj::Map(merged));
        }
    }
    let (Some(left), Some(right)) = (list_items(&t.obj), list_items(&arg)) else {
        return Err(type_error(step, format!("{name}() needs lists on both sides")));
    };
    let right_set: HashSet<&GObj> = right.iter().collect();
    let left_set: HashSet<&GObj> = left.iter().collect();
    Ok(match name {
        "difference" => GObj::set(left.iter().filter(|i| !right_set.contains(i)).cloned().collect()),
        "intersect" => GObj::set(left.iter().filter(|i| right_set.contains(i)).cloned().collect()),
        "disjunct" => GObj::set(
            left.iter()
                .filter(|i| !right_set.contains(i))
                .chain(right.iter().filter(|i| !left_set.contains(i)))
                .cloned()
                .collect(),
        ),
        "merge" => GObj::set(left.iter().chain(right.iter()).cloned().collect()),
        "combine" => GObj::List(left.iter().chain(right.iter()).cloned().collect()),
        _ => GObj::List(
            left.iter().flat_map(|a| right.iter().map(move |b| GObj::List(vec![a.clone(), b.clone()]))).collect(),
        ),
    })
}

//! `match(patterns…)`: each pattern `__.as("a")….as("b")` runs from the object
//! bound to its start label and binds (or checks) its end label. Patterns are
//! solved depth first, each once its start label is bound; patterns without a
//! start label (e.g. `where(…)`, `not(…)`) are filters checked at the end.
//! The result is the map of bindings, and each binding is labelled on the path.

use plexus_planner::gremlin::{GArg, GStep, GTraversal};
use plexus_storage::Result;

use crate::gremlin::machine::{bad, Machine};
use crate::gremlin::object::{equals, GObj};
use crate::gremlin::traverser::Traverser;

struct Pattern<'a> {
    start: Option<String>,
    end: Option<String>,
    traversal: &'a GTraversal,
}

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    if step.name != "match" {
        return Ok(None);
    }
    let mut patterns = Vec::new();
    // and(…) patterns are the same as listing their parts.
    let mut flat: Vec<&GTraversal> = Vec::new();
    let mut stack: Vec<&GArg> = step.args.iter().rev().collect();
    while let Some(a) = stack.pop() {
        let GArg::Traversal(t) = a else { return Err(bad(step, "match() takes traversals")) };
        match t.steps.as_slice() {
            [only] if only.name == "and" && only.labels.is_empty() => stack.extend(only.args.iter().rev()),
            _ => flat.push(t),
        }
    }
    for t in flat {
        let start = t.steps.first().filter(|s| s.name == "as").and_then(|s| s.labels.first().cloned());
        let end = match t.steps.last() {
            Some(last) if t.steps.len() > 1 || last.name != "as" => last.labels.first().cloned(),
            _ => None,
        };
        patterns.push(Pattern { start, end, traversal: t });
    }
    // The incoming object binds the first start label that no pattern produces.
    let ends: Vec<&String> = patterns.iter().filter_map(|p| p.end.as_ref()).collect();
    let first_label = patterns
        .iter()
        .filter_map(|p| p.start.clone())
        .find(|s| !ends.contains(&s))
        .or_else(|| patterns.iter().find_map(|p| p.start.clone()));
    let mut labels: Vec<String> = Vec::new();
    for p in &patterns {
        for l in p.start.iter().chain(p.end.iter()) {
            if !labels.contains(l) {
                labels.push(l.clone());
            }
        }
    }
    let mut out = Vec::new();
    for t in input {
        let mut bindings: Vec<(String, GObj)> = Vec::new();
        // Labels already on the path are bound to what they name.
        for l in &labels {
            if let Some(obj) = t.labelled(l).pop() {
                bindings.push((l.clone(), obj));
            }
        }
        if let Some(l) = &first_label {
            if !bindings.iter().any(|(k, _)| k == l) {
                bindings.insert(0, (l.clone(), t.obj.clone()));
            }
        }
        let mut solutions = Vec::new();
        solve(m, &patterns, &mut vec![false; patterns.len()], &mut bindings, t, &mut solutions)?;
        for sol in solutions {
            let mut next = t.clone();
            for (label, obj) in &sol {
                next = next.split(obj.clone());
                next.label(std::slice::from_ref(label));
            }
            let map = GObj::Map(sol.into_iter().map(|(k, v)| (GObj::str(&k), v)).collect());
            next.obj = map;
            out.push(next);
        }
    }
    Ok(Some(out))
}

/// A traverser at `obj` whose path carries the bindings, so patterns can `select` them.
fn at(base: &Traverser, bindings: &[(String, GObj)], obj: GObj) -> Traverser {
    let mut t = base.clone();
    for (label, o) in bindings {
        t = t.split(o.clone());
        t.label(std::slice::from_ref(label));
    }
    let mut t = t.split(obj);
    t.bulk = 1;
    t
}

fn solve(
    m: &mut Machine,
    patterns: &[Pattern],
    done: &mut Vec<bool>,
    bindings: &mut Vec<(String, GObj)>,
    base: &Traverser,
    out: &mut Vec<Vec<(String, GObj)>>,
) -> Result<()> {
    let bound = |b: &Vec<(String, GObj)>, l: &str| b.iter().find(|(k, _)| k == l).map(|(_, v)| v.clone());
    let next = (0..patterns.len())
        .find(|&i| !done[i] && patterns[i].start.as_deref().is_some_and(|s| bound(bindings, s).is_some()));
    let Some(i) = next else {
        // Only filters (or unreachable patterns) are left.
        for (j, p) in patterns.iter().enumerate() {
            if done[j] {
                continue;
            }
            if p.start.is_some() {
                return Ok(());
            }
            let t = at(base, bindings, base.obj.clone());
            if !m.exists(p.traversal, &t)? {
                return Ok(());
            }
        }
        out.push(bindings.clone());
        return Ok(());
    };
    let p = &patterns[i];
    let start_label = p.start.clone().unwrap_or_default();
    let start_obj = bound(bindings, &start_label).unwrap_or(GObj::NULL);
    let results = m.child(p.traversal, &at(base, bindings, start_obj))?;
    done[i] = true;
    for r in results {
        let pushed = match &p.end {
            Some(end) => match bound(bindings, end) {
                Some(existing) if !equals(&existing, &r.obj) => continue,
                Some(_) => false,
                None => {
                    bindings.push((end.clone(), r.obj.clone()));
                    true
                }
            },
            None => false,
        };
        for _ in 0..r.bulk {
            solve(m, patterns, done, bindings, base, out)?;
        }
        if pushed {
            bindings.pop();
        }
    }
    done[i] = false;
    Ok(())
}

//! Branching and looping: `union`, `choose`/`branch` with `option`, `coalesce`,
//! `optional`, `local`, `repeat` with `times`/`until`/`emit`.

use plexus_planner::gremlin::{GArg, GStep, GTraversal};
use plexus_storage::{Result, Value};

use super::filter::child_arg;
use crate::gremlin::machine::{bad, Machine};
use crate::gremlin::object::{equals, GObj};
use crate::gremlin::predicate::test;
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let out = match step.name.as_str() {
        "union" => {
            let mut out = Vec::new();
            for a in &step.args {
                let GArg::Traversal(child) = a else { return Err(bad(step, "union() takes traversals")) };
                out.extend(m.run(child, fresh(input))?);
            }
            out
        }
        "coalesce" => {
            let mut out = Vec::new();
            for t in input {
                for a in &step.args {
                    let GArg::Traversal(child) = a else { return Err(bad(step, "coalesce() takes traversals")) };
                    let r = m.child(child, t)?;
                    if !r.is_empty() {
                        out.extend(r);
                        break;
                    }
                }
            }
            out
        }
        "optional" => {
            let child = child_arg(step, 0)?;
            let mut out = Vec::new();
            for t in input {
                let r = m.child(child, t)?;
                if r.is_empty() {
                    out.push(t.clone());
                } else {
                    out.extend(r);
                }
            }
            out
        }
        "local" => {
            let child = child_arg(step, 0)?;
            let mut out = Vec::new();
            for t in input {
                out.extend(m.child(child, t)?);
            }
            out
        }
        "choose" | "branch" => choose(m, step, input)?,
        "repeat" => repeat(m, step, input)?,
        _ => return Ok(None),
    };
    Ok(Some(out))
}

fn fresh(input: &[Traverser]) -> Vec<Traverser> {
    input.to_vec()
}

/// Whether a condition (a traversal that must yield, or a predicate on the object) holds.
fn holds(m: &mut Machine, cond: &GArg, t: &Traverser, step: &GStep) -> Result<bool> {
    match cond {
        GArg::Traversal(c) => m.exists(c, t),
        GArg::Predicate(p) => test(p, &t.obj),
        GArg::Value(Value::Boolean(b)) => Ok(*b),
        _ => Err(bad(step, format!("{}() needs a traversal or a predicate", step.name))),
    }
}

fn choose(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Vec<Traverser>> {
    // Partition the traversers by branch, then run each branch once over its part.
    let mut parts: Vec<(Option<GTraversal>, Vec<Traverser>)> = Vec::new();
    let mut put = |branch: Option<&GTraversal>, t: Traverser| {
        let key = branch.cloned();
        match parts.iter_mut().find(|(b, _)| *b == key) {
            Some((_, ts)) => ts.push(t),
            None => parts.push((key, vec![t])),
        }
    };
    let options: Vec<(&GArg, &GTraversal)> = step
        .modulator("option")
        .filter_map(|a| match a {
            [key, GArg::Traversal(t)] => Some((key, t)),
            _ => None,
        })
        .collect();
    match step.args.as_slice() {
        [cond, then, rest @ ..] if options.is_empty() => {
            let then = as_traversal(step, then)?;
            let otherwise = match rest.first() {
                Some(o) => Some(as_traversal(step, o)?),
                None => None,
            };
            for t in input {
                if holds(m, cond, t, step)? {
                    put(Some(then), t.clone());
                } else {
                    match otherwise {
                        Some(o) => put(Some(o), t.clone()),
                        None => put(None, t.clone()),
                    }
                }
            }
        }
        [selector] => {
            for t in input {
                let value = match selector {
                    GArg::Traversal(c) => m.first(c, t)?,
                    GArg::Token(k, v) => m.token_of(&t.obj, k, v, step)?,
                    GArg::Value(Value::String(key)) => m.value_of(&t.obj, key, step)?,
                    GArg::Predicate(p) => Some(GObj::Val(Value::Boolean(test(p, &t.obj)?))),
                    _ => return Err(bad(step, "choose() needs a traversal")),
                };
                let Some(value) = value else {
                    // The selector yielded nothing: option(Pick.unproductive) or pass through.
                    match options.iter().find(|(k, _)| matches!(k, GArg::Token(_, v) if v == "unproductive")) {
                        Some((_, b)) => put(Some(b), t.clone()),
                        None => put(None, t.clone()),
                    }
                    continue;
                };
                let mut chosen: Vec<&GTraversal> = Vec::new();
                for (key, branch) in &options {
                    let hit = match key {
                        GArg::Token(_, v) if v == "none" || v == "any" || v == "unproductive" => false,
                        GArg::Predicate(p) => test(p, &value)?,
                        GArg::Traversal(_) if step.name == "choose" => {
                            return Err(bad(step, "Traversal is not allowed as a Pick token for choose()"))
                        }
                        GArg::Traversal(c) => {
                            let mut at = t.clone();
                            at.obj = value.clone();
                            m.exists(c, &at)?
                        }
                        other => equals(&m.constant(other, step)?, &value),
                    };
                    if hit {
                        chosen.push(branch);
                        // choose() takes the first matching option; branch() takes them all.
                        if step.name == "choose" {
                            break;
                        }
                    }
                }
                for (key, branch) in &options {
                    if matches!(key, GArg::Token(_, v) if v == "any") {
                        chosen.push(branch);
                    }
                }
                if chosen.is_empty() {
                    match options.iter().find(|(k, _)| matches!(k, GArg::Token(_, v) if v == "none")) {
                        Some((_, b)) => put(Some(b), t.clone()),
                        // choose() without a matching option keeps the traverser; branch() drops it.
                        None if step.name == "choose" => put(None, t.clone()),
                        None => {}
                    }
                }
                for b in chosen {
                    put(Some(b), t.clone());
                }
            }
        }
        _ => return Err(bad(step, "choose() takes a condition and branches, or a selector with option()s")),
    }
    let mut out = Vec::new();
    for (branch, ts) in parts {
        match branch {
            Some(b) => out.extend(m.run(&b, ts)?),
            None => out.extend(ts),
        }
    }
    Ok(out)
}

fn as_traversal<'a>(step: &GStep, a: &'a GArg) -> Result<&'a GTraversal> {
    match a {
        GArg::Traversal(t) => Ok(t),
        _ => Err(bad(step, format!("{}() branches must be traversals", step.name))),
    }
}

/// `repeat(body)` with its modulators; `*_before` ones were written before `repeat`.
fn repeat(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Vec<Traverser>> {
    let (name, body) = match step.args.as_slice() {
        [GArg::Traversal(b)] => (None, b),
        [GArg::Value(Value::String(n)), GArg::Traversal(b)] => (Some(n.clone()), b),
        _ => return Err(bad(step, "repeat() takes a traversal (optionally after a loop name)")),
    };
    let one = |n: &str| step.modulator(n).next().map(|a| a.to_vec());
    let times = one("times").or_else(|| one("times_before"));
    let times: Option<u64> = match times.as_deref() {
        Some([GArg::Value(Value::Integer(n))]) => Some((*n).max(0) as u64),
        Some(_) => return Err(bad(step, "times() needs an integer")),
        None => None,
    };
    let until_before = one("until_before");
    let until_after = one("until");
    let emit_before = one("emit_before");
    let emit_after = one("emit");
    let emits = |m: &mut Machine, e: &Option<Vec<GArg>>, t: &Traverser| -> Result<bool> {
        match e.as_deref() {
            None => Ok(false),
            Some([]) => Ok(true),
            Some([cond]) => holds(m, cond, t, step),
            Some(_) => Err(bad(step, "emit() takes at most one argument")),
        }
    };
    let stops = |m: &mut Machine, u: &Option<Vec<GArg>>, t: &Traverser| -> Result<bool> {
        match u.as_deref() {
            Some([cond]) => holds(m, cond, t, step),
            _ => Ok(false),
        }
    };
    let mut out = Vec::new();
    let mut frontier: Vec<Traverser> = input
        .iter()
        .map(|t| {
            let mut t = t.clone();
            t.loops.push((name.clone(), 0));
            t
        })
        .collect();
    let mut rounds = 0u64;
    let times_before = step.modulator("times_before").next().is_some();
    while !frontier.is_empty() {
        let mut go = Vec::new();
        for t in frontier {
            if stops(m, &until_before, &t)? || (times_before && times.is_some_and(|n| t.loops() >= n)) {
                out.push(t);
                continue;
            }
            if emits(m, &emit_before, &t)? {
                out.push(t.clone());
            }
            go.push(t);
        }
        if go.is_empty() {
            break;
        }
        m.in_repeat += 1;
        let results = m.run(body, go);
        m.in_repeat -= 1;
        let mut results = results?;
        if !m.track_paths {
            results = crate::gremlin::machine::merge_bulk(results);
        }
        rounds += 1;
        if rounds > 10_000 {
            return Err(bad(step, "repeat() ran more than 10000 rounds"));
        }
        let mut next = Vec::new();
        for mut t in results {
            if let Some(l) = t.loops.last_mut() {
                l.1 += 1;
            }
            if !times_before && times.is_some_and(|n| t.loops() >= n) || stops(m, &until_after, &t)? {
                out.push(t);
                continue;
            }
            if emits(m, &emit_after, &t)? {
                out.push(t.clone());
            }
            next.push(t);
        }
        frontier = next;
    }
    for t in &mut out {
        t.loops.pop();
    }
    if m.in_repeat == 0 {
        m.dedup_state.clear();
    }
    Ok(out)
}

//! Steps that keep or drop traversers: the `has` family, `is`, `where`,
//! `and`/`or`/`not`, `dedup`, ranges, `simplePath`/`cyclicPath`, `coin`.

use std::collections::HashSet;

use plexus_planner::gremlin::{GArg, GPredicate, GStep, GTraversal};
use plexus_storage::{Result, Value};

use super::is_local;
use crate::gremlin::by::bys;
use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::object::{equals, GObj};
use crate::gremlin::predicate::test;
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let name = step.name.as_str();
    let keep_if = |m: &mut Machine, f: &mut dyn FnMut(&mut Machine, &Traverser) -> Result<bool>| {
        let mut out = Vec::new();
        for t in input {
            if f(m, t)? {
                out.push(t.clone());
            }
        }
        Ok::<_, plexus_storage::Error>(out)
    };
    let out = match name {
        "has" => keep_if(m, &mut |m, t| has(m, step, t))?,
        "hasLabel" => keep_if(m, &mut |m, t| {
            if !t.obj.is_element() {
                return Ok(false);
            }
            let label = m.label_of(&t.obj, step)?;
            any_matches(step, &step.args, &label)
        })?,
        "hasId" => keep_if(m, &mut |m, t| {
            if !t.obj.is_element() {
                return Ok(false);
            }
            let id = m.id_of(&t.obj, step)?;
            id_matches(m, step, &t.obj, &id)
        })?,
        "hasKey" | "hasValue" => keep_if(m, &mut |m, t| {
            let GObj::Prop { key, value, .. } = &t.obj else {
                return Err(type_error(step, format!("{name}() needs a property")));
            };
            let _ = m;
            let subject = if name == "hasKey" { GObj::str(key) } else { (**value).clone() };
            any_matches(step, &step.args, &subject)
        })?,
        "hasNot" => keep_if(m, &mut |m, t| {
            let key = step.args.first().and_then(GArg::as_str).unwrap_or("");
            Ok(t.obj.is_element() && m.property(&t.obj, key).is_null())
        })?,
        "is" => {
            let arg = step.args.first().ok_or_else(|| bad(step, "is() needs a value or predicate"))?;
            keep_if(m, &mut |_, t| any_matches(step, std::slice::from_ref(arg), &t.obj))?
        }
        "not" => {
            let child = child_arg(step, 0)?;
            keep_if(m, &mut |m, t| Ok(!where_traversal(m, child, t)?))?
        }
        "and" | "or" => {
            let children: Vec<&GTraversal> = step
                .args
                .iter()
                .map(|a| match a {
                    GArg::Traversal(c) => Ok(c),
                    _ => Err(bad(step, format!("{name}() takes traversals"))),
                })
                .collect::<Result<_>>()?;
            keep_if(m, &mut |m, t| {
                for c in &children {
                    let hit = where_traversal(m, c, t)?;
                    if name == "and" && !hit {
                        return Ok(false);
                    }
                    if name == "or" && hit {
                        return Ok(true);
                    }
                }
                Ok(name == "and")
            })?
        }
        "filter" => {
            let child = child_arg(step, 0)?;
            keep_if(m, &mut |m, t| m.exists(child, t))?
        }
        "where" => keep_if(m, &mut |m, t| where_(m, step, t))?,
        "dedup" => dedup(m, step, input)?,
        "range" | "limit" | "skip" | "tail" => range(m, step, input)?,
        "simplePath" | "cyclicPath" => keep_if(m, &mut |m, t| {
            let mut objs = Vec::new();
            let by = bys(step);
            for (i, o) in path_objects(step, t).into_iter().enumerate() {
                let projection = if by.is_empty() { None } else { by[i % by.len()].projection.clone() };
                // A by() that yields nothing for some object drops the traverser.
                match m.project_obj(projection.as_ref(), &o, t, step)? {
                    Some(p) => objs.push(p),
                    None => return Ok(false),
                }
            }
            let mut seen = HashSet::new();
            let simple = objs.iter().all(|o| seen.insert(o.clone()));
            Ok(simple == (name == "simplePath"))
        })?,
        "coin" => {
            let p = step.args.first().and_then(|a| match a {
                GArg::Value(v) => v.as_f64(),
                _ => None,
            });
            let p = p.ok_or_else(|| bad(step, "coin() needs a probability"))?;
            let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
            keep_if(m, &mut |_, _| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                Ok(((seed >> 11) as f64 / (1u64 << 53) as f64) < p)
            })?
        }
        "discard" | "none" if step.args.is_empty() => Vec::new(),
        "barrier" => barrier(m, step, input)?,
        "timeLimit" | "identity" | "as" => input.to_vec(),
        _ => return Ok(None),
    };
    Ok(Some(out))
}

/// `barrier()`: with a sack merge operator, traversers at the same object join
/// into one whose sack merges theirs; otherwise traversers pass unchanged.
fn barrier(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Vec<Traverser>> {
    // barrier(normSack): each sack becomes its share of the total.
    let norm = matches!(step.args.first(), Some(GArg::Token(_, v)) if v == "normSack");
    let mut input = input.to_vec();
    if norm {
        let sack = |t: &Traverser| t.sack.as_ref().and_then(GObj::as_value).and_then(Value::as_f64).unwrap_or(0.0);
        let total: f64 = input.iter().map(|t| sack(t) * t.bulk as f64).sum();
        for t in &mut input {
            let share = if total == 0.0 { 0.0 } else { sack(t) / total };
            t.sack = Some(GObj::Val(Value::Float(share)));
        }
    }
    let Some(op) = m.sack.as_ref().and_then(|s| s.merge.clone()).filter(|_| !norm) else { return Ok(input) };
    let input = &input[..];
    let mut out: Vec<Traverser> = Vec::new();
    for t in input {
        match out.iter_mut().find(|o| o.obj == t.obj) {
            Some(o) => {
                let (a, b) = (o.sack.take().unwrap_or(GObj::NULL), t.sack.clone().unwrap_or(GObj::NULL));
                o.sack = Some(super::side_effect::operator(step, &op, a, b)?);
                if m.bulk_enabled {
                    o.bulk += t.bulk;
                }
            }
            None => {
                let mut first = t.clone();
                if !m.bulk_enabled {
                    first.bulk = 1;
                }
                out.push(first);
            }
        }
    }
    Ok(out)
}

pub fn child_arg(step: &GStep, i: usize) -> Result<&GTraversal> {
    match step.args.get(i) {
        Some(GArg::Traversal(t)) => Ok(t),
        _ => Err(bad(step, format!("{}() needs a traversal argument", step.name))),
    }
}

/// Whether `obj` equals one of the values, or passes the predicate, in `args`.
fn any_matches(step: &GStep, args: &[GArg], obj: &GObj) -> Result<bool> {
    for a in args {
        let hit = match a {
            GArg::Predicate(p) => test(p, obj)?,
            GArg::Value(Value::List(items)) if !matches!(obj, GObj::List(_)) => {
                items.iter().any(|v| equals(obj, &GObj::from_value(v.clone())))
            }
            GArg::Value(v) => equals(obj, &GObj::from_value(v.clone())),
            _ => return Err(bad(step, format!("{}() takes values or predicates", step.name))),
        };
        if hit {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `hasId`: the id as Gremlin shows it, or the element itself when a vertex was passed.
fn id_matches(m: &Machine, step: &GStep, obj: &GObj, id: &GObj) -> Result<bool> {
    for a in &step.args {
        let hit = match a {
            GArg::Predicate(p) => test(p, id)?,
            GArg::Value(Value::List(items)) => items.iter().any(|v| id_equals(m, obj, id, v)),
            GArg::Value(v) => id_equals(m, obj, id, v),
            _ => return Err(bad(step, "hasId() takes ids or predicates")),
        };
        if hit {
            return Ok(true);
        }
    }
    Ok(false)
}

fn id_equals(_m: &Machine, obj: &GObj, id: &GObj, v: &Value) -> bool {
    match (obj, v) {
        (GObj::Vertex(a), Value::Node(n)) => *a == n.id,
        (GObj::Edge(a), Value::Relationship(r)) => *a == r.id,
        (_, Value::String(s)) => crate::gremlin::steps::display(id) == *s,
        _ => equals(id, &GObj::from_value(v.clone())),
    }
}

fn has(m: &mut Machine, step: &GStep, t: &Traverser) -> Result<bool> {
    let args = &step.args;
    // has(label, key, value)
    let (label, key, test_arg) = match args.len() {
        1 => (None, &args[0], None),
        2 => (None, &args[0], Some(&args[1])),
        3 => (Some(&args[0]), &args[1], Some(&args[2])),
        _ => return Err(bad(step, "has() takes one to three arguments")),
    };
    if let Some(l) = label {
        if !t.obj.is_element() || !any_matches(step, std::slice::from_ref(l), &m.label_of(&t.obj, step)?)? {
            return Ok(false);
        }
    }
    let subject: Vec<GObj> = match key {
        GArg::Token(k, v) if k == "T" => match v.as_str() {
            "id" if t.obj.is_element() => vec![m.id_of(&t.obj, step)?],
            "label" if t.obj.is_element() => vec![m.label_of(&t.obj, step)?],
            "key" | "value" => match &t.obj {
                GObj::Prop { key, value, .. } => vec![if v == "key" { GObj::str(key) } else { (**value).clone() }],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        },
        GArg::Value(Value::String(k)) => match &t.obj {
            GObj::Vertex(_) | GObj::Edge(_) => match m.property(&t.obj, k) {
                Value::Null => Vec::new(),
                Value::List(items) if matches!(t.obj, GObj::Vertex(_)) => {
                    items.into_iter().map(GObj::from_value).collect()
                }
                v => vec![GObj::from_value(v)],
            },
            _ => Vec::new(),
        },
        GArg::Value(Value::Null) => Vec::new(),
        _ => return Err(bad(step, "has() needs a property key or T.id/T.label")),
    };
    let Some(test_arg) = test_arg else { return Ok(!subject.is_empty()) };
    if let (GArg::Token(_, v), GArg::Value(value)) = (key, test_arg) {
        if v == "id" {
            let id = subject.first().cloned().unwrap_or(GObj::NULL);
            let ids: Vec<Value> = match value {
                Value::List(items) => items.clone(),
                other => vec![other.clone()],
            };
            return Ok(ids.iter().any(|v| !v.is_null() && id_equals(m, &t.obj, &id, v)));
        }
    }
    for s in &subject {
        let hit = match test_arg {
            GArg::Traversal(child) => {
                let mut start = t.clone();
                start.obj = s.clone();
                m.exists(child, &start)?
            }
            other => any_matches(step, std::slice::from_ref(other), s)?,
        };
        if hit {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The objects of a path, or of the part `from(a).to(b)` selects.
fn path_objects(step: &GStep, t: &Traverser) -> Vec<GObj> {
    let path = t.path();
    let from = step.modulator("from").next().and_then(|a| a.first()).and_then(GArg::as_str);
    let to = step.modulator("to").next().and_then(|a| a.first()).and_then(GArg::as_str);
    let start = from.and_then(|l| path.iter().position(|(_, ls)| ls.iter().any(|x| x == l))).unwrap_or(0);
    let end = to
        .and_then(|l| path.iter().rposition(|(_, ls)| ls.iter().any(|x| x == l)))
        .unwrap_or(path.len().saturating_sub(1));
    path.into_iter().enumerate().filter(|(i, _)| *i >= start && *i <= end).map(|(_, (o, _))| o).collect()
}

/// The object labelled `label`: the newest on the path, else a side effect.
pub fn select_label(m: &Machine, t: &Traverser, label: &str) -> Option<GObj> {
    if let Some(o) = t.labelled(label).pop() {
        return Some(o);
    }
    if let GObj::Map(entries) = &t.obj {
        if let Some((_, v)) = entries.iter().find(|(k, _)| k.as_str() == Some(label)) {
            return Some(v.clone());
        }
    }
    m.side_effects.get(label).cloned()
}

fn where_(m: &mut Machine, step: &GStep, t: &Traverser) -> Result<bool> {
    let by = bys(step);
    let mut by_iter = by.iter().cycle();
    let mut project = |m: &mut Machine, o: &GObj| -> Result<Option<GObj>> {
        match by_iter.next() {
            Some(b) => m.project_obj(b.projection.as_ref(), o, t, step),
            None => Ok(Some(o.clone())),
        }
    };
    match step.args.as_slice() {
        [GArg::Traversal(child)] => where_traversal(m, child, t),
        [GArg::Predicate(p)] => {
            let Some(left) = project(m, &t.obj)? else { return Ok(false) };
            let Some(p) = resolve_labels(m, t, p, &mut project)? else { return Ok(false) };
            test(&p, &left)
        }
        [GArg::Value(Value::String(a)), GArg::Predicate(p)] => {
            let Some(left) = select_label(m, t, a) else { return Ok(false) };
            let Some(left) = project(m, &left)? else { return Ok(false) };
            let Some(p) = resolve_labels(m, t, p, &mut project)? else { return Ok(false) };
            test(&p, &left)
        }
        _ => Err(bad(step, "where() takes a traversal, a predicate, or a label and a predicate")),
    }
}

/// A `where` predicate names labels; put the labelled objects in their place.
fn resolve_labels(
    m: &mut Machine,
    t: &Traverser,
    p: &GPredicate,
    project: &mut dyn FnMut(&mut Machine, &GObj) -> Result<Option<GObj>>,
) -> Result<Option<GPredicate>> {
    let mut resolve = |m: &mut Machine, v: &Value| -> Result<Option<Value>> {
        let Value::String(label) = v else { return Ok(Some(v.clone())) };
        let Some(obj) = select_label(m, t, label) else { return Ok(None) };
        Ok(project(m, &obj)?.map(|o| raw_value(&o)))
    };
    Ok(Some(match p {
        GPredicate::Compare(op, v) => match resolve(m, v)? {
            Some(v) => GPredicate::Compare(*op, v),
            None => return Ok(None),
        },
        GPredicate::Within(vs) | GPredicate::Without(vs) => {
            let mut out = Vec::new();
            for v in vs {
                match resolve(m, v)? {
                    // within("x") over a collection side effect: its members.
                    Some(Value::List(items)) => out.extend(items),
                    Some(v) => out.push(v),
                    None => return Ok(None),
                }
            }
            if matches!(p, GPredicate::Within(_)) {
                GPredicate::Within(out)
            } else {
                GPredicate::Without(out)
            }
        }
        GPredicate::Not(inner) => match resolve_labels(m, t, inner, project)? {
            Some(i) => GPredicate::Not(Box::new(i)),
            None => return Ok(None),
        },
        GPredicate::And(a, b) | GPredicate::Or(a, b) => {
            let (Some(x), Some(y)) = (resolve_labels(m, t, a, project)?, resolve_labels(m, t, b, project)?) else {
                return Ok(None);
            };
            if matches!(p, GPredicate::And(..)) {
                GPredicate::And(Box::new(x), Box::new(y))
            } else {
                GPredicate::Or(Box::new(x), Box::new(y))
            }
        }
        other => other.clone(),
    }))
}

/// An object as a plain value that `GObj::from_value` turns back into the same object.
pub fn raw_value(o: &GObj) -> Value {
    use plexus_storage::{Node, Relationship};
    match o {
        GObj::Val(v) => v.clone(),
        GObj::Vertex(id) => Value::Node(Box::new(Node { id: *id, labels: Vec::new(), properties: Default::default() })),
        GObj::Edge(id) => Value::Relationship(Box::new(Relationship {
            id: *id,
            start: 0,
            end: 0,
            rel_type: String::new(),
            properties: Default::default(),
        })),
        GObj::List(items) | GObj::Set(items) | GObj::Path(items) => Value::List(items.iter().map(raw_value).collect()),
        GObj::Token(t) => Value::String(t.clone()),
        other => Value::String(format!("{other:?}")),
    }
}

/// `where(__.as("a")….as("b"))`: start at `a` if the path has it, and require the end to be `b`.
fn where_traversal(m: &mut Machine, child: &GTraversal, t: &Traverser) -> Result<bool> {
    // where(and(…)) / where(or(…)) / where(not(…)): the parts keep where's label semantics.
    if let [only] = child.steps.as_slice() {
        if only.labels.is_empty() && matches!(only.name.as_str(), "and" | "or" | "not") && !only.args.is_empty() {
            let mut hits = Vec::new();
            for a in &only.args {
                let GArg::Traversal(c) = a else { return Err(bad(only, "and()/or()/not() take traversals")) };
                hits.push(where_traversal(m, c, t)?);
            }
            return Ok(match only.name.as_str() {
                "and" => hits.iter().all(|h| *h),
                "or" => hits.iter().any(|h| *h),
                _ => !hits[0],
            });
        }
    }
    let mut start = t.clone();
    if let Some(first) = child.steps.first() {
        if first.name == "as" {
            if let Some(obj) = first.labels.first().and_then(|l| t.labelled(l).pop()) {
                start.obj = obj;
            }
        }
    }
    let end_labels: Vec<String> = match child.steps.last() {
        Some(last) if child.steps.len() > 1 || last.name != "as" => last.labels.clone(),
        _ => Vec::new(),
    };
    let results = m.child(child, &start)?;
    if end_labels.is_empty() {
        return Ok(!results.is_empty());
    }
    let wanted: Vec<GObj> = end_labels.iter().filter_map(|l| t.labelled(l).pop()).collect();
    if wanted.is_empty() {
        return Ok(!results.is_empty());
    }
    Ok(results.iter().any(|r| wanted.iter().all(|w| equals(&r.obj, w))))
}

fn dedup(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Vec<Traverser>> {
    let by = bys(step).into_iter().next();
    if is_local(step) {
        let mut out = Vec::new();
        for t in input {
            let Some(items) = t.obj.items() else {
                out.push(t.clone());
                continue;
            };
            let mut seen = HashSet::new();
            let kept: Vec<GObj> = items.into_iter().filter(|i| seen.insert(i.clone())).collect();
            out.push(t.split(match &t.obj {
                GObj::Set(_) => GObj::Set(kept),
                _ => GObj::List(kept),
            }));
        }
        return Ok(out);
    }
    let labels: Vec<&str> = step.args.iter().filter_map(GArg::as_str).collect();
    // Inside repeat() the step keeps what it saw across iterations, as one step instance does.
    let state_key = step as *const GStep as usize;
    let mut seen = if m.in_repeat > 0 { m.dedup_state.remove(&state_key).unwrap_or_default() } else { HashSet::new() };
    let mut out = Vec::new();
    for t in input {
        let key = if labels.is_empty() {
            match &by {
                Some(b) => match m.project(b.projection.as_ref(), t, step)? {
                    Some(k) => k,
                    None => continue,
                },
                None => t.obj.clone(),
            }
        } else {
            let mut parts = Vec::new();
            for l in &labels {
                let obj = select_label(m, t, l).unwrap_or(GObj::NULL);
                parts.push(match &by {
                    Some(b) => m.project_obj(b.projection.as_ref(), &obj, t, step)?.unwrap_or(GObj::NULL),
                    None => obj,
                });
            }
            GObj::List(parts)
        };
        if seen.insert(key) {
            let mut kept = t.clone();
            kept.bulk = 1;
            out.push(kept);
        }
    }
    if m.in_repeat > 0 {
        m.dedup_state.insert(state_key, seen);
    }
    Ok(out)
}

fn int_arg(step: &GStep, a: Option<&GArg>) -> Result<i64> {
    match a {
        Some(GArg::Value(Value::Integer(i))) => Ok(*i),
        _ => Err(bad(step, format!("{}() needs integer arguments", step.name))),
    }
}

/// `range`, `limit`, `skip`, `tail`, globally over traversers or (local) within each collection.
fn range(_m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Vec<Traverser>> {
    let local = is_local(step);
    let args: &[GArg] =
        if local || matches!(step.args.first(), Some(GArg::Token(..))) { &step.args[1..] } else { &step.args };
    let (lo, hi, tail) = match step.name.as_str() {
        "range" => (int_arg(step, args.first())?, int_arg(step, args.get(1))?, false),
        "limit" => (0, int_arg(step, args.first())?, false),
        "skip" => (int_arg(step, args.first())?, -1, false),
        _ => (0, if args.is_empty() { 1 } else { int_arg(step, args.first())? }, true),
    };
    if lo < 0 || (hi >= 0 && hi < lo) || (hi < -1) {
        return Err(bad(step, format!("{}() bounds must be non-negative and ordered", step.name)));
    }
    let slice = |n: usize| -> (usize, usize) {
        if tail {
            let k = (hi.max(0) as usize).min(n);
            (n - k, n)
        } else {
            let start = (lo as usize).min(n);
            let end = if hi < 0 { n } else { (hi as usize).min(n) };
            (start, end.max(start))
        }
    };
    if local {
        let mut out = Vec::new();
        for t in input {
            let Some(items) = t.obj.items() else {
                out.push(t.clone());
                continue;
            };
            let (s, e) = slice(items.len());
            let part: Vec<GObj> = items[s..e].to_vec();
            // 3.8 keeps the collection type even for one element.
            let single = false;
            let obj = match &t.obj {
                _ if single => match part.into_iter().next() {
                    Some(o) => o,
                    None => continue,
                },
                GObj::Map(_) => GObj::Map(
                    part.into_iter().filter_map(|e| if let GObj::Entry(e) = e { Some(*e) } else { None }).collect(),
                ),
                GObj::Set(_) => GObj::Set(part),
                _ => GObj::List(part),
            };
            out.push(t.split(obj));
        }
        return Ok(out);
    }
    // Bulked traversers count as many: split them before slicing.
    let expanded: Vec<Traverser> = if input.iter().any(|t| t.bulk > 1) {
        input
            .iter()
            .flat_map(|t| {
                let mut one = t.clone();
                one.bulk = 1;
                std::iter::repeat_n(one, t.bulk as usize)
            })
            .collect()
    } else {
        input.to_vec()
    };
    let (s, e) = slice(expanded.len());
    Ok(crate::gremlin::machine::merge_if_untracked(_m, expanded[s..e].to_vec()))
}

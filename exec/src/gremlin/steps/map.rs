//! Steps that turn each traverser into other objects: element data
//! (`values`, `valueMap`, `elementMap`, `properties`, `id`, `label`),
//! `path`, `select`, `project`, `map`/`flatMap`, `unfold`, `constant`, `math`.

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::{Result, Value};

use super::filter::{child_arg, select_label};
use crate::gremlin::by::bys;
use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::math;
use crate::gremlin::object::GObj;
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let mut out = Vec::new();
    match step.name.as_str() {
        "values" | "properties" => {
            let keys: Vec<&str> = step.args.iter().filter_map(GArg::as_str).collect();
            for t in input {
                for (key, value) in element_properties(m, step, &t.obj, &keys)? {
                    let prop = GObj::Prop { owner: Box::new(t.obj.clone()), key, value: Box::new(value) };
                    if m.subgraph.is_some() && !m.keep_property(&prop)? {
                        continue;
                    }
                    let GObj::Prop { value, .. } = &prop else { continue };
                    let obj = if step.name == "values" { (**value).clone() } else { prop.clone() };
                    out.push(t.split(obj));
                }
            }
        }
        "id" => map_each(input, &mut out, |t| m.id_of(&t.obj, step))?,
        "label" => map_each(input, &mut out, |t| m.label_of(&t.obj, step))?,
        "key" | "value" => map_each(input, &mut out, |t| match &t.obj {
            GObj::Prop { key, value, .. } => Ok(if step.name == "key" { GObj::str(key) } else { (**value).clone() }),
            _ => Err(type_error(step, format!("{}() needs a property", step.name))),
        })?,
        "element" => map_each(input, &mut out, |t| match &t.obj {
            GObj::Prop { owner, .. } => Ok((**owner).clone()),
            _ => Err(type_error(step, "element() needs a property")),
        })?,
        "valueMap" | "propertyMap" | "elementMap" => {
            for t in input {
                let map = element_map(m, step, &t.obj)?;
                out.push(t.split(map));
            }
        }
        "constant" => {
            let c = step.args.first().ok_or_else(|| bad(step, "constant() needs a value"))?;
            let c = m.constant(c, step)?;
            map_each(input, &mut out, |_| Ok(c.clone()))?
        }
        "path" => {
            for t in input {
                if let Some(p) = path(m, step, t)? {
                    out.push(t.split(p));
                }
            }
        }
        "select" => return select(m, step, input).map(Some),
        "project" => {
            let names: Vec<&str> = step.args.iter().filter_map(GArg::as_str).collect();
            let by = bys(step);
            for t in input {
                let mut entries = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    let projection = by.get(i).and_then(|b| b.projection.clone());
                    if let Some(v) = m.project(projection.as_ref(), t, step)? {
                        entries.push((GObj::str(name), v));
                    }
                }
                out.push(t.split(GObj::Map(entries)));
            }
        }
        "map" => {
            let child = child_arg(step, 0)?;
            for t in input {
                if let Some(r) = m.first(child, t)? {
                    out.push(t.split(r));
                }
            }
        }
        "flatMap" => {
            let child = child_arg(step, 0)?;
            for t in input {
                // The child's own steps are not part of the path: only what it yields is.
                for r in m.child(child, t)? {
                    let mut next = t.split(r.obj);
                    next.bulk = t.bulk * r.bulk;
                    out.push(next);
                }
            }
        }
        "unfold" => {
            for t in input {
                match t.obj.items() {
                    Some(items) => out.extend(items.into_iter().map(|i| t.split(i))),
                    None => out.push(t.clone()),
                }
            }
        }
        "loops" => map_each(input, &mut out, |t| {
            let name = step.args.first().and_then(GArg::as_str);
            let n = match name {
                Some(n) => t.loops.iter().rev().find(|(l, _)| l.as_deref() == Some(n)).map(|l| l.1).unwrap_or(0),
                None => t.loops(),
            };
            Ok(GObj::int(n as i64))
        })?,
        "index" => {
            let as_map = step.modulator("with").any(|a| a.iter().any(|x| matches!(x, GArg::Token(_, v) if v == "map")));
            for t in input {
                let items = t.obj.items().unwrap_or_else(|| vec![t.obj.clone()]);
                let indexed: Vec<(GObj, GObj)> =
                    items.into_iter().enumerate().map(|(i, o)| (GObj::int(i as i64), o)).collect();
                let obj = if as_map {
                    GObj::Map(indexed)
                } else {
                    GObj::List(indexed.into_iter().map(|(i, o)| GObj::List(vec![o, i])).collect())
                };
                out.push(t.split(obj));
            }
        }
        "math" => {
            let text =
                step.args.first().and_then(GArg::as_str).ok_or_else(|| bad(step, "math() needs an expression"))?;
            let expr = math::parse(text).map_err(|e| bad(step, format!("math(\"{text}\"): {e}")))?;
            let vars = expr.variables();
            let by = bys(step);
            for t in input {
                let mut bindings = Vec::new();
                let mut unproductive = false;
                for (by_i, v) in vars.iter().enumerate() {
                    let obj = if v == "_" {
                        t.obj.clone()
                    } else {
                        select_label(m, t, v).ok_or_else(|| bad(step, format!("math(): no value for variable {v}")))?
                    };
                    let projection = if by.is_empty() { None } else { by[by_i % by.len()].projection.clone() };
                    match m.project_obj(projection.as_ref(), &obj, t, step)? {
                        Some(GObj::Val(v2)) if v2.is_number() => {
                            bindings.push((v.clone(), v2.as_f64().unwrap_or(f64::NAN)))
                        }
                        Some(other) => {
                            return Err(type_error(
                                step,
                                format!("math() needs numbers, got {}", super::display(&other)),
                            ))
                        }
                        None => unproductive = true,
                    }
                }
                if unproductive {
                    continue;
                }
                let r = expr.eval(&bindings).map_err(|e| bad(step, e))?;
                out.push(t.split(GObj::Val(Value::Float(r))));
            }
        }
        "sack" if step.args.is_empty() => map_each(input, &mut out, |t| Ok(t.sack.clone().unwrap_or(GObj::NULL)))?,
        _ => return Ok(None),
    }
    Ok(Some(out))
}

fn map_each(
    input: &[Traverser],
    out: &mut Vec<Traverser>,
    mut f: impl FnMut(&Traverser) -> Result<GObj>,
) -> Result<()> {
    for t in input {
        let obj = f(t)?;
        out.push(t.split(obj));
    }
    Ok(())
}

/// An element's properties named `keys` (all when empty), multi-values one by one.
pub fn element_properties(m: &Machine, step: &GStep, obj: &GObj, keys: &[&str]) -> Result<Vec<(String, GObj)>> {
    let snap = m.snapshot();
    let props: Vec<(String, Value)> = match obj {
        GObj::Vertex(id) => {
            snap.node_properties(*id).into_iter().map(|(k, v)| (snap.key_name(k).to_string(), v)).collect()
        }
        GObj::Edge(id) => {
            snap.rel_properties(*id).into_iter().map(|(k, v)| (snap.key_name(k).to_string(), v)).collect()
        }
        GObj::Map(entries) if step.name == "values" => {
            return Ok(entries
                .iter()
                .filter(|(k, _)| keys.is_empty() || k.as_str().is_some_and(|s| keys.contains(&s)))
                .map(|(k, v)| (super::display(k), v.clone()))
                .collect())
        }
        // A property's own properties (meta-properties) are not stored.
        GObj::Prop { .. } => return Ok(Vec::new()),
        _ => return Err(type_error(step, format!("{}() needs an element", step.name))),
    };
    let mut out = Vec::new();
    let ordered: Vec<&str> =
        if keys.is_empty() { props.iter().map(|(k, _)| k.as_str()).collect() } else { keys.to_vec() };
    for key in ordered {
        for (k, v) in props.iter().filter(|(k, _)| k == key) {
            match v {
                Value::List(items) if matches!(obj, GObj::Vertex(_)) => {
                    out.extend(items.iter().map(|i| (k.clone(), GObj::from_value(i.clone()))))
                }
                v => out.push((k.clone(), GObj::from_value(v.clone()))),
            }
        }
    }
    Ok(out)
}

/// `valueMap`, `propertyMap`, `elementMap` of one element.
fn element_map(m: &mut Machine, step: &GStep, obj: &GObj) -> Result<GObj> {
    let keys: Vec<&str> = step.args.iter().filter_map(GArg::as_str).collect();
    let with_tokens = step.args.iter().any(|a| matches!(a, GArg::Value(Value::Boolean(true))))
        || step.modulator("with").any(|a| matches!(a.first(), Some(GArg::Token(_, v)) if v == "tokens"));
    // `with(WithOptions.tokens, WithOptions.ids|labels|none|all)`.
    let only: Option<&str> = step
        .modulator("with")
        .filter_map(|a| if let Some(GArg::Token(_, v)) = a.get(1) { Some(v.as_str()) } else { None })
        .next();
    let props = element_properties(m, step, obj, &keys)?;
    let mut entries: Vec<(GObj, GObj)> = Vec::new();
    let element = step.name == "elementMap";
    if element || with_tokens {
        let (want_id, want_label) = match only {
            Some("ids") => (true, false),
            Some("labels") => (false, true),
            Some("none") if !element => (false, false),
            _ => (true, true),
        };
        if want_id {
            entries.push((GObj::Token("T.id".into()), m.id_of(obj, step)?));
        }
        if want_label {
            entries.push((GObj::Token("T.label".into()), m.label_of(obj, step)?));
        }
    }
    if element {
        if let GObj::Edge(e) = obj {
            let snap = m.snapshot();
            if let Some((start, end, _)) = snap.rel_endpoints(*e) {
                for (dir, v) in [("Direction.IN", end), ("Direction.OUT", start)] {
                    let vertex = GObj::Vertex(v);
                    let inner = vec![
                        (GObj::Token("T.id".into()), m.id_of(&vertex, step)?),
                        (GObj::Token("T.label".into()), m.label_of(&vertex, step)?),
                    ];
                    entries.push((GObj::Token(dir.into()), GObj::Map(inner)));
                }
            }
        }
    }
    let multi = matches!(obj, GObj::Vertex(_)) && !element;
    for (k, v) in props {
        let key = GObj::str(&k);
        let value = if step.name == "propertyMap" {
            GObj::Prop { owner: Box::new(obj.clone()), key: k.clone(), value: Box::new(v) }
        } else {
            v
        };
        match entries.iter_mut().find(|(ek, _)| *ek == key) {
            Some((_, GObj::List(items))) if multi || step.name == "propertyMap" => items.push(value),
            Some(_) => {}
            None if multi || (step.name == "propertyMap" && matches!(obj, GObj::Vertex(_))) => {
                entries.push((key, GObj::List(vec![value])))
            }
            None => entries.push((key, value)),
        }
    }
    // `by()` on valueMap applies to each value (e.g. `by(unfold())`).
    if let Some(b) = bys(step).into_iter().next() {
        let t = Traverser::start(obj.clone());
        for (k, v) in entries.iter_mut() {
            if matches!(k, GObj::Token(_)) {
                continue;
            }
            if let Some(p) = m.project_obj(b.projection.as_ref(), v, &t, step)? {
                *v = p;
            }
        }
    }
    Ok(GObj::Map(entries))
}

/// `path()`, with `by()` modulators applied round robin and `from`/`to` bounds.
fn path(m: &mut Machine, step: &GStep, t: &Traverser) -> Result<Option<GObj>> {
    let mut objs = t.path();
    let from = step.modulator("from").next().and_then(|a| a.first()).and_then(GArg::as_str);
    let to = step.modulator("to").next().and_then(|a| a.first()).and_then(GArg::as_str);
    if let Some(l) = to {
        if let Some(i) = objs.iter().rposition(|(_, ls)| ls.iter().any(|x| x == l)) {
            objs.truncate(i + 1);
        }
    }
    if let Some(l) = from {
        if let Some(i) = objs.iter().position(|(_, ls)| ls.iter().any(|x| x == l)) {
            objs.drain(..i);
        }
    }
    let by = bys(step);
    let mut out = Vec::new();
    for (i, (o, _)) in objs.into_iter().enumerate() {
        if by.is_empty() {
            out.push(o);
            continue;
        }
        let b = &by[i % by.len()];
        match m.project_obj(b.projection.as_ref(), &o, t, step)? {
            Some(p) => out.push(p),
            None => return Ok(None),
        }
    }
    Ok(Some(GObj::Path(out)))
}

/// `select("a", …)`, `select(keys|values)`, `select(pop, "a")`.
fn select(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Vec<Traverser>> {
    let mut args: &[GArg] = &step.args;
    let mut pop = "last";
    if let Some(GArg::Token(k, v)) = args.first() {
        if k == "Pop" {
            pop = match v.as_str() {
                "first" => "first",
                "all" => "all",
                "mixed" => "mixed",
                _ => "last",
            };
            args = &args[1..];
        } else if k == "Column" {
            let mut out = Vec::new();
            for t in input {
                if let Some(v) = m.token_of(&t.obj, k, v, step)? {
                    out.push(t.split(v));
                }
            }
            return Ok(out);
        }
    }
    let by = bys(step);
    let mut out = Vec::new();
    if let [GArg::Traversal(child)] = args {
        for t in input {
            let Some(key) = m.first(child, t)? else { continue };
            // The key names a label, or is looked up in the map the traverser holds.
            let found = match (&t.obj, key.as_str()) {
                (GObj::Map(entries), _) if entries.iter().any(|(k, _)| *k == key) => {
                    entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone())
                }
                (_, Some(label)) => select_one(m, t, label, pop),
                _ => None,
            };
            let Some(v) = found else { continue };
            let projection = by.first().and_then(|b| b.projection.clone());
            if let Some(v) = m.project_obj(projection.as_ref(), &v, t, step)? {
                out.push(t.split(v));
            }
        }
        return Ok(out);
    }
    let labels: Vec<&str> = args.iter().filter_map(GArg::as_str).collect();
    if labels.len() != args.len() || labels.is_empty() {
        return Err(bad(step, "select() takes labels, a Pop and labels, or Column.keys/values"));
    }
    'traversers: for t in input {
        let mut entries = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let Some(obj) = select_one(m, t, label, pop) else { continue 'traversers };
            let projection = if by.is_empty() { None } else { by[i % by.len()].projection.clone() };
            match m.project_obj(projection.as_ref(), &obj, t, step)? {
                Some(p) => entries.push((GObj::str(label), p)),
                None => continue 'traversers,
            }
        }
        let obj = if labels.len() == 1 { entries.pop().map(|e| e.1).unwrap_or(GObj::NULL) } else { GObj::Map(entries) };
        out.push(t.split(obj));
    }
    Ok(out)
}

fn select_one(m: &Machine, t: &Traverser, label: &str, pop: &str) -> Option<GObj> {
    let mut on_path = t.labelled(label);
    if on_path.is_empty() {
        return select_label(m, t, label).map(|o| if pop == "all" { GObj::List(vec![o]) } else { o });
    }
    Some(match pop {
        "first" => on_path.swap_remove(0),
        "all" => GObj::List(on_path),
        "mixed" if on_path.len() > 1 => GObj::List(on_path),
        _ => on_path.pop()?,
    })
}

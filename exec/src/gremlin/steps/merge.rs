//! `mergeV` and `mergeE`: find the element a map describes, or create it, then
//! apply the `option(Merge.onMatch|onCreate, …)` properties.

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::{NodeId, Result, Value};

use super::mutate::{id_text, set};
use super::navigate::resolve_vertex;
use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::object::{equals, GObj};
use crate::gremlin::steps::filter::raw_value;
use crate::gremlin::traverser::Traverser;

/// The search map of a merge step for one traverser.
fn search_map(m: &mut Machine, step: &GStep, t: &Traverser) -> Result<Vec<(GObj, GObj)>> {
    let obj = match step.args.first() {
        None => t.obj.clone(),
        Some(GArg::Traversal(c)) => m.first(c, t)?.unwrap_or(GObj::NULL),
        Some(a) => m.constant(a, step)?,
    };
    match obj {
        GObj::Map(entries) => Ok(entries),
        GObj::Val(Value::Null) => Ok(Vec::new()),
        _ => Err(type_error(step, format!("{}() needs a map", step.name))),
    }
}

/// The map an `option(Merge.x, …)` gives, evaluated against `t`.
fn option_map(m: &mut Machine, step: &GStep, which: &str, t: &Traverser) -> Result<Option<Vec<(GObj, GObj)>>> {
    let arg = step.modulator("option").find_map(|a| match a {
        [GArg::Token(_, v), value, ..] if v == which => Some(value.clone()),
        _ => None,
    });
    let obj = match arg {
        None => return Ok(None),
        Some(GArg::Traversal(c)) => m.first(&c, t)?.unwrap_or(GObj::NULL),
        Some(a) => m.constant(&a, step)?,
    };
    match obj {
        GObj::Map(e) => Ok(Some(e)),
        GObj::Val(Value::Null) => Ok(None),
        _ => Err(type_error(step, format!("option(Merge.{which}) needs a map"))),
    }
}

fn token_key(k: &GObj) -> Option<&str> {
    match k {
        GObj::Token(t) => Some(t.as_str()),
        _ => None,
    }
}

fn props_match(m: &Machine, obj: &GObj, entries: &[(GObj, GObj)]) -> bool {
    entries.iter().all(|(k, v)| match k.as_str() {
        Some(key) => equals(&GObj::from_value(m.property(obj, key)), v),
        None => true,
    })
}

/// Keys starting with `~` are reserved (hidden) in TinkerPop.
fn check_hidden(step: &GStep, entries: &[(GObj, GObj)]) -> Result<()> {
    for (k, v) in entries {
        if let Some(key) = k.as_str().filter(|k| k.starts_with('~')) {
            return Err(bad(step, format!("Property key can not be a hidden key: {key}")));
        }
        if token_key(k) == Some("T.label") {
            if let Some(l) = v.as_str().filter(|l| l.starts_with('~')) {
                return Err(bad(step, format!("Label can not be a hidden key: {l}")));
            }
        }
    }
    Ok(())
}

/// Keys of a literal `option(Merge.x, [k: Cardinality.c(v)])` map with their cardinality.
fn option_cardinalities(step: &GStep, which: &str) -> Vec<(String, String)> {
    step.modulator("option")
        .filter_map(|a| match a {
            [GArg::Token(_, v), GArg::Map(pairs), ..] if v == which => Some(pairs),
            _ => None,
        })
        .flat_map(|pairs| {
            pairs.iter().filter_map(|(k, v)| match (k, v) {
                (GArg::Value(Value::String(key)), GArg::Cardinality(c, _)) => Some((key.clone(), c.clone())),
                _ => None,
            })
        })
        .collect()
}

fn apply_props(m: &mut Machine, step: &GStep, obj: &GObj, entries: &[(GObj, GObj)], creating: bool) -> Result<()> {
    let which = if creating { "onCreate" } else { "onMatch" };
    let cards = option_cardinalities(step, which);
    check_hidden(step, entries)?;
    for (k, v) in entries {
        match (token_key(k), k.as_str()) {
            (Some("T.label" | "T.id"), _) if !creating => {
                return Err(bad(step, "option(Merge.onMatch) cannot change T.id or T.label"))
            }
            (Some(_), _) => {}
            (None, Some(key)) => {
                if let Some((_, card)) = cards.iter().find(|(k, _)| k == key) {
                    super::mutate::set_with_cardinality(m, step, obj, key, card, v.clone())?;
                    continue;
                }
                let value = raw_value(v);
                if matches!(value, Value::Map(_)) {
                    return Err(type_error(step, "a property value cannot be a map"));
                }
                set(m, obj, key, value)?;
            }
            _ => return Err(bad(step, "merge maps need string or T keys")),
        }
    }
    Ok(())
}

pub fn merge_v(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Vec<Traverser>> {
    let mut out = Vec::new();
    for t in input {
        let search = search_map(m, step, t)?;
        check_hidden(step, &search)?;
        let snap = m.snapshot();
        let label = search.iter().find(|(k, _)| token_key(k) == Some("T.label")).map(|(_, v)| v.clone());
        let id = search.iter().find(|(k, _)| token_key(k) == Some("T.id")).map(|(_, v)| v.clone());
        if search.iter().any(|(k, _)| token_key(k).is_some_and(|t| t.starts_with("Direction"))) {
            return Err(bad(step, "mergeV() does not take Direction keys"));
        }
        let mut candidates: Vec<NodeId> = match &id {
            Some(v) => resolve_vertex(&snap, &raw_value(v)).into_iter().collect(),
            None => {
                let mut all = Vec::new();
                snap.scan_nodes(0..snap.node_capacity(), None, &mut all);
                all
            }
        };
        candidates.retain(|&n| {
            let v = GObj::Vertex(n);
            let label_ok = match &label {
                Some(l) => m.label_of(&v, step).is_ok_and(|x| equals(&x, l)),
                None => true,
            };
            label_ok && props_match(m, &v, &search)
        });
        if m.subgraph.is_some() {
            let mut visible = Vec::new();
            for n in candidates {
                if m.keep_vertex(n)? {
                    visible.push(n);
                }
            }
            candidates = visible;
        }
        if candidates.is_empty() {
            let on_create = option_map(m, step, "onCreate", t)?;
            if let Some(c) = &on_create {
                check_hidden(step, c)?;
                let overrides = c.iter().any(|(k, v)| search.iter().any(|(sk, sv)| sk == k && sv != v));
                if overrides {
                    return Err(bad(step, "option(onCreate) cannot override values from merge() argument"));
                }
            }
            let label = match on_create.as_ref().and_then(|c| c.iter().find(|(k, _)| token_key(k) == Some("T.label"))) {
                Some((_, l)) => Some(l.clone()),
                None => label,
            };
            if label.as_ref().is_some_and(GObj::is_null) {
                return Err(bad(step, "mergeV(): the label cannot be null"));
            }
            let label = label.and_then(|l| l.as_str().map(str::to_string)).unwrap_or_else(|| "vertex".to_string());
            // The id may come from the search map or, failing that, from onCreate.
            let id = id.or_else(|| {
                on_create
                    .as_ref()
                    .and_then(|c| c.iter().find(|(k, _)| token_key(k) == Some("T.id")).map(|(_, v)| v.clone()))
            });
            let ext = id.as_ref().map(id_text);
            let node = m.ctx.with_txn(|txn| txn.create_node_with_external_id(ext.as_deref(), &[label], Vec::new()))?;
            let v = GObj::Vertex(node);
            m.created(&v)?;
            apply_props(m, step, &v, &search, true)?;
            if let Some(c) = on_create {
                apply_props(m, step, &v, &c, true)?;
            }
            out.push(t.split(v));
        } else {
            for n in candidates {
                let v = GObj::Vertex(n);
                let mut at = t.clone();
                at.obj = v.clone();
                if let Some(mm) = option_map(m, step, "onMatch", &at)? {
                    apply_props(m, step, &v, &mm, false)?;
                }
                out.push(t.split(v));
            }
        }
    }
    Ok(out)
}

/// An endpoint in a `mergeE` map: a vertex, an id, or `Merge.outV/inV` given by `option`.
fn endpoint(m: &mut Machine, step: &GStep, t: &Traverser, v: &GObj) -> Result<Option<NodeId>> {
    let v = match v {
        GObj::Token(tok) if tok == "Merge.outV" || tok == "Merge.inV" => {
            let which = &tok["Merge.".len()..];
            match option_map_obj(m, step, which, t)? {
                Some(o) => o,
                None => return Err(bad(step, format!("mergeE() needs option(Merge.{which}, …)"))),
            }
        }
        other => other.clone(),
    };
    let snap = m.snapshot();
    Ok(match v {
        GObj::Vertex(n) => Some(n),
        GObj::Val(val) => resolve_vertex(&snap, &val),
        // A map describes the vertex: its id and/or properties.
        GObj::Map(entries) => {
            let mut all = Vec::new();
            snap.scan_nodes(0..snap.node_capacity(), None, &mut all);
            let id = entries.iter().find(|(k, _)| token_key(k) == Some("T.id")).map(|(_, v)| raw_value(v));
            all.into_iter().find(|&n| {
                id.as_ref().is_none_or(|i| resolve_vertex(&snap, i) == Some(n))
                    && props_match(m, &GObj::Vertex(n), &entries)
            })
        }
        _ => None,
    })
}

fn option_map_obj(m: &mut Machine, step: &GStep, which: &str, t: &Traverser) -> Result<Option<GObj>> {
    let arg = step.modulator("option").find_map(|a| match a {
        [GArg::Token(_, v), value, ..] if v == which => Some(value.clone()),
        _ => None,
    });
    match arg {
        None => Ok(None),
        Some(GArg::Traversal(c)) => m.first(&c, t),
        Some(a) => m.constant(&a, step).map(Some),
    }
}

pub fn merge_e(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Vec<Traverser>> {
    let mut out = Vec::new();
    for t in input {
        let search = search_map(m, step, t)?;
        let find = |key: &str| search.iter().find(|(k, _)| token_key(k) == Some(key)).map(|(_, v)| v.clone());
        let label = find("T.label");
        let out_v = match find("Direction.OUT") {
            Some(v) => Some(endpoint(m, step, t, &v)?),
            None => None,
        };
        let in_v = match find("Direction.IN") {
            Some(v) => Some(endpoint(m, step, t, &v)?),
            None => None,
        };
        // A named endpoint that does not exist matches nothing and cannot be created.
        if matches!(out_v, Some(None)) || matches!(in_v, Some(None)) {
            return Err(bad(step, "mergeE(): an endpoint vertex does not exist"));
        }
        let (out_v, in_v) = (out_v.flatten(), in_v.flatten());
        let snap = m.snapshot();
        let mut all = Vec::new();
        snap.scan_rels(0..snap.rel_capacity(), &mut all);
        let props: Vec<(GObj, GObj)> = search.iter().filter(|(k, _)| k.as_str().is_some()).cloned().collect();
        let mut matches: Vec<u64> = all
            .into_iter()
            .filter(|&r| {
                let Some((s, e, ty)) = snap.rel_endpoints(r) else { return false };
                out_v.is_none_or(|o| o == s)
                    && in_v.is_none_or(|i| i == e)
                    && label.as_ref().is_none_or(|l| l.as_str() == Some(snap.type_name(ty)))
                    && props_match(m, &GObj::Edge(r), &props)
            })
            .collect();
        if m.subgraph.is_some() {
            let mut visible = Vec::new();
            for r in matches {
                if m.keep_edge(r)? {
                    visible.push(r);
                }
            }
            matches = visible;
        }
        if matches.is_empty() {
            let on_create = option_map(m, step, "onCreate", t)?;
            if let Some(c) = &on_create {
                let fixed = ["T.label", "T.id", "Direction.OUT", "Direction.IN"];
                let overrides = c.iter().any(|(k, v)| {
                    token_key(k).is_some_and(|tk| fixed.contains(&tk))
                        && search.iter().any(|(sk, sv)| sk == k && sv != v)
                });
                if overrides {
                    return Err(bad(step, "option(onCreate) cannot override values from merge() argument"));
                }
            }
            let (Some(from), Some(to)) = (out_v, in_v) else {
                return Err(bad(step, "mergeE() needs Direction.OUT and Direction.IN to create an edge"));
            };
            let label = label.and_then(|l| l.as_str().map(str::to_string)).unwrap_or_else(|| "edge".to_string());
            let rel = m.ctx.with_txn(|txn| txn.create_relationship(from, to, &label, Vec::new()))?;
            let e = GObj::Edge(rel);
            m.created(&e)?;
            apply_props(m, step, &e, &props, true)?;
            if let Some(c) = on_create {
                let c: Vec<(GObj, GObj)> = c.into_iter().filter(|(k, _)| k.as_str().is_some()).collect();
                apply_props(m, step, &e, &c, true)?;
            }
            out.push(t.split(e));
        } else {
            for r in matches {
                let e = GObj::Edge(r);
                let mut at = t.clone();
                at.obj = e.clone();
                if let Some(mm) = option_map(m, step, "onMatch", &at)? {
                    let mm: Vec<(GObj, GObj)> = mm.into_iter().filter(|(k, _)| k.as_str().is_some()).collect();
                    apply_props(m, step, &e, &mm, false)?;
                }
                out.push(t.split(e));
            }
        }
    }
    Ok(out)
}

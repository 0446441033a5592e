//! Changing the graph: `addV`, `addE`, `property`, `drop`, `mergeV`, `mergeE`.

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::{NodeId, Result, Value};

use super::filter::select_label;
use super::navigate::resolve_vertex;
use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::object::GObj;
use crate::gremlin::steps::filter::raw_value;
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let out = match step.name.as_str() {
        "addV" => {
            let mut out = Vec::new();
            for t in input {
                let label_arg = match step.modulator("label").next() {
                    Some([a]) => Some(a),
                    _ => step.args.first(),
                };
                let label = match label_arg {
                    None => "vertex".to_string(),
                    Some(GArg::Value(Value::String(l))) => l.clone(),
                    Some(GArg::Traversal(c)) => match m.first(c, t)? {
                        Some(GObj::Val(Value::String(l))) => l,
                        _ => return Err(bad(step, "addV() label traversal must yield a string")),
                    },
                    Some(_) => return Err(bad(step, "addV() takes a label")),
                };
                let ext = match step.modulator("id").next() {
                    Some([a]) => Some(id_text(&m.constant(a, step)?)),
                    _ => None,
                };
                let id = m.ctx.with_txn(|txn| {
                    txn.create_node_with_external_id(ext.as_deref(), std::slice::from_ref(&label), Vec::new())
                })?;
                m.created(&GObj::Vertex(id))?;
                out.push(t.split(GObj::Vertex(id)));
            }
            out
        }
        "addE" => {
            let mut out = Vec::new();
            for t in input {
                let label = match step.args.first() {
                    Some(GArg::Value(Value::String(l))) => l.clone(),
                    Some(GArg::Traversal(c)) => match m.first(c, t)? {
                        Some(GObj::Val(Value::String(l))) => l,
                        _ => return Err(bad(step, "addE() label traversal must yield a string")),
                    },
                    _ => return Err(bad(step, "addE() takes a label")),
                };
                let from = endpoint(m, step, t, "from")?;
                let to = endpoint(m, step, t, "to")?;
                let id = m.ctx.with_txn(|txn| txn.create_relationship(from, to, &label, Vec::new()))?;
                m.created(&GObj::Edge(id))?;
                out.push(t.split(GObj::Edge(id)));
            }
            out
        }
        "property" => {
            for t in input {
                property(m, step, t)?;
            }
            input.to_vec()
        }
        "drop" => {
            for t in input {
                match &t.obj {
                    GObj::Vertex(id) => m.ctx.with_txn(|txn| txn.delete_node(*id, true))?,
                    GObj::Edge(id) => m.ctx.with_txn(|txn| txn.delete_relationship(*id))?,
                    GObj::Prop { owner, key, .. } => set(m, owner, key, Value::Null)?,
                    _ => {}
                }
            }
            Vec::new()
        }
        "mergeV" => return super::merge::merge_v(m, step, input).map(Some),
        "mergeE" => return super::merge::merge_e(m, step, input).map(Some),
        _ => return Ok(None),
    };
    Ok(Some(out))
}

/// An id given by the user as the text we store.
pub fn id_text(o: &GObj) -> String {
    match o {
        GObj::Val(Value::String(s)) => s.clone(),
        GObj::Val(v) => v.to_display_string(),
        other => super::display(other),
    }
}

/// `from(x)` / `to(x)` of `addE`: a label on the path, a traversal, a vertex or an id.
fn endpoint(m: &mut Machine, step: &GStep, t: &Traverser, which: &str) -> Result<NodeId> {
    let arg = step.modulator(which).next().and_then(|a| a.first().cloned());
    let obj = match &arg {
        None => Some(t.obj.clone()),
        Some(GArg::Value(Value::String(label))) => select_label(m, t, label),
        Some(GArg::Traversal(c)) => m.first(c, t)?,
        Some(GArg::Value(v)) => Some(GObj::from_value(v.clone())),
        Some(_) => return Err(bad(step, format!("addE().{which}() takes a label, a traversal or a vertex"))),
    };
    let snap = m.snapshot();
    match obj {
        Some(GObj::Vertex(id)) => Ok(id),
        Some(GObj::Val(v)) => {
            resolve_vertex(&snap, &v).ok_or_else(|| bad(step, format!("addE(): no vertex {}", v.to_display_string())))
        }
        _ => Err(bad(step, format!("addE() needs a vertex for {which}()"))),
    }
}

/// Sets (or, with null, removes) a property of an element.
pub fn set(m: &Machine, owner: &GObj, key: &str, value: Value) -> Result<()> {
    match owner {
        GObj::Vertex(id) => m.ctx.with_txn(|txn| txn.set_node_property(*id, key, value)),
        GObj::Edge(id) => m.ctx.with_txn(|txn| txn.set_rel_property(*id, key, value)),
        _ => Ok(()),
    }
}

fn property(m: &mut Machine, step: &GStep, t: &Traverser) -> Result<()> {
    let mut args: &[GArg] = &step.args;
    let creating = step.modulator("creating").next().is_some();
    let mut cardinality = if creating { "list" } else { "single" };
    if let Some(GArg::Token(k, v)) = args.first() {
        if k == "Cardinality" {
            cardinality = if v == "list" {
                "list"
            } else if v == "set" {
                "set"
            } else {
                "single"
            };
            args = &args[1..];
        }
    }
    if let [GArg::Map(pairs)] = args {
        for (k, v) in pairs {
            let key = match k {
                GArg::Value(Value::String(s)) => s.clone(),
                _ => return Err(bad(step, "property(map) needs string keys")),
            };
            let (card, v) = match v {
                GArg::Cardinality(c, inner) => (c.as_str(), inner.as_ref()),
                other => (cardinality, other),
            };
            let value = m.constant(v, step)?;
            set_with_cardinality(m, step, &t.obj, &key, card, value)?;
        }
        return Ok(());
    }
    let (key, value) = match args {
        [k, v, ..] => (k, v),
        // property(null): nothing to set.
        [GArg::Value(Value::Null)] => return Ok(()),
        _ => return Err(bad(step, "property() needs a key and a value")),
    };
    let value = match value {
        GArg::Traversal(c) => m.first(c, t)?.unwrap_or(GObj::NULL),
        other => m.constant(other, step)?,
    };
    let key = match key {
        GArg::Traversal(c) => match m.first(c, t)? {
            Some(GObj::Val(Value::String(k))) => GArg::Value(Value::String(k)),
            _ => return Err(bad(step, "property() key traversal must yield a string")),
        },
        other => other.clone(),
    };
    match &key {
        GArg::Value(Value::String(k)) => set_with_cardinality(m, step, &t.obj, k, cardinality, value),
        GArg::Token(_, v) if v == "id" || v == "label" => {
            Err(bad(step, format!("T.{v} can only be set when the element is created")))
        }
        _ => Err(bad(step, "property() key must be a string")),
    }
}

pub fn set_with_cardinality(
    m: &mut Machine,
    step: &GStep,
    obj: &GObj,
    key: &str,
    card: &str,
    value: GObj,
) -> Result<()> {
    if !obj.is_element() {
        return Err(type_error(step, "property() needs an element"));
    }
    let value = raw_value(&value);
    if matches!(value, Value::Map(_)) {
        return Err(type_error(step, "a property value cannot be a map"));
    }
    let value = match (card, obj) {
        ("list" | "set", GObj::Vertex(_)) => {
            let existing = m.property(obj, key);
            let mut items = match existing {
                Value::Null => Vec::new(),
                Value::List(items) => items,
                v => vec![v],
            };
            if card == "list" || !items.contains(&value) {
                items.push(value);
            }
            if items.len() == 1 {
                items.pop().unwrap_or(Value::Null)
            } else {
                Value::List(items)
            }
        }
        _ => value,
    };
    set(m, obj, key, value)
}

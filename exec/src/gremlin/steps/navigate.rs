//! Moving through the graph: `V`, `E`, `out`/`in`/`both` and their edge forms,
//! `outV`/`inV`/`bothV`/`otherV`.

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::{Direction, NodeId, RelId, Result, Snapshot, TypeId, Value};

use crate::gremlin::machine::{bad, Machine};
use crate::gremlin::object::GObj;
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    let snap = m.snapshot();
    let out = match step.name.as_str() {
        "V" => {
            let ids = vertex_ids(&snap, step)?;
            fan_out(m, input, |_| Ok(ids.iter().map(|&n| GObj::Vertex(n)).collect()))?
        }
        "E" => {
            let ids = edge_ids(&snap, step)?;
            fan_out(m, input, |_| Ok(ids.iter().map(|&r| GObj::Edge(r)).collect()))?
        }
        "out" | "in" | "both" | "outE" | "inE" | "bothE" => {
            let types = type_ids(&snap, step)?;
            let dirs: &[Direction] = match step.name.as_str() {
                "out" | "outE" => &[Direction::Outgoing],
                "in" | "inE" => &[Direction::Incoming],
                _ => &[Direction::Outgoing, Direction::Incoming],
            };
            let edges = step.name.ends_with('E');
            fan_out(m, input, |obj| {
                let GObj::Vertex(v) = obj else { return Err(bad(step, format!("{}() needs a vertex", step.name))) };
                Ok(neighbours(&snap, *v, dirs, types.as_deref(), edges))
            })?
        }
        "outV" | "inV" | "bothV" | "otherV" => {
            let mut out = Vec::new();
            for t in input {
                let GObj::Edge(e) = &t.obj else {
                    return Err(bad(step, format!("{}() needs an edge", step.name)));
                };
                let Some((start, end, _)) = snap.rel_endpoints(*e) else { continue };
                let targets: Vec<NodeId> = match step.name.as_str() {
                    "outV" => vec![start],
                    "inV" => vec![end],
                    "bothV" => vec![start, end],
                    _ => {
                        // The end we did not come from: the vertex before the edge in the path.
                        let path = t.path();
                        let prev = path.len().checked_sub(2).map(|i| path[i].0.clone());
                        match prev {
                            Some(GObj::Vertex(p)) if p == start => vec![end],
                            Some(GObj::Vertex(p)) if p == end => vec![start],
                            _ => vec![end],
                        }
                    }
                };
                out.extend(targets.into_iter().map(|n| t.split(GObj::Vertex(n))));
            }
            out
        }
        _ => return Ok(None),
    };
    if m.subgraph.is_none() {
        return Ok(Some(out));
    }
    // Under SubgraphStrategy a move to a vertex also needs a visible edge to it.
    let mut visible = Vec::with_capacity(out.len());
    for t in out {
        let keep = match (&t.obj, step.name.as_str()) {
            (GObj::Vertex(v), "out" | "in" | "both") => {
                let prev = t.path.as_ref().and_then(|p| p.prev.as_ref()).map(|p| p.obj.clone());
                let via_visible_edge = match prev {
                    Some(GObj::Vertex(from)) => {
                        let mut edges = Vec::new();
                        let dirs: &[Direction] = match step.name.as_str() {
                            "out" => &[Direction::Outgoing],
                            "in" => &[Direction::Incoming],
                            _ => &[Direction::Outgoing, Direction::Incoming],
                        };
                        for &d in dirs {
                            snap.expand(from, d, &type_ids(&snap, step)?.unwrap_or_default(), &mut edges);
                        }
                        let mut any = false;
                        for (r, n) in edges {
                            if n == *v && m.keep_edge(r)? {
                                any = true;
                                break;
                            }
                        }
                        any
                    }
                    _ => true,
                };
                via_visible_edge && m.keep_vertex(*v)?
            }
            (GObj::Vertex(v), _) => m.keep_vertex(*v)?,
            (GObj::Edge(e), _) => m.keep_edge(*e)?,
            _ => true,
        };
        if keep {
            visible.push(t);
        }
    }
    Ok(Some(visible))
}

/// Each input traverser moves to every object `f` gives for it.
fn fan_out(
    _m: &mut Machine,
    input: &[Traverser],
    mut f: impl FnMut(&GObj) -> Result<Vec<GObj>>,
) -> Result<Vec<Traverser>> {
    let mut out = Vec::new();
    for t in input {
        for obj in f(&t.obj)? {
            out.push(t.split(obj));
        }
    }
    Ok(out)
}

fn neighbours(snap: &Snapshot, v: NodeId, dirs: &[Direction], types: Option<&[TypeId]>, edges: bool) -> Vec<GObj> {
    let mut out = Vec::new();
    let mut buf: Vec<(RelId, NodeId)> = Vec::new();
    for &d in dirs {
        buf.clear();
        match types {
            Some([]) => continue,
            Some(ts) => snap.expand(v, d, ts, &mut buf),
            None => snap.expand(v, d, &[], &mut buf),
        }
        buf.sort_unstable();
        out.extend(buf.iter().map(|&(r, n)| if edges { GObj::Edge(r) } else { GObj::Vertex(n) }));
    }
    out
}

/// The edge labels a step names (`None`: any). Unknown labels match nothing.
fn type_ids(snap: &Snapshot, step: &GStep) -> Result<Option<Vec<TypeId>>> {
    if step.args.is_empty() {
        return Ok(None);
    }
    let mut ids = Vec::new();
    for a in &step.args {
        let names: Vec<&Value> = match a {
            GArg::Value(Value::List(items)) => items.iter().collect(),
            GArg::Value(v) => vec![v],
            _ => return Err(bad(step, format!("{}() takes edge labels", step.name))),
        };
        for n in names {
            match n {
                Value::String(s) => ids.extend(snap.type_id(s)),
                Value::Null => {}
                _ => return Err(bad(step, format!("{}() takes edge labels as strings", step.name))),
            }
        }
    }
    Ok(Some(ids))
}

/// A vertex id argument as our node id (the data's id first, then our own).
pub fn resolve_vertex(snap: &Snapshot, v: &Value) -> Option<NodeId> {
    match v {
        Value::Node(n) => snap.node_exists(n.id).then_some(n.id),
        Value::Integer(i) => snap.node_by_external_id(&i.to_string()).or_else(|| {
            (*i >= 0 && snap.node_exists(*i as u64) && snap.external_id(*i as u64).is_none()).then_some(*i as u64)
        }),
        Value::Float(f) if f.fract() == 0.0 => resolve_vertex(snap, &Value::Integer(*f as i64)),
        Value::String(s) => snap
            .node_by_external_id(s)
            .or_else(|| s.parse::<i64>().ok().and_then(|i| resolve_vertex(snap, &Value::Integer(i)))),
        _ => None,
    }
}

fn flatten_ids(step: &GStep) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for a in &step.args {
        match a {
            GArg::Value(Value::List(items)) => out.extend(items.iter().cloned()),
            GArg::Value(v) => out.push(v.clone()),
            _ => return Err(bad(step, format!("{}() takes ids", step.name))),
        }
    }
    Ok(out)
}

fn vertex_ids(snap: &Snapshot, step: &GStep) -> Result<Vec<NodeId>> {
    if step.args.is_empty() {
        let mut out = Vec::new();
        snap.scan_nodes(0..snap.node_capacity(), None, &mut out);
        return Ok(out);
    }
    Ok(flatten_ids(step)?.iter().filter_map(|v| resolve_vertex(snap, v)).collect())
}

pub fn resolve_edge(snap: &Snapshot, v: &Value) -> Option<RelId> {
    match v {
        Value::Relationship(r) => snap.rel_exists(r.id).then_some(r.id),
        Value::Integer(i) if *i >= 0 => snap.rel_exists(*i as u64).then_some(*i as u64),
        Value::String(s) => s.parse::<u64>().ok().filter(|r| snap.rel_exists(*r)),
        _ => None,
    }
}

fn edge_ids(snap: &Snapshot, step: &GStep) -> Result<Vec<RelId>> {
    if step.args.is_empty() {
        let mut out = Vec::new();
        snap.scan_rels(0..snap.rel_capacity(), &mut out);
        return Ok(out);
    }
    Ok(flatten_ids(step)?.iter().filter_map(|v| resolve_edge(snap, v)).collect())
}

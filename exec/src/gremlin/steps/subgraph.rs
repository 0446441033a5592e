//! `subgraph("sg")`: collects the edges that pass (and their vertices) into a
//! side effect. A subgraph is written as the map `{vertices: […], edges: […]}`.

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::Result;

use crate::gremlin::machine::{bad, type_error, Machine};
use crate::gremlin::object::GObj;
use crate::gremlin::traverser::Traverser;

/// The shape a subgraph takes as an object.
pub fn is_subgraph(o: &GObj) -> bool {
    matches!(o, GObj::Map(e) if e.len() == 2
        && e.iter().any(|(k, _)| k.as_str() == Some("vertices"))
        && e.iter().any(|(k, _)| k.as_str() == Some("edges")))
}

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    if step.name != "subgraph" {
        return Ok(None);
    }
    let key =
        step.args.first().and_then(GArg::as_str).ok_or_else(|| bad(step, "subgraph() needs a side-effect key"))?;
    let (mut vertices, mut edges) = match m.side_effects.remove(key) {
        Some(GObj::Map(entries)) => {
            let part = |name: &str| {
                entries.iter().find(|(k, _)| k.as_str() == Some(name)).and_then(|(_, v)| v.items()).unwrap_or_default()
            };
            (part("vertices"), part("edges"))
        }
        _ => (Vec::new(), Vec::new()),
    };
    let snap = m.snapshot();
    for t in input {
        let GObj::Edge(e) = &t.obj else { return Err(type_error(step, "subgraph() needs edges")) };
        if let Some((s, d, _)) = snap.rel_endpoints(*e) {
            edges.push(t.obj.clone());
            vertices.push(GObj::Vertex(s));
            vertices.push(GObj::Vertex(d));
        }
    }
    let graph = GObj::Map(vec![(GObj::str("vertices"), GObj::set(vertices)), (GObj::str("edges"), GObj::set(edges))]);
    m.side_effects.insert(key.to_string(), graph);
    Ok(Some(input.to_vec()))
}

//! `tree()`: the paths of all traversers merged into a prefix tree, a map from
//! each object to the tree of what followed it. `tree("x")` keeps it as a side
//! effect and lets the traversers pass. `by()` modulators apply round robin by depth.

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::Result;

use crate::gremlin::by::bys;
use crate::gremlin::machine::Machine;
use crate::gremlin::object::GObj;
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    if step.name != "tree" {
        return Ok(None);
    }
    let side_effect = step.args.first().and_then(GArg::as_str).map(str::to_string);
    let by = bys(step);
    let mut tree = match &side_effect {
        Some(key) => match m.side_effects.remove(key) {
            Some(GObj::Map(entries)) => entries,
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    for t in input {
        let mut keys = Vec::new();
        for (depth, (obj, _)) in t.path().into_iter().enumerate() {
            let projection = if by.is_empty() { None } else { by[depth % by.len()].projection.clone() };
            match m.project_obj(projection.as_ref(), &obj, t, step)? {
                Some(k) => keys.push(k),
                None => break,
            }
        }
        insert(&mut tree, keys);
    }
    match side_effect {
        Some(key) => {
            m.side_effects.insert(key, GObj::Map(tree));
            Ok(Some(input.to_vec()))
        }
        None => {
            let seed = input.first().cloned().unwrap_or_else(|| Traverser::start(GObj::NULL));
            Ok(Some(vec![seed.reduced(GObj::Map(tree))]))
        }
    }
}

fn insert(tree: &mut Vec<(GObj, GObj)>, keys: Vec<GObj>) {
    let mut keys = keys.into_iter();
    let Some(first) = keys.next() else { return };
    let i = match tree.iter().position(|(k, _)| *k == first) {
        Some(i) => i,
        None => {
            tree.push((first, GObj::Map(Vec::new())));
            tree.len() - 1
        }
    };
    if let GObj::Map(children) = &mut tree[i].1 {
        insert(children, keys.collect());
    }
}

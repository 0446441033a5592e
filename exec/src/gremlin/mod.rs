//! The Gremlin traversal machine behind `LogicalPlan::GremlinTraversal`:
//! traversers with bulk, path history, loop counters and sacks, run step by
//! step (one file per step family in `steps/`).

mod by;
mod machine;
mod math;
mod object;
mod predicate;
mod steps;
mod subgraph;
#[cfg(test)]
mod tests;
mod traverser;

use plexus_planner::gremlin::GTraversal;
use plexus_storage::{Result, Value};

pub use machine::Machine;
pub use object::{key_text, GObj};
pub use traverser::Traverser;

use crate::context::ExecContext;

/// Runs `traversal` from each start value (or, with `None`, from its spawn step)
/// and returns, per start, the result objects as values (bulk expanded).
pub fn run(ctx: &ExecContext, traversal: &GTraversal, starts: Option<Vec<Value>>) -> Result<Vec<Vec<Value>>> {
    let mut m = Machine::new(ctx);
    m.configure(&traversal.source)?;
    m.track_paths = machine::needs_paths(traversal);
    let starts: Vec<Traverser> = match starts {
        Some(values) => values.into_iter().map(|v| Traverser::start(GObj::from_value(v))).collect(),
        None => vec![Traverser { obj: GObj::NULL, bulk: 1, path: None, loops: Vec::new(), sack: None }],
    };
    let mut per_start: Vec<Vec<GObj>> = Vec::with_capacity(starts.len());
    for mut start in starts {
        start.sack = m.initial_sack(&start)?;
        let results = m.run(traversal, vec![start])?;
        machine::check_expansion(&results)?;
        per_start.push(results.into_iter().flat_map(|t| std::iter::repeat_n(t.obj, t.bulk as usize)).collect());
    }
    // Values are read once every step has run, so they show the traversal's own writes.
    let snapshot = ctx.snapshot();
    Ok(per_start.into_iter().map(|objs| objs.iter().map(|o| o.to_value(&snapshot)).collect()).collect())
}

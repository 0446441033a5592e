//! Drops projected columns nobody reads: a `WITH a, b, c` followed only by
//! uses of `a` need not compute `b` and `c` (nor read their properties).

use super::{OptimizerContext, OptimizerRule, Transformed};
use crate::expr::Expr;
use crate::plan::LogicalPlan;

pub struct PruneProjection;

impl OptimizerRule for PruneProjection {
    fn name(&self) -> &'static str {
        "prune_projection"
    }

    fn whole_plan(&self) -> bool {
        true
    }

    fn rewrite(&self, mut plan: LogicalPlan, _ctx: &OptimizerContext) -> Transformed {
        let changed = prune(&mut plan, None);
        Transformed { plan, changed }
    }
}

/// `required`: the variables the operators above read from `plan`'s output;
/// `None` means all of them.
fn prune(plan: &mut LogicalPlan, required: Option<&[String]>) -> bool {
    use LogicalPlan::*;
    let mut changed = false;
    if let (Project { items, discard: true, .. }, Some(req)) = (&mut *plan, required) {
        let before = items.len();
        items.retain(|(name, _)| req.contains(name));
        changed = items.len() != before;
    }
    // What this operator needs from its input.
    let needs: Option<Vec<String>> = match plan {
        Project { items, discard: true, .. } => Some(reads(items.iter().map(|(_, e)| e))),
        Aggregate { keys, aggregates, .. } => {
            let exprs = keys.iter().map(|(_, e)| e).chain(aggregates.iter().flat_map(|(_, a)| a.args.iter()));
            Some(reads(exprs))
        }
        _ => None,
    };
    match plan {
        Optional { input, inner } | SemiApply { input, inner, .. } => {
            changed |= prune(inner, None);
            changed |= prune(input, None);
        }
        Merge { input, pattern, .. } => {
            changed |= prune(pattern, None);
            changed |= prune(input, None);
        }
        Foreach { input, body, .. } => {
            changed |= prune(body, None);
            changed |= prune(input, None);
        }
        Union { left, right, .. } => {
            changed |= prune(left, None);
            changed |= prune(right, None);
        }
        Produce { input, columns } => {
            let cols = columns.clone();
            changed |= prune(input, Some(&cols));
        }
        other => {
            if let Some(input) = other.input_mut() {
                changed |= prune(input, needs.as_deref());
            }
        }
    }
    changed
}

fn reads<'a>(exprs: impl Iterator<Item = &'a Expr>) -> Vec<String> {
    let mut vars = Vec::new();
    for e in exprs {
        e.free_variables(&mut vars);
    }
    vars
}

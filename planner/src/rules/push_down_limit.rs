//! Moves LIMIT below projections: a projection keeps one row per input row,
//! so projecting only the rows that survive the limit gives the same answer.

use super::{OptimizerContext, OptimizerRule, Transformed};
use crate::plan::LogicalPlan;

pub struct PushDownLimit;

impl OptimizerRule for PushDownLimit {
    fn name(&self) -> &'static str {
        "push_down_limit"
    }

    fn rewrite(&self, plan: LogicalPlan, _ctx: &OptimizerContext) -> Transformed {
        let LogicalPlan::Limit { input, count } = plan else {
            return Transformed::no(plan);
        };
        match *input {
            LogicalPlan::Project { input: below, items, discard } if !items_read_subplans(&items) => {
                let limited = LogicalPlan::Limit { input: below, count };
                Transformed::yes(LogicalPlan::Project { input: Box::new(limited), items, discard })
            }
            other => Transformed::no(LogicalPlan::Limit { input: Box::new(other), count }),
        }
    }
}

/// Projections whose expressions run subqueries stay put: cheap to keep exact.
fn items_read_subplans(items: &[(String, crate::expr::Expr)]) -> bool {
    let mut found = false;
    for (_, e) in items {
        e.visit(&mut |x| found |= matches!(x, crate::expr::Expr::Exists(_) | crate::expr::Expr::Collect(..)));
    }
    found
}

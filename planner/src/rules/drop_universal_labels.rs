//! Drops a label test on the far end of an expand when every node of the
//! store has that label (statistics count them exactly): `(a)-->(b:Node)` on
//! a graph where all nodes are `Node` needs no per-row bitmap lookup. Only
//! when nothing below writes, since nodes this query creates are not counted.

use super::{OptimizerContext, OptimizerRule, Transformed};
use crate::expr::Expr;
use crate::plan::{ExpandMode, LogicalPlan};

pub struct DropUniversalLabels;

impl OptimizerRule for DropUniversalLabels {
    fn name(&self) -> &'static str {
        "drop_universal_labels"
    }

    fn rewrite(&self, plan: LogicalPlan, ctx: &OptimizerContext) -> Transformed {
        let LogicalPlan::Filter { input, predicate } = plan else { return Transformed::no(plan) };
        let target = match input.as_ref() {
            // The far end of an expand is a node, never null.
            LogicalPlan::Expand { to, mode: ExpandMode::All, .. } if !input.writes() => to.clone(),
            _ => return Transformed::no(LogicalPlan::Filter { input, predicate }),
        };
        let nodes = ctx.statistics.node_count;
        let universal = |labels: &[String]| {
            nodes > 0 && labels.iter().all(|l| ctx.statistics.label_counts.get(l).copied() == Some(nodes))
        };
        let parts = predicate.clone().conjuncts();
        let before = parts.len();
        let kept: Vec<Expr> = parts
            .into_iter()
            .filter(|p| !matches!(p, Expr::HasLabels(v, labels) if **v == Expr::var(&target) && universal(labels)))
            .collect();
        if kept.len() == before {
            return Transformed::no(LogicalPlan::Filter { input, predicate });
        }
        match Expr::and_all(kept) {
            Some(predicate) => Transformed::yes(LogicalPlan::Filter { input, predicate }),
            None => Transformed::yes(*input),
        }
    }
}

//! Moves each conjunct of a filter below operators that neither bind the
//! variables it reads nor change which rows it would see, so rows are
//! dropped as early as possible (ideally right after the scan or expand that
//! binds the last variable the predicate needs).

use super::{OptimizerContext, OptimizerRule, Transformed};
use crate::expr::Expr;
use crate::plan::LogicalPlan;

pub struct PushDownFilter;

/// Whether a filter may pass below this operator (it keeps or multiplies rows
/// independently of the predicate and has no side effects).
fn transparent(plan: &LogicalPlan) -> bool {
    matches!(
        plan,
        LogicalPlan::NodeScan { .. }
            | LogicalPlan::Expand { .. }
            | LogicalPlan::VarLengthExpand { .. }
            | LogicalPlan::ShortestPath { .. }
            | LogicalPlan::Filter { .. }
            | LogicalPlan::Unwind { .. }
            | LogicalPlan::Optional { .. }
            | LogicalPlan::Sort { .. }
            | LogicalPlan::Project { discard: false, .. }
            | LogicalPlan::ProcedureCall { .. }
    )
}

fn reads_only(pred: &Expr, available: &[String]) -> bool {
    let mut vars = Vec::new();
    pred.free_variables(&mut vars);
    vars.iter().all(|v| available.contains(v))
}

impl OptimizerRule for PushDownFilter {
    fn name(&self) -> &'static str {
        "push_down_filter"
    }

    fn rewrite(&self, plan: LogicalPlan, _ctx: &OptimizerContext) -> Transformed {
        let LogicalPlan::Filter { mut input, predicate } = plan else {
            return Transformed::no(plan);
        };
        if !transparent(&input) {
            return Transformed::no(LogicalPlan::Filter { input, predicate });
        }
        // A filter directly over a filter: merge, so conjuncts travel together.
        if let LogicalPlan::Filter { input: inner, predicate: p2 } = *input {
            let merged = Expr::binary(crate::expr::BinaryOp::And, p2, predicate);
            return Transformed::yes(LogicalPlan::Filter { input: inner, predicate: merged });
        }
        let below_schema = match input.input() {
            Some(i) => i.schema(),
            None => return Transformed::no(LogicalPlan::Filter { input, predicate }),
        };
        let (down, stay): (Vec<Expr>, Vec<Expr>) =
            predicate.conjuncts().into_iter().partition(|p| reads_only(p, &below_schema) && !reads_no_variables(p));
        if down.is_empty() {
            let predicate = Expr::and_all(stay).unwrap_or_else(|| Expr::lit(true));
            return Transformed::no(LogicalPlan::Filter { input, predicate });
        }
        if let (Some(slot), Some(pushed)) = (input.input_mut(), Expr::and_all(down)) {
            let below = std::mem::replace(slot.as_mut(), LogicalPlan::argument());
            **slot = LogicalPlan::Filter { input: Box::new(below), predicate: pushed };
        }
        let plan = match Expr::and_all(stay) {
            Some(p) => LogicalPlan::Filter { input, predicate: p },
            None => *input,
        };
        Transformed::yes(plan)
    }
}

/// Predicates that read no variables (e.g. `$flag`) stay where they are:
/// there is nothing to bind first, and at the plan's bottom they would loop.
fn reads_no_variables(p: &Expr) -> bool {
    let mut vars = Vec::new();
    p.free_variables(&mut vars);
    vars.is_empty()
}

//! Drops filters that are literally `true` and folds `true AND x` to `x`
//! (the lowering produces such predicates from empty property maps).

use plexus_storage::Value;

use super::{OptimizerContext, OptimizerRule, Transformed};
use crate::expr::{BinaryOp, Expr};
use crate::plan::LogicalPlan;

pub struct SimplifyBoolean;

fn simplify(e: Expr) -> Expr {
    match e {
        Expr::Binary(BinaryOp::And, l, r) => match (simplify(*l), simplify(*r)) {
            (Expr::Literal(Value::Boolean(true)), x) | (x, Expr::Literal(Value::Boolean(true))) => x,
            (l, r) => Expr::binary(BinaryOp::And, l, r),
        },
        e => e,
    }
}

impl OptimizerRule for SimplifyBoolean {
    fn name(&self) -> &'static str {
        "simplify_boolean"
    }

    fn rewrite(&self, plan: LogicalPlan, _ctx: &OptimizerContext) -> Transformed {
        match plan {
            LogicalPlan::Filter { input, predicate } => {
                let before = predicate.clone();
                match simplify(predicate) {
                    Expr::Literal(Value::Boolean(true)) => Transformed::yes(*input),
                    p => {
                        let changed = p != before;
                        Transformed { plan: LogicalPlan::Filter { input, predicate: p }, changed }
                    }
                }
            }
            other => Transformed::no(other),
        }
    }
}

//! FOREACH: runs its update clauses once per list element, per row.

use arrow_array::UInt32Array;
use plexus_planner::{Expr, LogicalPlan};
use plexus_storage::{Error, Result, Value};

use super::subplan::run;
use super::{drain_once, Operator};
use crate::batch::Batch;
use crate::context::ExecContext;
use crate::eval::Evaluator;

pub struct ForeachOp {
    input: Box<dyn Operator>,
    variable: String,
    list: Expr,
    body: LogicalPlan,
    done: bool,
}

impl ForeachOp {
    pub fn new(input: Box<dyn Operator>, variable: String, list: Expr, body: LogicalPlan) -> Self {
        ForeachOp { input, variable, list, body, done: false }
    }
}

impl Operator for ForeachOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(all) = drain_once(&mut self.done, self.input.as_mut(), ctx)? else { return Ok(None) };
        let lists = ctx.column_values(&Evaluator::new(ctx).column(&self.list, &all)?);
        for (i, list) in lists.into_iter().enumerate() {
            let items = match list {
                Value::Null => continue,
                Value::List(items) => items,
                other => {
                    return Err(Error::type_error(
                        "InvalidArgumentType",
                        format!("FOREACH expects a list, got {}", other.type_name()),
                    ))
                }
            };
            let row = all.take(&UInt32Array::from(vec![i as u32]))?;
            for item in items {
                let arg = row.clone().with_column(&self.variable, crate::ops::values_to_column(vec![item]));
                run(&self.body, &arg, ctx)?;
            }
        }
        Ok(Some(all))
    }
}

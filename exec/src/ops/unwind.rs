//! UNWIND: one row per list element; null and empty lists give no rows, a
//! non-list value gives one row with itself.

use arrow_array::UInt32Array;
use plexus_planner::Expr;
use plexus_storage::{Result, Value};

use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;
use crate::eval::Evaluator;

pub struct UnwindOp {
    input: Box<dyn Operator>,
    expr: Expr,
    variable: String,
}

impl UnwindOp {
    pub fn new(input: Box<dyn Operator>, expr: Expr, variable: String) -> Self {
        UnwindOp { input, expr, variable }
    }
}

impl Operator for UnwindOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        let eval = Evaluator::new(ctx);
        let lists = ctx.column_values(&eval.column(&self.expr, &batch)?);
        let mut rows = Vec::new();
        let mut items = Vec::new();
        for (i, v) in lists.into_iter().enumerate() {
            match v {
                Value::Null => {}
                Value::List(list) => {
                    for item in list {
                        rows.push(i as u32);
                        items.push(item);
                    }
                }
                other => {
                    rows.push(i as u32);
                    items.push(other);
                }
            }
        }
        let out = batch.take(&UInt32Array::from(rows))?;
        Ok(Some(out.with_column(&self.variable, crate::ops::values_to_column(items))))
    }
}

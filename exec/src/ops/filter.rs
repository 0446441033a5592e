//! Keeps the rows for which a predicate is true (null and false drop the row).

use plexus_planner::Expr;
use plexus_storage::Result;

use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;
use crate::eval::Evaluator;

pub struct FilterOp {
    input: Box<dyn Operator>,
    predicate: Expr,
}

impl FilterOp {
    pub fn new(input: Box<dyn Operator>, predicate: Expr) -> Self {
        FilterOp { input, predicate }
    }
}

impl Operator for FilterOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        if batch.is_empty() {
            return Ok(Some(batch));
        }
        let mask = Evaluator::new(ctx).predicate(&self.predicate, &batch)?;
        Ok(Some(batch.filter(&mask)?))
    }
}

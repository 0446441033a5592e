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
        filter_batch(&self.predicate, batch, ctx).map(Some)
    }
}

/// The rows of `batch` for which `predicate` is true.
pub fn filter_batch(predicate: &Expr, batch: Batch, ctx: &ExecContext) -> Result<Batch> {
    if batch.is_empty() {
        return Ok(batch);
    }
    let mask = Evaluator::new(ctx).predicate(predicate, &batch)?;
    batch.filter(&mask)
}

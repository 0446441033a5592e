//! Keeps input rows for which a subplan finds (or, negated, does not find) a row.

use arrow_array::BooleanArray;
use plexus_planner::LogicalPlan;
use plexus_storage::Result;

use super::subplan::rows_with_matches;
use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;

pub struct SemiApplyOp {
    input: Box<dyn Operator>,
    inner: LogicalPlan,
    negated: bool,
}

impl SemiApplyOp {
    pub fn new(input: Box<dyn Operator>, inner: LogicalPlan, negated: bool) -> Self {
        SemiApplyOp { input, inner, negated }
    }
}

impl Operator for SemiApplyOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        if batch.is_empty() {
            return Ok(Some(batch));
        }
        let hits = rows_with_matches(&self.inner, &batch, ctx)?;
        let mask: BooleanArray = hits.into_iter().map(|h| Some(h != self.negated)).collect();
        Ok(Some(batch.filter(&mask)?))
    }
}

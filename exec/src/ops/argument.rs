//! Yields the argument rows once: the outer row(s) of an apply, or the one
//! empty row a top-level plan starts from.

use plexus_storage::Result;

use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;

pub struct ArgumentOp {
    batch: Option<Batch>,
}

impl ArgumentOp {
    pub fn new(batch: Batch) -> Self {
        ArgumentOp { batch: Some(batch) }
    }
}

impl Operator for ArgumentOp {
    fn next(&mut self, _ctx: &ExecContext) -> Result<Option<Batch>> {
        Ok(self.batch.take())
    }
}

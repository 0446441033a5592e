//! The query guard between operators: before each batch the query must not
//! be cancelled or past its deadline, and each batch must fit its memory cap.

use plexus_storage::Result;

use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;
use crate::guard::batch_bytes;

pub struct GuardedOp {
    inner: Box<dyn Operator>,
}

impl GuardedOp {
    pub fn new(inner: Box<dyn Operator>) -> Self {
        GuardedOp { inner }
    }
}

impl Operator for GuardedOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        ctx.guard().check()?;
        let out = self.inner.next(ctx)?;
        if let Some(batch) = &out {
            ctx.guard().admit(batch_bytes(batch))?;
        }
        Ok(out)
    }
}

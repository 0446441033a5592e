//! PROFILE: counts rows and time of the wrapped operator into its slot.

use std::time::Instant;

use plexus_storage::Result;

use super::{Operator, ProfileSlots};
use crate::batch::Batch;
use crate::context::ExecContext;

pub struct ProfiledOp {
    inner: Box<dyn Operator>,
    slots: ProfileSlots,
    slot: usize,
}

impl ProfiledOp {
    pub fn new(inner: Box<dyn Operator>, slots: ProfileSlots, slot: usize) -> Self {
        ProfiledOp { inner, slots, slot }
    }
}

impl Operator for ProfiledOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let start = Instant::now();
        let out = self.inner.next(ctx)?;
        let elapsed = start.elapsed().as_nanos() as u64;
        // Time includes the children; EXPLAIN shows it as inclusive time.
        super::record_profile(&self.slots, self.slot, out.as_ref().map_or(0, |b| b.len as u64), elapsed);
        Ok(out)
    }
}

//! UNION ALL streams both sides; UNION also removes duplicates.

use std::collections::HashSet;

use arrow_array::UInt32Array;
use plexus_storage::value::GroupKey;
use plexus_storage::Result;

use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;

pub struct UnionOp {
    left: Box<dyn Operator>,
    right: Box<dyn Operator>,
    left_done: bool,
    all: bool,
    columns: Vec<String>,
    seen: HashSet<Vec<GroupKey>>,
}

impl UnionOp {
    pub fn new(left: Box<dyn Operator>, right: Box<dyn Operator>, all: bool, columns: Vec<String>) -> Self {
        UnionOp { left, right, left_done: false, all, columns, seen: HashSet::new() }
    }
}

impl Operator for UnionOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let mut batch = None;
        if !self.left_done {
            batch = self.left.next(ctx)?;
            self.left_done = batch.is_none();
        }
        if batch.is_none() {
            batch = self.right.next(ctx)?;
        }
        let Some(batch) = batch else { return Ok(None) };
        let batch = batch.project(&self.columns)?;
        if self.all {
            return Ok(Some(batch));
        }
        let columns: Vec<_> = batch.columns.iter().map(|c| ctx.column_values(c)).collect();
        let keep: Vec<u32> = (0..batch.len)
            .filter(|&row| self.seen.insert(columns.iter().map(|c| GroupKey(c[row].clone())).collect()))
            .map(|r| r as u32)
            .collect();
        Ok(Some(batch.take(&UInt32Array::from(keep))?))
    }
}

//! DISTINCT over all columns, by Cypher equivalence; first occurrence wins.

use std::collections::HashSet;

use arrow_array::UInt32Array;
use plexus_storage::value::GroupKey;
use plexus_storage::Result;

use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;

pub struct DistinctOp {
    input: Box<dyn Operator>,
    seen: HashSet<Vec<GroupKey>>,
}

impl DistinctOp {
    pub fn new(input: Box<dyn Operator>) -> Self {
        DistinctOp { input, seen: HashSet::new() }
    }
}

impl Operator for DistinctOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        let columns: Vec<_> = batch.columns.iter().map(|c| ctx.column_values(c)).collect();
        let mut keep = Vec::new();
        for row in 0..batch.len {
            let key: Vec<GroupKey> = columns.iter().map(|c| GroupKey(c[row].clone())).collect();
            if self.seen.insert(key) {
                keep.push(row as u32);
            }
        }
        Ok(Some(batch.take(&UInt32Array::from(keep))?))
    }
}

//! Runs a Gremlin traversal for every input row (eagerly: side effects such as
//! `aggregate` see all rows) and binds each result to the output column.

use arrow_array::UInt32Array;
use plexus_planner::gremlin::GTraversal;
use plexus_storage::Result;

use super::{drain_once, values_to_column, Operator};
use crate::batch::Batch;
use crate::context::ExecContext;

pub struct GremlinTraversalOp {
    input: Box<dyn Operator>,
    start: Option<String>,
    traversal: GTraversal,
    output: String,
    done: bool,
}

impl GremlinTraversalOp {
    pub fn new(input: Box<dyn Operator>, start: Option<String>, traversal: GTraversal, output: String) -> Self {
        GremlinTraversalOp { input, start, traversal, output, done: false }
    }
}

impl Operator for GremlinTraversalOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = drain_once(&mut self.done, self.input.as_mut(), ctx)? else { return Ok(None) };
        let results = match &self.start {
            Some(column) => {
                let starts = ctx.column_values(batch.column(column)?);
                crate::gremlin::run(ctx, &self.traversal, Some(starts))?
            }
            None => {
                let mut all = Vec::new();
                for _ in 0..batch.len {
                    all.extend(crate::gremlin::run(ctx, &self.traversal, None)?);
                }
                all
            }
        };
        let mut indices = Vec::new();
        let mut values = Vec::new();
        for (row, objs) in results.into_iter().enumerate() {
            for v in objs {
                indices.push(row as u32);
                values.push(v);
            }
        }
        let taken = batch.take(&UInt32Array::from(indices))?;
        Ok(Some(taken.with_column(&self.output, values_to_column(values))))
    }
}

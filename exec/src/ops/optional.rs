//! OPTIONAL MATCH as a left outer apply: the inner plan runs over the whole
//! input batch at once; input rows it found nothing for come out once with
//! the new variables null.

use plexus_planner::LogicalPlan;
use plexus_storage::Result;

use super::sort::concat_batches;
use super::subplan::{arg_column_name, null_extended, number_rows, outer_rows, run};
use super::Operator;
use crate::batch::{Batch, Column};
use crate::context::ExecContext;

pub struct OptionalOp {
    input: Box<dyn Operator>,
    inner: LogicalPlan,
}

impl OptionalOp {
    pub fn new(input: Box<dyn Operator>, inner: LogicalPlan) -> Self {
        OptionalOp { input, inner }
    }
}

impl Operator for OptionalOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        if batch.is_empty() {
            return Ok(Some(batch));
        }
        let name = arg_column_name();
        let results = run(&self.inner, &number_rows(&batch, &name), ctx)?;
        let mut matched = vec![false; batch.len];
        for rows in outer_rows(&results, &name)? {
            for r in rows {
                matched[r as usize] = true;
            }
        }
        // New variables and their kinds, from the inner plan's output.
        let new: Vec<(String, Column)> = match results.first() {
            Some(b) => b
                .names
                .iter()
                .zip(&b.columns)
                .filter(|(n, _)| batch.index_of(n).is_none() && **n != name)
                .map(|(n, c)| (n.clone(), c.clone()))
                .collect(),
            None => self
                .inner
                .schema()
                .into_iter()
                .filter(|n| batch.index_of(n).is_none())
                .map(|n| (n, Column::nulls(0)))
                .collect(),
        };
        let unmatched: Vec<u32> = (0..batch.len as u32).filter(|&i| !matched[i as usize]).collect();
        let mut parts: Vec<Batch> = Vec::new();
        let out_names: Vec<String> = batch.names.iter().cloned().chain(new.iter().map(|(n, _)| n.clone())).collect();
        for r in results {
            parts.push(r.project(&out_names)?);
        }
        if !unmatched.is_empty() {
            parts.push(null_extended(&batch, unmatched, &new)?.project(&out_names)?);
        }
        Ok(Some(concat_batches(parts, ctx)?.unwrap_or_else(|| Batch::empty(out_names))))
    }
}

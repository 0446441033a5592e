//! MERGE: for each input row, in order (a later row must see what an
//! earlier row created), match the pattern; if nothing matches, create it.

use arrow_array::UInt32Array;
use plexus_planner::plan::{CreateElement, SetOperation};
use plexus_planner::LogicalPlan;
use plexus_storage::Result;

use super::create::{create_row, row_env, with_created};
use super::sort::concat_batches;
use super::subplan::run;
use super::{drain_once, set, Operator};
use crate::batch::Batch;
use crate::context::ExecContext;

pub struct MergeOp {
    input: Box<dyn Operator>,
    pattern: LogicalPlan,
    create: Vec<CreateElement>,
    on_create: Vec<SetOperation>,
    on_match: Vec<SetOperation>,
    done: bool,
}

impl MergeOp {
    pub fn new(
        input: Box<dyn Operator>,
        pattern: LogicalPlan,
        create: Vec<CreateElement>,
        on_create: Vec<SetOperation>,
        on_match: Vec<SetOperation>,
    ) -> Self {
        MergeOp { input, pattern, create, on_create, on_match, done: false }
    }
}

impl Operator for MergeOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(all) = drain_once(&mut self.done, self.input.as_mut(), ctx)? else { return Ok(None) };
        let mut out_names: Vec<String> = all.names.to_vec();
        for v in self.pattern.schema() {
            if !out_names.contains(&v) {
                out_names.push(v);
            }
        }
        let mut parts = Vec::new();
        for i in 0..all.len {
            let row = all.take(&UInt32Array::from(vec![i as u32]))?;
            let found = run(&self.pattern, &row, ctx)?;
            if found.iter().any(|b| !b.is_empty()) {
                for b in found {
                    for j in 0..b.len {
                        let mut env = row_env(&b, j, ctx);
                        for op in &self.on_match {
                            set::apply(op, &mut env, ctx)?;
                        }
                    }
                    parts.push(b.project(&out_names)?);
                }
            } else {
                let mut env = row_env(&row, 0, ctx);
                let created = create_row(&self.create, &mut env, ctx, true)?;
                for op in &self.on_create {
                    set::apply(op, &mut env, ctx)?;
                }
                parts.push(with_created(row, &self.create, vec![created]).project(&out_names)?);
            }
        }
        concat_batches(parts, ctx)
    }
}

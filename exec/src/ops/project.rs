//! Computes named expressions; with `discard`, only they survive (WITH/RETURN).

use plexus_planner::Expr;
use plexus_storage::Result;

use super::Operator;
use crate::batch::{Batch, Column};
use crate::context::ExecContext;
use crate::eval::Evaluator;

pub struct ProjectOp {
    input: Box<dyn Operator>,
    items: Vec<(String, Expr)>,
    discard: bool,
}

impl ProjectOp {
    pub fn new(input: Box<dyn Operator>, items: Vec<(String, Expr)>, discard: bool) -> Self {
        ProjectOp { input, items, discard }
    }
}

impl Operator for ProjectOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        project_batch(&self.items, self.discard, batch, ctx).map(Some)
    }
}

/// Compute `items` for every row of `batch`.
pub fn project_batch(items: &[(String, Expr)], discard: bool, batch: Batch, ctx: &ExecContext) -> Result<Batch> {
    let eval = Evaluator::new(ctx);
    let computed: Vec<(String, Column)> =
        items.iter().map(|(name, e)| Ok((name.clone(), eval.column(e, &batch)?))).collect::<Result<_>>()?;
    let mut out = if discard {
        // Hidden apply row numbers survive, so an enclosing apply can match rows up.
        let hidden: Vec<String> = batch.names.iter().filter(|n| n.starts_with("__arg")).cloned().collect();
        batch.project(&hidden)?
    } else {
        batch
    };
    for (name, col) in computed {
        out = out.with_column(&name, col);
    }
    Ok(out)
}

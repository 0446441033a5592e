//! SKIP and LIMIT. The count is evaluated once, must be a non-negative integer.

use arrow_array::UInt32Array;
use plexus_planner::Expr;
use plexus_storage::{Error, Result, Value};

use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;
use crate::eval::{Evaluated, Evaluator};

pub struct SkipLimitOp {
    input: Box<dyn Operator>,
    count: Expr,
    is_limit: bool,
    remaining: Option<u64>,
    /// Writes below a LIMIT happen even for rows the limit drops.
    input_writes: bool,
}

impl SkipLimitOp {
    pub fn skip(input: Box<dyn Operator>, count: Expr) -> Self {
        SkipLimitOp { input, count, is_limit: false, remaining: None, input_writes: false }
    }

    pub fn limit(input: Box<dyn Operator>, count: Expr, input_writes: bool) -> Self {
        SkipLimitOp { input, count, is_limit: true, remaining: None, input_writes }
    }

    fn resolve(&self, ctx: &ExecContext) -> Result<u64> {
        let what = if self.is_limit { "LIMIT" } else { "SKIP" };
        let v = match Evaluator::new(ctx).eval(&self.count, &Batch::unit())? {
            Evaluated::Scalar(v) => v,
            Evaluated::Column(c) => c.scalar_at(0).unwrap_or(Value::Null),
        };
        match v {
            Value::Integer(i) if i >= 0 => Ok(i as u64),
            // The TCK files bad counts under SyntaxError even when a parameter reveals them at run time.
            Value::Integer(_) => Err(runtime_syntax("NegativeIntegerArgument", format!("{what} must be non-negative"))),
            other => Err(runtime_syntax("InvalidArgumentType", format!("{what} must be an integer, got {other}"))),
        }
    }
}

fn runtime_syntax(detail: &'static str, message: String) -> Error {
    Error::semantic(detail, message).in_phase(plexus_storage::Phase::Runtime)
}

impl Operator for SkipLimitOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        if self.remaining.is_none() {
            self.remaining = Some(self.resolve(ctx)?);
        }
        let remaining = self.remaining.unwrap_or(0);
        if self.is_limit && remaining == 0 {
            if self.input_writes {
                while self.input.next(ctx)?.is_some() {}
                self.input_writes = false;
            }
            return Ok(None);
        }
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        let n = batch.len as u64;
        if self.is_limit {
            let keep = n.min(remaining);
            self.remaining = Some(remaining - keep);
            if keep == n {
                return Ok(Some(batch));
            }
            return Ok(Some(batch.take(&UInt32Array::from_iter_values(0..keep as u32))?));
        }
        if remaining == 0 {
            return Ok(Some(batch));
        }
        let drop = n.min(remaining);
        self.remaining = Some(remaining - drop);
        Ok(Some(batch.take(&UInt32Array::from_iter_values(drop as u32..n as u32))?))
    }
}

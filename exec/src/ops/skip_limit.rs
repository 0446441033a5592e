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
}

impl SkipLimitOp {
    pub fn skip(input: Box<dyn Operator>, count: Expr) -> Self {
        SkipLimitOp { input, count, is_limit: false, remaining: None }
    }

    pub fn limit(input: Box<dyn Operator>, count: Expr) -> Self {
        SkipLimitOp { input, count, is_limit: true, remaining: None }
    }

    fn resolve(&self, ctx: &ExecContext) -> Result<u64> {
        let what = if self.is_limit { "LIMIT" } else { "SKIP" };
        let v = match Evaluator::new(ctx).eval(&self.count, &Batch::unit())? {
            Evaluated::Scalar(v) => v,
            Evaluated::Column(c) => c.scalar_at(0).unwrap_or(Value::Null),
        };
        match v {
            Value::Integer(i) if i >= 0 => Ok(i as u64),
            Value::Integer(_) => Err(Error::argument("NegativeIntegerArgument", format!("{what} must be non-negative"))),
            Value::Float(f) if f.fract() == 0.0 && f >= 0.0 => {
                Err(Error::argument("InvalidArgumentType", format!("{what} must be an integer, got {f}")))
            }
            other => Err(Error::argument("InvalidArgumentType", format!("{what} must be an integer, got {other}"))),
        }
    }
}

impl Operator for SkipLimitOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        if self.remaining.is_none() {
            self.remaining = Some(self.resolve(ctx)?);
        }
        let remaining = self.remaining.unwrap_or(0);
        if self.is_limit && remaining == 0 {
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

//! CALL: runs a procedure once per input row (through the context's
//! `ProcedureRegistry`) and extends the row with each row it returns. A void
//! procedure (no outputs) keeps every input row once.

use arrow_array::UInt32Array;
use plexus_planner::Expr;
use plexus_storage::{Error, Result, Value};

use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;
use crate::eval::Evaluator;

pub struct ProcedureCallOp {
    input: Box<dyn Operator>,
    procedure: String,
    args: Vec<Expr>,
    /// Index into the procedure's output row, and the variable it binds.
    yields: Vec<(usize, String)>,
    void: bool,
}

impl ProcedureCallOp {
    pub fn new(
        input: Box<dyn Operator>,
        procedure: String,
        args: Vec<Expr>,
        outputs: &[String],
        yields: &[(String, String)],
    ) -> Result<Self> {
        let yields = yields
            .iter()
            .map(|(field, variable)| {
                outputs
                    .iter()
                    .position(|o| o == field)
                    .map(|i| (i, variable.clone()))
                    .ok_or_else(|| Error::internal(format!("procedure `{procedure}` has no output `{field}`")))
            })
            .collect::<Result<_>>()?;
        Ok(ProcedureCallOp { input, procedure, args, yields, void: outputs.is_empty() })
    }
}

impl Operator for ProcedureCallOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        let eval = Evaluator::new(ctx);
        let arg_columns =
            self.args.iter().map(|a| Ok(ctx.column_values(&eval.column(a, &batch)?))).collect::<Result<Vec<_>>>()?;
        let mut rows = Vec::new();
        let mut outputs: Vec<Vec<Value>> = vec![Vec::new(); self.yields.len()];
        for i in 0..batch.len {
            let args: Vec<Value> = arg_columns.iter().map(|c| c[i].clone()).collect();
            let results = ctx.call_procedure(&self.procedure, &args)?;
            if self.void {
                continue;
            }
            for result in results {
                rows.push(i as u32);
                for ((index, _), out) in self.yields.iter().zip(outputs.iter_mut()) {
                    let value = result.get(*index).cloned().ok_or_else(|| {
                        Error::internal(format!("procedure `{}` returned a row without output {index}", self.procedure))
                    })?;
                    out.push(value);
                }
            }
        }
        if self.void {
            return Ok(Some(batch));
        }
        let mut out = batch.take(&UInt32Array::from(rows))?;
        for ((_, variable), values) in self.yields.iter().zip(outputs) {
            out = out.with_column(variable, crate::ops::values_to_column(values));
        }
        Ok(Some(out))
    }
}

//! ORDER BY: gathers all rows, then sorts by the keys with Cypher's total
//! order across types (stable, so ties keep their input order).

use arrow_array::UInt32Array;
use plexus_planner::plan::SortKey;
use plexus_storage::{Result, Value};

use super::{drain_once, Operator};
use crate::batch::{Batch, Column};
use crate::context::ExecContext;
use crate::eval::Evaluator;

pub struct SortOp {
    input: Box<dyn Operator>,
    keys: Vec<SortKey>,
    done: bool,
}

impl SortOp {
    pub fn new(input: Box<dyn Operator>, keys: Vec<SortKey>) -> Self {
        SortOp { input, keys, done: false }
    }
}

/// Concatenate batches with the same columns into one.
pub fn concat_batches(batches: Vec<Batch>, ctx: &ExecContext) -> Result<Option<Batch>> {
    let Some(first) = batches.first() else { return Ok(None) };
    let names = first.names.clone();
    let len = batches.iter().map(|b| b.len).sum();
    let mut columns = Vec::with_capacity(names.len());
    for name in names.iter() {
        let parts: Vec<Column> = batches.iter().map(|b| b.column(name).cloned()).collect::<Result<_>>()?;
        columns.push(Column::concat(&parts, &|c| ctx.column_values(c))?);
    }
    Ok(Some(Batch { names, columns, len }))
}

impl Operator for SortOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(all) = drain_once(&mut self.done, self.input.as_mut(), ctx)? else { return Ok(None) };
        let eval = Evaluator::new(ctx);
        let keys: Vec<Vec<Value>> =
            self.keys.iter().map(|k| Ok(ctx.column_values(&eval.column(&k.expr, &all)?))).collect::<Result<_>>()?;
        let mut order: Vec<u32> = (0..all.len as u32).collect();
        order.sort_by(|&a, &b| {
            for (k, spec) in keys.iter().zip(&self.keys) {
                let o = k[a as usize].order_cmp(&k[b as usize]);
                let o = if spec.descending { o.reverse() } else { o };
                if o.is_ne() {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        Ok(Some(all.take(&UInt32Array::from(order))?))
    }
}

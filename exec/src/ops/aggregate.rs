//! Hash aggregation: groups by the key values (Cypher equivalence, so null
//! groups with null) and keeps groups in first-seen order. Without keys it
//! yields exactly one row, even for empty input.

use std::collections::HashMap;

use plexus_planner::{AggregateExpr, AggregateFunction, Expr};
use plexus_storage::value::GroupKey;
use plexus_storage::{Result, Value};

use super::Operator;
use crate::batch::{Batch, Column};
use crate::context::ExecContext;
use crate::eval::Evaluator;
use crate::scalar::aggregate::{Accumulator, AggKind};

pub struct AggregateOp {
    input: Box<dyn Operator>,
    keys: Vec<(String, Expr)>,
    aggregates: Vec<(String, AggregateExpr)>,
    done: bool,
}

impl AggregateOp {
    pub fn new(input: Box<dyn Operator>, keys: Vec<(String, Expr)>, aggregates: Vec<(String, AggregateExpr)>) -> Self {
        AggregateOp { input, keys, aggregates, done: false }
    }

    fn new_accumulators(&self, ctx: &ExecContext, batch: &Batch) -> Result<Vec<Accumulator>> {
        self.aggregates
            .iter()
            .map(|(_, a)| {
                // Percentile arguments are constants; read them from the first row.
                match a.args.get(1) {
                    Some(p) => Accumulator::new_percentile(kind(a.function), a.distinct, &first_value(ctx, p, batch)?),
                    None => Ok(Accumulator::new(kind(a.function), a.distinct)),
                }
            })
            .collect()
    }
}

fn first_value(ctx: &ExecContext, e: &Expr, batch: &Batch) -> Result<Value> {
    let eval = Evaluator::new(ctx);
    let one = if batch.len > 0 { batch.take(&arrow_array::UInt32Array::from(vec![0]))? } else { Batch::unit() };
    let col = eval.column(e, &one)?;
    Ok(ctx.value_at(&col, 0, &eval.snapshot))
}

fn kind(f: AggregateFunction) -> AggKind {
    match f {
        AggregateFunction::CountStar | AggregateFunction::Count => AggKind::Count,
        AggregateFunction::Sum => AggKind::Sum,
        AggregateFunction::Avg => AggKind::Avg,
        AggregateFunction::Min => AggKind::Min,
        AggregateFunction::Max => AggKind::Max,
        AggregateFunction::Collect => AggKind::Collect,
        AggregateFunction::StDev => AggKind::StDev,
        AggregateFunction::StDevP => AggKind::StDevP,
        AggregateFunction::PercentileCont => AggKind::PercentileCont,
        AggregateFunction::PercentileDisc => AggKind::PercentileDisc,
    }
}

impl Operator for AggregateOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        let mut index: HashMap<Vec<GroupKey>, usize> = HashMap::new();
        let mut groups: Vec<(Vec<Value>, Vec<Accumulator>)> = Vec::new();
        let mut last_batch = Batch::unit();
        while let Some(batch) = self.input.next(ctx)? {
            if batch.is_empty() {
                continue;
            }
            let eval = Evaluator::new(ctx);
            let key_cols = self.keys.iter().map(|(_, e)| eval.column(e, &batch)).collect::<Result<Vec<_>>>()?;
            let arg_cols: Vec<Option<Column>> = self
                .aggregates
                .iter()
                .map(|(_, a)| a.args.first().map(|e| eval.column(e, &batch)).transpose())
                .collect::<Result<_>>()?;
            let key_values: Vec<Vec<Value>> = key_cols.iter().map(|c| ctx.column_values(c)).collect();
            let arg_values: Vec<Option<Vec<Value>>> = arg_cols.iter().map(|c| c.as_ref().map(|c| ctx.column_values(c))).collect();
            for row in 0..batch.len {
                let key: Vec<Value> = key_values.iter().map(|k| k[row].clone()).collect();
                let gk: Vec<GroupKey> = key.iter().cloned().map(GroupKey).collect();
                let g = match index.get(&gk) {
                    Some(&g) => g,
                    None => {
                        groups.push((key, self.new_accumulators(ctx, &batch)?));
                        index.insert(gk, groups.len() - 1);
                        groups.len() - 1
                    }
                };
                for (a, (_, agg)) in self.aggregates.iter().enumerate() {
                    let acc = &mut groups[g].1[a];
                    match &arg_values[a] {
                        Some(values) => acc.update(&values[row])?,
                        // count(*) counts rows: any non-null stand-in will do.
                        None => {
                            debug_assert_eq!(agg.function, AggregateFunction::CountStar);
                            acc.update(&Value::Boolean(true))?
                        }
                    }
                }
            }
            last_batch = batch;
        }
        if groups.is_empty() && self.keys.is_empty() {
            groups.push((Vec::new(), self.new_accumulators(ctx, &last_batch)?));
        }
        let len = groups.len();
        let mut key_columns: Vec<Vec<Value>> = vec![Vec::with_capacity(len); self.keys.len()];
        let mut agg_columns: Vec<Vec<Value>> = vec![Vec::with_capacity(len); self.aggregates.len()];
        for (key, accs) in groups {
            for (i, v) in key.into_iter().enumerate() {
                key_columns[i].push(v);
            }
            for (i, acc) in accs.into_iter().enumerate() {
                agg_columns[i].push(acc.finish()?);
            }
        }
        let names: Vec<String> =
            self.keys.iter().map(|(n, _)| n.clone()).chain(self.aggregates.iter().map(|(n, _)| n.clone())).collect();
        let columns = key_columns.into_iter().chain(agg_columns).map(crate::ops::values_to_column).collect();
        Ok(Some(Batch::new(names, columns, len)))
    }
}

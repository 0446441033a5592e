//! Hash aggregation: groups by the key values (Cypher equivalence, so null
//! groups with null) and keeps groups in first-seen order. Without keys it
//! yields exactly one row, even for empty input. Node and relationship keys
//! group by id, without materializing the entity.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use plexus_planner::{AggregateExpr, AggregateFunction, Expr};
use plexus_storage::value::GroupKey;
use plexus_storage::{Result, Value};
use rayon::prelude::*;
use rustc_hash::FxHasher;

use super::Operator;
use crate::batch::{Batch, Column};
use crate::context::ExecContext;
use crate::eval::Evaluator;
use crate::scalar::aggregate::Accumulator;

pub struct AggregateOp {
    input: Box<dyn Operator>,
    keys: Vec<(String, Expr)>,
    aggregates: Vec<(String, AggregateExpr)>,
    done: bool,
}

/// An aggregate's input for one batch.
enum Arg {
    /// `count(*)`: every row counts.
    Rows,
    /// `count(x)`: whether each row's value is non-null.
    NonNull(Vec<bool>),
    Values(Vec<Value>),
}

/// One grouping key value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum KeyPart {
    Node(Option<u64>),
    Rel(Option<u64>),
    Value(GroupKey),
}

impl AggregateOp {
    pub fn new(input: Box<dyn Operator>, keys: Vec<(String, Expr)>, aggregates: Vec<(String, AggregateExpr)>) -> Self {
        AggregateOp { input, keys, aggregates, done: false }
    }
}

/// Fresh accumulators for a new group.
fn new_accumulators(
    aggregates: &[(String, AggregateExpr)],
    ctx: &ExecContext,
    batch: &Batch,
) -> Result<Vec<Accumulator>> {
    aggregates
        .iter()
        .map(|(_, a)| {
            // Percentile arguments are constants; read them from the first row.
            match a.args.get(1) {
                Some(p) => Accumulator::new_percentile(a.function, a.distinct, &first_value(ctx, p, batch)?),
                None => Ok(Accumulator::new(a.function, a.distinct)),
            }
        })
        .collect()
}

fn first_value(ctx: &ExecContext, e: &Expr, batch: &Batch) -> Result<Value> {
    let eval = Evaluator::new(ctx);
    let one = if batch.len > 0 { batch.take(&arrow_array::UInt32Array::from(vec![0]))? } else { Batch::unit() };
    let col = eval.column(e, &one)?;
    Ok(ctx.value_at(&col, 0, &eval.snapshot))
}

/// The key parts of every row of a key column.
fn key_parts(column: &Column, ctx: &ExecContext) -> Vec<KeyPart> {
    match column {
        Column::Nodes(ids) => ids.iter().map(KeyPart::Node).collect(),
        Column::Rels(ids) => ids.iter().map(KeyPart::Rel).collect(),
        other => ctx.column_values(other).into_iter().map(|v| KeyPart::Value(GroupKey(v))).collect(),
    }
}

/// Output column for one key position.
fn key_column(parts: Vec<KeyPart>) -> Column {
    if !parts.is_empty() && parts.iter().all(|p| matches!(p, KeyPart::Node(_))) {
        return Column::Nodes(parts.iter().map(|p| if let KeyPart::Node(id) = p { *id } else { None }).collect());
    }
    if !parts.is_empty() && parts.iter().all(|p| matches!(p, KeyPart::Rel(_))) {
        return Column::Rels(parts.iter().map(|p| if let KeyPart::Rel(id) = p { *id } else { None }).collect());
    }
    let values = parts
        .into_iter()
        .map(|p| match p {
            KeyPart::Value(GroupKey(v)) => v,
            // A key column has one kind, so entities never mix with values here.
            KeyPart::Node(_) | KeyPart::Rel(_) => Value::Null,
        })
        .collect();
    Column::values(values)
}

/// What an aggregation computes, shareable across threads.
struct AggregateSpec<'a> {
    keys: &'a [(String, Expr)],
    aggregates: &'a [(String, AggregateExpr)],
}

/// Groups in first-seen order with their accumulators.
#[derive(Default)]
struct GroupTable {
    index: HashMap<Vec<KeyPart>, usize, BuildHasherDefault<FxHasher>>,
    groups: Vec<(Vec<KeyPart>, Vec<Accumulator>)>,
}

impl GroupTable {
    /// Feed one batch into the table.
    fn absorb(&mut self, op: &AggregateSpec, batch: &Batch, ctx: &ExecContext) -> Result<()> {
        let eval = Evaluator::new(ctx);
        let key_cols: Vec<Vec<KeyPart>> =
            op.keys.iter().map(|(_, e)| Ok(key_parts(&eval.column(e, batch)?, ctx))).collect::<Result<_>>()?;
        let arg_columns: Vec<Option<Column>> = op
            .aggregates
            .iter()
            .map(|(_, a)| a.args.first().map(|e| eval.column(e, batch)).transpose())
            .collect::<Result<_>>()?;
        // Plain count() needs only nulls; don't materialize nodes for it.
        let arg_values: Vec<Arg> = arg_columns
            .into_iter()
            .zip(op.aggregates)
            .map(|(c, (_, a))| match c {
                None => Arg::Rows,
                Some(c) if a.function == AggregateFunction::Count && !a.distinct => {
                    Arg::NonNull((0..c.len()).map(|i| !c.is_null_at(i)).collect())
                }
                Some(c) => Arg::Values(ctx.column_values(&c)),
            })
            .collect();
        if op.keys.is_empty() {
            // One group: feed whole columns, count(*) by batch length.
            if self.groups.is_empty() {
                self.groups.push((Vec::new(), new_accumulators(op.aggregates, ctx, batch)?));
            }
            for (acc, arg) in self.groups[0].1.iter_mut().zip(&arg_values) {
                match arg {
                    Arg::Values(values) => values.iter().try_for_each(|v| acc.update(v))?,
                    Arg::NonNull(present) => acc.count_rows(present.iter().filter(|p| **p).count() as u64),
                    Arg::Rows => acc.count_rows(batch.len as u64),
                }
            }
            return Ok(());
        }
        // One key buffer for every row; a key is copied only when it starts a new group.
        let mut key: Vec<KeyPart> = Vec::with_capacity(key_cols.len());
        for row in 0..batch.len {
            key.clear();
            key.extend(key_cols.iter().map(|k| k[row].clone()));
            let g = match self.index.get(key.as_slice()) {
                Some(&g) => g,
                None => {
                    self.groups.push((key.clone(), new_accumulators(op.aggregates, ctx, batch)?));
                    self.index.insert(key.clone(), self.groups.len() - 1);
                    self.groups.len() - 1
                }
            };
            for (acc, arg) in self.groups[g].1.iter_mut().zip(&arg_values) {
                match arg {
                    Arg::Values(values) => acc.update(&values[row])?,
                    Arg::NonNull(present) => acc.count_rows(present[row] as u64),
                    Arg::Rows => acc.count_rows(1),
                }
            }
        }
        Ok(())
    }

    /// Roughly what the table holds: each group's key and accumulators, plus
    /// one value per input row for each aggregate that keeps its inputs.
    fn estimated_bytes(&self, keeping: usize, kept_rows: usize) -> usize {
        let per_group = std::mem::size_of::<(Vec<KeyPart>, Vec<Accumulator>)>()
            + self.groups.first().map_or(0, |(k, a)| {
                k.len() * std::mem::size_of::<KeyPart>() + a.len() * std::mem::size_of::<Accumulator>()
            });
        // The index holds a second copy of every key.
        let groups = self.groups.len().saturating_mul(2 * per_group);
        groups.saturating_add(keeping.saturating_mul(kept_rows).saturating_mul(std::mem::size_of::<Value>()))
    }

    /// Fold a table built from later batches into this one.
    fn merge(&mut self, other: GroupTable) -> Result<()> {
        for (key, accs) in other.groups {
            match self.index.get(&key) {
                Some(&g) => {
                    for (mine, theirs) in self.groups[g].1.iter_mut().zip(accs) {
                        mine.merge(theirs)?;
                    }
                }
                None => {
                    self.index.insert(key.clone(), self.groups.len());
                    self.groups.push((key, accs));
                }
            }
        }
        Ok(())
    }
}

impl Operator for AggregateOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        let mut table = GroupTable::default();
        let mut last_batch = Batch::unit();
        // Batches are aggregated in parallel rounds into partial tables, which
        // are merged in input order so groups keep their first-seen order.
        let round = rayon::current_num_threads().max(1) * 2;
        // Aggregates that keep their inputs (collect, percentiles, DISTINCT)
        // grow with the rows; the table's estimate is held to the memory cap.
        let keeping = self.aggregates.iter().filter(|(_, a)| keeps_inputs(a)).count();
        let mut kept_rows = 0usize;
        loop {
            let mut batches = Vec::with_capacity(round);
            while batches.len() < round {
                match self.input.next(ctx)? {
                    Some(b) if b.is_empty() => {}
                    Some(b) => batches.push(b),
                    None => break,
                }
            }
            if batches.is_empty() {
                break;
            }
            let this = AggregateSpec { keys: &self.keys, aggregates: &self.aggregates };
            let partials: Vec<Result<GroupTable>> = batches
                .par_iter()
                .map(|b| {
                    let mut t = GroupTable::default();
                    t.absorb(&this, b, ctx)?;
                    Ok(t)
                })
                .collect();
            for partial in partials {
                table.merge(partial?)?;
            }
            if keeping > 0 {
                kept_rows = kept_rows.saturating_add(batches.iter().map(|b| b.len).sum::<usize>());
            }
            ctx.guard().admit(table.estimated_bytes(keeping, kept_rows))?;
            let exhausted = batches.len() < round;
            last_batch = batches.pop().unwrap_or(last_batch);
            if exhausted {
                break;
            }
        }
        let mut groups = table.groups;
        if groups.is_empty() && self.keys.is_empty() {
            groups.push((Vec::new(), new_accumulators(&self.aggregates, ctx, &last_batch)?));
        }
        let len = groups.len();
        let mut key_columns: Vec<Vec<KeyPart>> = vec![Vec::with_capacity(len); self.keys.len()];
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
        let columns = key_columns
            .into_iter()
            .map(key_column)
            .chain(agg_columns.into_iter().map(crate::ops::values_to_column))
            .collect();
        Ok(Some(Batch::new(names, columns, len)))
    }
}

/// Whether an aggregate keeps (some of) its inputs until it finishes.
fn keeps_inputs(a: &AggregateExpr) -> bool {
    a.distinct
        || matches!(
            a.function,
            AggregateFunction::Collect | AggregateFunction::PercentileCont | AggregateFunction::PercentileDisc
        )
}

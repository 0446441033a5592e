//! Running a subplan (OPTIONAL MATCH, pattern predicates, MERGE patterns)
//! against many outer rows at once: the outer batch gets a hidden column
//! numbering its rows, the subplan runs over all of them, and the numbers on
//! its output say which outer row each result belongs to.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow_array::{UInt32Array, UInt64Array};
use plexus_planner::LogicalPlan;
use plexus_storage::{Result, Value};

use super::{build, drain_transient};
use crate::batch::{Batch, Column};
use crate::context::ExecContext;
use crate::eval::row::Env;

static NEXT_ARG_ID: AtomicU64 = AtomicU64::new(0);

/// A fresh hidden column name, so nested applies don't clash.
pub fn arg_column_name() -> String {
    format!("__arg{}", NEXT_ARG_ID.fetch_add(1, Ordering::Relaxed))
}

/// `batch` plus a column numbering its rows.
pub fn number_rows(batch: &Batch, name: &str) -> Batch {
    let numbers: arrow_array::Int64Array = (0..batch.len as i64).map(Some).collect();
    batch.clone().with_column(name, Column::Array(Arc::new(numbers)))
}

/// Run `plan` with `argument` as its Argument rows.
pub fn run(plan: &LogicalPlan, argument: &Batch, ctx: &ExecContext) -> Result<Vec<Batch>> {
    let mut op = build(plan, argument, None)?;
    drain_transient(op.as_mut(), ctx)
}

/// For every row of the subplan's output, the outer row it came from.
pub fn outer_rows(batches: &[Batch], name: &str) -> Result<Vec<Vec<u32>>> {
    batches
        .iter()
        .map(|b| {
            let col = b.column(name)?;
            Ok((0..b.len)
                .map(|i| match col.scalar_at(i) {
                    Some(Value::Integer(n)) => n as u32,
                    _ => 0,
                })
                .collect())
        })
        .collect()
}

/// Whether each row of `batch` has at least one result in `plan`.
pub fn rows_with_matches(plan: &LogicalPlan, batch: &Batch, ctx: &ExecContext) -> Result<Vec<bool>> {
    let name = arg_column_name();
    let results = run(plan, &number_rows(batch, &name), ctx)?;
    let mut hit = vec![false; batch.len];
    for rows in outer_rows(&results, &name)? {
        for r in rows {
            if let Some(h) = hit.get_mut(r as usize) {
                *h = true;
            }
        }
    }
    Ok(hit)
}

/// Run `plan` for one row given as variables; each result row back as variables.
pub fn run_for_env(plan: &LogicalPlan, env: &Env, ctx: &ExecContext) -> Result<Vec<Env>> {
    let mut names = Vec::new();
    let mut columns = Vec::new();
    for (name, value) in env.iter() {
        if let Some(i) = names.iter().position(|n| n == name) {
            // Inner scopes shadow outer ones.
            names.remove(i);
            columns.remove(i);
        }
        names.push(name.clone());
        columns.push(single_value_column(value));
    }
    let argument = Batch::new(names, columns, 1);
    let snapshot = ctx.snapshot();
    let mut out = Vec::new();
    for b in run(plan, &argument, ctx)? {
        for i in 0..b.len {
            let mut row = Env::new();
            for (name, col) in b.names.iter().zip(&b.columns) {
                row.push(name, ctx.value_at(col, i, &snapshot));
            }
            out.push(row);
        }
    }
    Ok(out)
}

fn single_value_column(v: &Value) -> Column {
    match v {
        Value::Node(n) => Column::Nodes(UInt64Array::from(vec![n.id])),
        Value::Relationship(r) => Column::Rels(UInt64Array::from(vec![r.id])),
        other => Column::values(vec![other.clone()]),
    }
}

/// Rows of `batch` at `indices`, with each of `new` columns set to null.
pub fn null_extended(batch: &Batch, indices: Vec<u32>, new: &[(String, Column)]) -> Result<Batch> {
    let n = indices.len();
    let mut out = batch.take(&UInt32Array::from(indices))?;
    for (name, kind) in new {
        let nulls = match kind {
            Column::Nodes(_) => Column::Nodes(UInt64Array::new_null(n)),
            Column::Rels(_) => Column::Rels(UInt64Array::new_null(n)),
            _ => Column::nulls(n),
        };
        out = out.with_column(name, nulls);
    }
    Ok(out)
}

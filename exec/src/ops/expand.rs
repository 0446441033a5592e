//! One hop from a bound node over relationships of the given types. Large
//! batches are split across cores with rayon; each chunk collects
//! (input row, relationship, neighbour) triples from the snapshot.

use arrow_array::{Array, UInt32Array, UInt64Array};
use plexus_planner::{Direction, ExpandMode};
use plexus_storage::{Direction as StoreDirection, Error, Result, Snapshot};
use rayon::prelude::*;

use super::Operator;
use crate::batch::{Batch, Column};
use crate::context::ExecContext;

pub struct ExpandSpec {
    pub from: String,
    pub rel: String,
    pub to: String,
    pub types: Vec<String>,
    pub direction: Direction,
    pub mode: ExpandMode,
}

impl ExpandSpec {
    /// The spec of a logical `Expand`; `None` for any other operator.
    pub fn from_plan(plan: &plexus_planner::LogicalPlan) -> Option<ExpandSpec> {
        let plexus_planner::LogicalPlan::Expand { from, rel, to, types, direction, mode, .. } = plan else {
            return None;
        };
        Some(ExpandSpec {
            from: from.clone(),
            rel: rel.clone(),
            to: to.clone(),
            types: types.clone(),
            direction: *direction,
            mode: *mode,
        })
    }
}

pub struct ExpandOp {
    input: Box<dyn Operator>,
    spec: ExpandSpec,
}

/// Rows per parallel chunk; below two chunks the expand runs on one core.
const CHUNK_ROWS: usize = 1024;

impl ExpandOp {
    pub fn new(input: Box<dyn Operator>, spec: ExpandSpec) -> Self {
        ExpandOp { input, spec }
    }
}

pub fn store_direction(d: Direction) -> StoreDirection {
    match d {
        Direction::Outgoing => StoreDirection::Outgoing,
        Direction::Incoming => StoreDirection::Incoming,
        Direction::Both => StoreDirection::Both,
    }
}

/// Type ids for the named types; `None` when none of them exists (no matches).
pub fn resolve_types(snapshot: &Snapshot, types: &[String]) -> Option<Vec<plexus_storage::TypeId>> {
    if types.is_empty() {
        return Some(Vec::new());
    }
    let ids: Vec<_> = types.iter().filter_map(|t| snapshot.type_id(t)).collect();
    (!ids.is_empty()).then_some(ids)
}

/// The node ids of a column; nulls (e.g. from OPTIONAL MATCH) match nothing.
pub fn node_ids(batch: &Batch, name: &str) -> Result<UInt64Array> {
    match batch.column(name)? {
        Column::Nodes(ids) => Ok(ids.clone()),
        Column::Values(values) => values
            .iter()
            .map(|v| match v {
                plexus_storage::Value::Null => Ok(None),
                plexus_storage::Value::Node(n) => Ok(Some(n.id)),
                other => Err(Error::type_error(
                    "InvalidArgumentType",
                    format!("`{name}` is a {}, not a node", other.type_name()),
                )),
            })
            .collect(),
        _ => Err(Error::type_error("InvalidArgumentType", format!("`{name}` is not a node"))),
    }
}

impl Operator for ExpandOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        expand_batch(&self.spec, &batch, ctx).map(Some)
    }
}

/// Expand every row of `batch`: one output row per matching relationship.
pub fn expand_batch(spec: &ExpandSpec, batch: &Batch, ctx: &ExecContext) -> Result<Batch> {
    let snapshot = ctx.snapshot();
    let Some(types) = resolve_types(&snapshot, &spec.types) else {
        return empty_output(batch, spec);
    };
    let from = &node_ids(batch, &spec.from)?;
    let into = match spec.mode {
        ExpandMode::Into => Some(node_ids(batch, &spec.to)?),
        ExpandMode::All => None,
    };
    let direction = store_direction(spec.direction);
    let expand_rows = |rows: std::ops::Range<usize>| {
        let mut out = (Vec::new(), Vec::new(), Vec::new());
        let mut buf = Vec::new();
        for i in rows {
            if from.is_null(i) {
                continue;
            }
            buf.clear();
            snapshot.expand(from.value(i), direction, &types, &mut buf);
            for &(rel, nbr) in &buf {
                if let Some(into) = &into {
                    if into.is_null(i) || into.value(i) != nbr {
                        continue;
                    }
                }
                out.0.push(i as u32);
                out.1.push(rel);
                out.2.push(nbr);
            }
        }
        out
    };
    let (rows, rels, nbrs) = if batch.len >= 2 * CHUNK_ROWS {
        let chunks: Vec<_> = (0..batch.len)
            .step_by(CHUNK_ROWS)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|s| expand_rows(s..(s + CHUNK_ROWS).min(batch.len)))
            .collect();
        let mut all = (Vec::new(), Vec::new(), Vec::new());
        for c in chunks {
            all.0.extend(c.0);
            all.1.extend(c.1);
            all.2.extend(c.2);
        }
        all
    } else {
        expand_rows(0..batch.len)
    };
    let mut out = batch.take(&UInt32Array::from(rows))?;
    out = out.with_column(&spec.rel, Column::Rels(UInt64Array::from(rels)));
    if spec.mode == ExpandMode::All {
        out = out.with_column(&spec.to, Column::Nodes(UInt64Array::from(nbrs)));
    }
    Ok(out)
}

fn empty_output(batch: &Batch, spec: &ExpandSpec) -> Result<Batch> {
    let mut out = batch.take(&UInt32Array::from(Vec::<u32>::new()))?;
    out = out.with_column(&spec.rel, Column::Rels(UInt64Array::from(Vec::<u64>::new())));
    if spec.mode == ExpandMode::All {
        out = out.with_column(&spec.to, Column::Nodes(UInt64Array::from(Vec::<u64>::new())));
    }
    Ok(out)
}

//! Physical operators: pull-based, one file each, behind `Operator`.
//! `build` turns a logical plan into an operator tree.

mod aggregate;
mod argument;
mod create;
mod delete;
mod distinct;
mod expand;
mod filter;
mod foreach;
mod gremlin_traversal;
mod guarded;
mod load_csv;
mod merge;
mod node_scan;
mod optional;
mod pipeline;
mod procedure_call;
mod produce;
mod profiled;
mod project;
mod semi_apply;
mod set;
mod shortest_path;
mod skip_limit;
mod sort;
pub mod subplan;
mod union;
mod unwind;
mod values;
mod var_expand;

use std::sync::{Arc, Mutex};

use plexus_planner::explain::OperatorProfile;
use plexus_planner::LogicalPlan;
use plexus_storage::Result;

use crate::batch::Batch;
use crate::context::ExecContext;
use crate::guard::batch_bytes;

/// Rows per batch produced by scans (a morsel).
pub const MORSEL_SIZE: usize = 4096;

pub trait Operator: Send {
    /// The next batch, or `None` when exhausted. Batches may be empty.
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>>;
}

/// PROFILE counters, one slot per operator in EXPLAIN's pre-order.
pub type ProfileSlots = Arc<Mutex<Vec<OperatorProfile>>>;

/// Add rows and time to an operator's PROFILE slot.
pub fn record_profile(slots: &ProfileSlots, slot: usize, rows: u64, nanos: u64) {
    let mut slots = slots.lock().unwrap_or_else(|p| p.into_inner());
    if slots.len() <= slot {
        slots.resize(slot + 1, Default::default());
    }
    slots[slot].rows += rows;
    slots[slot].nanos += nanos;
}

/// Build the operator tree for `plan`, with `argument` as the rows its
/// `Argument` leaf yields. With `profile`, every operator counts rows and time.
pub fn build(plan: &LogicalPlan, argument: &Batch, profile: Option<&ProfileSlots>) -> Result<Box<dyn Operator>> {
    let mut next_slot = 0;
    build_node(plan, argument, profile, &mut next_slot)
}

fn build_node(
    plan: &LogicalPlan,
    argument: &Batch,
    profile: Option<&ProfileSlots>,
    slot: &mut usize,
) -> Result<Box<dyn Operator>> {
    use LogicalPlan::*;
    if let Some(op) = parallel_scan(plan, argument, profile, slot) {
        return Ok(Box::new(guarded::GuardedOp::new(op)));
    }
    let my_slot = *slot;
    *slot += 1;
    // Subplans are numbered before the input, as EXPLAIN prints them.
    let subplan_slots = count_subplan_nodes(plan);
    let input_slot_start = *slot + subplan_slots;
    let mut input_slot = input_slot_start;
    let mut input = |p: &LogicalPlan| build_node(p, argument, profile, &mut input_slot);
    let op: Box<dyn Operator> = match plan {
        Argument { .. } => Box::new(argument::ArgumentOp::new(argument.clone())),
        Values { variables, rows } => Box::new(values::ValuesOp::new(variables.clone(), rows.clone())),
        NodeScan { input: i, variable, label, property_filters } => {
            Box::new(node_scan::NodeScanOp::new(input(i)?, variable.clone(), label.clone(), property_filters.clone()))
        }
        Expand { input: i, .. } => match expand::ExpandSpec::from_plan(plan) {
            Some(spec) => Box::new(expand::ExpandOp::new(input(i)?, spec)),
            None => return Err(plexus_storage::Error::internal("expand without an expand spec")),
        },
        VarLengthExpand { input: i, from, rel, to, types, direction, min, max, mode, rel_properties } => {
            Box::new(var_expand::VarExpandOp::new(
                input(i)?,
                var_expand::VarExpandSpec {
                    from: from.clone(),
                    rel: rel.clone(),
                    to: to.clone(),
                    types: types.clone(),
                    direction: *direction,
                    min: *min,
                    max: *max,
                    mode: *mode,
                    rel_properties: rel_properties.clone(),
                },
            ))
        }
        ShortestPath { input: i, from, rel, to, types, direction, min, max, all } => {
            Box::new(shortest_path::ShortestPathOp::new(
                input(i)?,
                shortest_path::ShortestPathSpec {
                    from: from.clone(),
                    rel: rel.clone(),
                    to: to.clone(),
                    types: types.clone(),
                    direction: *direction,
                    min: *min,
                    max: *max,
                    all: *all,
                },
            ))
        }
        Filter { input: i, predicate } => Box::new(filter::FilterOp::new(input(i)?, predicate.clone())),
        Project { input: i, items, discard } => Box::new(project::ProjectOp::new(input(i)?, items.clone(), *discard)),
        Aggregate { input: i, keys, aggregates } => {
            Box::new(aggregate::AggregateOp::new(input(i)?, keys.clone(), aggregates.clone()))
        }
        Distinct { input: i } => Box::new(distinct::DistinctOp::new(input(i)?)),
        Sort { input: i, keys } => Box::new(sort::SortOp::new(input(i)?, keys.clone())),
        Skip { input: i, count } => Box::new(skip_limit::SkipLimitOp::skip(input(i)?, count.clone())),
        Limit { input: i, count } => Box::new(skip_limit::SkipLimitOp::limit(input(i)?, count.clone(), i.writes())),
        Unwind { input: i, expr, variable } => {
            Box::new(unwind::UnwindOp::new(input(i)?, expr.clone(), variable.clone()))
        }
        LoadCsv { input: i, url, with_headers, terminator, variable } => Box::new(load_csv::LoadCsvOp::new(
            input(i)?,
            load_csv::LoadCsvSpec {
                url: url.clone(),
                with_headers: *with_headers,
                terminator: *terminator,
                variable: variable.clone(),
            },
        )),
        Optional { input: i, inner } => Box::new(optional::OptionalOp::new(input(i)?, (**inner).clone())),
        SemiApply { input: i, inner, negated } => {
            Box::new(semi_apply::SemiApplyOp::new(input(i)?, (**inner).clone(), *negated))
        }
        Union { left, right, all } => {
            let mut s = *slot;
            let l = build_node(left, argument, profile, &mut s)?;
            let r = build_node(right, argument, profile, &mut s)?;
            input_slot = s;
            Box::new(union::UnionOp::new(l, r, *all, plan.schema()))
        }
        Create { input: i, elements } => Box::new(create::CreateOp::new(input(i)?, elements.clone())),
        Merge { input: i, pattern, create, on_create, on_match } => Box::new(merge::MergeOp::new(
            input(i)?,
            (**pattern).clone(),
            create.clone(),
            on_create.clone(),
            on_match.clone(),
        )),
        Set { input: i, operations } => Box::new(set::SetOp::new(input(i)?, operations.clone())),
        Delete { input: i, exprs, detach } => Box::new(delete::DeleteOp::new(input(i)?, exprs.clone(), *detach)),
        Foreach { input: i, variable, list, body } => {
            Box::new(foreach::ForeachOp::new(input(i)?, variable.clone(), list.clone(), (**body).clone()))
        }
        ProcedureCall { input: i, procedure, args, outputs, yields } => {
            Box::new(procedure_call::ProcedureCallOp::new(input(i)?, procedure.clone(), args.clone(), outputs, yields)?)
        }
        GremlinTraversal { input: i, start, traversal, output } => Box::new(
            gremlin_traversal::GremlinTraversalOp::new(input(i)?, start.clone(), traversal.clone(), output.clone()),
        ),
        Produce { input: i, columns } => Box::new(produce::ProduceOp::new(input(i)?, columns.clone())),
    };
    *slot = input_slot.max(input_slot_start);
    let op: Box<dyn Operator> = Box::new(guarded::GuardedOp::new(op));
    Ok(match profile {
        Some(slots) => Box::new(profiled::ProfiledOp::new(op, slots.clone(), my_slot)),
        None => op,
    })
}

/// A chain of filters, expands and projections over a node scan of the
/// query's start row runs morsel-parallel (see `pipeline.rs`).
fn parallel_scan(
    plan: &LogicalPlan,
    argument: &Batch,
    profile: Option<&ProfileSlots>,
    slot: &mut usize,
) -> Option<Box<dyn Operator>> {
    use pipeline::Stage;
    if argument.len != 1 || !argument.columns.is_empty() {
        return None;
    }
    let mut stages = Vec::new();
    let mut node = plan;
    loop {
        let stage = match node {
            LogicalPlan::Filter { predicate, .. } => Stage::Filter(predicate.clone()),
            LogicalPlan::Project { items, discard, .. } => Stage::Project { items: items.clone(), discard: *discard },
            LogicalPlan::Expand { .. } => Stage::Expand(expand::ExpandSpec::from_plan(node)?),
            LogicalPlan::NodeScan { input, variable, label, property_filters } if matches!(input.as_ref(), LogicalPlan::Argument { variables } if variables.is_empty()) =>
            {
                let first = *slot;
                let depth = stages.len();
                // Pre-order slots: the chain top-down, then the scan, then its Argument.
                let with_slots: Vec<(Stage, Option<usize>)> =
                    stages.into_iter().enumerate().rev().map(|(i, s)| (s, profile.map(|_| first + i))).collect();
                *slot = first + depth + 2;
                return Some(Box::new(pipeline::ParallelScanOp::new(
                    variable.clone(),
                    label.clone(),
                    property_filters.clone(),
                    with_slots,
                    profile.map(|_| first + depth),
                    profile.cloned(),
                )));
            }
            _ => return None,
        };
        stages.push(stage);
        node = node.input()?;
    }
}

/// Operators inside the subplans (inner/pattern/body) of `plan`, which
/// EXPLAIN numbers before its input. They run per batch and are not profiled
/// individually; their time shows in the owning operator.
fn count_subplan_nodes(plan: &LogicalPlan) -> usize {
    use LogicalPlan::*;
    match plan {
        Optional { inner, .. } | SemiApply { inner, .. } => count_nodes(inner),
        Merge { pattern, .. } => count_nodes(pattern),
        Foreach { body, .. } => count_nodes(body),
        _ => 0,
    }
}

fn count_nodes(plan: &LogicalPlan) -> usize {
    1 + plexus_planner::explain::children(plan).into_iter().map(count_nodes).sum::<usize>()
}

/// For eager operators: on the first call, every input row as one batch
/// (`None` when there are none); on later calls `None`.
pub fn drain_once(done: &mut bool, input: &mut dyn Operator, ctx: &ExecContext) -> Result<Option<Batch>> {
    if std::mem::replace(done, true) {
        return Ok(None);
    }
    let batches = drain(input, ctx)?;
    sort::concat_batches(batches, ctx)
}

/// Pull every batch of an operator, counting them against the query's
/// memory cap until the statement ends.
pub fn drain(op: &mut dyn Operator, ctx: &ExecContext) -> Result<Vec<Batch>> {
    let mut out = Vec::new();
    while let Some(b) = op.next(ctx)? {
        if !b.is_empty() {
            ctx.guard().retain(batch_bytes(&b))?;
            out.push(b);
        }
    }
    Ok(out)
}

/// Pull every batch of an operator whose output the caller drops soon (a
/// subplan run per outer batch): checked against the memory cap while it
/// is collected, not counted afterwards.
pub fn drain_transient(op: &mut dyn Operator, ctx: &ExecContext) -> Result<Vec<Batch>> {
    let mut out = Vec::new();
    let mut bytes = 0usize;
    while let Some(b) = op.next(ctx)? {
        if !b.is_empty() {
            bytes = bytes.saturating_add(batch_bytes(&b));
            ctx.guard().admit(bytes)?;
            out.push(b);
        }
    }
    Ok(out)
}

/// A column from values, keeping nodes and relationships as id columns so
/// later operators can expand from them.
pub fn values_to_column(values: Vec<plexus_storage::Value>) -> crate::batch::Column {
    use crate::batch::Column;
    use plexus_storage::Value;
    let all_nodes = !values.is_empty() && values.iter().all(|v| matches!(v, Value::Node(_) | Value::Null));
    let all_rels = !values.is_empty() && values.iter().all(|v| matches!(v, Value::Relationship(_) | Value::Null));
    let any_entity = values.iter().any(|v| !v.is_null());
    if all_nodes && any_entity {
        let ids: arrow_array::UInt64Array =
            values.iter().map(|v| if let Value::Node(n) = v { Some(n.id) } else { None }).collect();
        return Column::Nodes(ids);
    }
    if all_rels && any_entity {
        let ids: arrow_array::UInt64Array =
            values.iter().map(|v| if let Value::Relationship(r) = v { Some(r.id) } else { None }).collect();
        return Column::Rels(ids);
    }
    Column::values(values)
}

//! CREATE: eager (all input rows are read before the first write, so the
//! pattern never sees its own output), then nodes and relationships per row.

use arrow_array::UInt64Array;
use plexus_planner::plan::CreateElement;
use plexus_storage::{Error, NodeId, Result, Value};

use super::{drain_once, Operator};
use crate::batch::{Batch, Column};
use crate::context::{ExecContext, WriteCounters};
use crate::eval::row::{Env, RowEvaluator};

pub struct CreateOp {
    input: Box<dyn Operator>,
    elements: Vec<CreateElement>,
    done: bool,
}

impl CreateOp {
    pub fn new(input: Box<dyn Operator>, elements: Vec<CreateElement>) -> Self {
        CreateOp { input, elements, done: false }
    }
}

/// The variables of row `i` as values.
pub fn row_env(batch: &Batch, i: usize, ctx: &ExecContext) -> Env {
    let snapshot = ctx.snapshot();
    let mut env = Env::new();
    for (name, col) in batch.names.iter().zip(&batch.columns) {
        env.push(name, ctx.value_at(col, i, &snapshot));
    }
    env
}

/// Evaluate a property map expression (map literal or parameter) for a row.
/// MERGE cannot create an entity with a null property: it could never match
/// it again (`reject_null`).
pub fn property_map(
    expr: Option<&plexus_planner::Expr>,
    env: &mut Env,
    ctx: &ExecContext,
    reject_null: bool,
) -> Result<Vec<(String, Value)>> {
    let Some(expr) = expr else { return Ok(Vec::new()) };
    let snapshot = ctx.snapshot();
    match (RowEvaluator { ctx, snapshot: &snapshot }).eval(expr, env)? {
        Value::Map(m) if reject_null && m.values().any(Value::is_null) => Err(Error::new(
            plexus_storage::ErrorClass::SemanticError,
            "MergeReadOwnWrites",
            plexus_storage::Phase::Runtime,
            "Cannot merge an entity with a null property value",
        )),
        Value::Map(m) => Ok(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        Value::Null => Ok(Vec::new()),
        other => Err(Error::type_error(
            "InvalidArgumentType",
            format!("Expected a map of properties, got {}", other.type_name()),
        )),
    }
}

fn node_of(env: &Env, name: &str) -> Result<NodeId> {
    match env.get(name) {
        Some(Value::Node(n)) => Ok(n.id),
        Some(Value::Null) | None => Err(Error::new(
            plexus_storage::ErrorClass::SemanticError,
            "CreatingRelationshipOnNull",
            plexus_storage::Phase::Runtime,
            format!("Failed to create relationship: node `{name}` is null"),
        )),
        Some(other) => {
            Err(Error::type_error("InvalidArgumentType", format!("`{name}` is a {}, not a node", other.type_name())))
        }
    }
}

/// Create the elements for one row; returns the new ids in element order.
pub fn create_row(elements: &[CreateElement], env: &mut Env, ctx: &ExecContext, merging: bool) -> Result<Vec<Value>> {
    let mut created = Vec::with_capacity(elements.len());
    for element in elements {
        match element {
            CreateElement::Node { variable, labels, properties } => {
                let props = property_map(properties.as_ref(), env, ctx, merging)?;
                let n_props = props.len() as u64;
                let id = ctx.with_txn(|t| t.create_node(labels, props))?;
                WriteCounters::add(&ctx.counters.nodes_created, 1);
                WriteCounters::add(&ctx.counters.properties_set, n_props);
                WriteCounters::add(&ctx.counters.labels_added, labels.len() as u64);
                let v = ctx.snapshot().node_value(id);
                env.push(variable, v.clone());
                created.push(v);
            }
            CreateElement::Relationship { variable, rel_type, start, end, properties } => {
                let (s, e) = (node_of(env, start)?, node_of(env, end)?);
                let props = property_map(properties.as_ref(), env, ctx, merging)?;
                let n_props = props.len() as u64;
                let id = ctx.with_txn(|t| t.create_relationship(s, e, rel_type, props))?;
                WriteCounters::add(&ctx.counters.relationships_created, 1);
                WriteCounters::add(&ctx.counters.properties_set, n_props);
                let v = ctx.snapshot().rel_value(id);
                env.push(variable, v.clone());
                created.push(v);
            }
        }
    }
    Ok(created)
}

/// Append one id column per created element to `batch`.
pub fn with_created(batch: Batch, elements: &[CreateElement], created: Vec<Vec<Value>>) -> Batch {
    let mut out = batch;
    for (e, element) in elements.iter().enumerate() {
        let ids: UInt64Array = created
            .iter()
            .map(|row| match &row[e] {
                Value::Node(n) => Some(n.id),
                Value::Relationship(r) => Some(r.id),
                _ => None,
            })
            .collect();
        let (name, col) = match element {
            CreateElement::Node { variable, .. } => (variable, Column::Nodes(ids)),
            CreateElement::Relationship { variable, .. } => (variable, Column::Rels(ids)),
        };
        out = out.with_column(name, col);
    }
    out
}

impl Operator for CreateOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(all) = drain_once(&mut self.done, self.input.as_mut(), ctx)? else { return Ok(None) };
        let mut created = Vec::with_capacity(all.len);
        for i in 0..all.len {
            let mut env = row_env(&all, i, ctx);
            created.push(create_row(&self.elements, &mut env, ctx, false)?);
        }
        Ok(Some(with_created(all, &self.elements, created)))
    }
}

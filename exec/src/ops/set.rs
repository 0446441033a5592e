//! SET and REMOVE: eager, row by row, through the write transaction.

use plexus_planner::plan::SetOperation;
use plexus_storage::{Error, Result, Value};

use super::create::row_env;
use super::{drain_once, Operator};
use crate::batch::Batch;
use crate::context::{ExecContext, WriteCounters};
use crate::eval::row::{Env, RowEvaluator};

pub struct SetOp {
    input: Box<dyn Operator>,
    operations: Vec<SetOperation>,
    done: bool,
}

impl SetOp {
    pub fn new(input: Box<dyn Operator>, operations: Vec<SetOperation>) -> Self {
        SetOp { input, operations, done: false }
    }
}

enum Entity {
    Node(u64),
    Rel(u64),
    Null,
}

fn entity(v: &Value) -> Result<Entity> {
    match v {
        Value::Node(n) => Ok(Entity::Node(n.id)),
        Value::Relationship(r) => Ok(Entity::Rel(r.id)),
        Value::Null => Ok(Entity::Null),
        other => Err(Error::type_error(
            "InvalidArgumentType",
            format!("Expected a node or relationship to set properties on, got {}", other.type_name()),
        )),
    }
}

fn set_property(ctx: &ExecContext, target: &Entity, key: &str, value: Value) -> Result<()> {
    // Removing a property that is not there changes nothing and counts nothing.
    if value.is_null() {
        let view = ctx.snapshot();
        let existing = view.key_id(key).map(|k| match target {
            Entity::Node(id) => view.node_property(*id, k),
            Entity::Rel(id) => view.rel_property(*id, k),
            Entity::Null => Value::Null,
        });
        if existing.is_none_or(|v| v.is_null()) {
            return Ok(());
        }
    }
    match target {
        Entity::Node(id) => ctx.with_txn(|t| t.set_node_property(*id, key, value))?,
        Entity::Rel(id) => ctx.with_txn(|t| t.set_rel_property(*id, key, value))?,
        Entity::Null => return Ok(()),
    }
    WriteCounters::add(&ctx.counters.properties_set, 1);
    Ok(())
}

/// Apply one SET/REMOVE operation for a row.
pub fn apply(op: &SetOperation, env: &mut Env, ctx: &ExecContext) -> Result<()> {
    let snapshot = ctx.snapshot();
    let rows = RowEvaluator { ctx, snapshot: &snapshot };
    match op {
        SetOperation::Property { target, key, value } => {
            let t = entity(&rows.eval(target, env)?)?;
            let v = rows.eval(value, env)?;
            set_property(ctx, &t, key, v)
        }
        SetOperation::Properties { variable, value, replace } => {
            let t = entity(env.get(variable).unwrap_or(&Value::Null))?;
            let map = match rows.eval(value, env)? {
                Value::Map(m) => m,
                Value::Null => Default::default(),
                Value::Node(n) => n.properties,
                Value::Relationship(r) => r.properties,
                other => {
                    return Err(Error::type_error(
                        "InvalidArgumentType",
                        format!("Expected a map, got {}", other.type_name()),
                    ))
                }
            };
            if *replace {
                let existing = match &t {
                    Entity::Node(id) => snapshot.node_properties(*id),
                    Entity::Rel(id) => snapshot.rel_properties(*id),
                    Entity::Null => Vec::new(),
                };
                for (k, _) in existing {
                    let name = snapshot.key_name(k).to_string();
                    if !map.contains_key(&name) {
                        set_property(ctx, &t, &name, Value::Null)?;
                    }
                }
            }
            for (k, v) in map {
                set_property(ctx, &t, &k, v)?;
            }
            Ok(())
        }
        SetOperation::AddLabels { variable, labels } => match env.get(variable) {
            Some(Value::Node(n)) => {
                let id = n.id;
                for l in labels {
                    if ctx.with_txn(|t| t.add_label(id, l))? {
                        WriteCounters::add(&ctx.counters.labels_added, 1);
                    }
                }
                Ok(())
            }
            Some(Value::Null) | None => Ok(()),
            Some(other) => {
                Err(Error::type_error("InvalidArgumentType", format!("Expected a node, got {}", other.type_name())))
            }
        },
        SetOperation::RemoveLabels { variable, labels } => match env.get(variable) {
            Some(Value::Node(n)) => {
                let id = n.id;
                for l in labels {
                    if ctx.with_txn(|t| t.remove_label(id, l))? {
                        WriteCounters::add(&ctx.counters.labels_removed, 1);
                    }
                }
                Ok(())
            }
            Some(Value::Null) | None => Ok(()),
            Some(other) => {
                Err(Error::type_error("InvalidArgumentType", format!("Expected a node, got {}", other.type_name())))
            }
        },
    }
}

impl Operator for SetOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(all) = drain_once(&mut self.done, self.input.as_mut(), ctx)? else { return Ok(None) };
        for i in 0..all.len {
            let mut env = row_env(&all, i, ctx);
            for op in &self.operations {
                apply(op, &mut env, ctx)?;
            }
        }
        Ok(Some(all))
    }
}

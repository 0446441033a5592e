//! DELETE / DETACH DELETE: eager; relationships go first so that deleting a
//! node together with its relationships in one clause is allowed.

use plexus_planner::Expr;
use plexus_storage::{Error, Result, Value};

use super::create::row_env;
use super::{drain_once, Operator};
use crate::batch::Batch;
use crate::context::{ExecContext, WriteCounters};
use crate::eval::row::RowEvaluator;

pub struct DeleteOp {
    input: Box<dyn Operator>,
    exprs: Vec<Expr>,
    detach: bool,
    done: bool,
}

impl DeleteOp {
    pub fn new(input: Box<dyn Operator>, exprs: Vec<Expr>, detach: bool) -> Self {
        DeleteOp { input, exprs, detach, done: false }
    }
}

fn collect(v: Value, nodes: &mut Vec<u64>, rels: &mut Vec<u64>) -> Result<()> {
    match v {
        Value::Null => Ok(()),
        Value::Node(n) => {
            nodes.push(n.id);
            Ok(())
        }
        Value::Relationship(r) => {
            rels.push(r.id);
            Ok(())
        }
        Value::Path(p) => {
            rels.extend(p.relationships.iter().map(|r| r.id));
            nodes.extend(p.nodes.iter().map(|n| n.id));
            Ok(())
        }
        other => Err(Error::type_error(
            "InvalidArgumentType",
            format!("DELETE expects a node, relationship or path, got {}", other.type_name()),
        )),
    }
}

impl Operator for DeleteOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(all) = drain_once(&mut self.done, self.input.as_mut(), ctx)? else { return Ok(None) };
        let (mut nodes, mut rels) = (Vec::new(), Vec::new());
        let snapshot = ctx.snapshot();
        let rows = RowEvaluator { ctx, snapshot: &snapshot };
        for i in 0..all.len {
            let mut env = row_env(&all, i, ctx);
            for e in &self.exprs {
                collect(rows.eval(e, &mut env)?, &mut nodes, &mut rels)?;
            }
        }
        rels.sort_unstable();
        rels.dedup();
        nodes.sort_unstable();
        nodes.dedup();
        for r in rels {
            if ctx.snapshot().rel_exists(r) {
                ctx.with_txn(|t| t.delete_relationship(r))?;
                WriteCounters::add(&ctx.counters.relationships_deleted, 1);
            }
        }
        for n in nodes {
            let view = ctx.snapshot();
            if view.node_exists(n) {
                let degree = view.degree(n, plexus_storage::Direction::Both, &[]) as u64;
                ctx.with_txn(|t| t.delete_node(n, self.detach))?;
                WriteCounters::add(&ctx.counters.nodes_deleted, 1);
                if self.detach {
                    WriteCounters::add(&ctx.counters.relationships_deleted, degree);
                }
            }
        }
        Ok(Some(all))
    }
}

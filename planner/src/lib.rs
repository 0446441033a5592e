//! Plexus planner: the logical algebra both query languages lower to,
//! semantic analysis of variables, the rule-based optimizer and EXPLAIN.

pub mod explain;
pub mod expr;
pub mod gremlin;
pub mod plan;
pub mod rules;
pub mod scope;
pub mod typecheck;

use std::collections::HashMap;

pub use expr::{AggregateExpr, AggregateFunction, BinaryOp, Expr, UnaryOp};
pub use plan::{Direction, ExpandMode, LogicalPlan};

/// What the optimizer knows about the data (a copy of the store's statistics).
#[derive(Debug, Clone, Default)]
pub struct Statistics {
    pub node_count: u64,
    pub relationship_count: u64,
    pub label_counts: HashMap<String, u64>,
    pub type_counts: HashMap<String, u64>,
}

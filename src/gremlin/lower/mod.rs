//! Gremlin AST → `LogicalPlan`. Pattern-shaped traversals become the same
//! relational operators Cypher uses; everything else runs in one
//! `GremlinTraversal` operator over the resolved program.

mod convert;
mod relational;
mod validate;

use plexus_planner::LogicalPlan;
use plexus_storage::Result;

use super::ast::Traversal;
use crate::db::Params;

/// The one column a Gremlin result has.
pub const RESULT_COLUMN: &str = "result";

/// A lowered traversal: its plan and whether it changes the graph.
pub struct Lowered {
    pub plan: LogicalPlan,
    pub columns: Vec<String>,
}

/// Lowers `traversal` with its parameters bound (Gremlin parameters are values, not placeholders).
pub fn lower(traversal: &Traversal, params: &Params) -> Result<Lowered> {
    let program = convert::traversal(traversal, params)?;
    validate::check(&program)?;
    let columns = vec![RESULT_COLUMN.to_string()];
    if let Some(plan) = relational::lower(&program, RESULT_COLUMN) {
        return Ok(Lowered { plan, columns });
    }
    let plan = LogicalPlan::Produce {
        input: Box::new(LogicalPlan::GremlinTraversal {
            input: Box::new(LogicalPlan::argument()),
            start: None,
            traversal: program,
            output: RESULT_COLUMN.to_string(),
        }),
        columns: columns.clone(),
    };
    Ok(Lowered { plan, columns })
}

//! A fixed table of rows.

use plexus_storage::{Result, Value};

use super::Operator;
use crate::batch::{Batch, Column};
use crate::context::ExecContext;

pub struct ValuesOp {
    batch: Option<Batch>,
}

impl ValuesOp {
    pub fn new(variables: Vec<String>, rows: Vec<Vec<Value>>) -> Self {
        let len = rows.len();
        let columns = (0..variables.len())
            .map(|c| Column::values(rows.iter().map(|r| r.get(c).cloned().unwrap_or(Value::Null)).collect()))
            .collect();
        ValuesOp { batch: Some(Batch::new(variables, columns, len)) }
    }
}

impl Operator for ValuesOp {
    fn next(&mut self, _ctx: &ExecContext) -> Result<Option<Batch>> {
        Ok(self.batch.take())
    }
}

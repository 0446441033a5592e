//! The final projection: exactly the caller's columns, in order.

use plexus_storage::Result;

use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;

pub struct ProduceOp {
    input: Box<dyn Operator>,
    columns: Vec<String>,
}

impl ProduceOp {
    pub fn new(input: Box<dyn Operator>, columns: Vec<String>) -> Self {
        ProduceOp { input, columns }
    }
}

impl Operator for ProduceOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        match self.input.next(ctx)? {
            Some(b) => {
                // Inside a subquery, the enclosing apply's row numbers ride along.
                let mut names = self.columns.clone();
                names.extend(b.names.iter().filter(|n| n.starts_with("__arg")).cloned());
                Ok(Some(b.project(&names)?))
            }
            None => Ok(None),
        }
    }
}

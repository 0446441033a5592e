//! Scans nodes (all, or one label's bitmap) in morsels of `MORSEL_SIZE` ids,
//! once per input row; property equality filters are checked per morsel on
//! the gathered column.

use std::sync::Arc;

use arrow_array::{UInt32Array, UInt64Array};
use plexus_planner::{BinaryOp, Expr};
use plexus_storage::{Result, Value};

use super::{Operator, MORSEL_SIZE};
use crate::batch::{Batch, Column};
use crate::context::ExecContext;
use crate::eval::{Evaluated, Evaluator};

pub struct NodeScanOp {
    input: Box<dyn Operator>,
    variable: String,
    label: Option<String>,
    property_filters: Vec<(String, Expr)>,
    /// The input batch being expanded, the row in it, and the next id to scan.
    current: Option<(Batch, usize, u64)>,
    /// Filters resolved for the current input row (values, not expressions).
    row_filters: Vec<(String, Value)>,
}

impl NodeScanOp {
    pub fn new(
        input: Box<dyn Operator>,
        variable: String,
        label: Option<String>,
        property_filters: Vec<(String, Expr)>,
    ) -> Self {
        NodeScanOp { input, variable, label, property_filters, current: None, row_filters: Vec::new() }
    }

    fn resolve_filters(&mut self, batch: &Batch, row: usize, ctx: &ExecContext) -> Result<()> {
        let one = batch.take(&UInt32Array::from(vec![row as u32]))?;
        self.row_filters = filter_values(&self.property_filters, &one, ctx)?;
        Ok(())
    }
}

/// The values the scan's property filters take for a one-row batch.
pub fn filter_values(filters: &[(String, Expr)], row: &Batch, ctx: &ExecContext) -> Result<Vec<(String, Value)>> {
    let eval = Evaluator::new(ctx);
    filters
        .iter()
        .map(|(k, e)| {
            let v = match eval.eval(e, row)? {
                Evaluated::Scalar(v) => v,
                Evaluated::Column(c) => ctx.value_at(&c, 0, &eval.snapshot),
            };
            Ok((k.clone(), v))
        })
        .collect()
}

/// `variable.k = v AND ...` for resolved filter values; `None` without filters.
pub fn equality_predicate(variable: &str, values: &[(String, Value)]) -> Option<Expr> {
    Expr::and_all(
        values
            .iter()
            .map(|(k, v)| {
                let property = Expr::Property(Box::new(Expr::var(variable)), k.clone());
                Expr::binary(BinaryOp::Eq, property, Expr::Literal(v.clone()))
            })
            .collect(),
    )
}

impl Operator for NodeScanOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        loop {
            if self.current.is_none() {
                match self.input.next(ctx)? {
                    None => return Ok(None),
                    Some(b) if b.is_empty() => continue,
                    Some(b) => {
                        self.resolve_filters(&b, 0, ctx)?;
                        self.current = Some((b, 0, 0));
                    }
                }
            }
            let snapshot = ctx.snapshot();
            let Some((batch, row, start)) = self.current.as_mut() else { continue };
            let capacity = snapshot.node_capacity();
            if *start >= capacity {
                *row += 1;
                *start = 0;
                if *row >= batch.len {
                    self.current = None;
                } else {
                    let (b, r) = (batch.clone(), *row);
                    self.resolve_filters(&b, r, ctx)?;
                }
                continue;
            }
            let end = (*start + MORSEL_SIZE as u64).min(capacity);
            let label = match &self.label {
                Some(l) => match snapshot.label_id(l) {
                    Some(id) => Some(id),
                    // An unknown label has no nodes.
                    None => {
                        *start = capacity;
                        continue;
                    }
                },
                None => None,
            };
            let mut ids = Vec::with_capacity(MORSEL_SIZE);
            snapshot.scan_nodes(*start..end, label, &mut ids);
            *start = end;
            let row = *row;
            let batch = batch.clone();
            if ids.is_empty() {
                continue;
            }
            let nodes = Column::Nodes(UInt64Array::from(ids));
            let replicated = batch.take(&UInt32Array::from(vec![row as u32; nodes.len()]))?;
            let mut out = replicated.with_column(&self.variable, nodes);
            if let Some(p) = equality_predicate(&self.variable, &self.row_filters) {
                let mask = Evaluator { ctx, snapshot: Arc::clone(&snapshot) }.predicate(&p, &out)?;
                out = out.filter(&mask)?;
            }
            if !out.is_empty() {
                return Ok(Some(out));
            }
        }
    }
}

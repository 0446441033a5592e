//! Vectorized expression evaluation: typed columns go through Arrow compute
//! kernels; mixed types and expressions with local scopes fall back to the
//! row evaluator (`row.rs`), which defines the semantics.

pub mod access;
pub mod row;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BooleanArray, Datum, Float64Array, Int64Array, Scalar, StringArray};
use arrow_schema::DataType;
use plexus_planner::{BinaryOp, Expr, UnaryOp};
use plexus_storage::{PropertyArray, Result, Snapshot, Value};

use crate::batch::{arrow_err, Batch, Column};
use crate::context::ExecContext;
use row::{apply_binary, apply_unary, Env, RowEvaluator};

/// A result that is the same for every row, or one value per row.
#[derive(Debug, Clone)]
pub enum Evaluated {
    Scalar(Value),
    Column(Column),
}

impl Evaluated {
    pub fn into_column(self, len: usize) -> Column {
        match self {
            Evaluated::Column(c) => c,
            Evaluated::Scalar(v) => broadcast(&v, len),
        }
    }
}

/// A column holding `v` in every row, typed when `v` is a primitive.
pub fn broadcast(v: &Value, len: usize) -> Column {
    match v {
        Value::Integer(i) => Column::Array(Arc::new(Int64Array::from_value(*i, len))),
        Value::Float(f) => Column::Array(Arc::new(Float64Array::from_value(*f, len))),
        Value::Boolean(b) => Column::Array(Arc::new(BooleanArray::from(vec![*b; len]))),
        Value::String(s) => Column::Array(Arc::new(StringArray::from_iter_values(std::iter::repeat_n(s, len)))),
        other => Column::values(vec![other.clone(); len]),
    }
}

/// Evaluates expressions over batches for one query.
pub struct Evaluator<'a> {
    pub ctx: &'a ExecContext,
    pub snapshot: Arc<Snapshot>,
}

impl<'a> Evaluator<'a> {
    pub fn new(ctx: &'a ExecContext) -> Self {
        Evaluator { ctx, snapshot: ctx.snapshot() }
    }

    /// Evaluate to a full column.
    pub fn column(&self, expr: &Expr, batch: &Batch) -> Result<Column> {
        Ok(self.eval(expr, batch)?.into_column(batch.len))
    }

    /// Evaluate a predicate to a mask (null is false).
    pub fn predicate(&self, expr: &Expr, batch: &Batch) -> Result<BooleanArray> {
        match self.eval(expr, batch)? {
            Evaluated::Scalar(v) => Ok(BooleanArray::from(vec![v == Value::Boolean(true); batch.len])),
            Evaluated::Column(Column::Array(a)) if a.data_type() == &DataType::Boolean => Ok(a.as_boolean().clone()),
            Evaluated::Column(c) => {
                let values = self.ctx.column_values(&c);
                values
                    .iter()
                    .map(|v| match v {
                        Value::Boolean(b) => Ok(Some(*b)),
                        Value::Null => Ok(None),
                        other => Err(plexus_storage::Error::type_error(
                            "InvalidArgumentType",
                            format!("Expected a boolean predicate, got {}", other.type_name()),
                        )),
                    })
                    .collect::<Result<BooleanArray>>()
            }
        }
    }

    pub fn eval(&self, expr: &Expr, batch: &Batch) -> Result<Evaluated> {
        match expr {
            Expr::Literal(v) => Ok(Evaluated::Scalar(v.clone())),
            Expr::Parameter(p) => Ok(Evaluated::Scalar(self.ctx.param(p)?)),
            Expr::Variable(name) => Ok(Evaluated::Column(batch.column(name)?.clone())),
            Expr::Property(target, key) => {
                let t = self.eval(target, batch)?;
                self.property(t, key, batch.len)
            }
            Expr::HasLabels(target, labels) => match self.eval(target, batch)? {
                Evaluated::Column(Column::Nodes(ids)) => {
                    let label_ids: Vec<_> = labels.iter().map(|l| self.snapshot.label_id(l)).collect();
                    let mask: BooleanArray = (0..ids.len())
                        .map(|i| {
                            ids.is_valid(i).then(|| {
                                label_ids.iter().all(|l| l.is_some_and(|l| self.snapshot.has_label(ids.value(i), l)))
                            })
                        })
                        .collect();
                    Ok(Evaluated::Column(Column::Array(Arc::new(mask))))
                }
                _ => self.row_wise(expr, batch),
            },
            Expr::Unary(op, inner) => self.unary(*op, inner, expr, batch),
            Expr::Binary(op @ (BinaryOp::And | BinaryOp::Or), l, r) => {
                let l = self.eval(l, batch)?;
                // An error on the right may be one that short-circuiting avoids.
                let Ok(r) = self.eval(r, batch) else { return self.row_wise(expr, batch) };
                match (as_bool(&l, batch.len), as_bool(&r, batch.len)) {
                    (Some(a), Some(b)) => {
                        let out = if *op == BinaryOp::And {
                            arrow_arith::boolean::and_kleene(&a, &b)
                        } else {
                            arrow_arith::boolean::or_kleene(&a, &b)
                        }
                        .map_err(arrow_err)?;
                        Ok(Evaluated::Column(Column::Array(Arc::new(out))))
                    }
                    _ => self.row_wise(expr, batch),
                }
            }
            Expr::Binary(op, l, r) => {
                let l = self.eval(l, batch)?;
                let r = self.eval(r, batch)?;
                self.binary(*op, l, r, batch.len)
            }
            Expr::Function(name, args) if name == "id" && args.len() == 1 => match self.eval(&args[0], batch)? {
                Evaluated::Column(Column::Nodes(ids) | Column::Rels(ids)) => {
                    let out: Int64Array = ids.iter().map(|v| v.map(|v| v as i64)).collect();
                    Ok(Evaluated::Column(Column::Array(Arc::new(out))))
                }
                _ => self.row_wise(expr, batch),
            },
            // Plans that aggregate, sort or limit must see one outer row at a time.
            Expr::Exists(plan) if !row_independent(plan) => self.row_wise(expr, batch),
            Expr::Exists(plan) => {
                let hits = crate::ops::subplan::rows_with_matches(plan, batch, self.ctx)?;
                Ok(Evaluated::Column(Column::Array(Arc::new(BooleanArray::from(hits)))))
            }
            _ => self.row_wise(expr, batch),
        }
    }

    fn unary(&self, op: UnaryOp, inner: &Expr, whole: &Expr, batch: &Batch) -> Result<Evaluated> {
        let v = self.eval(inner, batch)?;
        match (op, v) {
            (_, Evaluated::Scalar(v)) => Ok(Evaluated::Scalar(apply_unary(op, v)?)),
            (UnaryOp::IsNull | UnaryOp::IsNotNull, Evaluated::Column(c)) => {
                let nulls: BooleanArray =
                    (0..c.len()).map(|i| Some(c.is_null_at(i) == (op == UnaryOp::IsNull))).collect();
                Ok(Evaluated::Column(Column::Array(Arc::new(nulls))))
            }
            (UnaryOp::Not, Evaluated::Column(Column::Array(a))) if a.data_type() == &DataType::Boolean => {
                let out = arrow_arith::boolean::not(a.as_boolean()).map_err(arrow_err)?;
                Ok(Evaluated::Column(Column::Array(Arc::new(out))))
            }
            _ => self.row_wise(whole, batch),
        }
    }

    fn property(&self, target: Evaluated, key: &str, len: usize) -> Result<Evaluated> {
        let Some(key_id) = self.snapshot.key_id(key) else {
            // No entity has this key; maps and errors still need the row path.
            return match &target {
                Evaluated::Column(Column::Nodes(_) | Column::Rels(_)) => Ok(Evaluated::Scalar(Value::Null)),
                _ => self.property_row_wise(target, key, len),
            };
        };
        self.check_not_deleted(&target)?;
        match &target {
            Evaluated::Column(Column::Nodes(ids)) if ids.null_count() == 0 => {
                Ok(Evaluated::Column(property_column(self.snapshot.node_property_column(ids.values(), key_id))))
            }
            Evaluated::Column(Column::Rels(ids)) if ids.null_count() == 0 => {
                Ok(Evaluated::Column(property_column(self.snapshot.rel_property_column(ids.values(), key_id))))
            }
            _ => self.property_row_wise(target, key, len),
        }
    }

    /// Reading a property of an entity this query deleted is an error.
    fn check_not_deleted(&self, target: &Evaluated) -> Result<()> {
        use std::sync::atomic::Ordering::Relaxed;
        let counters = &self.ctx.counters;
        let deleted =
            |ids: &arrow_array::UInt64Array, exists: &dyn Fn(u64) -> bool| ids.iter().flatten().any(|id| !exists(id));
        let hit = match target {
            Evaluated::Column(Column::Nodes(ids)) if counters.nodes_deleted.load(Relaxed) > 0 => {
                deleted(ids, &|id| self.snapshot.node_exists(id))
            }
            Evaluated::Column(Column::Rels(ids)) if counters.relationships_deleted.load(Relaxed) > 0 => {
                deleted(ids, &|id| self.snapshot.rel_exists(id))
            }
            _ => false,
        };
        if hit {
            return Err(plexus_storage::Error::new(
                plexus_storage::ErrorClass::EntityNotFound,
                "DeletedEntityAccess",
                plexus_storage::Phase::Runtime,
                "The entity was deleted by this query; its properties cannot be read",
            ));
        }
        Ok(())
    }

    fn property_row_wise(&self, target: Evaluated, key: &str, len: usize) -> Result<Evaluated> {
        let rows = RowEvaluator { ctx: self.ctx, snapshot: &self.snapshot };
        match target {
            Evaluated::Scalar(v) => Ok(Evaluated::Scalar(rows.property(&v, key)?)),
            Evaluated::Column(c) => {
                let mut out = Vec::with_capacity(len);
                for i in 0..c.len() {
                    out.push(rows.property(&self.ctx.value_at(&c, i, &self.snapshot), key)?);
                }
                Ok(Evaluated::Column(Column::values(out)))
            }
        }
    }

    fn binary(&self, op: BinaryOp, l: Evaluated, r: Evaluated, len: usize) -> Result<Evaluated> {
        if let (Evaluated::Scalar(a), Evaluated::Scalar(b)) = (&l, &r) {
            return Ok(Evaluated::Scalar(apply_binary(op, a, b)?));
        }
        if let Some(out) = self.binary_kernel(op, &l, &r)? {
            return Ok(Evaluated::Column(Column::Array(out)));
        }
        if op == BinaryOp::In {
            if let Some(out) = int_membership(&l, &r) {
                return Ok(Evaluated::Column(Column::Array(out)));
            }
        }
        // Row by row on values; a scalar side (a parameter list for IN, say) is
        // borrowed for every row rather than copied into a column.
        fn value<'v>(ev: &Evaluator<'_>, e: &'v Evaluated, i: usize) -> std::borrow::Cow<'v, Value> {
            match e {
                Evaluated::Scalar(v) => std::borrow::Cow::Borrowed(v),
                Evaluated::Column(c) => std::borrow::Cow::Owned(ev.ctx.value_at(c, i, &ev.snapshot)),
            }
        }
        let mut out = Vec::with_capacity(len);
        for i in 0..len {
            out.push(apply_binary(op, &value(self, &l, i), &value(self, &r, i))?);
        }
        Ok(Evaluated::Column(Column::values(out)))
    }

    /// Arrow kernels for same-typed operands; `None` when they don't apply.
    fn binary_kernel(&self, op: BinaryOp, l: &Evaluated, r: &Evaluated) -> Result<Option<ArrayRef>> {
        if id_kind(l) != id_kind(r) {
            return Ok(None);
        }
        let (Some(a), Some(b)) = (kernel_operand(l), kernel_operand(r)) else { return Ok(None) };
        let (ta, tb) = (a.get().0.data_type().clone(), b.get().0.data_type().clone());
        if ta != tb {
            return Ok(None);
        }
        // Identity columns compare by id; nothing else applies to them.
        let ids = ta == DataType::UInt64;
        if ids && !matches!(op, BinaryOp::Eq | BinaryOp::Neq) {
            return Ok(None);
        }
        // Arrow orders NaN as a value; Cypher says comparisons with NaN are false.
        if ta == DataType::Float64 && (has_nan(a.get().0) || has_nan(b.get().0)) {
            return Ok(None);
        }
        use arrow_ord::cmp;
        let (a, b) = (a.as_ref(), b.as_ref());
        let out: ArrayRef = match op {
            BinaryOp::Eq => Arc::new(cmp::eq(a, b).map_err(arrow_err)?),
            BinaryOp::Neq => Arc::new(cmp::neq(a, b).map_err(arrow_err)?),
            BinaryOp::Lt => Arc::new(cmp::lt(a, b).map_err(arrow_err)?),
            BinaryOp::Le => Arc::new(cmp::lt_eq(a, b).map_err(arrow_err)?),
            BinaryOp::Gt => Arc::new(cmp::gt(a, b).map_err(arrow_err)?),
            BinaryOp::Ge => Arc::new(cmp::gt_eq(a, b).map_err(arrow_err)?),
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod
                if matches!(ta, DataType::Int64 | DataType::Float64) =>
            {
                use arrow_arith::numeric;
                match op {
                    BinaryOp::Add => numeric::add(a, b),
                    BinaryOp::Sub => numeric::sub(a, b),
                    BinaryOp::Mul => numeric::mul(a, b),
                    // Float division by zero is inf/NaN in Cypher; Arrow errors instead.
                    BinaryOp::Div if ta == DataType::Int64 => numeric::div(a, b),
                    BinaryOp::Mod if ta == DataType::Int64 => numeric::rem(a, b),
                    _ => return Ok(None),
                }
                .map_err(arrow_err)?
            }
            _ => return Ok(None),
        };
        Ok(Some(out))
    }

    /// Evaluate `expr` one row at a time with the row evaluator.
    pub fn row_wise(&self, expr: &Expr, batch: &Batch) -> Result<Evaluated> {
        let mut vars = Vec::new();
        expr.free_variables(&mut vars);
        let columns: Vec<(String, &Column)> =
            vars.iter().filter_map(|v| batch.column(v).ok().map(|c| (v.clone(), c))).collect();
        let rows = RowEvaluator { ctx: self.ctx, snapshot: &self.snapshot };
        let mut out = Vec::with_capacity(batch.len);
        for i in 0..batch.len {
            let mut env = Env::new();
            for (name, col) in &columns {
                env.push(name, self.ctx.value_at(col, i, &self.snapshot));
            }
            out.push(rows.eval(expr, &mut env)?);
        }
        Ok(Evaluated::Column(Column::values(out)))
    }
}

/// Whether a subplan's rows for several outer rows at once are just the
/// union of its rows for each (no aggregation, ordering or limits inside).
fn row_independent(plan: &plexus_planner::LogicalPlan) -> bool {
    use plexus_planner::LogicalPlan::*;
    match plan {
        Aggregate { .. } | Distinct { .. } | Sort { .. } | Skip { .. } | Limit { .. } | Union { .. } => false,
        other => plexus_planner::explain::children(other).into_iter().all(row_independent),
    }
}

/// A storage gather as a column.
fn property_column(p: PropertyArray) -> Column {
    match p {
        PropertyArray::Typed(a) => Column::Array(a),
        PropertyArray::Values(v) => Column::values(v),
    }
}

/// The boolean array behind an operand, if it is one (scalars broadcast).
fn as_bool(e: &Evaluated, len: usize) -> Option<BooleanArray> {
    match e {
        Evaluated::Scalar(Value::Boolean(b)) => Some(BooleanArray::from(vec![*b; len])),
        Evaluated::Scalar(Value::Null) => Some(BooleanArray::from(vec![None; len])),
        Evaluated::Column(Column::Array(a)) if a.data_type() == &DataType::Boolean => Some(a.as_boolean().clone()),
        _ => None,
    }
}

/// An operand Arrow kernels can take: typed arrays, ids, and primitive scalars.
fn kernel_operand(e: &Evaluated) -> Option<Box<dyn Datum>> {
    match e {
        Evaluated::Column(Column::Array(a)) => Some(Box::new(a.clone())),
        Evaluated::Column(Column::Nodes(ids) | Column::Rels(ids)) => Some(Box::new(Arc::new(ids.clone()) as ArrayRef)),
        Evaluated::Scalar(Value::Integer(i)) => Some(Box::new(Scalar::new(Int64Array::from(vec![*i])))),
        Evaluated::Scalar(Value::Float(f)) => Some(Box::new(Scalar::new(Float64Array::from(vec![*f])))),
        Evaluated::Scalar(Value::String(s)) => Some(Box::new(Scalar::new(StringArray::from(vec![s.as_str()])))),
        Evaluated::Scalar(Value::Boolean(b)) => Some(Box::new(Scalar::new(BooleanArray::from(vec![*b])))),
        _ => None,
    }
}

/// Node ids must only meet node ids, relationship ids relationship ids.
fn id_kind(e: &Evaluated) -> u8 {
    match e {
        Evaluated::Column(Column::Nodes(_)) => 1,
        Evaluated::Column(Column::Rels(_)) => 2,
        _ => 0,
    }
}

fn has_nan(a: &dyn Array) -> bool {
    a.as_primitive_opt::<arrow_array::types::Float64Type>().is_some_and(|f| f.values().iter().any(|v| v.is_nan()))
}

/// `column IN [integers]` for an integer column and a list of integers only:
/// one hash set instead of a scan of the list per row. A null is null in a
/// non-empty list.
fn int_membership(l: &Evaluated, r: &Evaluated) -> Option<ArrayRef> {
    let (Evaluated::Column(Column::Array(column)), Evaluated::Scalar(Value::List(items))) = (l, r) else {
        return None;
    };
    let column = column.as_primitive_opt::<arrow_array::types::Int64Type>()?;
    let set: std::collections::HashSet<i64> =
        items.iter().map(|v| if let Value::Integer(i) = v { Some(*i) } else { None }).collect::<Option<_>>()?;
    // Nothing is in an empty list, not even null.
    let out: BooleanArray =
        column.iter().map(|v| if set.is_empty() { Some(false) } else { v.map(|v| set.contains(&v)) }).collect();
    Some(Arc::new(out))
}

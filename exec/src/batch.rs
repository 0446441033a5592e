//! Batches: the unit operators pass to each other. Node and relationship ids
//! travel as UInt64 arrays, typed values as Arrow arrays, and mixed values in
//! a dynamic column of `Value`s.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, UInt32Array, UInt64Array};
use arrow_schema::DataType;
use arrow_select::take::take;
use plexus_storage::{Error, Result, Value};

/// Name of the hidden column that numbers the rows of an apply's argument.
pub const ARG_ROW: &str = "__arg_row";

#[derive(Debug, Clone)]
pub enum Column {
    /// Node ids; null where an OPTIONAL MATCH found nothing.
    Nodes(UInt64Array),
    /// Relationship ids; null where an OPTIONAL MATCH found nothing.
    Rels(UInt64Array),
    /// Int64, Float64, Utf8 or Boolean values; Arrow null is Cypher null.
    Array(ArrayRef),
    /// Anything else, one `Value` per row.
    Values(Arc<Vec<Value>>),
}

impl Column {
    pub fn values(v: Vec<Value>) -> Column {
        Column::Values(Arc::new(v))
    }

    pub fn len(&self) -> usize {
        match self {
            Column::Nodes(a) | Column::Rels(a) => a.len(),
            Column::Array(a) => a.len(),
            Column::Values(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows at `indices`, in that order (indices may repeat).
    pub fn take(&self, indices: &UInt32Array) -> Result<Column> {
        Ok(match self {
            Column::Nodes(a) => Column::Nodes(take(a, indices, None).map_err(arrow_err)?.as_primitive().clone()),
            Column::Rels(a) => Column::Rels(take(a, indices, None).map_err(arrow_err)?.as_primitive().clone()),
            Column::Array(a) => Column::Array(take(a.as_ref(), indices, None).map_err(arrow_err)?),
            Column::Values(v) => Column::values(indices.values().iter().map(|&i| v[i as usize].clone()).collect()),
        })
    }

    /// A column of `len` nulls.
    pub fn nulls(len: usize) -> Column {
        Column::values(vec![Value::Null; len])
    }

    /// Whether row `i` is null.
    pub fn is_null_at(&self, i: usize) -> bool {
        match self {
            Column::Nodes(a) | Column::Rels(a) => a.is_null(i),
            Column::Array(a) => a.is_null(i),
            Column::Values(v) => v[i].is_null(),
        }
    }

    /// The value at row `i` for typed and dynamic columns; node and
    /// relationship columns need the graph (see `ExecContext::value_at`).
    pub fn scalar_at(&self, i: usize) -> Option<Value> {
        match self {
            Column::Array(a) => Some(array_value(a.as_ref(), i)),
            Column::Values(v) => Some(v[i].clone()),
            _ => None,
        }
    }

    /// Concatenate columns of the same kind (mixed kinds become dynamic).
    pub fn concat(parts: &[Column], to_values: &dyn Fn(&Column) -> Vec<Value>) -> Result<Column> {
        if parts.is_empty() {
            return Ok(Column::values(Vec::new()));
        }
        let same_kind = parts.windows(2).all(|w| same_kind(&w[0], &w[1]));
        if same_kind {
            match &parts[0] {
                Column::Nodes(_) | Column::Rels(_) => {
                    let arrays: Vec<&dyn Array> = parts
                        .iter()
                        .filter_map(|p| match p {
                            Column::Nodes(a) | Column::Rels(a) => Some(a as &dyn Array),
                            _ => None,
                        })
                        .collect();
                    let joined = arrow_select::concat::concat(&arrays).map_err(arrow_err)?;
                    let ids = joined.as_primitive().clone();
                    return Ok(if matches!(parts[0], Column::Nodes(_)) {
                        Column::Nodes(ids)
                    } else {
                        Column::Rels(ids)
                    });
                }
                Column::Array(_) => {
                    let arrays: Vec<&dyn Array> = parts
                        .iter()
                        .filter_map(|p| match p {
                            Column::Array(a) => Some(a.as_ref()),
                            _ => None,
                        })
                        .collect();
                    return Ok(Column::Array(arrow_select::concat::concat(&arrays).map_err(arrow_err)?));
                }
                Column::Values(_) => {}
            }
        }
        let mut all = Vec::new();
        for p in parts {
            all.extend(to_values(p));
        }
        Ok(Column::values(all))
    }
}

fn same_kind(a: &Column, b: &Column) -> bool {
    match (a, b) {
        (Column::Nodes(_), Column::Nodes(_)) | (Column::Rels(_), Column::Rels(_)) => true,
        (Column::Values(_), Column::Values(_)) => true,
        (Column::Array(x), Column::Array(y)) => x.data_type() == y.data_type(),
        _ => false,
    }
}

/// The Cypher value of row `i` of a typed array.
pub fn array_value(a: &dyn Array, i: usize) -> Value {
    if a.is_null(i) {
        return Value::Null;
    }
    match a.data_type() {
        DataType::Int64 => Value::Integer(a.as_primitive::<Int64Type>().value(i)),
        DataType::Float64 => Value::Float(a.as_primitive::<Float64Type>().value(i)),
        DataType::Utf8 => Value::String(a.as_string::<i32>().value(i).to_string()),
        DataType::Boolean => Value::Boolean(a.as_boolean().value(i)),
        DataType::UInt64 => Value::Integer(a.as_primitive::<arrow_array::types::UInt64Type>().value(i) as i64),
        _ => Value::Null,
    }
}

pub fn arrow_err(e: arrow_schema::ArrowError) -> Error {
    use arrow_schema::ArrowError;
    use plexus_storage::{ErrorClass, Phase};
    match e {
        ArrowError::DivideByZero => {
            Error::new(ErrorClass::ArithmeticError, "DivisionByZero", Phase::Runtime, "/ by zero")
        }
        ArrowError::ArithmeticOverflow(m) => {
            Error::new(ErrorClass::ArithmeticError, "IntegerOverflow", Phase::Runtime, format!("integer overflow: {m}"))
        }
        other => Error::internal(format!("arrow: {other}")),
    }
}

/// Rows with named columns. `len` is kept apart so zero-column batches
/// (the single empty row at the start of a query) have a length.
#[derive(Debug, Clone)]
pub struct Batch {
    pub names: Arc<Vec<String>>,
    pub columns: Vec<Column>,
    pub len: usize,
}

impl Batch {
    /// One row, no columns: the argument of a top-level plan.
    pub fn unit() -> Batch {
        Batch { names: Arc::new(Vec::new()), columns: Vec::new(), len: 1 }
    }

    pub fn empty(names: Vec<String>) -> Batch {
        let columns = names.iter().map(|_| Column::values(Vec::new())).collect();
        Batch { names: Arc::new(names), columns, len: 0 }
    }

    pub fn new(names: Vec<String>, columns: Vec<Column>, len: usize) -> Batch {
        Batch { names: Arc::new(names), columns, len }
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    pub fn column(&self, name: &str) -> Result<&Column> {
        self.index_of(name)
            .map(|i| &self.columns[i])
            .ok_or_else(|| Error::internal(format!("column `{name}` missing from batch {:?}", self.names)))
    }

    /// Rows at `indices` (used to replicate input rows for expansions).
    pub fn take(&self, indices: &UInt32Array) -> Result<Batch> {
        let columns = self.columns.iter().map(|c| c.take(indices)).collect::<Result<Vec<_>>>()?;
        Ok(Batch { names: self.names.clone(), columns, len: indices.len() })
    }

    /// Keep rows where `mask` is true (null counts as false).
    pub fn filter(&self, mask: &arrow_array::BooleanArray) -> Result<Batch> {
        let indices: Vec<u32> =
            (0..mask.len()).filter(|&i| mask.is_valid(i) && mask.value(i)).map(|i| i as u32).collect();
        self.take(&UInt32Array::from(indices))
    }

    /// Add or replace a column.
    pub fn with_column(mut self, name: &str, column: Column) -> Batch {
        match self.index_of(name) {
            Some(i) => self.columns[i] = column,
            None => {
                Arc::make_mut(&mut self.names).push(name.to_string());
                self.columns.push(column);
            }
        }
        self
    }

    /// Only the named columns, in that order.
    pub fn project(&self, names: &[String]) -> Result<Batch> {
        let columns = names.iter().map(|n| self.column(n).cloned()).collect::<Result<Vec<_>>>()?;
        Ok(Batch { names: Arc::new(names.to_vec()), columns, len: self.len })
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

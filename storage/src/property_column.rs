//! Property columns aligned to entity ids, chunked in groups of [`CHUNK_ROWS`]
//! rows as Kuzu's node groups are. A chunk is a typed Arrow array when its
//! non-null values share one primitive type, a dynamic `Vec<Value>` otherwise,
//! and an all-null chunk stores nothing.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
use rayon::prelude::*;

use crate::value::Value;

/// Rows per chunk (a node group).
pub const CHUNK_ROWS: usize = 2048;

/// One chunk of a property column.
#[derive(Debug, Clone, Default)]
pub enum Chunk {
    /// Every row is null; costs nothing.
    #[default]
    Null,
    /// Integers (nulls in the validity bitmap).
    Int(Int64Array),
    /// Floats.
    Float(Float64Array),
    /// Strings.
    Str(StringArray),
    /// Booleans.
    Bool(BooleanArray),
    /// Mixed types, lists or temporal values.
    Dynamic(Arc<Vec<Value>>),
}

/// What one value or a run of values looks like, for choosing an Arrow type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    Int,
    Float,
    Str,
    Bool,
    Mixed,
}

impl Kind {
    pub(crate) fn of(v: &Value) -> Kind {
        match v {
            Value::Null => Kind::Null,
            Value::Integer(_) => Kind::Int,
            Value::Float(_) => Kind::Float,
            Value::String(_) => Kind::Str,
            Value::Boolean(_) => Kind::Bool,
            _ => Kind::Mixed,
        }
    }

    pub(crate) fn join(self, other: Kind) -> Kind {
        match (self, other) {
            (Kind::Null, k) | (k, Kind::Null) => k,
            (a, b) if a == b => a,
            _ => Kind::Mixed,
        }
    }
}

impl Chunk {
    /// Builds the cheapest chunk that holds `values` (row `i` is `values[i]`).
    pub fn from_values(values: Vec<Value>) -> Chunk {
        let kind = values.iter().fold(Kind::Null, |k, v| k.join(Kind::of(v)));
        match kind {
            Kind::Null => Chunk::Null,
            Kind::Int => Chunk::Int(values.iter().map(Value::as_int).collect()),
            Kind::Float => Chunk::Float(
                values
                    .iter()
                    .map(|v| match v {
                        Value::Float(f) => Some(*f),
                        _ => None,
                    })
                    .collect(),
            ),
            Kind::Str => Chunk::Str(values.iter().map(Value::as_str).collect()),
            Kind::Bool => Chunk::Bool(values.iter().map(Value::as_bool).collect()),
            Kind::Mixed => Chunk::Dynamic(Arc::new(values)),
        }
    }

    pub(crate) fn kind(&self) -> Kind {
        match self {
            Chunk::Null => Kind::Null,
            Chunk::Int(_) => Kind::Int,
            Chunk::Float(_) => Kind::Float,
            Chunk::Str(_) => Kind::Str,
            Chunk::Bool(_) => Kind::Bool,
            Chunk::Dynamic(_) => Kind::Mixed,
        }
    }

    /// The value at row `i` of the chunk (null past its end).
    pub fn get(&self, i: usize) -> Value {
        fn valid(a: &dyn Array, i: usize) -> bool {
            i < a.len() && a.is_valid(i)
        }
        match self {
            Chunk::Null => Value::Null,
            Chunk::Int(a) if valid(a, i) => Value::Integer(a.value(i)),
            Chunk::Float(a) if valid(a, i) => Value::Float(a.value(i)),
            Chunk::Str(a) if valid(a, i) => Value::String(a.value(i).to_string()),
            Chunk::Bool(a) if valid(a, i) => Value::Boolean(a.value(i)),
            Chunk::Dynamic(v) => v.get(i).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// True when row `i` holds a non-null value.
    pub fn is_set(&self, i: usize) -> bool {
        match self {
            Chunk::Null => false,
            Chunk::Int(a) => i < a.len() && a.is_valid(i),
            Chunk::Float(a) => i < a.len() && a.is_valid(i),
            Chunk::Str(a) => i < a.len() && a.is_valid(i),
            Chunk::Bool(a) => i < a.len() && a.is_valid(i),
            Chunk::Dynamic(v) => v.get(i).is_some_and(|v| !v.is_null()),
        }
    }

    /// All rows of the chunk as values, padded with nulls to `CHUNK_ROWS`.
    pub fn to_values(&self) -> Vec<Value> {
        (0..CHUNK_ROWS).map(|i| self.get(i)).collect()
    }
}

/// A property column: chunk `c` holds rows `c * CHUNK_ROWS ..`. Missing
/// trailing chunks are null.
#[derive(Debug, Clone, Default)]
pub struct PropertyColumn {
    chunks: Vec<Chunk>,
}

impl PropertyColumn {
    /// The value at `row` (null when never set).
    pub fn get(&self, row: u64) -> Value {
        let (c, i) = split(row);
        self.chunks.get(c).map_or(Value::Null, |ch| ch.get(i))
    }

    /// True when `row` holds a non-null value.
    pub fn is_set(&self, row: u64) -> bool {
        let (c, i) = split(row);
        self.chunks.get(c).is_some_and(|ch| ch.is_set(i))
    }

    /// Chunk `c`, if the column reaches that far.
    pub fn chunk(&self, c: usize) -> Option<&Chunk> {
        self.chunks.get(c)
    }

    /// Number of chunks stored.
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// Replaces chunk `c`, growing the column with null chunks as needed.
    pub fn set_chunk(&mut self, c: usize, chunk: Chunk) {
        if c >= self.chunks.len() {
            if matches!(chunk, Chunk::Null) {
                return;
            }
            self.chunks.resize(c + 1, Chunk::Null);
        }
        self.chunks[c] = chunk;
    }

    /// True when no chunk holds a value.
    pub fn is_all_null(&self) -> bool {
        self.chunks.iter().all(|c| matches!(c, Chunk::Null))
    }

    /// Builds a column from `(row, value)` pairs (any order; a later pair for
    /// the same row wins). Chunks are built in parallel.
    pub fn from_sparse(mut cells: Vec<(u64, Value)>) -> PropertyColumn {
        if !cells.windows(2).all(|w| w[0].0 <= w[1].0) {
            cells.sort_by_key(|c| c.0);
        }
        let mut groups: Vec<(usize, Vec<(usize, Value)>)> = Vec::new();
        for (row, v) in cells {
            let (c, i) = split(row);
            match groups.last_mut() {
                Some((gc, g)) if *gc == c => g.push((i, v)),
                _ => groups.push((c, vec![(i, v)])),
            }
        }
        let built: Vec<(usize, Chunk)> = groups
            .into_par_iter()
            .map(|(c, cells)| {
                let len = cells.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
                let mut values = vec![Value::Null; len];
                for (i, v) in cells {
                    values[i] = v;
                }
                (c, Chunk::from_values(values))
            })
            .collect();
        let mut col = PropertyColumn::default();
        for (c, chunk) in built {
            col.set_chunk(c, chunk);
        }
        col
    }
}

/// Chunk index and row within the chunk of `row`.
pub(crate) fn split(row: u64) -> (usize, usize) {
    ((row / CHUNK_ROWS as u64) as usize, (row % CHUNK_ROWS as u64) as usize)
}

/// A batch of property values gathered for a batch of ids.
#[derive(Debug, Clone)]
pub enum PropertyArray {
    /// All values share one Arrow type (Int64, Float64, Utf8 or Boolean); nulls in the validity bitmap.
    Typed(ArrayRef),
    /// Mixed types (or all null): one `Value` per id.
    Values(Vec<Value>),
}

impl PropertyArray {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            PropertyArray::Typed(a) => a.len(),
            PropertyArray::Values(v) => v.len(),
        }
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i` as a value (slow path, for tests and fallbacks).
    pub fn value(&self, i: usize) -> Value {
        match self {
            PropertyArray::Values(v) => v.get(i).cloned().unwrap_or(Value::Null),
            PropertyArray::Typed(a) => {
                if i >= a.len() || a.is_null(i) {
                    return Value::Null;
                }
                let any = a.as_any();
                if let Some(a) = any.downcast_ref::<Int64Array>() {
                    Value::Integer(a.value(i))
                } else if let Some(a) = any.downcast_ref::<Float64Array>() {
                    Value::Float(a.value(i))
                } else if let Some(a) = any.downcast_ref::<StringArray>() {
                    Value::String(a.value(i).to_string())
                } else if let Some(a) = any.downcast_ref::<BooleanArray>() {
                    Value::Boolean(a.value(i))
                } else {
                    Value::Null
                }
            }
        }
    }

    /// All rows as values.
    pub fn to_values(&self) -> Vec<Value> {
        match self {
            PropertyArray::Values(v) => v.clone(),
            PropertyArray::Typed(_) => (0..self.len()).map(|i| self.value(i)).collect(),
        }
    }
}

/// Where row `i` of a gather takes its value from when it is not the base column.
enum Cell<'a> {
    Base,
    Over(&'a Value),
}

static NULL: Value = Value::Null;

/// Gathers `rows` of a column merged with `overrides` (a row → value map where
/// Null means removed); rows for which `hidden` is true read as null. Typed
/// when every touched chunk and override agree on one primitive type.
pub(crate) fn gather(
    column: Option<&PropertyColumn>,
    rows: &[u64],
    overrides: Option<&imbl::HashMap<u64, Value>>,
    hidden: Option<&dyn Fn(u64) -> bool>,
) -> PropertyArray {
    let empty = PropertyColumn::default();
    let column = column.unwrap_or(&empty);
    let overrides = overrides.filter(|o| !o.is_empty());
    let mut kind = Kind::Null;
    let cells: Option<Vec<Cell>> = if overrides.is_some() || hidden.is_some() {
        Some(
            rows.iter()
                .map(|&r| {
                    if hidden.is_some_and(|h| h(r)) {
                        return Cell::Over(&NULL);
                    }
                    if let Some(v) = overrides.and_then(|o| o.get(&r)) {
                        kind = kind.join(Kind::of(v));
                        return Cell::Over(v);
                    }
                    let (c, _) = split(r);
                    if let Some(ch) = column.chunk(c) {
                        kind = kind.join(ch.kind());
                    }
                    Cell::Base
                })
                .collect(),
        )
    } else {
        let mut last = usize::MAX;
        for &r in rows {
            let (c, _) = split(r);
            if c != last {
                last = c;
                if let Some(ch) = column.chunk(c) {
                    kind = kind.join(ch.kind());
                    if kind == Kind::Mixed {
                        break;
                    }
                }
            }
        }
        None
    };
    let cell = |i: usize| cells.as_ref().map_or(&Cell::Base, |c| &c[i]);

    macro_rules! typed {
        ($builder:ty, $variant:ident, $valvariant:ident, $conv:expr) => {{
            let mut b = <$builder>::with_capacity(rows.len());
            for (i, &r) in rows.iter().enumerate() {
                match cell(i) {
                    Cell::Over(Value::$valvariant(x)) => b.append_value($conv(x)),
                    Cell::Over(_) => b.append_null(),
                    Cell::Base => {
                        let (c, j) = split(r);
                        match column.chunk(c) {
                            Some(Chunk::$variant(a)) if j < a.len() && a.is_valid(j) => b.append_value(a.value(j)),
                            _ => b.append_null(),
                        }
                    }
                }
            }
            PropertyArray::Typed(Arc::new(b.finish()))
        }};
    }

    match kind {
        Kind::Int => typed!(Int64Builder, Int, Integer, |x: &i64| *x),
        Kind::Float => typed!(Float64Builder, Float, Float, |x: &f64| *x),
        Kind::Bool => typed!(BooleanBuilder, Bool, Boolean, |x: &bool| *x),
        Kind::Str => {
            let mut b = StringBuilder::with_capacity(rows.len(), rows.len() * 8);
            for (i, &r) in rows.iter().enumerate() {
                match cell(i) {
                    Cell::Over(Value::String(s)) => b.append_value(s),
                    Cell::Over(_) => b.append_null(),
                    Cell::Base => {
                        let (c, j) = split(r);
                        match column.chunk(c) {
                            Some(Chunk::Str(a)) if j < a.len() && a.is_valid(j) => b.append_value(a.value(j)),
                            _ => b.append_null(),
                        }
                    }
                }
            }
            PropertyArray::Typed(Arc::new(b.finish()))
        }
        Kind::Null => PropertyArray::Values(vec![Value::Null; rows.len()]),
        Kind::Mixed => PropertyArray::Values(
            rows.iter()
                .enumerate()
                .map(|(i, &r)| match cell(i) {
                    Cell::Over(v) => (*v).clone(),
                    Cell::Base => column.get(r),
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_schema::DataType;

    fn ints(n: usize, f: impl Fn(usize) -> Value) -> Vec<Value> {
        (0..n).map(f).collect()
    }

    #[test]
    fn chunk_kinds() {
        assert!(matches!(Chunk::from_values(vec![Value::Null; 10]), Chunk::Null));
        assert!(matches!(Chunk::from_values(vec![Value::Integer(1), Value::Null]), Chunk::Int(_)));
        assert!(matches!(Chunk::from_values(vec![Value::Float(1.0)]), Chunk::Float(_)));
        assert!(matches!(Chunk::from_values(vec![Value::from("x"), Value::Null]), Chunk::Str(_)));
        assert!(matches!(Chunk::from_values(vec![Value::Boolean(true)]), Chunk::Bool(_)));
        assert!(matches!(Chunk::from_values(vec![Value::Integer(1), Value::Float(1.0)]), Chunk::Dynamic(_)));
        assert!(matches!(Chunk::from_values(vec![Value::from(vec![1i64])]), Chunk::Dynamic(_)));
        let c = Chunk::from_values(vec![Value::Integer(4), Value::Null]);
        assert_eq!(c.get(0), Value::Integer(4));
        assert_eq!(c.get(1), Value::Null);
        assert_eq!(c.get(5000), Value::Null);
        assert!(c.is_set(0) && !c.is_set(1) && !c.is_set(9));
    }

    #[test]
    fn sparse_build_spans_chunks() {
        let col = PropertyColumn::from_sparse(vec![
            (5000, Value::from("late")),
            (3, Value::Integer(3)),
            (3, Value::Integer(4)),
        ]);
        assert_eq!(col.get(3), Value::Integer(4));
        assert_eq!(col.get(5000), Value::from("late"));
        assert_eq!(col.get(4), Value::Null);
        assert_eq!(col.get(u64::MAX), Value::Null);
        assert!(matches!(col.chunk(1), Some(Chunk::Null)));
        assert_eq!(col.chunk_count(), 3);
    }

    #[test]
    fn gather_is_typed_when_chunks_agree() {
        let mut cells: Vec<(u64, Value)> = ints(3 * CHUNK_ROWS, |i| Value::Integer(i as i64))
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i as u64, v))
            .collect();
        cells.retain(|(r, _)| r % 7 != 0);
        let col = PropertyColumn::from_sparse(cells);
        let rows: Vec<u64> = vec![1, 7, 5000, 2, 99_999];
        let PropertyArray::Typed(a) = gather(Some(&col), &rows, None, None) else {
            panic!("expected typed");
        };
        assert_eq!(a.data_type(), &DataType::Int64);
        let a = PropertyArray::Typed(a);
        assert_eq!(
            a.to_values(),
            vec![Value::Integer(1), Value::Null, Value::Integer(5000), Value::Integer(2), Value::Null]
        );
    }

    #[test]
    fn gather_mixed_types_falls_back_to_values() {
        // Chunk 0 ints, chunk 1 strings: one batch touching both is mixed.
        let col = PropertyColumn::from_sparse(vec![(0, Value::Integer(1)), (CHUNK_ROWS as u64, Value::from("s"))]);
        let out = gather(Some(&col), &[0, CHUNK_ROWS as u64], None, None);
        assert!(matches!(out, PropertyArray::Values(_)));
        assert_eq!(out.to_values(), vec![Value::Integer(1), Value::from("s")]);
        // Touching only the string chunk is typed.
        let out = gather(Some(&col), &[CHUNK_ROWS as u64, CHUNK_ROWS as u64 + 1], None, None);
        assert!(matches!(&out, PropertyArray::Typed(a) if a.data_type() == &DataType::Utf8));
        // No column at all: all null.
        let out = gather(None, &[1, 2], None, None);
        assert_eq!(out.to_values(), vec![Value::Null, Value::Null]);
    }

    #[test]
    fn gather_merges_overrides_and_hidden_rows() {
        let col =
            PropertyColumn::from_sparse(vec![(0, Value::Float(0.5)), (1, Value::Float(1.5)), (2, Value::Float(2.5))]);
        let mut over: imbl::HashMap<u64, Value> = imbl::HashMap::new();
        over.insert(1, Value::Null);
        over.insert(3, Value::Float(3.5));
        let hide = |r: u64| r == 2;
        let out = gather(Some(&col), &[0, 1, 2, 3], Some(&over), Some(&hide));
        assert!(matches!(&out, PropertyArray::Typed(a) if a.data_type() == &DataType::Float64));
        assert_eq!(out.to_values(), vec![Value::Float(0.5), Value::Null, Value::Null, Value::Float(3.5)]);
        // An override of another type makes the batch mixed.
        over.insert(3, Value::Integer(3));
        let out = gather(Some(&col), &[0, 3], Some(&over), None);
        assert!(matches!(out, PropertyArray::Values(_)));
        assert_eq!(out.to_values(), vec![Value::Float(0.5), Value::Integer(3)]);
        // Bool overrides on a null column stay typed.
        let mut over: imbl::HashMap<u64, Value> = imbl::HashMap::new();
        over.insert(9, Value::Boolean(true));
        let out = gather(None, &[9, 10], Some(&over), None);
        assert!(matches!(&out, PropertyArray::Typed(a) if a.data_type() == &DataType::Boolean));
        assert_eq!(out.to_values(), vec![Value::Boolean(true), Value::Null]);
    }
}

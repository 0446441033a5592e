//! Choosing each column's Arrow type: the one plain type every value of a key in a file shares, or the exact
//! encoding when there is none.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType, Field};
use plexus_storage::{PropertyArray, Value};

/// Field metadata key marking a Binary column of codec-encoded values.
pub(super) const ENCODING_KEY: &str = "plexus.encoding";
/// Its value: each cell is one `encode_value` result.
pub(super) const ENCODING_VALUE: &str = "value";

/// Column names of the entities themselves; property keys starting with `_` get one more `_` in front.
pub(super) const ID: &str = "_id";
pub(super) const EXTERNAL_ID: &str = "_external_id";
pub(super) const LABELS: &str = "_labels";
pub(super) const SRC: &str = "_src";
pub(super) const DST: &str = "_dst";

/// A type a list may hold in a plain column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scalar {
    Int,
    Float,
    Str,
    Bool,
}

impl Scalar {
    fn of(v: &Value) -> Option<Scalar> {
        match v {
            Value::Integer(_) => Some(Scalar::Int),
            Value::Float(_) => Some(Scalar::Float),
            Value::String(_) => Some(Scalar::Str),
            Value::Boolean(_) => Some(Scalar::Bool),
            _ => None,
        }
    }

    fn data_type(self) -> DataType {
        match self {
            Scalar::Int => DataType::Int64,
            Scalar::Float => DataType::Float64,
            Scalar::Str => DataType::Utf8,
            Scalar::Bool => DataType::Boolean,
        }
    }
}

/// What the values of one key in one file have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ColumnType {
    /// No value seen yet (no column is written).
    Empty,
    Scalar(Scalar),
    /// Date32: days since the epoch.
    Date,
    /// Lists of one scalar type; None while only empty lists were seen.
    List(Option<Scalar>),
    /// Binary, each cell encoded exactly.
    Encoded,
}

impl ColumnType {
    pub(super) fn of(v: &Value) -> ColumnType {
        match v {
            Value::Null => ColumnType::Empty,
            Value::Date(d) if i32::try_from(d.days).is_ok() => ColumnType::Date,
            Value::List(items) => match items.first().map(Scalar::of) {
                None => ColumnType::List(None),
                Some(Some(s)) if items.iter().all(|i| Scalar::of(i) == Some(s)) => ColumnType::List(Some(s)),
                Some(_) => ColumnType::Encoded,
            },
            other => Scalar::of(other).map_or(ColumnType::Encoded, ColumnType::Scalar),
        }
    }

    pub(super) fn join(self, other: ColumnType) -> ColumnType {
        match (self, other) {
            (ColumnType::Empty, t) | (t, ColumnType::Empty) => t,
            (ColumnType::List(None), ColumnType::List(t)) | (ColumnType::List(t), ColumnType::List(None)) => {
                ColumnType::List(t)
            }
            (a, b) if a == b => a,
            _ => ColumnType::Encoded,
        }
    }

    /// The join over one gathered batch; a typed gather says its type without looking at rows.
    pub(super) fn of_batch(values: &PropertyArray) -> ColumnType {
        match values {
            PropertyArray::Typed(a) if a.null_count() == a.len() => ColumnType::Empty,
            PropertyArray::Typed(a) => match a.data_type() {
                DataType::Int64 => ColumnType::Scalar(Scalar::Int),
                DataType::Float64 => ColumnType::Scalar(Scalar::Float),
                DataType::Utf8 => ColumnType::Scalar(Scalar::Str),
                DataType::Boolean => ColumnType::Scalar(Scalar::Bool),
                _ => (0..a.len()).fold(ColumnType::Empty, |t, i| t.join(ColumnType::of(&values.value(i)))),
            },
            PropertyArray::Values(vs) => vs.iter().fold(ColumnType::Empty, |t, v| t.join(ColumnType::of(v))),
        }
    }

    pub(super) fn data_type(self) -> DataType {
        match self {
            ColumnType::Empty | ColumnType::Encoded => DataType::Binary,
            ColumnType::Scalar(s) => s.data_type(),
            ColumnType::Date => DataType::Date32,
            // All-empty lists still need an element type; text is the most neutral.
            ColumnType::List(s) => list_of(s.unwrap_or(Scalar::Str).data_type()),
        }
    }

    /// The nullable field of property `key` in this type.
    pub(super) fn field(self, key: &str) -> Field {
        let field = Field::new(column_name(key), self.data_type(), true);
        match self {
            ColumnType::Encoded => {
                field.with_metadata(HashMap::from([(ENCODING_KEY.to_string(), ENCODING_VALUE.to_string())]))
            }
            _ => field,
        }
    }
}

/// List<t> with the element field Arrow's list builders produce.
pub(super) fn list_of(t: DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(t, true)))
}

/// The column of property `key`: names starting with `_` are the entities' own, so such keys get one more.
pub(super) fn column_name(key: &str) -> String {
    if key.starts_with('_') {
        format!("_{key}")
    } else {
        key.to_string()
    }
}

/// The property key of a column that is not one of the entities' own.
pub(super) fn key_of_column(column: &str) -> &str {
    column.strip_prefix("__").map_or(column, |_| &column[1..])
}

/// True when `field` holds codec-encoded values.
pub(super) fn is_encoded(field: &Field) -> bool {
    field.metadata().get(ENCODING_KEY).is_some_and(|v| v == ENCODING_VALUE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_storage::value::Date;

    #[test]
    fn one_plain_type_or_encoded() {
        let join = |vs: &[Value]| vs.iter().fold(ColumnType::Empty, |t, v| t.join(ColumnType::of(v)));
        assert_eq!(join(&[Value::Null, 1.into(), 2.into()]), ColumnType::Scalar(Scalar::Int));
        assert_eq!(join(&[1.into(), 2.5.into()]), ColumnType::Encoded);
        assert_eq!(join(&[Value::List(vec![]), vec![1.5].into()]), ColumnType::List(Some(Scalar::Float)));
        assert_eq!(join(&[vec![1].into(), vec!["a"].into()]), ColumnType::Encoded);
        assert_eq!(join(&[Value::List(vec![Value::Date(Date { days: 1 })])]), ColumnType::Encoded);
        assert_eq!(join(&[Value::Date(Date { days: 1 })]), ColumnType::Date);
        assert_eq!(join(&[Value::Date(Date { days: i64::from(i32::MAX) + 1 })]), ColumnType::Encoded);
        assert_eq!(join(&[Value::Null]), ColumnType::Empty);
    }

    #[test]
    fn underscore_keys_are_escaped_both_ways() {
        for key in ["_id", "__x", "name", "_"] {
            assert_eq!(key_of_column(&column_name(key)), key);
        }
        assert_eq!(column_name("_id"), "__id");
    }
}

//! Property values to Arrow arrays of a chosen [`ColumnType`], and any supported Arrow array back to values.

use std::sync::Arc;

use arrow_array::builder::{ArrayBuilder, BinaryBuilder, BooleanBuilder, Float64Builder, Int64Builder};
use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType, Date32Array};
use arrow_schema::{DataType, Field};
use plexus_storage::durable::{decode_value, encode_value};
use plexus_storage::value::Date;
use plexus_storage::{Error, PropertyArray, Value};

use super::schema::{is_encoded, ColumnType, Scalar};

/// A value that does not fit the column type chosen from the very same values: a bug of ours.
fn mismatch(ty: ColumnType, v: &Value) -> Error {
    Error::internal(format!("a {} value in a {ty:?} column", v.type_name()))
}

/// The array of type `ty` for one batch of gathered values; a typed gather of that type is used as it is.
pub(super) fn to_array(ty: ColumnType, values: PropertyArray) -> Result<ArrayRef, Error> {
    let values = match values {
        PropertyArray::Typed(a) if *a.data_type() == ty.data_type() => return Ok(a),
        PropertyArray::Values(vs) => vs,
        typed => (0..typed.len()).map(|i| typed.value(i)).collect(),
    };
    let bad = |v: &Value| mismatch(ty, v);
    Ok(match ty {
        ColumnType::Scalar(s) => {
            let mut b = scalar_builder(s);
            for v in &values {
                if !append_scalar(b.as_mut(), s, v) {
                    return Err(bad(v));
                }
            }
            b.finish()
        }
        ColumnType::Date => {
            let days: Result<Date32Array, Error> = values
                .iter()
                .map(|v| match v {
                    Value::Null => Ok(None),
                    Value::Date(d) => i32::try_from(d.days).map(Some).map_err(|_| bad(v)),
                    other => Err(bad(other)),
                })
                .collect();
            Arc::new(days?)
        }
        ColumnType::List(s) => {
            let s = s.unwrap_or(Scalar::Str);
            let mut b = ListBuilder::new(scalar_builder(s));
            for v in &values {
                match v {
                    Value::Null => b.append_null(),
                    Value::List(items) => {
                        for item in items {
                            if !append_scalar(b.values().as_mut(), s, item) {
                                return Err(bad(v));
                            }
                        }
                        b.append(true);
                    }
                    other => return Err(bad(other)),
                }
            }
            // A list builder over a boxed builder yields the same List<item> type as a typed one.
            Arc::new(b.finish())
        }
        ColumnType::Empty | ColumnType::Encoded => {
            let mut b = BinaryBuilder::new();
            for v in &values {
                match v {
                    Value::Null => b.append_null(),
                    v => b.append_value(encode_value(v)?),
                }
            }
            Arc::new(b.finish())
        }
    })
}

fn scalar_builder(s: Scalar) -> Box<dyn ArrayBuilder> {
    match s {
        Scalar::Int => Box::new(Int64Builder::new()),
        Scalar::Float => Box::new(Float64Builder::new()),
        Scalar::Str => Box::new(StringBuilder::new()),
        Scalar::Bool => Box::new(BooleanBuilder::new()),
    }
}

/// Appends `v` (or a null); false when `v` is not of type `s`.
fn append_scalar(b: &mut dyn ArrayBuilder, s: Scalar, v: &Value) -> bool {
    let any = b.as_any_mut();
    match (s, v) {
        (Scalar::Int, Value::Integer(i)) => any.downcast_mut::<Int64Builder>().map(|b| b.append_value(*i)),
        (Scalar::Int, Value::Null) => any.downcast_mut::<Int64Builder>().map(|b| b.append_null()),
        (Scalar::Float, Value::Float(f)) => any.downcast_mut::<Float64Builder>().map(|b| b.append_value(*f)),
        (Scalar::Float, Value::Null) => any.downcast_mut::<Float64Builder>().map(|b| b.append_null()),
        (Scalar::Str, Value::String(t)) => any.downcast_mut::<StringBuilder>().map(|b| b.append_value(t)),
        (Scalar::Str, Value::Null) => any.downcast_mut::<StringBuilder>().map(|b| b.append_null()),
        (Scalar::Bool, Value::Boolean(x)) => any.downcast_mut::<BooleanBuilder>().map(|b| b.append_value(*x)),
        (Scalar::Bool, Value::Null) => any.downcast_mut::<BooleanBuilder>().map(|b| b.append_null()),
        _ => None,
    }
    .is_some()
}

/// Why a column could not be read: the whole column, or one row of it (0-based within the batch).
pub(super) enum Unreadable {
    Column(String),
    Row(usize, String),
}

/// Every row of `array` (the column `field`) as a value.
pub(super) fn from_array(field: &Field, array: &dyn Array) -> Result<Vec<Value>, Unreadable> {
    if is_encoded(field) {
        let cells: Vec<Option<&[u8]>> = match array.data_type() {
            DataType::Binary => array.as_binary::<i32>().iter().collect(),
            DataType::LargeBinary => array.as_binary::<i64>().iter().collect(),
            other => return Err(Unreadable::Column(format!("an encoded column must be Binary, not {other}"))),
        };
        return cells
            .into_iter()
            .enumerate()
            .map(|(i, cell)| match cell {
                None => Ok(Value::Null),
                Some(bytes) => decode_value(bytes).map_err(|e| Unreadable::Row(i, e.message)),
            })
            .collect();
    }
    match array.data_type() {
        DataType::List(_) => lists(array.as_list::<i32>().iter()),
        DataType::LargeList(_) => lists(array.as_list::<i64>().iter()),
        _ => scalars(array)
            .map_err(Unreadable::Column)?
            .into_iter()
            .enumerate()
            .map(|(i, v)| v.map_err(|m| Unreadable::Row(i, m)))
            .collect(),
    }
}

fn lists(rows: impl Iterator<Item = Option<ArrayRef>>) -> Result<Vec<Value>, Unreadable> {
    rows.enumerate()
        .map(|(i, row)| match row {
            None => Ok(Value::Null),
            Some(items) => {
                let items = scalars(items.as_ref()).map_err(|m| Unreadable::Column(format!("list of {m}")))?;
                items
                    .into_iter()
                    .collect::<Result<Vec<Value>, String>>()
                    .map(Value::List)
                    .map_err(|m| Unreadable::Row(i, m))
            }
        })
        .collect()
}

/// The values of a column of plain type; the outer error is a type we do not read, the inner ones bad cells.
fn scalars(array: &dyn Array) -> Result<Vec<Result<Value, String>>, String> {
    fn each<T: ArrowPrimitiveType>(
        array: &dyn Array,
        f: impl Fn(T::Native) -> Result<Value, String>,
    ) -> Vec<Result<Value, String>> {
        array.as_primitive::<T>().iter().map(|v| v.map_or(Ok(Value::Null), &f)).collect()
    }
    let int = |i: i64| Ok(Value::Integer(i));
    Ok(match array.data_type() {
        DataType::Int64 => each::<Int64Type>(array, int),
        DataType::Int32 => each::<Int32Type>(array, |i| int(i.into())),
        DataType::Int16 => each::<Int16Type>(array, |i| int(i.into())),
        DataType::Int8 => each::<Int8Type>(array, |i| int(i.into())),
        DataType::UInt32 => each::<UInt32Type>(array, |i| int(i.into())),
        DataType::UInt16 => each::<UInt16Type>(array, |i| int(i.into())),
        DataType::UInt8 => each::<UInt8Type>(array, |i| int(i.into())),
        DataType::UInt64 => each::<UInt64Type>(array, |i| {
            i64::try_from(i).map(Value::Integer).map_err(|_| format!("{i} does not fit a 64-bit signed integer"))
        }),
        DataType::Float64 => each::<Float64Type>(array, |f| Ok(Value::Float(f))),
        DataType::Float32 => each::<Float32Type>(array, |f| Ok(Value::Float(f.into()))),
        DataType::Date32 => each::<Date32Type>(array, |d| Ok(Value::Date(Date { days: d.into() }))),
        DataType::Utf8 => array.as_string::<i32>().iter().map(|s| Ok(s.map_or(Value::Null, Value::from))).collect(),
        DataType::LargeUtf8 => {
            array.as_string::<i64>().iter().map(|s| Ok(s.map_or(Value::Null, Value::from))).collect()
        }
        DataType::Utf8View => array.as_string_view().iter().map(|s| Ok(s.map_or(Value::Null, Value::from))).collect(),
        DataType::Boolean => array.as_boolean().iter().map(|b| Ok(b.map_or(Value::Null, Value::Boolean))).collect(),
        DataType::Null => vec![Ok(Value::Null); array.len()],
        other => {
            return Err(format!(
                "{other} is not a type plexus reads (Binary needs {} metadata)",
                super::schema::ENCODING_KEY
            ))
        }
    })
}

//! Type conversion functions: `toInteger`, `toFloat`, `toBoolean`, `toString`,
//! their `OrNull` variants (never fail) and the `...List` variants.

use plexus_storage::{Result, Value};

use super::{arg, invalid_arg};

const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// Truncate a float toward zero into an i64; `None` when NaN or out of range.
pub fn float_to_int(f: f64) -> Option<i64> {
    let t = f.trunc();
    if t.is_nan() || !(-TWO_POW_63..TWO_POW_63).contains(&t) {
        None
    } else {
        Some(t as i64)
    }
}

/// Parse a float the way Cypher (Java) does: decimal/exponent forms plus `NaN` and `Infinity`.
pub fn parse_float(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    match unsigned {
        "NaN" if unsigned.len() == s.len() => return Some(f64::NAN),
        "Infinity" => return s.parse::<f64>().ok(),
        _ => {}
    }
    let plain = !unsigned.is_empty()
        && unsigned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && unsigned.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.');
    if plain {
        s.parse::<f64>().ok()
    } else {
        None
    }
}

/// Parse an integer string; falls back to a float string truncated toward zero.
pub fn parse_integer(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().or_else(|| parse_float(s).and_then(float_to_int))
}

/// `Ok(None)` means "cannot convert this value" (null for the OrNull variants).
fn integer_of(v: &Value) -> Option<Option<i64>> {
    match v {
        Value::Null => Some(None),
        Value::Integer(i) => Some(Some(*i)),
        Value::Float(f) => Some(float_to_int(*f)),
        Value::Boolean(b) => Some(Some(i64::from(*b))),
        Value::String(s) => Some(parse_integer(s)),
        _ => None,
    }
}

fn float_of(v: &Value) -> Option<Option<f64>> {
    match v {
        Value::Null => Some(None),
        Value::Integer(i) => Some(Some(*i as f64)),
        Value::Float(f) => Some(Some(*f)),
        Value::String(s) => Some(parse_float(s)),
        _ => None,
    }
}

fn boolean_of(v: &Value) -> Option<Option<bool>> {
    match v {
        Value::Null => Some(None),
        Value::Boolean(b) => Some(Some(*b)),
        Value::Integer(i) => Some(Some(*i != 0)),
        Value::String(s) => Some(match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }),
        _ => None,
    }
}

fn string_of(v: &Value) -> Option<Option<String>> {
    match v {
        Value::Null => Some(None),
        Value::List(_) | Value::Map(_) | Value::Node(_) | Value::Relationship(_) | Value::Path(_) => None,
        other => Some(Some(other.to_display_string())),
    }
}

/// `toInteger(x)`: integers, floats (truncated), booleans, numeric strings; other strings → null.
pub fn to_integer(args: &[Value]) -> Result<Value> {
    let v = arg(args, 0);
    integer_of(v).map(Value::from).ok_or_else(|| invalid_arg("toInteger", "a STRING, NUMBER or BOOLEAN", v))
}

/// `toIntegerOrNull(x)`: like `toInteger` but null instead of a type error.
pub fn to_integer_or_null(args: &[Value]) -> Result<Value> {
    Ok(integer_of(arg(args, 0)).flatten().into())
}

/// `toFloat(x)`: numbers and numeric strings; other strings → null.
pub fn to_float(args: &[Value]) -> Result<Value> {
    let v = arg(args, 0);
    float_of(v).map(Value::from).ok_or_else(|| invalid_arg("toFloat", "a STRING or NUMBER", v))
}

/// `toFloatOrNull(x)`: like `toFloat` but null instead of a type error.
pub fn to_float_or_null(args: &[Value]) -> Result<Value> {
    Ok(float_of(arg(args, 0)).flatten().into())
}

/// `toBoolean(x)`: booleans, integers (non-zero is true), `'true'`/`'false'` strings.
pub fn to_boolean(args: &[Value]) -> Result<Value> {
    let v = arg(args, 0);
    boolean_of(v).map(Value::from).ok_or_else(|| invalid_arg("toBoolean", "a STRING, INTEGER or BOOLEAN", v))
}

/// `toBooleanOrNull(x)`: like `toBoolean` but null instead of a type error.
pub fn to_boolean_or_null(args: &[Value]) -> Result<Value> {
    Ok(boolean_of(arg(args, 0)).flatten().into())
}

/// `toString(x)`: scalars and temporals as text (no quotes); collections and graph values fail.
pub fn to_string(args: &[Value]) -> Result<Value> {
    let v = arg(args, 0);
    string_of(v).map(Value::from).ok_or_else(|| invalid_arg("toString", "a scalar or temporal value", v))
}

/// `toStringOrNull(x)`: like `toString` but null instead of a type error.
pub fn to_string_or_null(args: &[Value]) -> Result<Value> {
    Ok(string_of(arg(args, 0)).flatten().into())
}

fn map_list(func: &str, v: &Value, f: impl Fn(&Value) -> Value) -> Result<Value> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::List(items) => Ok(Value::List(items.iter().map(f).collect())),
        other => Err(invalid_arg(func, "a LIST", other)),
    }
}

/// `toIntegerList(list)`: `toIntegerOrNull` on each element.
pub fn to_integer_list(args: &[Value]) -> Result<Value> {
    map_list("toIntegerList", arg(args, 0), |v| integer_of(v).flatten().into())
}

/// `toFloatList(list)`: `toFloatOrNull` on each element.
pub fn to_float_list(args: &[Value]) -> Result<Value> {
    map_list("toFloatList", arg(args, 0), |v| float_of(v).flatten().into())
}

/// `toBooleanList(list)`: `toBooleanOrNull` on each element.
pub fn to_boolean_list(args: &[Value]) -> Result<Value> {
    map_list("toBooleanList", arg(args, 0), |v| boolean_of(v).flatten().into())
}

/// `toStringList(list)`: `toStringOrNull` on each element.
pub fn to_string_list(args: &[Value]) -> Result<Value> {
    map_list("toStringList", arg(args, 0), |v| string_of(v).flatten().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::test_util::*;
    use plexus_storage::value::Date;
    use plexus_storage::ErrorClass;

    const N: Value = Value::Null;

    fn type_err(r: Result<Value>) -> bool {
        matches!(r, Err(e) if e.class == ErrorClass::TypeError && e.detail == "InvalidArgumentValue")
    }

    #[test]
    fn integers() {
        // TypeConversion2
        assert_eq!(to_integer(&[f(82.9)]).unwrap(), i(82));
        assert_eq!(to_integer(&[s("foo")]).unwrap(), N);
        assert_eq!(to_integer(&[s("")]).unwrap(), N);
        assert_eq!(to_integer(&[f(2.9)]).unwrap(), i(2));
        assert_eq!(to_integer(&[s("1.7")]).unwrap(), i(1));
        assert_eq!(to_integer(&[s("2.9")]).unwrap(), i(2));
        assert_eq!(to_integer(&[s("42")]).unwrap(), i(42));
        assert_eq!(to_integer(&[s("-42")]).unwrap(), i(-42));
        assert_eq!(to_integer(&[f(-2.9)]).unwrap(), i(-2));
        assert_eq!(to_integer(&[Value::Boolean(true)]).unwrap(), i(1));
        assert_eq!(to_integer(&[f(f64::NAN)]).unwrap(), N);
        assert_eq!(to_integer(&[f(1e300)]).unwrap(), N);
        assert_eq!(to_integer(&[s("9223372036854775807")]).unwrap(), i(i64::MAX));
        assert_eq!(to_integer(&[N]).unwrap(), N);
        assert!(type_err(to_integer(&[l(vec![])])));
        assert!(type_err(to_integer(&[Value::Map(Default::default())])));
        assert_eq!(to_integer_or_null(&[l(vec![])]).unwrap(), N);
    }

    #[test]
    fn floats() {
        // TypeConversion3
        assert_eq!(to_float(&[s("3.4")]).unwrap(), f(3.4));
        assert_eq!(to_float(&[i(3)]).unwrap(), f(3.0));
        assert_eq!(to_float(&[s("5")]).unwrap(), f(5.0));
        assert_eq!(to_float(&[s("foo")]).unwrap(), N);
        assert_eq!(to_float(&[s("")]).unwrap(), N);
        assert_eq!(to_float(&[s("1e3")]).unwrap(), f(1000.0));
        assert_eq!(to_float(&[s("inf")]).unwrap(), N);
        assert_eq!(to_float(&[s("-Infinity")]).unwrap(), f(f64::NEG_INFINITY));
        assert!(matches!(to_float(&[s("NaN")]).unwrap(), Value::Float(x) if x.is_nan()));
        assert!(type_err(to_float(&[Value::Boolean(true)])));
        assert!(type_err(to_float(&[l(vec![])])));
        assert_eq!(to_float_or_null(&[Value::Boolean(true)]).unwrap(), N);
    }

    #[test]
    fn booleans() {
        // TypeConversion1
        assert_eq!(to_boolean(&[s("true")]).unwrap(), Value::Boolean(true));
        assert_eq!(to_boolean(&[s("FALSE")]).unwrap(), Value::Boolean(false));
        assert_eq!(to_boolean(&[s("foo")]).unwrap(), N);
        assert_eq!(to_boolean(&[Value::Boolean(true)]).unwrap(), Value::Boolean(true));
        assert_eq!(to_boolean(&[i(0)]).unwrap(), Value::Boolean(false));
        assert!(type_err(to_boolean(&[f(1.0)])));
        assert!(type_err(to_boolean(&[l(vec![])])));
        assert_eq!(to_boolean_or_null(&[f(1.0)]).unwrap(), N);
    }

    #[test]
    fn strings() {
        // TypeConversion4
        assert_eq!(to_string(&[i(42)]).unwrap(), s("42"));
        assert_eq!(to_string(&[Value::Boolean(true)]).unwrap(), s("true"));
        assert_eq!(to_string(&[f(2.3)]).unwrap(), s("2.3"));
        assert_eq!(to_string(&[f(1.0)]).unwrap(), s("1.0"));
        assert_eq!(to_string(&[s("apa")]).unwrap(), s("apa"));
        assert_eq!(to_string(&[Value::Date(Date { days: 0 })]).unwrap(), s("1970-01-01"));
        assert_eq!(to_string(&[N]).unwrap(), N);
        assert!(type_err(to_string(&[l(vec![])])));
        assert_eq!(to_string_or_null(&[l(vec![])]).unwrap(), N);
    }

    #[test]
    fn lists() {
        assert_eq!(to_integer_list(&[l(vec![s("1"), f(2.5), s("x"), l(vec![])])]).unwrap(), l(vec![i(1), i(2), N, N]));
        assert_eq!(to_float_list(&[l(vec![i(1)])]).unwrap(), l(vec![f(1.0)]));
        assert_eq!(
            to_boolean_list(&[l(vec![s("true"), i(0)])]).unwrap(),
            l(vec![Value::Boolean(true), Value::Boolean(false)])
        );
        assert_eq!(to_string_list(&[l(vec![i(1), N])]).unwrap(), l(vec![s("1"), N]));
        assert_eq!(to_string_list(&[N]).unwrap(), N);
        assert!(to_string_list(&[i(1)]).is_err());
    }
}

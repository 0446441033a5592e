//! String functions. Positions and lengths count characters, never bytes.

use plexus_storage::{Error, Result, Value};

use super::{arg, invalid_arg};

/// Apply `f` to a string argument; null in, null out.
fn map_str(func: &str, v: &Value, f: impl Fn(&str) -> String) -> Result<Value> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(Value::String(f(s))),
        other => Err(invalid_arg(func, "a STRING", other)),
    }
}

/// A non-negative integer argument (`NumberOutOfRange` when negative).
fn count_arg(func: &str, v: &Value) -> Result<Option<usize>> {
    match v {
        Value::Null => Ok(None),
        Value::Integer(n) if *n < 0 => {
            Err(Error::argument("NumberOutOfRange", format!("{func}() expects a non-negative INTEGER, got {n}")))
        }
        Value::Integer(n) => Ok(Some(usize::try_from(*n).unwrap_or(usize::MAX))),
        other => Err(invalid_arg(func, "an INTEGER", other)),
    }
}

/// `toUpper(s)` / `upper(s)`.
pub fn to_upper(args: &[Value]) -> Result<Value> {
    map_str("toUpper", arg(args, 0), str::to_uppercase)
}

/// `toLower(s)` / `lower(s)`.
pub fn to_lower(args: &[Value]) -> Result<Value> {
    map_str("toLower", arg(args, 0), str::to_lowercase)
}

/// `trim(s)`: strip leading and trailing whitespace.
pub fn trim(args: &[Value]) -> Result<Value> {
    map_str("trim", arg(args, 0), |s| s.trim().to_string())
}

/// `ltrim(s)`: strip leading whitespace.
pub fn ltrim(args: &[Value]) -> Result<Value> {
    map_str("ltrim", arg(args, 0), |s| s.trim_start().to_string())
}

/// `rtrim(s)`: strip trailing whitespace.
pub fn rtrim(args: &[Value]) -> Result<Value> {
    map_str("rtrim", arg(args, 0), |s| s.trim_end().to_string())
}

/// `replace(original, search, replacement)`: replace every occurrence.
pub fn replace(args: &[Value]) -> Result<Value> {
    let (o, s, r) = (arg(args, 0), arg(args, 1), arg(args, 2));
    match (o, s, r) {
        (Value::Null, _, _) | (_, Value::Null, _) | (_, _, Value::Null) => Ok(Value::Null),
        (Value::String(o), Value::String(s), Value::String(r)) => Ok(Value::String(o.replace(s.as_str(), r))),
        _ => {
            let bad = [o, s, r].into_iter().find(|v| !matches!(v, Value::String(_))).unwrap_or(o);
            Err(invalid_arg("replace", "STRING arguments", bad))
        }
    }
}

/// `substring(s, start[, length])`: characters from `start` (0-based).
pub fn substring(args: &[Value]) -> Result<Value> {
    let s = match arg(args, 0) {
        Value::Null => return Ok(Value::Null),
        Value::String(s) => s,
        other => return Err(invalid_arg("substring", "a STRING", other)),
    };
    let Some(start) = count_arg("substring", arg(args, 1))? else {
        return Ok(Value::Null);
    };
    let len = if args.len() > 2 {
        match count_arg("substring", arg(args, 2))? {
            Some(n) => n,
            None => return Ok(Value::Null),
        }
    } else {
        usize::MAX
    };
    Ok(Value::String(s.chars().skip(start).take(len).collect()))
}

/// `left(s, n)`: the first `n` characters.
pub fn left(args: &[Value]) -> Result<Value> {
    let s = match arg(args, 0) {
        Value::Null => return Ok(Value::Null),
        Value::String(s) => s,
        other => return Err(invalid_arg("left", "a STRING", other)),
    };
    match count_arg("left", arg(args, 1))? {
        Some(n) => Ok(Value::String(s.chars().take(n).collect())),
        None => Ok(Value::Null),
    }
}

/// `right(s, n)`: the last `n` characters.
pub fn right(args: &[Value]) -> Result<Value> {
    let s = match arg(args, 0) {
        Value::Null => return Ok(Value::Null),
        Value::String(s) => s,
        other => return Err(invalid_arg("right", "a STRING", other)),
    };
    match count_arg("right", arg(args, 1))? {
        Some(n) => {
            let total = s.chars().count();
            Ok(Value::String(s.chars().skip(total.saturating_sub(n)).collect()))
        }
        None => Ok(Value::Null),
    }
}

/// Split on any of several delimiters; an empty delimiter splits into characters.
fn split_on(s: &str, delims: &[&str]) -> Vec<Value> {
    if delims.iter().all(|d| d.is_empty()) {
        return s.chars().map(|c| Value::String(c.to_string())).collect();
    }
    let delims: Vec<&str> = delims.iter().copied().filter(|d| !d.is_empty()).collect();
    let mut out = Vec::new();
    let mut piece_start = 0;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if let Some(d) = delims.iter().find(|d| rest.starts_with(**d)) {
            out.push(Value::String(s[piece_start..i].to_string()));
            i += d.len();
            piece_start = i;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out.push(Value::String(s[piece_start..].to_string()));
    out
}

/// `split(s, delimiter)`: delimiter is a string or a list of strings.
pub fn split(args: &[Value]) -> Result<Value> {
    let (s, d) = (arg(args, 0), arg(args, 1));
    let s = match s {
        Value::Null => return Ok(Value::Null),
        Value::String(s) => s,
        other => return Err(invalid_arg("split", "a STRING", other)),
    };
    match d {
        Value::Null => Ok(Value::Null),
        Value::String(d) => Ok(Value::List(split_on(s, &[d.as_str()]))),
        Value::List(ds) => {
            let mut delims = Vec::with_capacity(ds.len());
            for v in ds {
                match v {
                    Value::String(d) => delims.push(d.as_str()),
                    Value::Null => return Ok(Value::Null),
                    other => return Err(invalid_arg("split", "STRING delimiters", other)),
                }
            }
            Ok(Value::List(split_on(s, &delims)))
        }
        other => Err(invalid_arg("split", "a STRING or LIST<STRING> delimiter", other)),
    }
}

/// `reverse(x)`: a string's characters or a list's elements in reverse order.
pub fn reverse(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(Value::String(s.chars().rev().collect())),
        Value::List(l) => Ok(Value::List(l.iter().rev().cloned().collect())),
        other => Err(invalid_arg("reverse", "a STRING or LIST", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::test_util::*;
    use plexus_storage::ErrorClass;

    const N: Value = Value::Null;

    #[test]
    fn case_and_trim() {
        assert_eq!(to_upper(&[s("abc")]).unwrap(), s("ABC"));
        assert_eq!(to_lower(&[s("ÄBC")]).unwrap(), s("äbc"));
        assert_eq!(to_upper(&[N]).unwrap(), N);
        assert_eq!(to_upper(&[i(1)]).unwrap_err().class, ErrorClass::TypeError);
        assert_eq!(trim(&[s("  a b \n")]).unwrap(), s("a b"));
        assert_eq!(ltrim(&[s("  a ")]).unwrap(), s("a "));
        assert_eq!(rtrim(&[s("  a ")]).unwrap(), s("  a"));
    }

    #[test]
    fn replace_and_substring() {
        assert_eq!(replace(&[s("hello"), s("l"), s("w")]).unwrap(), s("hewwo"));
        assert_eq!(replace(&[s("abc"), s(""), s("-")]).unwrap(), s("-a-b-c-"));
        assert_eq!(replace(&[s("abc"), N, s("-")]).unwrap(), N);
        assert!(replace(&[s("abc"), i(1), s("-")]).is_err());
        // String1 [1]
        assert_eq!(substring(&[s("0123456789"), i(1)]).unwrap(), s("123456789"));
        assert_eq!(substring(&[s("0123456789"), i(1), i(3)]).unwrap(), s("123"));
        assert_eq!(substring(&[s("abc"), i(10)]).unwrap(), s(""));
        assert_eq!(substring(&[s("ü✓ab"), i(1), i(2)]).unwrap(), s("✓a"));
        assert_eq!(substring(&[N, i(1)]).unwrap(), N);
        assert_eq!(substring(&[s("abc"), i(-1)]).unwrap_err().class, ErrorClass::ArgumentError);
        assert_eq!(substring(&[s("abc"), f(1.0)]).unwrap_err().class, ErrorClass::TypeError);
    }

    #[test]
    fn left_right() {
        assert_eq!(left(&[s("hello"), i(3)]).unwrap(), s("hel"));
        assert_eq!(left(&[s("hé"), i(10)]).unwrap(), s("hé"));
        assert_eq!(right(&[s("hello"), i(3)]).unwrap(), s("llo"));
        assert_eq!(right(&[s("✓✓x"), i(2)]).unwrap(), s("✓x"));
        assert_eq!(right(&[s("ab"), i(5)]).unwrap(), s("ab"));
        assert_eq!(left(&[N, i(1)]).unwrap(), N);
        assert!(left(&[s("a"), i(-1)]).is_err());
    }

    #[test]
    fn split_and_reverse() {
        // String4 [1]
        assert_eq!(split(&[s("one1two"), s("1")]).unwrap(), l(vec![s("one"), s("two")]));
        assert_eq!(split(&[s("a,b,"), s(",")]).unwrap(), l(vec![s("a"), s("b"), s("")]));
        assert_eq!(split(&[s("ab"), s("")]).unwrap(), l(vec![s("a"), s("b")]));
        assert_eq!(split(&[s("a,b;c"), l(vec![s(","), s(";")])]).unwrap(), l(vec![s("a"), s("b"), s("c")]));
        assert_eq!(split(&[s("é✓é"), s("✓")]).unwrap(), l(vec![s("é"), s("é")]));
        assert_eq!(split(&[N, s(",")]).unwrap(), N);
        // String3 [1]
        assert_eq!(reverse(&[s("raksO")]).unwrap(), s("Oskar"));
        assert_eq!(reverse(&[l(vec![i(1), i(2)])]).unwrap(), l(vec![i(2), i(1)]));
        assert_eq!(reverse(&[N]).unwrap(), N);
        assert!(reverse(&[i(1)]).is_err());
    }
}

//! String and list predicates: `STARTS WITH`, `ENDS WITH`, `CONTAINS`, `IN`, `=~`.

use std::cell::RefCell;
use std::collections::HashMap;

use plexus_storage::value::Ternary;
use plexus_storage::{Error, Result, Value};
use regex::Regex;

/// Apply a string test when both operands are strings; anything else is null.
fn string_test(a: &Value, b: &Value, test: impl Fn(&str, &str) -> bool) -> Ternary {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ternary::from(test(x, y)),
        _ => Ternary::Null,
    }
}

/// `a STARTS WITH b` (null unless both are strings).
pub fn starts_with(a: &Value, b: &Value) -> Ternary {
    string_test(a, b, |x, y| x.starts_with(y))
}

/// `a ENDS WITH b` (null unless both are strings).
pub fn ends_with(a: &Value, b: &Value) -> Ternary {
    string_test(a, b, |x, y| x.ends_with(y))
}

/// `a CONTAINS b` (null unless both are strings).
pub fn contains(a: &Value, b: &Value) -> Ternary {
    string_test(a, b, |x, y| x.contains(y))
}

/// `x IN list`: true on a match; else null if any comparison was null; else false.
pub fn in_list(x: &Value, list: &Value) -> Result<Ternary> {
    match list {
        Value::Null => Ok(Ternary::Null),
        Value::List(items) => {
            let mut saw_null = false;
            for item in items {
                match x.cypher_eq(item) {
                    Ternary::True => return Ok(Ternary::True),
                    Ternary::Null => saw_null = true,
                    Ternary::False => {}
                }
            }
            Ok(if saw_null { Ternary::Null } else { Ternary::False })
        }
        other => Err(Error::type_error(
            "InvalidArgumentType",
            format!("`IN` expects a LIST on its right-hand side, got {}", other.type_name()),
        )),
    }
}

const REGEX_CACHE_LIMIT: usize = 64;

thread_local! {
    static REGEX_CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// Compile `pattern` as a whole-string match, caching per thread.
fn compiled(pattern: &str) -> Result<Regex> {
    REGEX_CACHE.with(|cache| {
        if let Some(re) = cache.borrow().get(pattern) {
            return Ok(re.clone());
        }
        let re = Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
            Error::argument("InvalidArgumentValue", format!("invalid regular expression '{pattern}': {e}"))
        })?;
        let mut cache = cache.borrow_mut();
        if cache.len() >= REGEX_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pattern.to_string(), re.clone());
        Ok(re)
    })
}

/// `s =~ pattern`: the whole string must match; null unless both are strings.
pub fn regex_match(s: &Value, pattern: &Value) -> Result<Ternary> {
    match (s, pattern) {
        (Value::String(text), Value::String(p)) => Ok(Ternary::from(compiled(p)?.is_match(text))),
        _ => Ok(Ternary::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::test_util::*;
    use plexus_storage::ErrorClass;
    use Ternary::{False as F, Null as U, True as T};

    #[test]
    fn string_predicates() {
        assert_eq!(starts_with(&s("ABCDEF"), &s("ABC")), T);
        assert_eq!(starts_with(&s("ABCDEF"), &s("")), T);
        assert_eq!(starts_with(&s("ab"), &s("abc")), F);
        assert_eq!(starts_with(&s("ab"), &Value::Null), U);
        assert_eq!(starts_with(&i(1), &s("1")), U);
        assert_eq!(ends_with(&s("ABCDEF"), &s("EF")), T);
        assert_eq!(ends_with(&s("ABCDEF"), &s("E")), F);
        assert_eq!(ends_with(&l(vec![]), &l(vec![])), U);
        assert_eq!(contains(&s("ABCDEF"), &s("CD")), T);
        assert_eq!(contains(&s("Foo\nFoo"), &s("\n")), T);
        assert_eq!(contains(&s(""), &s("")), T);
        assert_eq!(contains(&s("abc"), &s("x")), F);
        assert_eq!(contains(&Value::Null, &s("x")), U);
        assert_eq!(contains(&f(3.5), &Value::Boolean(true)), U);
    }

    #[test]
    fn in_list_semantics() {
        let list = l(vec![i(1), i(2), Value::Null]);
        assert_eq!(in_list(&i(1), &list).unwrap(), T);
        assert_eq!(in_list(&f(2.0), &list).unwrap(), T);
        assert_eq!(in_list(&i(3), &list).unwrap(), U);
        assert_eq!(in_list(&i(3), &l(vec![i(1)])).unwrap(), F);
        assert_eq!(in_list(&Value::Null, &l(vec![])).unwrap(), F);
        assert_eq!(in_list(&Value::Null, &l(vec![i(1)])).unwrap(), U);
        assert_eq!(in_list(&i(1), &Value::Null).unwrap(), U);
        assert_eq!(in_list(&l(vec![i(1)]), &l(vec![l(vec![i(1)])])).unwrap(), T);
        assert_eq!(in_list(&l(vec![i(1), i(2)]), &l(vec![l(vec![i(1), Value::Null])])).unwrap(), U);
        assert_eq!(in_list(&i(1), &i(1)).unwrap_err().class, ErrorClass::TypeError);
    }

    #[test]
    fn regex() {
        assert_eq!(regex_match(&s("abc"), &s("a.c")).unwrap(), T);
        assert_eq!(regex_match(&s("abcd"), &s("a.c")).unwrap(), F);
        assert_eq!(regex_match(&s("xabc"), &s("abc|xabc")).unwrap(), T);
        assert_eq!(regex_match(&s("ABC"), &s("(?i)abc")).unwrap(), T);
        assert_eq!(regex_match(&Value::Null, &s("a")).unwrap(), U);
        assert_eq!(regex_match(&i(1), &s("1")).unwrap(), U);
        let e = regex_match(&s("a"), &s("(")).unwrap_err();
        assert_eq!(e.class, ErrorClass::ArgumentError);
        // Cached path.
        assert_eq!(regex_match(&s("abc"), &s("a.c")).unwrap(), T);
    }
}

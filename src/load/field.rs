//! Turning one CSV field into a value of its column's declared type.

use plexus_exec::scalar::temporal::construct::{date, datetime};
use plexus_storage::Value;

use super::header::FieldType;

fn scalar(text: &str, ty: FieldType) -> Result<Value, String> {
    let bad = |what: &str| format!("`{text}` is not {what}");
    Ok(match ty {
        FieldType::String => Value::String(text.to_string()),
        FieldType::Int => Value::Integer(text.trim().parse().map_err(|_| bad("an integer"))?),
        FieldType::Float => Value::Float(text.trim().parse().map_err(|_| bad("a number"))?),
        FieldType::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Value::Boolean(true),
            "false" | "0" => Value::Boolean(false),
            _ => return Err(bad("a boolean")),
        },
        FieldType::Date | FieldType::DateTime => {
            let t = text.trim();
            // A date alone stays a date; with a time of day it is an instant (UTC unless an offset is given).
            let parsed = if t.len() <= 10 && ty == FieldType::Date {
                date(&[Value::String(t.to_string())])
            } else {
                let with_zone = if t.ends_with('Z') || t.get(10..).is_some_and(|r| r.contains(['+', '-'])) {
                    t.to_string()
                } else {
                    format!("{t}Z")
                };
                datetime(&[Value::String(with_zone.replacen(' ', "T", 1))])
            };
            parsed.map_err(|_| bad("a date"))?
        }
    })
}

/// Splits an array field on unescaped `;` (`\;` is a literal semicolon).
fn split_array(text: &str) -> Vec<String> {
    let mut items = vec![String::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&';') => {
                if let Some(s) = items.last_mut() {
                    s.push(';');
                }
                chars.next();
            }
            ';' => items.push(String::new()),
            c => {
                if let Some(s) = items.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    items
}

/// The value of a field; `None` for an empty field (no property).
pub fn parse(text: &str, ty: FieldType, array: bool) -> Result<Option<Value>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if !array {
        return scalar(text, ty).map(Some);
    }
    let items: Vec<Value> =
        split_array(text).iter().filter(|s| !s.is_empty()).map(|s| scalar(s, ty)).collect::<Result<_, _>>()?;
    Ok((!items.is_empty()).then_some(Value::List(items)))
}

/// Labels (or types) in a `~label`/`:LABEL` field, `;`-separated.
pub fn labels(text: &str) -> Vec<String> {
    split_array(text).into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_storage::value::Date;

    #[test]
    fn typed_fields() {
        assert_eq!(parse("42", FieldType::Int, false).unwrap(), Some(Value::Integer(42)));
        assert_eq!(parse("", FieldType::Int, false).unwrap(), None);
        assert!(parse("4x", FieldType::Int, false).unwrap_err().contains("integer"));
        assert_eq!(parse("2.5", FieldType::Float, false).unwrap(), Some(Value::Float(2.5)));
        assert_eq!(parse("TRUE", FieldType::Bool, false).unwrap(), Some(Value::Boolean(true)));
        assert_eq!(parse("1970-01-02", FieldType::Date, false).unwrap(), Some(Value::Date(Date { days: 1 })));
        let Some(Value::DateTime(t)) = parse("1970-01-01T00:00:10", FieldType::Date, false).unwrap() else {
            panic!("a datetime")
        };
        assert_eq!((t.seconds, t.offset_seconds), (10, 0));
        assert!(parse("yesterday", FieldType::Date, false).is_err());
        assert_eq!(
            parse("a;b\\;c;", FieldType::String, true).unwrap(),
            Some(Value::List(vec![Value::from("a"), Value::from("b;c")]))
        );
        assert_eq!(parse("1;2", FieldType::Int, true).unwrap(), Some(Value::List(vec![1.into(), 2.into()])));
        assert_eq!(labels("A;B; ;"), vec!["A".to_string(), "B".to_string()]);
    }
}

//! Typed values: GraphSON's `{"@type": ..., "@value": ...}` objects to and from our `Value`s.

use std::collections::BTreeMap;

use plexus_storage::value::DateTime;
use plexus_storage::Value;
use serde_json::{json, Map, Value as Json};

/// A problem with a value; the reader adds the line number.
pub(super) type Decoded<T> = Result<T, String>;

/// The `@type` and `@value` of a typed object, or None for a plain JSON object.
pub(super) fn typed(obj: &Map<String, Json>) -> Decoded<Option<(&str, &Json)>> {
    match (obj.get("@type"), obj.get("@value")) {
        (None, None) => Ok(None),
        (Some(Json::String(t)), Some(v)) if obj.len() == 2 => Ok(Some((t, v))),
        _ => Err("a typed value needs exactly a string \"@type\" and a \"@value\"".into()),
    }
}

/// The object behind an optional `@type` wrapper of the given name.
pub(super) fn unwrap_object<'a>(json: &'a Json, type_name: &str) -> Decoded<&'a Map<String, Json>> {
    let Json::Object(obj) = json else { return Err(format!("expected an object, got {json}")) };
    match typed(obj)? {
        None => Ok(obj),
        Some((t, Json::Object(inner))) if t == type_name => Ok(inner),
        Some((t, _)) => Err(format!("expected {type_name}, got {t}")),
    }
}

/// Decodes any GraphSON 3 value.
pub(super) fn decode(json: &Json) -> Decoded<Value> {
    match json {
        Json::Null => Ok(Value::Null),
        Json::Bool(b) => Ok(Value::Boolean(*b)),
        Json::String(s) => Ok(Value::String(s.clone())),
        Json::Number(n) => {
            Ok(n.as_i64().map(Value::Integer).unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN))))
        }
        // Untyped arrays are not GraphSON 3, but their meaning is plain.
        Json::Array(items) => items.iter().map(decode).collect::<Decoded<_>>().map(Value::List),
        Json::Object(obj) => match typed(obj)? {
            Some((t, v)) => decode_typed(t, v),
            None => Err(format!("expected a typed value, got the untyped object {json}")),
        },
    }
}

fn decode_typed(type_name: &str, v: &Json) -> Decoded<Value> {
    let bad = || format!("{type_name} cannot hold {v}");
    // The `gx:` prefix is GraphSON's extension module; some writers use it for the small integers.
    let bare = type_name.strip_prefix("g:").or_else(|| type_name.strip_prefix("gx:")).unwrap_or(type_name);
    match bare {
        "Int64" | "BigInteger" => v.as_i64().map(Value::Integer).ok_or_else(bad),
        "Int32" => int_in(v, i32::MIN.into(), i32::MAX.into()).ok_or_else(bad),
        "Int16" => int_in(v, i16::MIN.into(), i16::MAX.into()).ok_or_else(bad),
        "Byte" => int_in(v, i8::MIN.into(), i8::MAX.into()).ok_or_else(bad),
        "Float" | "Double" | "BigDecimal" => float(v).map(Value::Float).ok_or_else(bad),
        "Date" | "Timestamp" => v.as_i64().map(millis_to_datetime).ok_or_else(bad),
        "UUID" | "Char" => v.as_str().map(|s| Value::String(s.to_string())).ok_or_else(bad),
        "List" | "Set" => match v {
            Json::Array(items) => items.iter().map(decode).collect::<Decoded<_>>().map(Value::List),
            _ => Err(bad()),
        },
        "Map" => decode_map(v).ok_or_else(bad)?,
        // Properties nested in values (e.g. results) stand for their value.
        "Property" | "VertexProperty" => match v.get("value") {
            Some(inner) => decode(inner),
            None => Err(bad()),
        },
        _ => Err(format!("unsupported GraphSON type {type_name}")),
    }
}

fn int_in(v: &Json, lo: i64, hi: i64) -> Option<Value> {
    v.as_i64().filter(|i| (lo..=hi).contains(i)).map(Value::Integer)
}

/// A number, or one of the strings GraphSON uses for the non-finite doubles.
fn float(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// `g:Map` is a flat array of alternating keys and values; our maps need string keys.
fn decode_map(v: &Json) -> Option<Decoded<Value>> {
    let Json::Array(items) = v else { return None };
    if items.len() % 2 != 0 {
        return None;
    }
    let mut map = BTreeMap::new();
    for pair in items.chunks(2) {
        let key = match decode(&pair[0]) {
            Ok(Value::String(k)) => k,
            Ok(other) => return Some(Err(format!("map keys must be strings, got {other:?}"))),
            Err(e) => return Some(Err(e)),
        };
        match decode(&pair[1]) {
            Ok(value) => map.insert(key, value),
            Err(e) => return Some(Err(e)),
        };
    }
    Some(Ok(Value::Map(map)))
}

fn millis_to_datetime(ms: i64) -> Value {
    let nanos = (ms.rem_euclid(1000) * 1_000_000) as u32;
    Value::DateTime(DateTime { seconds: ms.div_euclid(1000), nanos, offset_seconds: 0, zone: None })
}

/// An id's string form: what becomes an external id or a key of the edge-id map.
pub(super) fn id_string(json: &Json) -> Decoded<String> {
    match decode(json)? {
        Value::String(s) => Ok(s),
        Value::Integer(i) => Ok(i.to_string()),
        other => Err(format!("an id must be a string or an integer, got {other:?}")),
    }
}

fn tagged(type_name: &str, value: Json) -> Json {
    json!({"@type": type_name, "@value": value})
}

/// Encodes a value as typed GraphSON 3.
pub(super) fn encode(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Boolean(b) => Json::Bool(*b),
        Value::Integer(i) => tagged("g:Int64", json!(i)),
        Value::Float(f) if f.is_nan() => tagged("g:Double", json!("NaN")),
        Value::Float(f) if f.is_infinite() => {
            tagged("g:Double", json!(if *f > 0.0 { "Infinity" } else { "-Infinity" }))
        }
        Value::Float(f) => tagged("g:Double", json!(f)),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => tagged("g:List", Json::Array(items.iter().map(encode).collect())),
        Value::Map(map) => {
            tagged("g:Map", Json::Array(map.iter().flat_map(|(k, v)| [Json::String(k.clone()), encode(v)]).collect()))
        }
        // g:Date keeps milliseconds in UTC only; finer instants and offsets are lost.
        Value::DateTime(dt) => tagged("g:Date", json!(dt.seconds * 1000 + i64::from(dt.nanos / 1_000_000))),
        // Other temporal values and entities have no GraphSON 3 core type: write their text.
        other => Json::String(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_decode_and_round_trip() {
        let cases = [
            (json!({"@type": "g:Int32", "@value": 29}), Value::Integer(29)),
            (json!({"@type": "g:Double", "@value": 0.5}), Value::Float(0.5)),
            (json!({"@type": "g:Double", "@value": "-Infinity"}), Value::Float(f64::NEG_INFINITY)),
            (json!({"@type": "g:Set", "@value": ["a", "b"]}), Value::List(vec!["a".into(), "b".into()])),
            (json!({"@type": "g:Map", "@value": ["k", true]}), Value::Map([("k".to_string(), true.into())].into())),
            (json!("x"), Value::String("x".into())),
        ];
        for (json, value) in cases {
            assert_eq!(decode(&json), Ok(value.clone()));
            assert_eq!(decode(&encode(&value)), Ok(value));
        }
        let nan = decode(&json!({"@type": "g:Float", "@value": "NaN"})).unwrap();
        assert!(matches!(nan, Value::Float(f) if f.is_nan()));
        let date = decode(&json!({"@type": "g:Date", "@value": -1})).unwrap();
        assert_eq!(encode(&date), json!({"@type": "g:Date", "@value": -1}));
    }

    #[test]
    fn wrong_payloads_are_errors() {
        for bad in [
            json!({"@type": "g:Int32", "@value": "one"}),
            json!({"@type": "g:Int32", "@value": 3_000_000_000i64}),
            json!({"@type": "g:Double", "@value": "lots"}),
            json!({"@type": "g:Map", "@value": ["odd"]}),
            json!({"@type": "g:Nope", "@value": 1}),
            json!({"@type": "g:Int32"}),
            json!({"plain": 1}),
        ] {
            assert!(decode(&bad).is_err(), "{bad}");
        }
    }
}

//! GraphSON 3 (`application/vnd.gremlin-v3.0+json`, PROTOCOLS.md B.6) to and
//! from `WireValue`. `http/graphson.rs` writes query results straight from
//! storage values; the WebSocket also has to *read* GraphSON (bytecode,
//! predicates, enums), so both directions live here over the wire model.

use base64::Engine;
use serde_json::{json, Map, Value as Json};

use super::request::{DecodeError, RequestMessage};
use super::response::ResponseMessage;
use super::value::{enum_kind, Bytecode, Uuid, WireInstruction, WireValue};

/// Reads a GraphSON RequestMessage; `args` may be a plain object or a `g:Map`.
pub fn decode_request(body: &[u8]) -> Result<RequestMessage, DecodeError> {
    let bad = |id, message: String| DecodeError { request_id: id, message };
    let json: Json = serde_json::from_slice(body).map_err(|e| bad(None, format!("the request is not JSON: {e}")))?;
    let Json::Object(fields) = json else { return Err(bad(None, "the request must be a JSON object".into())) };
    let id_text = match fields.get("requestId") {
        Some(Json::String(s)) => Some(s.as_str()),
        Some(Json::Object(o)) if o.get("@type").and_then(Json::as_str) == Some("g:UUID") => {
            o.get("@value").and_then(Json::as_str)
        }
        _ => None,
    };
    let request_id = id_text.and_then(Uuid::parse).ok_or_else(|| bad(None, "`requestId` must be a UUID".into()))?;
    let text = |name: &str| match fields.get(name) {
        None | Some(Json::Null) => Ok(String::new()),
        Some(Json::String(s)) => Ok(s.clone()),
        Some(_) => Err(bad(Some(request_id), format!("`{name}` must be a string"))),
    };
    let (op, processor) = (text("op")?, text("processor")?);
    let args = match fields.get("args") {
        None | Some(Json::Null) => Vec::new(),
        Some(args) => match read(args).map_err(|e| bad(Some(request_id), e))? {
            WireValue::Map(entries) => entries
                .into_iter()
                .map(|(k, v)| match k {
                    WireValue::String(k) => Ok((k, v)),
                    _ => Err(bad(Some(request_id), "request argument names must be strings".into())),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(bad(Some(request_id), "`args` must be a map".into())),
        },
    };
    Ok(RequestMessage { request_id, op, processor, args })
}

/// The response as GraphSON 3 text.
pub fn encode_response(response: &ResponseMessage) -> String {
    json!({
        "requestId": response.request_id.map(|id| id.to_string()),
        "status": {
            "message": response.message,
            "code": response.code,
            "attributes": write(&WireValue::Map(response.attributes.clone())),
        },
        "result": {"data": write(&response.data), "meta": write(&WireValue::Map(response.meta.clone()))},
    })
    .to_string()
}

/// Reads a GraphSON response message (for clients and tests).
pub fn decode_response(text: &str) -> Result<ResponseMessage, String> {
    let json: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let request_id = json["requestId"].as_str().and_then(Uuid::parse);
    let code = json["status"]["code"].as_u64().and_then(|c| u16::try_from(c).ok()).ok_or("no status code")?;
    let message = json["status"]["message"].as_str().unwrap_or_default().to_string();
    let map = |v: &Json| match read(v) {
        Ok(WireValue::Map(m)) => Ok(m),
        Ok(WireValue::Null) => Ok(Vec::new()),
        Ok(other) => Err(format!("expected a map, found {other:?}")),
        Err(e) => Err(e),
    };
    let attributes = map(&json["status"]["attributes"])?;
    let meta = map(&json["result"]["meta"])?;
    let data = read(&json["result"]["data"])?;
    Ok(ResponseMessage { request_id, code, message, attributes, meta, data })
}

fn number<T: std::str::FromStr>(v: &Json, what: &str) -> Result<T, String> {
    let text = match v {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.clone(),
        _ => return Err(format!("{what} must be a number, found {v}")),
    };
    text.parse().map_err(|_| format!("{what} must be a number, found {text}"))
}

fn float(v: &Json, what: &str) -> Result<f64, String> {
    match v {
        Json::String(s) if s == "NaN" => Ok(f64::NAN),
        Json::String(s) if s == "Infinity" => Ok(f64::INFINITY),
        Json::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        Json::Number(n) => n.as_f64().ok_or_else(|| format!("{what} is out of range")),
        _ => Err(format!("{what} must be a number, found {v}")),
    }
}

fn items(v: &Json) -> Result<Vec<WireValue>, String> {
    match v {
        Json::Array(a) => a.iter().map(read).collect(),
        _ => Err(format!("expected an array, found {v}")),
    }
}

fn field<'a>(v: &'a Json, name: &str) -> &'a Json {
    v.get(name).unwrap_or(&Json::Null)
}

fn string_field(v: &Json, name: &str) -> Result<String, String> {
    match read(field(v, name))? {
        WireValue::String(s) => Ok(s),
        other => Err(format!("`{name}` must be a string, found {other:?}")),
    }
}

/// A GraphSON value (typed or plain JSON) as a `WireValue`.
pub fn read(v: &Json) -> Result<WireValue, String> {
    match v {
        Json::Null => Ok(WireValue::Null),
        Json::Bool(b) => Ok(WireValue::Boolean(*b)),
        Json::String(s) => Ok(WireValue::String(s.clone())),
        Json::Number(n) => Ok(match n.as_i64() {
            Some(i) => i32::try_from(i).map_or(WireValue::Long(i), WireValue::Int),
            None => WireValue::Double(n.as_f64().unwrap_or(f64::NAN)),
        }),
        Json::Array(_) => Ok(WireValue::List(items(v)?)),
        Json::Object(o) => match (o.get("@type").and_then(Json::as_str), o.get("@value")) {
            (Some(t), Some(value)) => typed(t, value),
            (Some(t), None) => typed(t, &Json::Null),
            _ => o
                .iter()
                .map(|(k, v)| Ok((WireValue::String(k.clone()), read(v)?)))
                .collect::<Result<_, String>>()
                .map(WireValue::Map),
        },
    }
}

fn typed(t: &str, v: &Json) -> Result<WireValue, String> {
    if let Some(kind) = t.strip_prefix("g:").and_then(enum_kind) {
        return match v {
            Json::String(s) => Ok(WireValue::Enum { kind, value: s.clone() }),
            _ => Err(format!("{t} must hold a string")),
        };
    }
    Ok(match t {
        "g:Int32" => WireValue::Int(number(v, t)?),
        "g:Int64" => WireValue::Long(number(v, t)?),
        "gx:Int16" => WireValue::Short(number(v, t)?),
        "gx:Byte" => WireValue::Byte(number(v, t)?),
        "g:Float" => WireValue::Float(float(v, t)? as f32),
        "g:Double" => WireValue::Double(float(v, t)?),
        "gx:BigInteger" => WireValue::BigInteger(number::<i128>(v, t)?.to_string()),
        "gx:BigDecimal" => WireValue::BigDecimal(match v {
            Json::Number(n) => n.to_string(),
            Json::String(s) if s.parse::<f64>().is_ok() => s.clone(),
            _ => return Err(format!("{t} must be a number")),
        }),
        "gx:Char" => WireValue::Char(v.as_str().and_then(|s| s.chars().next()).ok_or("gx:Char must be a string")?),
        "g:UUID" => WireValue::Uuid(v.as_str().and_then(Uuid::parse).ok_or("g:UUID must be a UUID string")?),
        "g:Date" => WireValue::Date(number(v, t)?),
        "g:Timestamp" => WireValue::Timestamp(number(v, t)?),
        "g:Class" => WireValue::Class(v.as_str().ok_or("g:Class must be a string")?.to_string()),
        "gx:OffsetDateTime" => {
            let text = v.as_str().ok_or("gx:OffsetDateTime must be a string")?;
            let dt = chrono::DateTime::parse_from_rfc3339(text).map_err(|e| format!("{text}: {e}"))?;
            WireValue::OffsetDateTime {
                seconds: dt.timestamp(),
                nanos: dt.timestamp_subsec_nanos(),
                offset_seconds: dt.offset().local_minus_utc(),
            }
        }
        "gx:ByteBuffer" => WireValue::ByteBuffer(
            base64::engine::general_purpose::STANDARD
                .decode(v.as_str().ok_or("gx:ByteBuffer must be base64 text")?)
                .map_err(|e| format!("gx:ByteBuffer: {e}"))?,
        ),
        "g:List" => WireValue::List(items(v)?),
        "g:Set" => WireValue::Set(items(v)?),
        "g:Map" => {
            let flat = items(v)?;
            if flat.len() % 2 != 0 {
                return Err("g:Map needs as many values as keys".into());
            }
            let mut entries = Vec::with_capacity(flat.len() / 2);
            let mut it = flat.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                entries.push((k, v));
            }
            WireValue::Map(entries)
        }
        "g:BulkSet" => {
            let flat = items(v)?;
            let mut entries = Vec::with_capacity(flat.len() / 2);
            let mut it = flat.into_iter();
            while let (Some(item), Some(bulk)) = (it.next(), it.next()) {
                entries.push((item, bulk.as_i64().ok_or("g:BulkSet bulks must be integers")?));
            }
            WireValue::BulkSet(entries)
        }
        "g:P" | "g:TextP" => {
            let name = field(v, "predicate").as_str().ok_or("a predicate needs a `predicate` name")?.to_string();
            let spread = matches!(name.as_str(), "within" | "without" | "between" | "inside" | "outside");
            let args = match field(v, "value") {
                Json::Array(a) => a.iter().map(read).collect::<Result<_, _>>()?,
                other => match read(other)? {
                    WireValue::List(items) if spread => items,
                    single => vec![single],
                },
            };
            WireValue::Predicate { text: t == "g:TextP", name, args }
        }
        "g:Binding" => WireValue::Binding { key: string_field(v, "key")?, value: Box::new(read(field(v, "value"))?) },
        "g:Lambda" => WireValue::Lambda {
            language: string_field(v, "language").unwrap_or_default(),
            script: string_field(v, "script")?,
            arity: number(field(v, "arguments"), "arguments").unwrap_or(0),
        },
        "g:Bytecode" => WireValue::Bytecode(Box::new(Bytecode {
            sources: instructions(field(v, "source"))?,
            steps: instructions(field(v, "step"))?,
        })),
        "g:Traverser" => WireValue::Traverser {
            bulk: read(field(v, "bulk"))?.as_i64().ok_or("a traverser's bulk must be an integer")?,
            value: Box::new(read(field(v, "value"))?),
        },
        "g:Vertex" => WireValue::Vertex {
            id: Box::new(read(field(v, "id"))?),
            label: string_field(v, "label").unwrap_or_default(),
            properties: element_properties(field(v, "properties"))?,
        },
        "g:VertexProperty" => WireValue::VertexProperty {
            id: Box::new(read(field(v, "id"))?),
            label: string_field(v, "label").unwrap_or_default(),
            value: Box::new(read(field(v, "value"))?),
            properties: element_properties(field(v, "properties"))?,
        },
        "g:Edge" => WireValue::Edge {
            id: Box::new(read(field(v, "id"))?),
            label: string_field(v, "label").unwrap_or_default(),
            in_v: Box::new(read(field(v, "inV"))?),
            in_v_label: string_field(v, "inVLabel").unwrap_or_default(),
            out_v: Box::new(read(field(v, "outV"))?),
            out_v_label: string_field(v, "outVLabel").unwrap_or_default(),
            properties: element_properties(field(v, "properties"))?,
        },
        "g:Property" => WireValue::Property { key: string_field(v, "key")?, value: Box::new(read(field(v, "value"))?) },
        "g:Path" => WireValue::Path {
            labels: Box::new(read(field(v, "labels"))?),
            objects: Box::new(read(field(v, "objects"))?),
        },
        strategy if strategy.starts_with("g:") && strategy.ends_with("Strategy") => {
            let config = match read(v)? {
                WireValue::Map(entries) => entries,
                WireValue::Null => Vec::new(),
                _ => return Err(format!("{strategy} needs a map of its configuration")),
            };
            WireValue::Strategy { class: strategy["g:".len()..].to_string(), config }
        }
        other => return Err(format!("unsupported GraphSON type {other}")),
    })
}

/// `[["V"], ["has", "name", "marko"]]`.
fn instructions(v: &Json) -> Result<Vec<WireInstruction>, String> {
    let Json::Array(list) = v else {
        return if v.is_null() { Ok(Vec::new()) } else { Err("bytecode instructions must be arrays".into()) };
    };
    list.iter()
        .map(|ins| match ins {
            Json::Array(parts) => match parts.split_first() {
                Some((Json::String(name), args)) => {
                    Ok(WireInstruction { name: name.clone(), args: args.iter().map(read).collect::<Result<_, _>>()? })
                }
                _ => Err("a bytecode instruction starts with its name".to_string()),
            },
            _ => Err("a bytecode instruction must be an array".to_string()),
        })
        .collect()
}

/// `{"name": [vertex properties…]}` or `{"weight": property}` as one list.
fn element_properties(v: &Json) -> Result<Vec<WireValue>, String> {
    let Json::Object(by_key) = v else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for value in by_key.values() {
        match value {
            Json::Array(list) => out.extend(list.iter().map(read).collect::<Result<Vec<_>, _>>()?),
            single => out.push(read(single)?),
        }
    }
    Ok(out)
}

fn tagged(t: &str, value: Json) -> Json {
    json!({"@type": t, "@value": value})
}

fn float_json(f: f64) -> Json {
    if f.is_nan() {
        json!("NaN")
    } else if f.is_infinite() {
        json!(if f > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        json!(f)
    }
}

/// A `WireValue` as typed GraphSON 3.
pub fn write(v: &WireValue) -> Json {
    let list = |items: &[WireValue]| Json::Array(items.iter().map(write).collect());
    match v {
        WireValue::Null => Json::Null,
        WireValue::Boolean(b) => Json::Bool(*b),
        WireValue::Byte(n) => tagged("gx:Byte", json!(n)),
        WireValue::Short(n) => tagged("gx:Int16", json!(n)),
        WireValue::Int(n) => tagged("g:Int32", json!(n)),
        WireValue::Long(n) => tagged("g:Int64", json!(n)),
        WireValue::Float(f) => tagged("g:Float", float_json(f64::from(*f))),
        WireValue::Double(f) => tagged("g:Double", float_json(*f)),
        WireValue::BigInteger(s) => tagged("gx:BigInteger", json!(s)),
        WireValue::BigDecimal(s) => tagged("gx:BigDecimal", json!(s)),
        WireValue::String(s) => Json::String(s.clone()),
        WireValue::Char(c) => tagged("gx:Char", json!(c.to_string())),
        WireValue::Uuid(id) => tagged("g:UUID", json!(id.to_string())),
        WireValue::Date(ms) => tagged("g:Date", json!(ms)),
        WireValue::Timestamp(ms) => tagged("g:Timestamp", json!(ms)),
        WireValue::OffsetDateTime { seconds, nanos, offset_seconds } => {
            let offset = chrono::FixedOffset::east_opt(*offset_seconds);
            let when = chrono::DateTime::from_timestamp(*seconds, (*nanos).min(999_999_999));
            match (when, offset) {
                (Some(when), Some(offset)) => {
                    tagged("gx:OffsetDateTime", json!(when.with_timezone(&offset).to_rfc3339()))
                }
                _ => tagged("g:Date", json!(seconds.saturating_mul(1000))),
            }
        }
        WireValue::Duration { seconds, nanos } => {
            let fraction = if *nanos == 0 { String::new() } else { format!(".{:09}", nanos.unsigned_abs()) };
            tagged("gx:Duration", json!(format!("PT{seconds}{fraction}S")))
        }
        WireValue::ByteBuffer(b) => tagged("gx:ByteBuffer", json!(base64::engine::general_purpose::STANDARD.encode(b))),
        WireValue::Class(c) => tagged("g:Class", json!(c)),
        WireValue::List(items) => tagged("g:List", list(items)),
        WireValue::Set(items) => tagged("g:Set", list(items)),
        WireValue::Map(entries) => {
            tagged("g:Map", Json::Array(entries.iter().flat_map(|(k, v)| [write(k), write(v)]).collect()))
        }
        WireValue::BulkSet(entries) => tagged(
            "g:BulkSet",
            Json::Array(entries.iter().flat_map(|(v, bulk)| [write(v), write(&WireValue::Long(*bulk))]).collect()),
        ),
        WireValue::Enum { kind, value } => tagged(&format!("g:{kind}"), json!(value)),
        WireValue::Predicate { text, name, args } => {
            let value = match args.as_slice() {
                [single] => write(single),
                many => list(many),
            };
            tagged(if *text { "g:TextP" } else { "g:P" }, json!({"predicate": name, "value": value}))
        }
        WireValue::Binding { key, value } => tagged("g:Binding", json!({"key": key, "value": write(value)})),
        WireValue::Lambda { language, script, arity } => {
            tagged("g:Lambda", json!({"language": language, "script": script, "arguments": arity}))
        }
        WireValue::Strategy { class, config } => {
            let short = class.rsplit('.').next().unwrap_or(class);
            let mut object = Map::new();
            for (k, v) in config {
                object.insert(k.as_str().map_or_else(|| format!("{k:?}"), str::to_string), write(v));
            }
            tagged(&format!("g:{short}"), Json::Object(object))
        }
        WireValue::Bytecode(b) => {
            let ins = |list: &[WireInstruction]| {
                Json::Array(
                    list.iter()
                        .map(|i| {
                            let mut parts = vec![json!(i.name)];
                            parts.extend(i.args.iter().map(write));
                            Json::Array(parts)
                        })
                        .collect(),
                )
            };
            let mut value = json!({"step": ins(&b.steps)});
            if !b.sources.is_empty() {
                value["source"] = ins(&b.sources);
            }
            tagged("g:Bytecode", value)
        }
        WireValue::Vertex { id, label, properties } => {
            let mut by_key: Map<String, Json> = Map::new();
            for p in properties {
                if let WireValue::VertexProperty { label: key, .. } = p {
                    if let Json::Array(list) = by_key.entry(key.clone()).or_insert_with(|| json!([])) {
                        list.push(write(p));
                    }
                }
            }
            tagged("g:Vertex", json!({"id": write(id), "label": label, "properties": by_key}))
        }
        WireValue::VertexProperty { id, label, value, .. } => {
            tagged("g:VertexProperty", json!({"id": write(id), "value": write(value), "label": label}))
        }
        WireValue::Edge { id, label, in_v, in_v_label, out_v, out_v_label, properties } => {
            let mut by_key = Map::new();
            for p in properties {
                if let WireValue::Property { key, .. } = p {
                    by_key.insert(key.clone(), write(p));
                }
            }
            tagged(
                "g:Edge",
                json!({
                    "id": write(id), "label": label,
                    "inV": write(in_v), "outV": write(out_v),
                    "inVLabel": in_v_label, "outVLabel": out_v_label,
                    "properties": by_key,
                }),
            )
        }
        WireValue::Property { key, value } => tagged("g:Property", json!({"key": key, "value": write(value)})),
        WireValue::Path { labels, objects } => {
            tagged("g:Path", json!({"labels": write(labels), "objects": write(objects)}))
        }
        WireValue::Traverser { bulk, value } => {
            tagged("g:Traverser", json!({"bulk": write(&WireValue::Long(*bulk)), "value": write(value)}))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_observed_gremlinpython_graphson_request_decodes() {
        let body = br#"{"requestId": {"@type": "g:UUID", "@value": "5d0d812c-7c3a-4f7a-8d3a-0e5f1b2c3d4e"},
            "processor": "traversal", "op": "bytecode",
            "args": {"gremlin": {"@type": "g:Bytecode", "@value": {"step": [["V"], ["has", "age",
                {"@type": "g:P", "@value": {"predicate": "within", "value": {"@type": "g:List", "@value": [
                    {"@type": "g:Int32", "@value": 1}, {"@type": "g:Int32", "@value": 2}]}}}]]}},
                "aliases": {"g": "g"}}}"#;
        let request = decode_request(body).expect("decodes");
        assert_eq!(request.op, "bytecode");
        let Some(WireValue::Bytecode(b)) = request.arg("gremlin") else { panic!("{request:?}") };
        assert_eq!(
            b.steps[1].args[1],
            WireValue::Predicate {
                text: false,
                name: "within".into(),
                args: vec![WireValue::Int(1), WireValue::Int(2)]
            }
        );
        let g = WireValue::String("g".into());
        assert_eq!(request.arg("aliases"), Some(&WireValue::Map(vec![(g.clone(), g)])));
    }

    #[test]
    fn values_round_trip() {
        let values = [
            WireValue::Long(6),
            WireValue::Double(f64::INFINITY),
            WireValue::Map(vec![(WireValue::Enum { kind: "T", value: "id".into() }, WireValue::Int(1))]),
            WireValue::OffsetDateTime { seconds: 1_704_067_200, nanos: 5, offset_seconds: 3600 },
            WireValue::Traverser { bulk: 2, value: Box::new(WireValue::String("x".into())) },
        ];
        for v in values {
            assert_eq!(read(&write(&v)), Ok(v.clone()), "{v:?}");
        }
        assert!(decode_request(b"[1]").is_err());
        // serde_json refuses nesting beyond 128 levels before `read` recurses.
        let deep = format!(
            r#"{{"requestId":"5d0d812c-7c3a-4f7a-8d3a-0e5f1b2c3d4e","args":{}1{}}}"#,
            "[".repeat(5000),
            "]".repeat(5000)
        );
        assert!(decode_request(deep.as_bytes()).is_err());
        let nested = format!(
            r#"{{"requestId":"5d0d812c-7c3a-4f7a-8d3a-0e5f1b2c3d4e","args":{{"x":{}1{}}}}}"#,
            r#"{"@type":"g:List","@value":["#.repeat(60),
            "]}".repeat(60)
        );
        assert!(decode_request(nested.as_bytes()).is_ok());
        assert!(decode_request(br#"{"requestId": "nope"}"#).is_err());
    }
}

//! The TinkerPop feature notation (`v[marko]`, `d[1].i`, `m[{…}]`, `p[…]`, …):
//! parsing a cell into what it expects, and matching an actual result value.

use plexus::{Database, Params, Value};

/// What a cell expects. Elements are resolved against the graph when parsed.
#[derive(Debug, Clone)]
pub enum Expected {
    Value(Value),
    List(Vec<Expected>),
    /// Any order.
    Set(Vec<Expected>),
    Map(Vec<(String, Expected)>),
}

/// Resolves names (`marko`) to graph elements and ids through the engine itself.
pub struct Resolver<'a> {
    pub db: &'a Database,
}

impl Resolver<'_> {
    fn one(&self, traversal: &str, params: Params) -> Result<Value, String> {
        let rows =
            self.db.execute_gremlin(traversal, &params).and_then(|r| r.collect_rows()).map_err(|e| e.to_string())?;
        rows.into_iter().next().and_then(|r| r.into_iter().next()).ok_or_else(|| format!("nothing for {traversal}"))
    }

    fn vertex(&self, name: &str) -> Result<Value, String> {
        let p: Params = [("n".to_string(), Value::String(name.to_string()))].into_iter().collect();
        self.one("g.V().has(\"name\", n)", p)
    }

    fn edge(&self, spec: &str) -> Result<Value, String> {
        // marko-knows->vadas
        let (from, rest) = spec.split_once('-').ok_or_else(|| format!("bad edge {spec}"))?;
        let (label, to) = rest.split_once("->").ok_or_else(|| format!("bad edge {spec}"))?;
        let p: Params = [
            ("a".to_string(), Value::String(from.to_string())),
            ("l".to_string(), Value::String(label.to_string())),
            ("b".to_string(), Value::String(to.to_string())),
        ]
        .into_iter()
        .collect();
        self.one("g.V().has(\"name\", a).outE(l).where(__.inV().has(\"name\", b))", p)
    }

    fn id_of(&self, element: Value) -> Result<Value, String> {
        let p: Params = [("x".to_string(), element.clone())].into_iter().collect();
        match element {
            Value::Node(_) => self.one("g.V(x).id()", p),
            Value::Relationship(_) => self.one("g.E(x).id()", p),
            _ => Err("id of a non-element".into()),
        }
    }

    /// A cell as a value to pass as a parameter.
    pub fn value(&self, text: &str) -> Result<Value, String> {
        to_value(&self.parse(text)?)
    }

    /// A cell as what it expects.
    pub fn parse(&self, text: &str) -> Result<Expected, String> {
        let text = text.trim();
        let v = |v: Value| Ok(Expected::Value(v));
        if text == "null" {
            return v(Value::Null);
        }
        if text == "true" || text == "false" {
            return v(Value::Boolean(text == "true"));
        }
        let Some(open) = text.find('[') else { return v(Value::String(text.to_string())) };
        if !text.contains(']') {
            return v(Value::String(text.to_string()));
        }
        let kind = &text[..open];
        let close = text.rfind(']').unwrap_or(text.len());
        let inner = &text[open + 1..close];
        let suffix = &text[close + 1..];
        match (kind, suffix) {
            ("v", "") => Ok(Expected::Value(self.vertex(inner)?)),
            ("v", ".id") => Ok(Expected::Value(self.id_of(self.vertex(inner)?)?)),
            ("v", ".sid") => Ok(Expected::Value(Value::String(display(&self.id_of(self.vertex(inner)?)?)))),
            ("e", "") => Ok(Expected::Value(self.edge(inner)?)),
            ("e", ".id") => Ok(Expected::Value(self.id_of(self.edge(inner)?)?)),
            ("e", ".sid") => Ok(Expected::Value(Value::String(display(&self.id_of(self.edge(inner)?)?)))),
            ("d", t) => number(inner, t).map(Expected::Value),
            ("str", "") => v(Value::String(inner.to_string())),
            ("t", "") => v(Value::String(format!("T.{inner}"))),
            ("D", "") => v(Value::String(format!("Direction.{inner}"))),
            ("M", "") => v(Value::String(format!("Merge.{inner}"))),
            ("l", "") => Ok(Expected::List(self.items(inner)?)),
            ("s", "") => Ok(Expected::Set(self.items(inner)?)),
            ("p", "") => Ok(Expected::List(self.items(inner)?)),
            ("m", "") => self.map(inner),
            ("vp", "") => {
                // vp[marko-name->marko]
                let (_, rest) = inner.split_once('-').ok_or("bad vp")?;
                let (key, value) = rest.split_once("->").ok_or("bad vp")?;
                Ok(Expected::Map(vec![
                    ("key".into(), Expected::Value(Value::String(key.into()))),
                    ("value".into(), self.parse(value)?),
                ]))
            }
            ("prop", "") => {
                let (key, value) = inner.split_once(',').ok_or("bad prop")?;
                Ok(Expected::Map(vec![
                    ("key".into(), Expected::Value(Value::String(key.into()))),
                    ("value".into(), self.parse(value)?),
                ]))
            }
            ("dt", "") => plexus::Database::in_memory()
                .execute(
                    "RETURN datetime($t) AS d",
                    &[("t".to_string(), Value::String(inner.to_string()))].into_iter().collect(),
                )
                .and_then(|r| r.collect_rows())
                .ok()
                .and_then(|rows| rows.into_iter().next())
                .and_then(|r| r.into_iter().next())
                .map(Expected::Value)
                .ok_or_else(|| format!("bad datetime {inner}")),
            ("uuid", "") => v(Value::String(inner.to_string())),
            ("c", _) => Err("lambdas are not supported".into()),
            _ => v(Value::String(text.to_string())),
        }
    }

    /// Comma-separated items, splitting only at the top level.
    fn items(&self, inner: &str) -> Result<Vec<Expected>, String> {
        split_top(inner, ',').into_iter().filter(|s| !s.trim().is_empty()).map(|s| self.parse(s)).collect()
    }

    fn map(&self, json: &str) -> Result<Expected, String> {
        let parsed: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("bad map {json}: {e}"))?;
        self.json(&parsed)
    }

    fn json(&self, j: &serde_json::Value) -> Result<Expected, String> {
        Ok(match j {
            serde_json::Value::Null => Expected::Value(Value::Null),
            serde_json::Value::Bool(b) => Expected::Value(Value::Boolean(*b)),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Expected::Value(Value::Integer(i)),
                None => Expected::Value(Value::Float(n.as_f64().unwrap_or(f64::NAN))),
            },
            serde_json::Value::String(s) => self.parse(s)?,
            serde_json::Value::Array(items) => {
                Expected::List(items.iter().map(|i| self.json(i)).collect::<Result<_, _>>()?)
            }
            serde_json::Value::Object(entries) => {
                let mut out = Vec::new();
                for (k, v) in entries {
                    let key = to_value(&self.parse(k)?)?;
                    out.push((key_text(&key), self.json(v)?));
                }
                Expected::Map(out)
            }
        })
    }
}

/// How the engine writes a non-string map key (see `plexus_exec::gremlin::key_text`).
fn key_text(v: &Value) -> String {
    plexus_exec::gremlin::key_text(v)
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_display_string(),
    }
}

fn number(inner: &str, suffix: &str) -> Result<Value, String> {
    let float = |s: &str| -> Result<f64, String> {
        match s {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => s.parse().map_err(|_| format!("bad number {s}")),
        }
    };
    match suffix {
        ".i" | ".l" | ".s" | ".b" => inner.parse().map(Value::Integer).map_err(|_| format!("bad integer {inner}")),
        ".n" => {
            Ok(inner.parse().map(Value::Integer).unwrap_or_else(|_| Value::Float(inner.parse().unwrap_or(f64::NAN))))
        }
        _ => float(inner).map(Value::Float),
    }
}

pub fn to_value(e: &Expected) -> Result<Value, String> {
    Ok(match e {
        Expected::Value(v) => v.clone(),
        Expected::List(items) | Expected::Set(items) => {
            Value::List(items.iter().map(to_value).collect::<Result<_, _>>()?)
        }
        Expected::Map(entries) => {
            Value::Map(entries.iter().map(|(k, v)| Ok((k.clone(), to_value(v)?))).collect::<Result<_, String>>()?)
        }
    })
}

/// Splits at `sep` outside brackets, braces and quotes.
pub fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth -= 1,
            c if c == sep && depth == 0 && !quoted => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Whether an actual value is what a cell expects.
pub fn matches(e: &Expected, actual: &Value) -> bool {
    match (e, actual) {
        (Expected::Value(x), y) => value_eq(x, y),
        (Expected::List(items), Value::List(actual)) => {
            items.len() == actual.len() && items.iter().zip(actual).all(|(e, a)| matches(e, a))
        }
        (Expected::List(_), Value::Path(p)) => {
            let mut flat = Vec::new();
            for (i, n) in p.nodes.iter().enumerate() {
                if i > 0 {
                    flat.push(Value::Relationship(Box::new(p.relationships[i - 1].clone())));
                }
                flat.push(Value::Node(Box::new(n.clone())));
            }
            matches(e, &Value::List(flat))
        }
        (Expected::Set(items), Value::List(actual)) => unordered(items, actual),
        (Expected::Map(entries), Value::Map(actual)) => {
            entries.len() == actual.len() && entries.iter().all(|(k, e)| actual.get(k).is_some_and(|a| matches(e, a)))
        }
        _ => false,
    }
}

/// Every expected item matches a distinct actual item.
pub fn unordered(expected: &[Expected], actual: &[Value]) -> bool {
    if expected.len() != actual.len() {
        return false;
    }
    let mut used = vec![false; actual.len()];
    'outer: for e in expected {
        for (i, a) in actual.iter().enumerate() {
            if !used[i] && matches(e, a) {
                used[i] = true;
                continue 'outer;
            }
        }
        return false;
    }
    true
}

fn value_eq(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (Value::Node(a), Value::Node(b)) => a.id == b.id,
        (Value::Relationship(a), Value::Relationship(b)) => a.id == b.id,
        (Value::Float(a), Value::Float(b)) => {
            (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-9 * a.abs().max(1.0)
        }
        (Value::List(a), Value::List(b)) => a.len() == b.len() && a.iter().zip(b).all(|(p, q)| value_eq(p, q)),
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| value_eq(v, w)))
        }
        _ => x == y,
    }
}

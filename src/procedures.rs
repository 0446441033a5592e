//! Procedures for `CALL`: typed signatures, the registry a `Database` owns,
//! and the built-ins (`db.labels()`, `db.relationshipTypes()`,
//! `db.propertyKeys()`).
//!
//! A procedure is read-only. Its implementation is either a Rust closure
//! over the snapshot the query reads, or a fixed table of rows keyed by the
//! input values (what the openCypher TCK's `there exists a procedure` means).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use plexus_planner::typecheck::StaticType;
use plexus_storage::{Error, ErrorClass, Phase, Result, Snapshot, Value};

/// A procedure's implementation: every row for the given (already
/// type-checked) arguments, each row holding the declared outputs in order.
pub type ProcedureFn = dyn Fn(&Snapshot, &[Value]) -> Result<Vec<Vec<Value>>> + Send + Sync;

/// What a built-in lists: names from the snapshot.
type NamesFn = fn(&Snapshot) -> Vec<String>;

/// The declared type of a procedure input or output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcType {
    Any,
    Boolean,
    Integer,
    Float,
    /// INTEGER or FLOAT.
    Number,
    String,
    List(Box<ProcType>),
    Map,
    Node,
    Relationship,
    Path,
    Date,
    Time,
    LocalTime,
    DateTime,
    LocalDateTime,
    Duration,
}

impl ProcType {
    fn parse(text: &str) -> Option<ProcType> {
        let t = text.trim().to_ascii_uppercase();
        if let Some(inner) = t.strip_prefix("LIST OF ") {
            return Some(ProcType::List(Box::new(ProcType::parse(inner)?)));
        }
        if let Some(inner) = t.strip_prefix("LIST<").and_then(|i| i.strip_suffix('>')) {
            return Some(ProcType::List(Box::new(ProcType::parse(inner)?)));
        }
        Some(match t.as_str() {
            "ANY" => ProcType::Any,
            "BOOLEAN" | "BOOL" => ProcType::Boolean,
            "INTEGER" | "INT" => ProcType::Integer,
            "FLOAT" => ProcType::Float,
            "NUMBER" => ProcType::Number,
            "STRING" => ProcType::String,
            "LIST" => ProcType::List(Box::new(ProcType::Any)),
            "MAP" => ProcType::Map,
            "NODE" => ProcType::Node,
            "RELATIONSHIP" => ProcType::Relationship,
            "PATH" => ProcType::Path,
            "DATE" => ProcType::Date,
            "TIME" => ProcType::Time,
            "LOCALTIME" => ProcType::LocalTime,
            "DATETIME" => ProcType::DateTime,
            "LOCALDATETIME" => ProcType::LocalDateTime,
            "DURATION" => ProcType::Duration,
            _ => return None,
        })
    }

    /// `value` as this type (an INTEGER passed for a FLOAT becomes a FLOAT),
    /// or `None` when it is not assignable. Null is handled by the caller.
    pub fn coerce(&self, value: Value) -> Option<Value> {
        use ProcType as T;
        Some(match (self, value) {
            (T::Any, v) => v,
            (T::Float, Value::Integer(i)) => Value::Float(i as f64),
            (T::Number, v @ (Value::Integer(_) | Value::Float(_))) => v,
            (T::List(inner), Value::List(items)) => Value::List(
                items
                    .into_iter()
                    .map(|v| if v.is_null() { Some(v) } else { inner.coerce(v) })
                    .collect::<Option<_>>()?,
            ),
            (T::Boolean, v @ Value::Boolean(_))
            | (T::Integer, v @ Value::Integer(_))
            | (T::Float, v @ Value::Float(_))
            | (T::String, v @ Value::String(_))
            | (T::Map, v @ Value::Map(_))
            | (T::Node, v @ Value::Node(_))
            | (T::Relationship, v @ Value::Relationship(_))
            | (T::Path, v @ Value::Path(_))
            | (T::Date, v @ Value::Date(_))
            | (T::Time, v @ Value::Time(_))
            | (T::LocalTime, v @ Value::LocalTime(_))
            | (T::DateTime, v @ Value::DateTime(_))
            | (T::LocalDateTime, v @ Value::LocalDateTime(_))
            | (T::Duration, v @ Value::Duration(_)) => v,
            _ => return None,
        })
    }

    /// Whether an argument whose type the query text shows may be assignable.
    pub fn may_accept(&self, t: StaticType) -> bool {
        use ProcType as T;
        match t {
            StaticType::Null => true,
            StaticType::Boolean => matches!(self, T::Any | T::Boolean),
            StaticType::Integer => matches!(self, T::Any | T::Integer | T::Float | T::Number),
            StaticType::Float => matches!(self, T::Any | T::Float | T::Number),
            StaticType::String => matches!(self, T::Any | T::String),
            StaticType::List => matches!(self, T::Any | T::List(_)),
            StaticType::Map => matches!(self, T::Any | T::Map),
        }
    }
}

impl fmt::Display for ProcType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ProcType as T;
        let name = match self {
            T::List(inner) => return write!(f, "LIST OF {inner}"),
            T::Any => "ANY",
            T::Boolean => "BOOLEAN",
            T::Integer => "INTEGER",
            T::Float => "FLOAT",
            T::Number => "NUMBER",
            T::String => "STRING",
            T::Map => "MAP",
            T::Node => "NODE",
            T::Relationship => "RELATIONSHIP",
            T::Path => "PATH",
            T::Date => "DATE",
            T::Time => "TIME",
            T::LocalTime => "LOCALTIME",
            T::DateTime => "DATETIME",
            T::LocalDateTime => "LOCALDATETIME",
            T::Duration => "DURATION",
        };
        f.write_str(name)
    }
}

/// One input or output: `name :: TYPE?` (`?`: null is allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub ty: ProcType,
    pub nullable: bool,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} :: {}{}", self.name, self.ty, if self.nullable { "?" } else { "" })
    }
}

/// A procedure's qualified name, inputs and outputs (none: a void procedure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub inputs: Vec<Field>,
    pub outputs: Vec<Field>,
}

fn signature_error(text: &str, why: &str) -> Error {
    Error::new(
        ErrorClass::ProcedureError,
        "InvalidProcedureSignature",
        Phase::Compile,
        format!("Invalid procedure signature `{text}`: {why}"),
    )
}

impl Signature {
    /// Parse `ns.name(in :: TYPE?, ...) :: (out :: TYPE?, ...)`; the output
    /// list may be `()` or `VOID` for a procedure without outputs.
    pub fn parse(text: &str) -> Result<Signature> {
        let err = |why: &str| signature_error(text, why);
        let open = text.find('(').ok_or_else(|| err("expected `(`"))?;
        let name = text[..open].trim();
        if name.is_empty()
            || !name.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            return Err(err("expected a qualified name"));
        }
        let rest = &text[open + 1..];
        let close = rest.find(')').ok_or_else(|| err("expected `)` after the inputs"))?;
        let inputs = parse_fields(&rest[..close]).ok_or_else(|| err("bad input list"))?;
        let rest = rest[close + 1..].trim();
        let outputs = if rest.is_empty() {
            Vec::new()
        } else {
            let rest = rest.strip_prefix("::").ok_or_else(|| err("expected `::` before the outputs"))?.trim();
            let rest = rest.trim_end_matches(':').trim_end();
            if rest.eq_ignore_ascii_case("void") {
                Vec::new()
            } else {
                let list = rest
                    .strip_prefix('(')
                    .and_then(|r| r.strip_suffix(')'))
                    .ok_or_else(|| err("expected the outputs in parentheses"))?;
                parse_fields(list).ok_or_else(|| err("bad output list"))?
            }
        };
        for fields in [&inputs, &outputs] {
            for (i, f) in fields.iter().enumerate() {
                if fields[..i].iter().any(|g| g.name == f.name) {
                    return Err(err(&format!("`{}` is declared twice", f.name)));
                }
            }
        }
        Ok(Signature { name: name.to_string(), inputs, outputs })
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |fields: &[Field]| fields.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ");
        write!(f, "{}({}) :: ({})", self.name, list(&self.inputs), list(&self.outputs))
    }
}

/// `a :: STRING?, b :: LIST OF INTEGER` (empty: no fields).
fn parse_fields(text: &str) -> Option<Vec<Field>> {
    if text.trim().is_empty() {
        return Some(Vec::new());
    }
    text.split(',')
        .map(|part| {
            let (name, ty) = part.split_once("::")?;
            let name = name.trim().trim_matches('`');
            let ty = ty.trim();
            let (ty, nullable) = match ty.strip_suffix('?') {
                Some(t) => (t, true),
                None => (ty, false),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return None;
            }
            Some(Field { name: name.to_string(), ty: ProcType::parse(ty)?, nullable })
        })
        .collect()
}

enum Body {
    Native(Arc<ProcedureFn>),
    /// Rows of input values followed by output values.
    Table(Vec<Vec<Value>>),
}

struct Procedure {
    signature: Signature,
    body: Body,
}

/// The procedures a database knows, by qualified name (case-sensitive).
#[derive(Clone, Default)]
pub struct Procedures {
    by_name: HashMap<String, Arc<Procedure>>,
}

impl fmt::Debug for Procedures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.by_name.keys().collect();
        names.sort();
        f.debug_struct("Procedures").field("names", &names).finish()
    }
}

impl Procedures {
    /// A registry holding the built-in procedures.
    pub fn with_builtins() -> Procedures {
        let mut p = Procedures::default();
        let builtins: [(&str, NamesFn); 3] = [
            ("db.labels() :: (label :: STRING?)", labels_in_use),
            ("db.relationshipTypes() :: (relationshipType :: STRING?)", types_in_use),
            ("db.propertyKeys() :: (propertyKey :: STRING?)", |s: &Snapshot| s.keys()),
        ];
        for (signature, names) in builtins {
            let f = move |s: &Snapshot, _: &[Value]| Ok(names(s).into_iter().map(|n| vec![Value::String(n)]).collect());
            p.register(signature, f).expect("built-in signatures parse");
        }
        p
    }

    /// Add (or replace) a procedure implemented by a closure.
    pub fn register<F>(&mut self, signature: &str, f: F) -> Result<()>
    where
        F: Fn(&Snapshot, &[Value]) -> Result<Vec<Vec<Value>>> + Send + Sync + 'static,
    {
        let signature = Signature::parse(signature)?;
        self.insert(signature, Body::Native(Arc::new(f)));
        Ok(())
    }

    /// Add (or replace) a procedure answering from a fixed table: each row
    /// holds the input values then the output values, in signature order; a
    /// call returns the outputs of every row whose inputs equal the arguments.
    pub fn register_rows(&mut self, signature: &str, rows: Vec<Vec<Value>>) -> Result<()> {
        let signature = Signature::parse(signature)?;
        let width = signature.inputs.len() + signature.outputs.len();
        let mut table = Vec::with_capacity(rows.len());
        for row in rows {
            if row.len() != width {
                return Err(signature_error(
                    &signature.to_string(),
                    &format!("a row has {} values, expected {width}", row.len()),
                ));
            }
            // Inputs as the declared types, so an argument coerced the same way matches.
            let row = row
                .into_iter()
                .enumerate()
                .map(|(i, v)| match signature.inputs.get(i) {
                    Some(field) if !v.is_null() => field.ty.coerce(v.clone()).unwrap_or(v),
                    _ => v,
                })
                .collect();
            table.push(row);
        }
        self.insert(signature, Body::Table(table));
        Ok(())
    }

    fn insert(&mut self, signature: Signature, body: Body) {
        self.by_name.insert(signature.name.clone(), Arc::new(Procedure { signature, body }));
    }

    /// The signature of procedure `name`, if registered.
    pub fn signature(&self, name: &str) -> Option<&Signature> {
        self.by_name.get(name).map(|p| &p.signature)
    }

    /// Every registered signature, sorted by name.
    pub fn signatures(&self) -> Vec<&Signature> {
        let mut all: Vec<&Signature> = self.by_name.values().map(|p| &p.signature).collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// Run procedure `name`: arguments are checked against (and coerced to)
    /// the declared input types; every returned row must hold all outputs.
    pub fn call(&self, name: &str, args: &[Value], snapshot: &Snapshot) -> Result<Vec<Vec<Value>>> {
        let procedure = self.by_name.get(name).ok_or_else(|| {
            Error::new(
                ErrorClass::ProcedureError,
                "ProcedureNotFound",
                Phase::Runtime,
                format!("There is no procedure with the name `{name}` registered"),
            )
        })?;
        let sig = &procedure.signature;
        if args.len() != sig.inputs.len() {
            return Err(Error::new(
                ErrorClass::SyntaxError,
                "InvalidNumberOfArguments",
                Phase::Runtime,
                format!("Procedure `{name}` takes {} argument(s), got {}", sig.inputs.len(), args.len()),
            ));
        }
        let args = args
            .iter()
            .zip(&sig.inputs)
            .map(|(v, f)| check_argument(name, f, v.clone()))
            .collect::<Result<Vec<_>>>()?;
        let rows = match &procedure.body {
            Body::Native(f) => f(snapshot, &args)?,
            Body::Table(table) => {
                table.iter().filter(|row| row[..args.len()] == args[..]).map(|row| row[args.len()..].to_vec()).collect()
            }
        };
        if let Some(bad) = rows.iter().find(|r| r.len() != sig.outputs.len()) {
            return Err(Error::new(
                ErrorClass::ProcedureError,
                "ProcedureCallFailed",
                Phase::Runtime,
                format!("Procedure `{name}` returned a row of {} values, expected {}", bad.len(), sig.outputs.len()),
            ));
        }
        Ok(rows)
    }
}

fn check_argument(procedure: &str, field: &Field, value: Value) -> Result<Value> {
    if value.is_null() {
        if field.nullable {
            return Ok(value);
        }
        return Err(Error::type_error(
            "InvalidArgumentType",
            format!("Procedure `{procedure}`: argument `{}` must not be null", field.name),
        ));
    }
    let got = value.type_name();
    field.ty.coerce(value).ok_or_else(|| {
        Error::type_error(
            "InvalidArgumentType",
            format!("Procedure `{procedure}`: argument `{}` expects {}, got {got}", field.name, field.ty),
        )
    })
}

impl plexus_exec::ProcedureRegistry for Procedures {
    fn call(&self, name: &str, args: &[Value], snapshot: &Snapshot) -> Result<Vec<Vec<Value>>> {
        Procedures::call(self, name, args, snapshot)
    }
}

/// Labels some live node carries, in the order they were first used.
fn labels_in_use(s: &Snapshot) -> Vec<String> {
    let stats = s.statistics();
    s.labels().into_iter().filter(|l| stats.label_counts.get(l).is_some_and(|c| *c > 0)).collect()
}

/// Relationship types some live relationship has, in the order they were first used.
fn types_in_use(s: &Snapshot) -> Vec<String> {
    let stats = s.statistics();
    s.types().into_iter().filter(|t| stats.type_counts.get(t).is_some_and(|c| *c > 0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_parse() {
        let s = Signature::parse(
            "test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?, country_code :: INTEGER?)",
        )
        .unwrap();
        assert_eq!(s.name, "test.my.proc");
        assert_eq!(s.inputs.len(), 2);
        assert_eq!(s.inputs[1], Field { name: "id".into(), ty: ProcType::Integer, nullable: true });
        assert_eq!(s.outputs[0].name, "city");
        let void = Signature::parse("test.doNothing() :: ()").unwrap();
        assert!(void.inputs.is_empty() && void.outputs.is_empty());
        let list = Signature::parse("x.y(a :: LIST OF FLOAT) :: (b :: MAP?) :").unwrap();
        assert_eq!(list.inputs[0].ty, ProcType::List(Box::new(ProcType::Float)));
        assert!(!list.inputs[0].nullable);
        assert_eq!(list.to_string(), "x.y(a :: LIST OF FLOAT) :: (b :: MAP?)");
        assert!(Signature::parse("x.y(a :: WIDGET) :: ()").is_err());
        assert!(Signature::parse("x.y(a STRING) :: ()").is_err());
        assert!(Signature::parse("(a :: STRING) :: ()").is_err());
        assert!(Signature::parse("x.y(a :: STRING, a :: STRING) :: ()").is_err());
    }

    #[test]
    fn arguments_are_coerced_and_checked() {
        let float = Field { name: "x".into(), ty: ProcType::Float, nullable: true };
        assert_eq!(check_argument("p", &float, Value::Integer(42)).unwrap(), Value::Float(42.0));
        assert_eq!(check_argument("p", &float, Value::Null).unwrap(), Value::Null);
        let e = check_argument("p", &float, Value::Boolean(true)).unwrap_err();
        assert_eq!((e.class, e.detail), (ErrorClass::TypeError, "InvalidArgumentType"));
        let strict = Field { name: "x".into(), ty: ProcType::Number, nullable: false };
        assert!(check_argument("p", &strict, Value::Null).is_err());
        assert_eq!(check_argument("p", &strict, Value::Integer(1)).unwrap(), Value::Integer(1));
    }

    #[test]
    fn table_procedures_match_their_inputs() {
        let mut p = Procedures::default();
        p.register_rows(
            "t.p(in :: FLOAT?) :: (out :: STRING?)",
            vec![vec![Value::Integer(1), Value::String("one".into())], vec![Value::Null, Value::String("nix".into())]],
        )
        .unwrap();
        let snapshot = plexus_storage::Graph::new().snapshot();
        assert_eq!(p.call("t.p", &[Value::Float(1.0)], &snapshot).unwrap(), vec![vec![Value::String("one".into())]]);
        assert_eq!(p.call("t.p", &[Value::Null], &snapshot).unwrap(), vec![vec![Value::String("nix".into())]]);
        assert!(p.call("t.p", &[Value::Integer(2)], &snapshot).unwrap().is_empty());
        assert!(p.register_rows("t.q() :: (a :: INTEGER)", vec![vec![]]).is_err());
        assert_eq!(p.call("t.x", &[], &snapshot).unwrap_err().detail, "ProcedureNotFound");
    }
}

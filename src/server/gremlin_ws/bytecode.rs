//! Bytecode → the Gremlin AST the text parser also produces (`gremlin::ast`),
//! so a driver's traversal runs through the same lowering as a script.
//! Bindings become the literal they name; lambdas are refused; the
//! `OptionsStrategy` that `g.with_(…)` sends becomes request options.

use plexus_storage::Error;

use super::value::{Bytecode, WireInstruction, WireValue};
use crate::gremlin::ast::{Argument, EnumValue, GValue, Instruction, Predicate, PredicateClass, Strategy};
use crate::gremlin::{Traversal, TraversalRoot};

/// What a bytecode request asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum BytecodeRequest {
    /// A traversal to run, the names of its top-level steps (they decide how
    /// results are shaped), and the options an `OptionsStrategy` carried.
    Traversal {
        traversal: Traversal,
        step_names: Vec<String>,
        options: Vec<(String, WireValue)>,
    },
    /// `g.tx().commit()` / `rollback()`: a source instruction `tx` and no steps.
    Commit,
    Rollback,
}

/// Why bytecode cannot run; these become status 499.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslateError(pub String);

type Translated<T> = Result<T, TranslateError>;

fn refuse<T>(message: impl Into<String>) -> Translated<T> {
    Err(TranslateError(message.into()))
}

/// The most items a BulkSet argument may expand to.
const MAX_BULK_EXPANSION: i64 = 1_000_000;

pub fn translate(bytecode: &Bytecode) -> Translated<BytecodeRequest> {
    if let Some(tx) = bytecode.sources.iter().find(|s| s.name == "tx") {
        if !bytecode.steps.is_empty() {
            return refuse("a tx() instruction cannot carry steps");
        }
        return match tx.args.first().and_then(WireValue::as_str) {
            Some("commit") => Ok(BytecodeRequest::Commit),
            Some("rollback") => Ok(BytecodeRequest::Rollback),
            other => refuse(format!("unsupported transaction operation {other:?}: use commit or rollback")),
        };
    }
    let mut options = Vec::new();
    let mut source = Vec::new();
    for ins in &bytecode.sources {
        let mut args = Vec::with_capacity(ins.args.len());
        for arg in &ins.args {
            match arg {
                WireValue::Strategy { class, config } if short_class(class) == "OptionsStrategy" => {
                    for (k, v) in config {
                        if let WireValue::String(k) = k {
                            options.push((k.clone(), v.clone()));
                        }
                    }
                }
                other => args.push(argument(other)?),
            }
        }
        if ins.name == "withStrategies" && args.is_empty() && !ins.args.is_empty() {
            continue;
        }
        source.push(Instruction { name: ins.name.clone(), args, pos: 0 });
    }
    let Some((spawn, rest)) = bytecode.steps.split_first() else {
        return refuse("the bytecode has no steps");
    };
    if !crate::gremlin::names::is_spawn_step(&spawn.name) {
        return refuse(format!("{}() cannot start a traversal from g", spawn.name));
    }
    let traversal = Traversal {
        root: TraversalRoot::Source { source, spawn: instruction(spawn)? },
        steps: rest.iter().map(instruction).collect::<Translated<_>>()?,
    };
    let step_names = bytecode.steps.iter().map(|s| s.name.clone()).collect();
    Ok(BytecodeRequest::Traversal { traversal, step_names, options })
}

fn short_class(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

fn instruction(ins: &WireInstruction) -> Translated<Instruction> {
    if let Some(args) = with_options(ins) {
        return Ok(Instruction { name: ins.name.clone(), args, pos: 0 });
    }
    let args = ins.args.iter().map(argument).collect::<Translated<_>>()?;
    Ok(Instruction { name: ins.name.clone(), args, pos: 0 })
}

/// Drivers send `WithOptions` constants as the strings and numbers Java
/// defines them as (`with("~tinkerpop.valueMap.tokens", 1)`); the AST has
/// them as the enum the text `with(WithOptions.tokens, WithOptions.ids)` gives.
fn with_options(ins: &WireInstruction) -> Option<Vec<Argument>> {
    let constant = |value: &str| Argument::Enum(EnumValue { kind: "WithOptions".into(), value: value.into() });
    if ins.name != "with" {
        return None;
    }
    let (key, rest) = ins.args.split_first()?;
    let (name, values): (&str, &[&str]) = match key.as_str()? {
        "~tinkerpop.valueMap.tokens" => ("tokens", &["none", "ids", "labels", "", "keys", "", "", "", "values"]),
        "~tinkerpop.index.indexer" => ("indexer", &["list", "map"]),
        _ => return None,
    };
    let mut args = vec![constant(name)];
    for v in rest {
        let n = v.as_i64()?;
        let value = match (name, n) {
            ("tokens", 15) => "all",
            _ => values.get(usize::try_from(n).ok()?).copied().filter(|v| !v.is_empty())?,
        };
        args.push(constant(value));
    }
    Some(args)
}

fn argument(v: &WireValue) -> Translated<Argument> {
    Ok(match v {
        WireValue::Bytecode(b) => {
            let steps = b.steps.iter().map(instruction).collect::<Translated<_>>()?;
            Argument::Traversal(Box::new(Traversal { root: TraversalRoot::Anonymous, steps }))
        }
        WireValue::Predicate { .. } => Argument::Predicate(predicate(v)?),
        WireValue::Enum { kind, value } => Argument::Enum(EnumValue { kind: kind.to_string(), value: value.clone() }),
        WireValue::Binding { value, .. } => argument(value)?,
        WireValue::Strategy { class, config } => {
            let mut pairs = Vec::with_capacity(config.len());
            for (k, v) in config {
                let Some(k) = k.as_str() else { return refuse("strategy configuration keys must be strings") };
                pairs.push((k.to_string(), argument(v)?));
            }
            Argument::Strategy(Strategy { name: short_class(class).to_string(), config: pairs })
        }
        WireValue::Lambda { language, script, .. } => {
            return refuse(format!(
                "lambdas are not supported (got a {language} lambda `{script}`): express it with Gremlin steps"
            ))
        }
        other => Argument::Literal(literal(other)?),
    })
}

fn predicate(v: &WireValue) -> Translated<Predicate> {
    let WireValue::Predicate { text, name, args } = v else {
        return refuse(format!("expected a predicate, found {v:?}"));
    };
    match (name.as_str(), args.as_slice()) {
        ("and", [a, b]) => Ok(Predicate::And(Box::new(predicate(a)?), Box::new(predicate(b)?))),
        ("or", [a, b]) => Ok(Predicate::Or(Box::new(predicate(a)?), Box::new(predicate(b)?))),
        _ => {
            let class = if *text { PredicateClass::TextP } else { PredicateClass::P };
            let args = args.iter().map(argument).collect::<Translated<_>>()?;
            Ok(Predicate::Call { class, name: name.clone(), args })
        }
    }
}

/// ISO-8601 text of an instant, as `datetime("…")` literals carry it.
fn iso(seconds: i64, nanos: u32, offset_seconds: i32) -> Translated<String> {
    let when = chrono::DateTime::from_timestamp(seconds, nanos.min(999_999_999));
    match (when, chrono::FixedOffset::east_opt(offset_seconds)) {
        (Some(when), Some(offset)) => Ok(when.with_timezone(&offset).to_rfc3339()),
        _ => refuse(format!("the date {seconds} s since the epoch is out of range")),
    }
}

fn literal(v: &WireValue) -> Translated<GValue> {
    let items = |list: &[WireValue]| list.iter().map(literal).collect::<Translated<Vec<_>>>();
    Ok(match v {
        WireValue::Null => GValue::Null,
        WireValue::Boolean(b) => GValue::Boolean(*b),
        WireValue::Byte(n) => GValue::Byte(*n),
        WireValue::Short(n) => GValue::Short(*n),
        WireValue::Int(n) => GValue::Int(*n),
        WireValue::Long(n) => GValue::Long(*n),
        WireValue::Float(f) => GValue::Float(*f),
        WireValue::Double(f) => GValue::Double(*f),
        WireValue::BigInteger(s) => GValue::BigInteger(s.clone()),
        WireValue::BigDecimal(s) => GValue::BigDecimal(s.clone()),
        WireValue::String(s) => GValue::String(s.clone()),
        WireValue::Char(c) => GValue::String(c.to_string()),
        WireValue::Uuid(id) => GValue::Uuid(Some(id.to_string())),
        WireValue::Date(ms) | WireValue::Timestamp(ms) => {
            GValue::DateTime(iso(ms.div_euclid(1000), (ms.rem_euclid(1000) * 1_000_000) as u32, 0)?)
        }
        WireValue::OffsetDateTime { seconds, nanos, offset_seconds } => {
            GValue::DateTime(iso(*seconds, *nanos, *offset_seconds)?)
        }
        WireValue::List(list) => GValue::List(items(list)?),
        WireValue::Set(list) => GValue::Set(items(list)?),
        WireValue::BulkSet(entries) => {
            let total = entries.iter().try_fold(0i64, |acc, (_, bulk)| acc.checked_add((*bulk).max(0)));
            if total.is_none_or(|t| t > MAX_BULK_EXPANSION) {
                return refuse(format!("a BulkSet argument may hold at most {MAX_BULK_EXPANSION} items"));
            }
            let mut out = Vec::new();
            for (item, bulk) in entries {
                let item = literal(item)?;
                out.extend(std::iter::repeat_n(item, usize::try_from(*bulk).unwrap_or(0)));
            }
            GValue::List(out)
        }
        WireValue::Map(entries) => {
            GValue::Map(entries.iter().map(|(k, v)| Ok((literal(k)?, literal(v)?))).collect::<Translated<Vec<_>>>()?)
        }
        WireValue::Enum { kind, value } => GValue::Enum(EnumValue { kind: kind.to_string(), value: value.clone() }),
        WireValue::Binding { value, .. } => literal(value)?,
        // An element stands for its id (`g.V(v)` with a vertex from an earlier result).
        WireValue::Vertex { id, .. } | WireValue::Edge { id, .. } | WireValue::VertexProperty { id, .. } => {
            literal(id)?
        }
        WireValue::Traverser { value, .. } => literal(value)?,
        WireValue::Predicate { .. }
        | WireValue::Bytecode(_)
        | WireValue::Lambda { .. }
        | WireValue::Strategy { .. } => {
            return refuse("a predicate, traversal or lambda cannot sit inside a collection")
        }
        other => return refuse(format!("unsupported argument {other:?}")),
    })
}

/// A translation failure as a query error (for callers that report `Error`s).
impl From<TranslateError> for Error {
    fn from(e: TranslateError) -> Error {
        Error::argument("InvalidBytecode", e.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(name: &str, args: Vec<WireValue>) -> WireInstruction {
        WireInstruction { name: name.into(), args }
    }

    fn s(text: &str) -> WireValue {
        WireValue::String(text.into())
    }

    /// Bytecode and the text it stands for give the same AST.
    fn same_as_text(bytecode: Bytecode, text: &str) {
        let Ok(BytecodeRequest::Traversal { traversal, .. }) = translate(&bytecode) else { panic!("{bytecode:?}") };
        let mut parsed = crate::gremlin::parse(text).expect("parses");
        clear_positions(&mut parsed);
        assert_eq!(traversal, parsed, "{text}");
    }

    fn clear_positions(t: &mut Traversal) {
        let clear = |i: &mut Instruction| {
            i.pos = 0;
            for a in &mut i.args {
                if let Argument::Traversal(inner) = a {
                    clear_positions(inner);
                }
            }
        };
        if let TraversalRoot::Source { source, spawn } = &mut t.root {
            source.iter_mut().for_each(clear);
            clear(spawn);
        }
        t.steps.iter_mut().for_each(clear);
    }

    #[test]
    fn steps_predicates_enums_and_nested_traversals() {
        let within = WireValue::Predicate { text: false, name: "within".into(), args: vec![s("a"), s("b")] };
        let inner = Bytecode { sources: vec![], steps: vec![step("out", vec![s("knows")])] };
        let bytecode = Bytecode {
            sources: vec![],
            steps: vec![
                step("V", vec![]),
                step("has", vec![s("name"), within]),
                step("where", vec![WireValue::Bytecode(Box::new(inner))]),
                step("order", vec![]),
                step("by", vec![s("age"), WireValue::Enum { kind: "Order", value: "desc".into() }]),
                step("values", vec![s("name")]),
            ],
        };
        same_as_text(
            bytecode,
            "g.V().has('name', P.within('a', 'b')).where(__.out('knows')).order().by('age', Order.desc).values('name')",
        );
        let tokens = Bytecode {
            sources: vec![],
            steps: vec![
                step("V", vec![]),
                step("valueMap", vec![]),
                step("with", vec![s("~tinkerpop.valueMap.tokens"), WireValue::Int(1)]),
            ],
        };
        same_as_text(tokens, "g.V().valueMap().with(WithOptions.tokens, WithOptions.ids)");
    }

    #[test]
    fn transactions_options_and_refusals() {
        let tx = |op: &str| Bytecode { sources: vec![step("tx", vec![s(op)])], steps: vec![] };
        assert_eq!(translate(&tx("commit")), Ok(BytecodeRequest::Commit));
        assert_eq!(translate(&tx("rollback")), Ok(BytecodeRequest::Rollback));
        assert!(translate(&tx("open")).is_err());
        let options = WireValue::Strategy {
            class: "org.apache.tinkerpop.gremlin.process.traversal.strategy.decoration.OptionsStrategy".into(),
            config: vec![(s("evaluationTimeout"), WireValue::Int(500))],
        };
        let with_options =
            Bytecode { sources: vec![step("withStrategies", vec![options])], steps: vec![step("V", vec![])] };
        let Ok(BytecodeRequest::Traversal { traversal, options, .. }) = translate(&with_options) else { panic!() };
        assert_eq!(options, vec![("evaluationTimeout".to_string(), WireValue::Int(500))]);
        assert!(matches!(traversal.root, TraversalRoot::Source { ref source, .. } if source.is_empty()));
        let lambda = WireValue::Lambda { language: "gremlin-python".into(), script: "lambda x: x".into(), arity: 1 };
        let with_lambda = Bytecode { sources: vec![], steps: vec![step("V", vec![]), step("map", vec![lambda])] };
        assert!(translate(&with_lambda).is_err_and(|e| e.0.contains("lambdas are not supported")));
        let no_spawn = Bytecode { sources: vec![], steps: vec![step("out", vec![])] };
        assert!(translate(&no_spawn).is_err());
    }
}

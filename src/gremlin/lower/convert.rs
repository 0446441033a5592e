//! AST → the planner's Gremlin program: parameters and literals become values,
//! modulators (`by`, `times`, `option`, …) and `as()` labels attach to their step.

use plexus_planner::gremlin::{CompareOp, GArg, GPredicate, GStep, GTraversal, TextOp};
use plexus_storage::{Error, ErrorClass, Phase, Result, Value};

use crate::db::Params;
use crate::gremlin::ast::{Argument, GValue, Instruction, Predicate, Traversal, TraversalRoot};

/// Step names that modulate the step before them rather than standing alone.
const MODULATORS: &[&str] = &["by", "times", "until", "emit", "option", "with", "from", "to", "read", "write"];

pub fn traversal(t: &Traversal, params: &Params) -> Result<GTraversal> {
    let mut out = GTraversal::default();
    let mut instructions: Vec<&Instruction> = Vec::new();
    if let TraversalRoot::Source { source, spawn } = &t.root {
        out.rooted = true;
        for s in source {
            out.source.push(step(s, params)?);
        }
        instructions.push(spawn);
    }
    instructions.extend(t.steps.iter());
    // until/emit/times written before repeat() wait for it.
    let mut pending: Vec<(String, Vec<GArg>)> = Vec::new();
    for ins in instructions {
        let name = ins.name.as_str();
        if name == "as" {
            let labels = string_args(ins, params)?;
            match out.steps.last_mut() {
                Some(prev) => prev.labels.extend(labels),
                None => {
                    let mut s = GStep::new("as", Vec::new(), ins.pos);
                    s.labels = labels;
                    out.steps.push(s);
                }
            }
            continue;
        }
        // to(Direction, labels…) / toE(…) are vertex steps, not the from()/to() modulators.
        if let (Some("to" | "toE"), Some(Argument::Enum(e))) = (Some(name), ins.args.first()) {
            if e.kind == "Direction" {
                let base = match e.value.as_str() {
                    "OUT" | "from" => "out",
                    "IN" | "to" => "in",
                    _ => "both",
                };
                let step_name = if name == "toE" { format!("{base}E") } else { base.to_string() };
                out.steps.push(GStep::new(&step_name, args(&ins.args[1..], params)?, ins.pos));
                continue;
            }
        }
        if MODULATORS.contains(&name) {
            let args = args(&ins.args, params)?;
            let attach_to_repeat =
                matches!(name, "until" | "emit" | "times") && out.steps.last().is_none_or(|s| s.name != "repeat");
            if attach_to_repeat {
                pending.push((format!("{name}_before"), args));
                continue;
            }
            // from()/to() belong to the addE() they follow, even across property() steps.
            let target = if matches!(name, "from" | "to") {
                let add_e = out.steps.iter().rposition(|s| s.name == "addE");
                let only_properties_after =
                    add_e.is_some_and(|i| out.steps[i + 1..].iter().all(|s| s.name == "property"));
                if only_properties_after {
                    add_e
                } else {
                    out.steps.len().checked_sub(1)
                }
            } else {
                out.steps.len().checked_sub(1)
            };
            match target {
                Some(i) => out.steps[i].modulators.push((name.to_string(), args)),
                None => return Err(syntax(ins, format!("{name}() must follow a step"))),
            }
            continue;
        }
        // property(T.id, x) right after addV gives the new vertex its id.
        if name == "property" {
            if let [Argument::Enum(e), value] = ins.args.as_slice() {
                let add_v = out.steps.iter().rposition(|s| s.name == "addV");
                let only_properties_after =
                    add_v.is_some_and(|i| out.steps[i + 1..].iter().all(|s| s.name == "property"));
                if let (Some(i), true) = (add_v, only_properties_after) {
                    if e.kind == "T" && (e.value == "id" || e.value == "label") {
                        let v = arg(value, params)?;
                        out.steps[i].modulators.push((e.value.clone(), vec![v]));
                        continue;
                    }
                }
            }
        }
        let mut s = step(ins, params)?;
        // property(k, v) in addV's chain adds a value (TinkerGraph's multi-property default) rather than replacing.
        if name == "property" {
            let add_v = out.steps.iter().rposition(|s| s.name == "addV");
            if add_v.is_some_and(|i| out.steps[i + 1..].iter().all(|s| s.name == "property")) {
                s.modulators.push(("creating".to_string(), Vec::new()));
            }
        }
        // until()/emit()/times() before any other step: validation reports the missing repeat().
        s.modulators.append(&mut pending);
        out.steps.push(s);
    }
    if let Some((name, _)) = pending.first() {
        return Err(Error::argument(
            "InvalidTraversal",
            format!("The repeat()-traversal was not defined ({}() without repeat())", name.trim_end_matches("_before")),
        ));
    }
    let without_connective = out.source.iter().any(|s| {
        s.name == "withoutStrategies"
            && s.args.iter().any(|a| matches!(a, GArg::Strategy(n, _) if n == "ConnectiveStrategy"))
    });
    if !without_connective {
        out.steps = connectives(std::mem::take(&mut out.steps));
    }
    Ok(out)
}

/// Infix `a.and().b` / `a.or().b`: the steps before and after become the two
/// children (`or` binds looser than `and`).
fn connectives(steps: Vec<GStep>) -> Vec<GStep> {
    let infix = |s: &GStep, name: &str| s.name == name && s.args.is_empty();
    for name in ["or", "and"] {
        if let Some(i) = steps.iter().position(|s| infix(s, name)) {
            let mut steps = steps;
            let right: Vec<GStep> = steps.split_off(i + 1);
            let op = steps.pop().unwrap_or_else(|| GStep::new(name, Vec::new(), 0));
            // A g.V()… prefix stays outside: only the steps after the spawn step are the left operand.
            let keep = if steps.first().is_some_and(|s| is_spawn(&s.name)) { 1 } else { 0 };
            let left: Vec<GStep> = steps.split_off(keep.min(steps.len()));
            let child = |steps: Vec<GStep>| {
                GArg::Traversal(GTraversal { source: Vec::new(), steps: connectives(steps), rooted: false })
            };
            let mut combined = GStep::new(name, vec![child(left), child(right)], op.pos);
            combined.labels = op.labels;
            steps.push(combined);
            return steps;
        }
    }
    steps
}

fn is_spawn(name: &str) -> bool {
    matches!(name, "V" | "E" | "inject" | "addV" | "addE" | "mergeV" | "mergeE")
}

fn syntax(ins: &Instruction, message: String) -> Error {
    Error::syntax("UnexpectedSyntax", message, ins.pos)
}

fn step(ins: &Instruction, params: &Params) -> Result<GStep> {
    Ok(GStep::new(&ins.name, args(&ins.args, params)?, ins.pos))
}

fn string_args(ins: &Instruction, params: &Params) -> Result<Vec<String>> {
    args(&ins.args, params)?
        .into_iter()
        .map(|a| match a {
            GArg::Value(Value::String(s)) => Ok(s),
            _ => Err(syntax(ins, format!("{}() takes strings", ins.name))),
        })
        .collect()
}

fn args(args: &[Argument], params: &Params) -> Result<Vec<GArg>> {
    args.iter().map(|a| arg(a, params)).collect()
}

pub fn arg(a: &Argument, params: &Params) -> Result<GArg> {
    Ok(match a {
        Argument::Literal(GValue::Map(pairs)) => {
            GArg::Map(pairs.iter().map(|(k, v)| Ok((gvalue_arg(k)?, gvalue_arg(v)?))).collect::<Result<_>>()?)
        }
        Argument::Literal(v) => gvalue_arg(v)?,
        Argument::Traversal(t) => GArg::Traversal(traversal(t, params)?),
        Argument::Predicate(p) => GArg::Predicate(predicate(p, params)?),
        Argument::Enum(e) => token(&e.kind, &e.value),
        Argument::Variable(name) => match params.get(name) {
            Some(v) => GArg::Value(v.clone()),
            None => {
                return Err(Error::new(
                    ErrorClass::ParameterMissing,
                    "MissingParameter",
                    Phase::Compile,
                    format!("Expected parameter `{name}`"),
                ))
            }
        },
        Argument::Strategy(s) => GArg::Strategy(
            s.name.clone(),
            s.config.iter().map(|(k, v)| Ok((k.clone(), arg(v, params)?))).collect::<Result<_>>()?,
        ),
    })
}

fn token(kind: &str, value: &str) -> GArg {
    let value = match (kind, value) {
        ("Direction", "from") => "OUT",
        ("Direction", "to") => "IN",
        ("Order", "incr") => "asc",
        ("Order", "decr") => "desc",
        _ => value,
    };
    GArg::Token(kind.to_string(), value.to_string())
}

fn gvalue_arg(v: &GValue) -> Result<GArg> {
    Ok(match v {
        GValue::Enum(e) => token(&e.kind, &e.value),
        GValue::Cardinality(c, inner) => GArg::Cardinality(c.value.clone(), Box::new(gvalue_arg(inner)?)),
        GValue::Map(pairs) if pairs.iter().any(|(k, _)| matches!(k, GValue::Enum(_))) => {
            GArg::Map(pairs.iter().map(|(k, v)| Ok((gvalue_arg(k)?, gvalue_arg(v)?))).collect::<Result<_>>()?)
        }
        other => GArg::Value(value(other)?),
    })
}

/// A literal as a value; numbers lose their Java width (ints and longs are one integer type).
pub fn value(v: &GValue) -> Result<Value> {
    Ok(match v {
        GValue::Null => Value::Null,
        GValue::Boolean(b) => Value::Boolean(*b),
        GValue::Byte(i) => Value::Integer(*i as i64),
        GValue::Short(i) => Value::Integer(*i as i64),
        GValue::Int(i) => Value::Integer(*i as i64),
        GValue::Long(i) => Value::Integer(*i),
        GValue::BigInteger(s) => match s.parse::<i64>() {
            Ok(i) => Value::Integer(i),
            Err(_) => Value::Float(s.parse().unwrap_or(f64::NAN)),
        },
        // Through text, so 1.1f is 1.1 and not 1.100000023841858.
        GValue::Float(f) => Value::Float(f.to_string().parse().unwrap_or(*f as f64)),
        GValue::Double(d) => Value::Float(*d),
        GValue::BigDecimal(s) => Value::Float(s.parse().unwrap_or(f64::NAN)),
        GValue::String(s) => Value::String(s.clone()),
        GValue::List(items) | GValue::Set(items) => Value::List(items.iter().map(value).collect::<Result<_>>()?),
        GValue::Map(pairs) => Value::Map(
            pairs
                .iter()
                .map(|(k, v)| {
                    let key = match value(k)? {
                        Value::String(s) => s,
                        other => other.to_display_string(),
                    };
                    Ok((key, value(v)?))
                })
                .collect::<Result<_>>()?,
        ),
        GValue::DateTime(text) => plexus_exec::scalar::temporal::construct::datetime(&[Value::String(text.clone())])
            .map_err(|e| Error::argument("InvalidDateTime", format!("datetime(\"{text}\"): {}", e.message)))?,
        GValue::Uuid(Some(s)) => Value::String(s.clone()),
        GValue::Uuid(None) => Value::String(format!(
            "{:032x}",
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
        )),
        GValue::Enum(e) => Value::String(format!("{}.{}", e.kind, e.value)),
        GValue::Cardinality(_, inner) => value(inner)?,
    })
}

fn predicate(p: &Predicate, params: &Params) -> Result<GPredicate> {
    let (name, args) = match p {
        Predicate::And(a, b) => {
            return Ok(GPredicate::And(Box::new(predicate(a, params)?), Box::new(predicate(b, params)?)))
        }
        Predicate::Or(a, b) => {
            return Ok(GPredicate::Or(Box::new(predicate(a, params)?), Box::new(predicate(b, params)?)))
        }
        Predicate::Call { name, args, .. } => (name.as_str(), args),
    };
    let bad = |m: String| Error::argument("InvalidArgument", m);
    let values: Vec<Value> = args
        .iter()
        .filter(|a| !matches!(a, Argument::Predicate(_)))
        .map(|a| match arg(a, params)? {
            GArg::Value(v) => Ok(v),
            GArg::Token(k, v) => Ok(Value::String(format!("{k}.{v}"))),
            _ => Err(bad(format!("{name}() takes values"))),
        })
        .collect::<Result<_>>()?;
    let one = || values.first().cloned().unwrap_or(Value::Null);
    let two = || (values.first().cloned().unwrap_or(Value::Null), values.get(1).cloned().unwrap_or(Value::Null));
    let flat = || -> Vec<Value> {
        if values.len() == 1 {
            if let Value::List(items) = &values[0] {
                return items.clone();
            }
        }
        values.clone()
    };
    let text = |op: TextOp, negated: bool| GPredicate::Text { op, text: one(), negated };
    Ok(match name {
        "eq" => GPredicate::Compare(CompareOp::Eq, one()),
        "neq" => GPredicate::Compare(CompareOp::Neq, one()),
        "lt" => GPredicate::Compare(CompareOp::Lt, one()),
        "lte" => GPredicate::Compare(CompareOp::Lte, one()),
        "gt" => GPredicate::Compare(CompareOp::Gt, one()),
        "gte" => GPredicate::Compare(CompareOp::Gte, one()),
        "within" => GPredicate::Within(flat()),
        "without" => GPredicate::Without(flat()),
        "inside" => {
            let (a, b) = two();
            GPredicate::Inside(a, b)
        }
        "outside" => {
            let (a, b) = two();
            GPredicate::Outside(a, b)
        }
        "between" => {
            let (a, b) = two();
            GPredicate::Between(a, b)
        }
        "containing" => text(TextOp::Containing, false),
        "notContaining" => text(TextOp::Containing, true),
        "startingWith" => text(TextOp::StartingWith, false),
        "notStartingWith" => text(TextOp::StartingWith, true),
        "endingWith" => text(TextOp::EndingWith, false),
        "notEndingWith" => text(TextOp::EndingWith, true),
        "regex" => text(TextOp::Regex, false),
        "notRegex" => text(TextOp::Regex, true),
        "typeOf" => match one() {
            Value::String(s) => {
                let name = s.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
                const KNOWN: &[&str] = &[
                    "INT",
                    "INTEGER",
                    "LONG",
                    "SHORT",
                    "BYTE",
                    "BIGINT",
                    "BIGINTEGER",
                    "DOUBLE",
                    "FLOAT",
                    "BIGDECIMAL",
                    "NUMBER",
                    "STRING",
                    "BOOLEAN",
                    "CHAR",
                    "DATETIME",
                    "DATE",
                    "OFFSETDATETIME",
                    "DURATION",
                    "UUID",
                    "LIST",
                    "SET",
                    "MAP",
                    "VERTEX",
                    "EDGE",
                    "ELEMENT",
                    "PATH",
                    "PROPERTY",
                    "VPROPERTY",
                    "TREE",
                    "GRAPH",
                    "BINARY",
                    "NULL",
                    "T",
                    "DIRECTION",
                    "MERGE",
                ];
                if !KNOWN.contains(&name.as_str()) {
                    return Err(bad(format!("typeOf(): unknown type {s:?}")));
                }
                GPredicate::TypeOf(name)
            }
            _ => return Err(bad("typeOf() takes a GType".into())),
        },
        "not" => match args.first() {
            Some(Argument::Predicate(inner)) => GPredicate::Not(Box::new(predicate(inner, params)?)),
            _ => return Err(bad("not() takes a predicate".into())),
        },
        other => return Err(bad(format!("unknown predicate {other}()"))),
    })
}

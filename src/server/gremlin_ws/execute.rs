//! Running one traversal on a blocking thread, inside a transaction: the
//! session's, or a fresh one committed when the traversal succeeds in time.
//! The query's `QueryGuard` stops it at its deadline; should it not notice in
//! time, the answer is `598` anyway, the guard is cancelled, and when the
//! traversal does end its transaction is rolled back: its writes never land
//! after a timeout was reported.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use plexus_storage::value::DateTime;
use plexus_storage::{Error, Value};

use super::results::{ends_in_path, ResultEncoder};
use super::value::WireValue;
use crate::db::{Database, Params, Transaction};
use crate::gremlin::Traversal;
use crate::QueryGuard;

/// What to run, and whether elements come back without their properties
/// (`materializeProperties: tokens`, as the reference server's references).
pub struct Work {
    pub kind: WorkKind,
    pub tokens_only: bool,
}

pub enum WorkKind {
    /// Script text and its bindings.
    Script { text: String, bindings: Params },
    /// Translated bytecode and its top-level step names.
    Bytecode { traversal: Traversal, step_names: Vec<String> },
}

/// How a run ended when it did not produce results.
#[derive(Debug)]
pub enum Failure {
    Query(Error),
    TimedOut(Duration),
    /// The blocking task died (a bug); the message says how.
    Crashed(String),
}

const RUNNING: u8 = 0;
const ABANDONED: u8 = 1;
const FINISHING: u8 = 2;

/// Runs `work` in `tx` (a session's, held to `guard`) or, with `None`, in
/// its own transaction held to `guard` that commits on success. Returns the
/// results and, for a session, the transaction to keep (gone when it timed
/// out: it is rolled back).
pub async fn run(
    db: &Database,
    tx: Option<Transaction>,
    guard: Arc<QueryGuard>,
    work: Work,
    limit: Option<Duration>,
) -> (Result<Vec<WireValue>, Failure>, Option<Transaction>) {
    let in_session = tx.is_some();
    let mut tx = tx.unwrap_or_else(|| db.guarded(guard.clone()).begin());
    let state = Arc::new(AtomicU8::new(RUNNING));
    let flag = state.clone();
    let fallback = db.clone();
    let task = tokio::task::spawn_blocking(move || {
        let outcome = evaluate(&fallback, &mut tx, &work);
        if flag.compare_exchange(RUNNING, FINISHING, Ordering::AcqRel, Ordering::Acquire).is_err() {
            tx.rollback();
            return (outcome, None);
        }
        if in_session {
            return (outcome, Some(tx));
        }
        match outcome {
            Ok(items) => match tx.commit() {
                Ok(_) => (Ok(items), None),
                Err(e) => (Err(e), None),
            },
            Err(e) => {
                tx.rollback();
                (Err(e), None)
            }
        }
    });
    let joined = match limit {
        None => task.await,
        Some(limit) => {
            tokio::pin!(task);
            match tokio::time::timeout(limit, &mut task).await {
                Ok(joined) => joined,
                Err(_) if state.compare_exchange(RUNNING, ABANDONED, Ordering::AcqRel, Ordering::Acquire).is_ok() => {
                    guard.cancel();
                    return (Err(Failure::TimedOut(limit)), None);
                }
                // It finished just as the limit passed: its answer stands.
                Err(_) => task.await,
            }
        }
    };
    match joined {
        // The guard's own deadline: the same 598 as the one above.
        Ok((Err(e), tx)) if e.detail == plexus_exec::guard::TIMED_OUT => {
            (Err(Failure::TimedOut(limit.unwrap_or_default())), tx)
        }
        Ok((outcome, tx)) => (outcome.map_err(Failure::Query), tx),
        Err(e) => (Err(Failure::Crashed(e.to_string())), None),
    }
}

fn evaluate(db: &Database, tx: &mut Transaction, work: &Work) -> Result<Vec<WireValue>, Error> {
    let (result, paths, traversers) = match &work.kind {
        WorkKind::Script { text, bindings } => {
            let traversal = without_terminal_step(crate::gremlin::parse(text)?);
            (tx.execute_gremlin(&traversal, bindings)?, crate::server::http::gremlin::ends_in_path(text), false)
        }
        WorkKind::Bytecode { traversal, step_names } => {
            (tx.execute_gremlin(traversal, &Params::new())?, ends_in_path(step_names), true)
        }
    };
    let mut values = Vec::new();
    for row in result {
        if let Some(v) = row?.into_iter().next() {
            values.push(v);
        }
    }
    // Edge ends' labels come from what the transaction sees, its own writes included.
    let snapshot = tx.snapshot().unwrap_or_else(|| db.graph().snapshot());
    let mut encoder = ResultEncoder::new(&snapshot, !work.tokens_only);
    Ok(if traversers { encoder.traversers(&values, paths) } else { encoder.values(&values, paths) })
}

/// Scripts sent by drivers often end the way Groovy code does
/// (`.iterate()`, `.toList()`, `.next()`): the server sends every result
/// anyway, so those become what they mean for the stream of results.
fn without_terminal_step(mut traversal: Traversal) -> Traversal {
    use crate::gremlin::{Argument, GValue, Instruction};
    let Some(last) = traversal.steps.last() else { return traversal };
    let pos = last.pos;
    match (last.name.as_str(), last.args.as_slice()) {
        ("toList", []) => {
            traversal.steps.pop();
        }
        ("iterate", []) => {
            traversal.steps.pop();
            traversal.steps.push(Instruction { name: "discard".into(), args: Vec::new(), pos });
        }
        ("next", []) => {
            traversal.steps.pop();
            let one = Argument::Literal(GValue::Int(1));
            traversal.steps.push(Instruction { name: "limit".into(), args: vec![one], pos });
        }
        ("next", [n @ Argument::Literal(_)]) => {
            let n = n.clone();
            traversal.steps.pop();
            traversal.steps.push(Instruction { name: "limit".into(), args: vec![n], pos });
        }
        _ => {}
    }
    traversal
}

/// A binding's value as a query parameter.
pub fn parameter(v: &WireValue) -> Result<Value, String> {
    let list = |items: &[WireValue]| items.iter().map(parameter).collect::<Result<Vec<_>, _>>().map(Value::List);
    let instant = |seconds: i64, nanos: u32, offset_seconds: i32| {
        Value::DateTime(DateTime { seconds, nanos, offset_seconds, zone: None })
    };
    Ok(match v {
        WireValue::Null => Value::Null,
        WireValue::Boolean(b) => Value::Boolean(*b),
        WireValue::Byte(_) | WireValue::Short(_) | WireValue::Int(_) | WireValue::Long(_) => {
            Value::Integer(v.as_i64().unwrap_or_default())
        }
        WireValue::Float(f) => Value::Float(f64::from(*f)),
        WireValue::Double(f) => Value::Float(*f),
        WireValue::String(s) => Value::String(s.clone()),
        WireValue::Char(c) => Value::String(c.to_string()),
        WireValue::Uuid(id) => Value::String(id.to_string()),
        WireValue::Date(ms) | WireValue::Timestamp(ms) => {
            instant(ms.div_euclid(1000), (ms.rem_euclid(1000) * 1_000_000) as u32, 0)
        }
        WireValue::OffsetDateTime { seconds, nanos, offset_seconds } => instant(*seconds, *nanos, *offset_seconds),
        WireValue::List(items) | WireValue::Set(items) => list(items)?,
        WireValue::Map(entries) => {
            let mut map = std::collections::BTreeMap::new();
            for (k, v) in entries {
                let key = match k {
                    WireValue::String(s) => s.clone(),
                    WireValue::Enum { kind, value } => format!("{kind}.{value}"),
                    other => return Err(format!("a binding's map keys must be strings, not {other:?}")),
                };
                map.insert(key, parameter(v)?);
            }
            Value::Map(map)
        }
        WireValue::Vertex { id, .. } | WireValue::Edge { id, .. } => parameter(id)?,
        other => return Err(format!("a binding cannot hold {other:?}")),
    })
}

//! Running one case: interpret its steps in order against a fresh database.

use std::path::Path;

use plexus::{Database, Error, Params, Value};
use plexus_storage::Phase;

use crate::compare::{self, Mode};
use crate::features::{Case, Step};
use crate::side_effects::{self, GraphState};
use crate::values::{self, Expected};

/// Why a case failed. `cause` is short and groupable; `detail` is for humans.
#[derive(Debug, Clone)]
pub struct Failure {
    pub cause: String,
    pub detail: String,
    /// The expected error's class and phase matched, only its detail differed.
    pub only_error_detail: bool,
}

impl Failure {
    pub fn new(cause: impl Into<String>, detail: impl Into<String>) -> Self {
        Failure { cause: cause.into(), detail: detail.into(), only_error_detail: false }
    }
}

/// The outcome of the last `executing query` step.
struct Executed {
    query: String,
    before: GraphState,
    result: Result<(Vec<String>, Vec<Vec<Value>>), Error>,
}

struct World<'a> {
    graphs: &'a Path,
    db: Database,
    params: Params,
    last: Option<Executed>,
}

fn error_key(e: &Error) -> String {
    format!("{}/{} at {}", e.class.name(), e.detail, phase_name(e.phase))
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Compile => "compile time",
        Phase::Runtime => "runtime",
    }
}

fn run_query(db: &Database, query: &str, params: &Params) -> Result<(Vec<String>, Vec<Vec<Value>>), Error> {
    let result = db.execute(query, params)?;
    let columns = result.columns().to_vec();
    Ok((columns, result.collect_rows()?))
}

/// Run every step of `case`; `graphs` holds the named TCK graphs.
pub fn run_case(case: &Case, graphs: &Path) -> Result<(), Failure> {
    let mut world = World { graphs, db: Database::in_memory(), params: Params::new(), last: None };
    for step in &case.steps {
        world.step(step)?;
    }
    Ok(())
}

impl World<'_> {
    fn step(&mut self, step: &Step) -> Result<(), Failure> {
        let text = step.text.trim();
        match text {
            "an empty graph" | "any graph" => {
                self.db = Database::in_memory();
                Ok(())
            }
            "having executed:" => self.setup_query(docstring(step)?),
            "parameters are:" => self.parameters(table(step)?),
            "executing query:" | "executing control query:" => {
                self.execute(docstring(step)?.to_string());
                Ok(())
            }
            "no side effects" => self.side_effects(&[]),
            "the side effects should be:" => self.side_effects(table(step)?),
            "the result should be empty" => self.result(&[], Mode { ordered: false, ignore_list_order: false }, true),
            _ => self.step_with_argument(step, text),
        }
    }

    fn step_with_argument(&mut self, step: &Step, text: &str) -> Result<(), Failure> {
        if let Some(name) = text.strip_prefix("the ").and_then(|t| t.strip_suffix(" graph")) {
            let path = self.graphs.join(name).join(format!("{name}.cypher"));
            let script = std::fs::read_to_string(&path)
                .map_err(|e| Failure::new("runner: missing graph", format!("{}: {e}", path.display())))?;
            return self.setup_query(&script);
        }
        if let Some(signature) = text.strip_prefix("there exists a procedure") {
            return self
                .procedure(signature.trim().trim_end_matches(':').trim_end(), step.table.as_deref().unwrap_or(&[]));
        }
        if let Some(rest) = text.strip_prefix("the result should be") {
            let mode = Mode {
                ordered: rest.contains("in order"),
                ignore_list_order: rest.contains("ignoring element order for lists"),
            };
            return self.result(table(step)?, mode, false);
        }
        if let Some((class, phase, detail)) = parse_error_step(text) {
            return self.error(class, phase, detail);
        }
        Err(Failure::new("runner: unknown step", text))
    }

    fn setup_query(&mut self, query: &str) -> Result<(), Failure> {
        run_query(&self.db, query, &self.params).map(|_| ()).map_err(|e| {
            Failure::new(format!("setup query failed: {}", error_key(&e)), format!("{query}\n{}", e.message))
        })
    }

    /// `there exists a procedure sig:` with a table whose header names the
    /// inputs and outputs: calls return the outputs of rows matching the inputs.
    fn procedure(&mut self, signature: &str, table: &[Vec<String>]) -> Result<(), Failure> {
        let bad = |e: String| Failure::new("runner: bad procedure", format!("{signature}: {e}"));
        let sig = plexus::Signature::parse(signature).map_err(|e| bad(e.message))?;
        let (header, body) = table.split_first().map(|(h, b)| (h.as_slice(), b)).unwrap_or((&[], &[]));
        let header: Vec<&str> = header.iter().map(|h| h.trim()).filter(|h| !h.is_empty()).collect();
        let order = sig
            .inputs
            .iter()
            .chain(&sig.outputs)
            .map(|f| header.iter().position(|h| *h == f.name).ok_or_else(|| bad(format!("no column `{}`", f.name))))
            .collect::<Result<Vec<_>, _>>()?;
        let mut rows = Vec::with_capacity(body.len());
        for row in body {
            let row = order
                .iter()
                .map(|&i| {
                    let cell = row.get(i).ok_or_else(|| bad(format!("short row {row:?}")))?;
                    values::parse(cell.trim()).and_then(|v| v.to_value()).map_err(bad)
                })
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(row);
        }
        self.db.register_procedure_rows(signature, rows).map_err(|e| bad(e.message))
    }

    fn parameters(&mut self, table: &[Vec<String>]) -> Result<(), Failure> {
        for row in table {
            let [name, value] = row.as_slice() else {
                return Err(Failure::new("runner: bad parameter row", format!("{row:?}")));
            };
            let value = values::parse(value)
                .and_then(|v| v.to_value())
                .map_err(|e| Failure::new("runner: bad parameter value", e))?;
            self.params.insert(name.trim().to_string(), value);
        }
        Ok(())
    }

    fn execute(&mut self, query: String) {
        let before = side_effects::measure(&self.db);
        let result = run_query(&self.db, &query, &self.params);
        self.last = Some(Executed { query, before, result });
    }

    fn last(&self) -> Result<&Executed, Failure> {
        self.last.as_ref().ok_or_else(|| Failure::new("runner: no query executed", ""))
    }

    fn result(&self, table: &[Vec<String>], mode: Mode, empty: bool) -> Result<(), Failure> {
        let last = self.last()?;
        let (columns, rows) = match &last.result {
            Ok(ok) => ok,
            Err(e) => {
                return Err(Failure::new(
                    format!("unexpected error: {}", error_key(e)),
                    format!("{}\n  error: {}", last.query.trim(), e.message),
                ))
            }
        };
        let show =
            || format!("{}\n  actual columns {columns:?}\n  actual rows {}", last.query.trim(), render_rows(rows));
        if empty {
            return if rows.is_empty() { Ok(()) } else { Err(Failure::new("wrong result: expected empty", show())) };
        }
        let Some((header, body)) = table.split_first() else {
            return Err(Failure::new("runner: result table without header", ""));
        };
        let header: Vec<&str> = header.iter().map(|h| h.trim()).collect();
        let expected: Vec<Vec<Expected>> = body
            .iter()
            .map(|row| row.iter().map(|c| values::parse(c.trim())).collect::<Result<_, _>>())
            .collect::<Result<_, _>>()
            .map_err(|e| Failure::new("runner: bad expected value", e))?;
        if columns.iter().map(String::as_str).ne(header.iter().copied()) {
            return Err(Failure::new("wrong columns", format!("expected columns {header:?}\n  {}", show())));
        }
        if compare::rows_match(rows, &expected, mode) {
            Ok(())
        } else {
            Err(Failure::new("wrong result", format!("expected {}\n  {}", render_table(body), show())))
        }
    }

    fn error(&self, class: &str, phase: &str, detail: &str) -> Result<(), Failure> {
        let last = self.last()?;
        let want = format!("{class}/{detail} at {phase}");
        let e = match &last.result {
            Ok((_, rows)) => {
                return Err(Failure::new(
                    format!("expected {class} but query succeeded"),
                    format!("{}\n  expected {want}\n  got rows {}", last.query.trim(), render_rows(rows)),
                ))
            }
            Err(e) => e,
        };
        let phase_ok = phase == "any time" || phase == phase_name(e.phase);
        let show = || format!("{}\n  expected {want}\n  got {}: {}", last.query.trim(), error_key(e), e.message);
        if e.class.name() != class || !phase_ok {
            return Err(Failure::new(format!("wrong error class or phase: expected {class}"), show()));
        }
        if detail != "*" && e.detail != detail {
            let mut f = Failure::new(format!("wrong error detail: expected {detail}"), show());
            f.only_error_detail = true;
            return Err(f);
        }
        Ok(())
    }

    fn side_effects(&self, table: &[Vec<String>]) -> Result<(), Failure> {
        let last = self.last()?;
        let expected = side_effects::expected(table).map_err(|e| Failure::new("runner: bad side effects", e))?;
        let actual = side_effects::effects(&last.before, &side_effects::measure(&self.db));
        if actual == expected {
            Ok(())
        } else {
            Err(Failure::new(
                "wrong side effects",
                format!("{}\n  expected {expected:?}\n  actual {actual:?}", last.query.trim()),
            ))
        }
    }
}

/// `a TypeError should be raised at runtime: InvalidArgumentType`.
fn parse_error_step(text: &str) -> Option<(&str, &str, &str)> {
    let rest = text.strip_prefix("a ").or_else(|| text.strip_prefix("an "))?;
    let (class, rest) = rest.split_once(" should be raised at ")?;
    let (phase, detail) = rest.split_once(':')?;
    Some((class.trim(), phase.trim(), detail.trim()))
}

fn docstring(step: &Step) -> Result<&str, Failure> {
    step.docstring.as_deref().ok_or_else(|| Failure::new("runner: step needs a docstring", step.text.clone()))
}

fn table(step: &Step) -> Result<&[Vec<String>], Failure> {
    step.table.as_deref().ok_or_else(|| Failure::new("runner: step needs a table", step.text.clone()))
}

fn render_rows(rows: &[Vec<Value>]) -> String {
    let rows: Vec<String> = rows
        .iter()
        .map(|r| format!("| {} |", r.iter().map(Value::to_display_string).collect::<Vec<_>>().join(" | ")))
        .collect();
    format!("[{}]", rows.join(" "))
}

fn render_table(rows: &[Vec<String>]) -> String {
    let rows: Vec<String> = rows.iter().map(|r| format!("| {} |", r.join(" | "))).collect();
    format!("[{}]", rows.join(" "))
}

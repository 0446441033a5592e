//! `plexus query`: run the statements of a script and print each result in
//! the chosen format. In JSON and CSV modes stdout carries only data.

use std::io::{self, Write};

use super::{caret, commands, exec, params, report, statement_splitter};
use crate::db::{Database, Params};
use crate::format::OutputFormat;

/// Where a batch run writes: data to `out`, notices and errors to `err`.
pub struct Output<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

/// Evaluate `name=EXPR` parameter arguments in order (later ones may use
/// earlier ones). On failure the error has been written and `None` returned.
pub fn eval_params(db: &Database, args: &[String], err: &mut dyn Write) -> io::Result<Option<Params>> {
    let mut params = Params::new();
    for arg in args {
        let Some((name, expr)) = commands::split_assignment(arg, "=") else {
            writeln!(err, "invalid --param {arg:?}: expected NAME=EXPRESSION, e.g. --param limit=10")?;
            return Ok(None);
        };
        match params::evaluate(db, expr, &params) {
            Ok(value) => {
                params.insert(name.to_string(), value);
            }
            Err(e) => {
                writeln!(err, "in --param {name}: {}", params::render_error(&e, expr))?;
                return Ok(None);
            }
        }
    }
    Ok(Some(params))
}

/// Run every statement of `script` in order, stopping at the first error.
/// Returns whether all of them succeeded.
pub fn run(db: &Database, script: &str, fmt: OutputFormat, params: &Params, io: Output) -> io::Result<bool> {
    run_in(db, exec::Language::Cypher, script, fmt, params, io)
}

/// [`run`] with statements in `language` (a statement starting with `g.` is always Gremlin).
pub fn run_in(
    db: &Database,
    language: exec::Language,
    script: &str,
    fmt: OutputFormat,
    params: &Params,
    io: Output,
) -> io::Result<bool> {
    let split = statement_splitter::split(script);
    // The last statement of a script needs no `;`.
    let last = Some(split.rest.trim_end()).filter(|rest| !rest.is_empty());
    let statements: Vec<&str> = split.statements.into_iter().chain(last).collect();
    if statements.is_empty() {
        writeln!(io.err, "no statement to run")?;
    }
    for statement in statements {
        match exec::run_in(db, exec::language_of(statement, language), statement, params) {
            Ok(outcome) => report::print(&outcome, fmt, io.out, io.err)?,
            Err(e) => {
                writeln!(io.err, "{}", caret::render_error(&e, statement))?;
                return Ok(false);
            }
        }
    }
    io.out.flush()?;
    Ok(true)
}

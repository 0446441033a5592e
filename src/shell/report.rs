//! Printing a finished statement: plan, result in the chosen format, summary.
//! Data goes to `out`; in JSON and CSV modes everything else goes to `err`.

use std::io::{self, Write};

use super::exec::Outcome;
use crate::format::{self, OutputFormat};

/// Print `outcome` in format `fmt`.
pub fn print(
    outcome: &Outcome,
    fmt: OutputFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    let Outcome { columns, rows, .. } = outcome;
    match fmt {
        OutputFormat::Table => {
            print_plan(outcome, out)?;
            if !columns.is_empty() {
                writeln!(out, "{}", format::table::render(columns, rows))?;
            }
            print_summary(outcome, out)
        }
        OutputFormat::Json => {
            writeln!(out, "{}", format::json::records(columns, rows))?;
            print_plan(outcome, err)?;
            print_summary(outcome, err)
        }
        OutputFormat::Csv => {
            format::csv::write(&mut *out, columns, rows)?;
            print_plan(outcome, err)?;
            print_summary(outcome, err)
        }
    }
}

/// The plan of an EXPLAIN or PROFILE, if any.
pub fn print_plan(outcome: &Outcome, w: &mut dyn Write) -> io::Result<()> {
    match &outcome.plan {
        Some(plan) => writeln!(w, "{}", plan.trim_end()),
        None => Ok(()),
    }
}

/// `N rows in X ms`, then the write counters when anything changed.
pub fn print_summary(outcome: &Outcome, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "{}",
        format::summary::rows_line(outcome.rows.len(), outcome.elapsed)
    )?;
    match format::summary::counters_line(&outcome.stats) {
        Some(line) => writeln!(w, "{line}"),
        None => Ok(()),
    }
}

//! Printing a finished statement: plan, result in the chosen format, summary.
//! Data goes to `out`; in JSON and CSV modes everything else goes to `err`.

use std::io::{self, Write};

use super::exec::Outcome;
use crate::format::{self, OutputFormat};

/// Print `outcome` in format `fmt`.
pub fn print(outcome: &Outcome, fmt: OutputFormat, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
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
    writeln!(w, "{}", format::summary::rows_line(outcome.rows.len(), outcome.elapsed))?;
    match format::summary::counters_line(&outcome.stats) {
        Some(line) => writeln!(w, "{line}"),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use plexus_storage::Value;

    use super::*;
    use crate::db::QueryStats;

    fn outcome() -> Outcome {
        Outcome {
            columns: vec!["x".into()],
            rows: vec![vec![Value::Integer(1)], vec![Value::from("a")]],
            stats: QueryStats { nodes_created: 1, ..QueryStats::default() },
            plan: None,
            elapsed: Duration::from_millis(2),
        }
    }

    fn printed(outcome: &Outcome, fmt: OutputFormat) -> (String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        print(outcome, fmt, &mut out, &mut err).unwrap();
        (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    #[test]
    fn table_prints_everything_on_out() {
        let (out, err) = printed(&outcome(), OutputFormat::Table);
        assert_eq!(out, "+-----+\n| x   |\n+-----+\n| 1   |\n| 'a' |\n+-----+\n2 rows in 2 ms\nCreated 1 node\n");
        assert_eq!(err, "");
    }

    #[test]
    fn json_and_csv_keep_out_for_data() {
        let (out, err) = printed(&outcome(), OutputFormat::Json);
        assert_eq!(out, "[{\"x\":1},{\"x\":\"a\"}]\n");
        assert_eq!(err, "2 rows in 2 ms\nCreated 1 node\n");
        let (out, err) = printed(&outcome(), OutputFormat::Csv);
        assert_eq!(out, "x\n1\na\n");
        assert_eq!(err, "2 rows in 2 ms\nCreated 1 node\n");
    }

    #[test]
    fn plan_comes_first_and_tables_need_columns() {
        let explain = Outcome { columns: vec![], rows: vec![], plan: Some("Produce\n".into()), ..outcome() };
        let (out, _) = printed(&explain, OutputFormat::Table);
        assert_eq!(out, "Produce\n0 rows in 2 ms\nCreated 1 node\n");
        let (out, err) = printed(&explain, OutputFormat::Json);
        assert_eq!(out, "[]\n");
        assert!(err.starts_with("Produce\n"));
    }
}

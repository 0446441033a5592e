//! Command-line arguments of the `plexus` binary.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use plexus::format::OutputFormat;

/// Plexus: a property-graph database queried with openCypher.
#[derive(Debug, Parser)]
#[command(name = "plexus", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open an interactive Cypher shell on a new in-memory database.
    ///
    /// Statements end with `;` and may span lines. Type :help inside the shell
    /// for its commands (:param, :explain, :profile, ...). Nothing is saved on
    /// exit. Input can also be piped in: `echo 'RETURN 1;' | plexus shell`.
    Shell,
    /// Run Cypher statements on a new in-memory database and print the results.
    ///
    /// Statements are separated by `;` (the last one may omit it) and run in
    /// order; the first error stops the run with exit code 1. In json and csv
    /// formats stdout carries only the data: timings and notices go to stderr.
    #[command(after_help = "Examples:\n  \
        plexus query -e 'UNWIND [1, 2, 3] AS x RETURN x, x * 2 AS y'\n  \
        plexus query -f script.cypher --format json\n  \
        plexus query -e 'RETURN $limit + 1 AS n' --param limit=10 --format csv")]
    Query(QueryArgs),
}

/// Arguments of `plexus query`.
#[derive(Debug, Args)]
#[group(skip)]
#[command(group(ArgGroup::new("source").required(true).multiple(false)))]
pub struct QueryArgs {
    /// The statements to run.
    #[arg(short = 'e', long = "execute", value_name = "QUERY", group = "source")]
    pub execute: Option<String>,
    /// Read the statements from FILE (`-` for stdin).
    #[arg(short = 'f', long = "file", value_name = "FILE", group = "source")]
    pub file: Option<PathBuf>,
    /// How to print results: table (aligned, with a summary), json (one array
    /// of records per statement, one per line) or csv (header then records).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Set parameter $NAME to the value of a Cypher expression, e.g.
    /// `--param limit=10` or `--param "names=['a', 'b']"`. Repeatable; later
    /// parameters may use earlier ones.
    #[arg(long = "param", value_name = "NAME=EXPR")]
    pub params: Vec<String>,
}

/// The `--format` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

impl From<Format> for OutputFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => OutputFormat::Table,
            Format::Json => OutputFormat::Json,
            Format::Csv => OutputFormat::Csv,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn query_needs_exactly_one_source() {
        assert!(Cli::try_parse_from(["plexus", "query"]).is_err());
        assert!(Cli::try_parse_from(["plexus", "query", "-e", "RETURN 1", "-f", "x"]).is_err());
        let cli = Cli::try_parse_from(["plexus", "query", "-e", "RETURN 1", "--format", "csv", "--param", "a=1"]);
        let Ok(Cli { command: Command::Query(args) }) = cli else { panic!("parse failed") };
        assert_eq!(args.execute.as_deref(), Some("RETURN 1"));
        assert_eq!(args.format, Format::Csv);
        assert_eq!(args.params, vec!["a=1".to_string()]);
    }
}

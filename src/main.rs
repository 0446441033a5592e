//! The `plexus` binary: the interactive shell and one-shot queries.

mod cli;

use std::io::{self, Read};
use std::process::ExitCode;

use clap::Parser;
use plexus::shell::batch::{self, Output};
use plexus::Database;

use cli::{Cli, Command, QueryArgs};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Shell => plexus::shell::run(&Database::in_memory()),
        Command::Query(args) => query(&args),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        // A reader that went away (`plexus query ... | head`) is not an error worth a word.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plexus: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `plexus query`: whether every statement succeeded.
fn query(args: &QueryArgs) -> io::Result<bool> {
    let script = match (&args.execute, &args.file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text)?;
            text
        }
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display())))?,
        // clap requires one of the two.
        (None, None) => String::new(),
    };
    let db = Database::in_memory();
    let (mut out, mut err) = (io::stdout().lock(), io::stderr());
    let Some(params) = batch::eval_params(&db, &args.params, &mut err)? else {
        return Ok(false);
    };
    batch::run(&db, &script, args.format.into(), &params, Output { out: &mut out, err: &mut err })
}

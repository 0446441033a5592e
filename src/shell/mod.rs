//! The interactive shell (`plexus shell`) and the batch runner behind
//! `plexus query`, with the pieces they share: statement splitting, error
//! carets, `:commands` and parameters. The shell runs on a [`Backend`]: the
//! embedded database, or a server over Bolt (`plexus shell --connect`).

pub mod backend;
pub mod batch;
pub mod caret;
pub mod commands;
pub mod exec;
pub mod params;
pub mod remote;
pub mod report;
pub mod statement_splitter;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

use crate::db::{Database, Params};
use crate::format::OutputFormat;
use backend::{Backend, Embedded};
use commands::Command;

const PROMPT: &str = "plexus> ";
const GREMLIN_PROMPT: &str = "gremlin> ";
const CONTINUATION_PROMPT: &str = "   ...> ";

/// Whether the shell should keep reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// The shell's state: where statements run, the parameters and unfinished input.
pub struct Shell<'a> {
    backend: Box<dyn Backend + 'a>,
    params: Params,
    buffer: String,
    /// How many statements or commands failed, for the exit code of scripts.
    errors: usize,
    /// The language of statements that do not say (`g.` always means Gremlin).
    language: exec::Language,
}

impl<'a> Shell<'a> {
    /// A shell on `db` with no parameters.
    pub fn new(db: &'a Database) -> Self {
        Shell::on(Box::new(Embedded { db }))
    }

    /// A shell on `backend` (a server, for `--connect`) with no parameters.
    pub fn on(backend: Box<dyn Backend + 'a>) -> Self {
        Shell { backend, params: Params::new(), buffer: String::new(), errors: 0, language: exec::Language::Cypher }
    }

    /// The prompt for the next line.
    pub fn prompt(&self) -> &'static str {
        match (self.is_continuing(), self.language) {
            (true, _) => CONTINUATION_PROMPT,
            (false, exec::Language::Cypher) => PROMPT,
            (false, exec::Language::Gremlin) => GREMLIN_PROMPT,
        }
    }

    /// True while a statement is being typed (its `;` has not come yet).
    pub fn is_continuing(&self) -> bool {
        !self.buffer.is_empty()
    }

    /// Whether any statement or command has failed so far.
    pub fn had_errors(&self) -> bool {
        self.errors > 0
    }

    /// Forget the statement being typed (Ctrl-C).
    pub fn clear_input(&mut self) {
        self.buffer.clear();
    }

    /// Handle one line of input: a `:command`, or Cypher that runs once its `;` arrives.
    pub fn feed_line(&mut self, line: &str, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Flow> {
        if self.buffer.is_empty() && line.trim_start().starts_with(':') {
            return match commands::parse(line) {
                Ok(command) => self.command(command, out, err),
                Err(msg) => {
                    self.errors += 1;
                    writeln!(err, "{msg}").map(|()| Flow::Continue)
                }
            };
        }
        self.buffer.push_str(line);
        self.buffer.push('\n');
        let split = statement_splitter::split(&self.buffer);
        let statements: Vec<String> = split.statements.iter().map(|s| s.to_string()).collect();
        self.buffer = split.rest.to_string();
        for statement in statements {
            self.run_statement(&statement, out, err)?;
        }
        Ok(Flow::Continue)
    }

    /// At end of piped input, run a last statement that lacks its `;`.
    pub fn finish(&mut self, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        let rest = std::mem::take(&mut self.buffer);
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(());
        }
        self.run_statement(rest, out, err)
    }

    fn command(&mut self, command: Command, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Flow> {
        match command {
            Command::Help => writeln!(out, "{}", commands::HELP)?,
            Command::Quit => return Ok(Flow::Quit),
            Command::Explain(query) if exec::language_of(query, self.language) == exec::Language::Gremlin => {
                let plan = self.backend.explain_gremlin(query, &self.params);
                if let Some(plan) = self.settle(plan, err)? {
                    writeln!(out, "{}", plan.trim_end())?;
                }
            }
            Command::Explain(query) => {
                if let Some(outcome) = self.execute(&format!("EXPLAIN {query}"), err)? {
                    match &outcome.plan {
                        Some(plan) => writeln!(out, "{}", plan.trim_end())?,
                        None => writeln!(err, "the database returned no plan")?,
                    }
                }
            }
            Command::Profile(query) => self.run_statement(&format!("PROFILE {query}"), out, err)?,
            Command::Param { name, expr } => {
                let value = self.backend.evaluate(expr, &self.params);
                if let Some(value) = self.settle(value, err)? {
                    writeln!(out, "${name} => {value}")?;
                    self.params.insert(name.to_string(), value);
                }
            }
            Command::Params if self.params.is_empty() => writeln!(out, "No parameters set.")?,
            Command::Params => {
                for (name, value) in &self.params {
                    writeln!(out, ":param {name} => {value}")?;
                }
            }
            Command::Clear => {
                self.params.clear();
                writeln!(out, "Parameters cleared.")?;
            }
            Command::Gremlin => {
                if let Some(why) = self.backend.gremlin_unavailable() {
                    self.errors += 1;
                    writeln!(err, "{why}")?;
                    return Ok(Flow::Continue);
                }
                self.language = exec::Language::Gremlin;
                writeln!(out, "Statements are Gremlin traversals now (:cypher switches back).")?;
            }
            Command::Cypher => {
                self.language = exec::Language::Cypher;
                writeln!(out, "Statements are Cypher now.")?;
            }
        }
        Ok(Flow::Continue)
    }

    fn run_statement(&mut self, query: &str, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        if let Some(outcome) = self.execute(query, err)? {
            report::print(&outcome, OutputFormat::Table, out, err)?;
        }
        out.flush()
    }

    /// Run `query`; on failure print the error and return `None`.
    fn execute(&mut self, query: &str, err: &mut dyn Write) -> io::Result<Option<exec::Outcome>> {
        let language = exec::language_of(query, self.language);
        let outcome = self.backend.run(language, query, &self.params);
        self.settle(outcome, err)
    }

    /// The value of a call, or `None` after printing its error and counting the failure.
    fn settle<T>(&mut self, result: Result<T, backend::Rendered>, err: &mut dyn Write) -> io::Result<Option<T>> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(message) => {
                self.errors += 1;
                writeln!(err, "{message}").map(|()| None)
            }
        }
    }
}

/// Run the interactive shell on stdin until `:quit` or end of input. Without a
/// terminal it reads plain lines, so scripts can be piped in; then the result
/// is false if anything failed (for the exit code).
pub fn run(db: &Database) -> io::Result<bool> {
    run_on(Box::new(Embedded { db }))
}

/// [`run`] with statements going to `backend`.
pub fn run_on<'a>(backend: Box<dyn Backend + 'a>) -> io::Result<bool> {
    let interactive = io::stdin().is_terminal();
    let banner = format!("Plexus {} — {}. Type :help for help.", env!("CARGO_PKG_VERSION"), backend.describe());
    if interactive {
        println!("{banner}");
    } else {
        // Keep stdout for results when a script is piped in.
        eprintln!("{banner}");
    }
    let mut editor = DefaultEditor::new().map_err(io::Error::other)?;
    let history = interactive.then(history_path).flatten();
    if let Some(path) = &history {
        // A missing or unreadable history file is not worth a word.
        let _ = editor.load_history(path);
    }
    let mut shell = Shell::on(backend);
    let (mut out, mut err) = (io::stdout(), io::stderr());
    loop {
        let prompt = shell.prompt();
        match editor.readline(prompt) {
            Ok(line) => {
                if interactive && !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                if shell.feed_line(&line, &mut out, &mut err)? == Flow::Quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => shell.clear_input(),
            Err(ReadlineError::Eof) => {
                if !interactive {
                    shell.finish(&mut out, &mut err)?;
                }
                break;
            }
            Err(e) => {
                writeln!(err, "cannot read input: {e}")?;
                break;
            }
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(interactive || !shell.had_errors())
}

/// `~/.plexus_history`, when there is a home directory.
fn history_path() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    Some(PathBuf::from(home).join(".plexus_history"))
}

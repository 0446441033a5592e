//! Running one statement to completion, timing it, for the shell and `plexus query`.

use std::time::{Duration, Instant};

use plexus_storage::{Error, Value};

use crate::db::{Database, Params, QueryStats};

/// Everything a finished statement produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Column names, in order.
    pub columns: Vec<String>,
    /// Every row, in order.
    pub rows: Vec<Vec<Value>>,
    /// What the statement changed.
    pub stats: QueryStats,
    /// EXPLAIN / PROFILE plan text.
    pub plan: Option<String>,
    /// From the call to `execute` until the last row was read.
    pub elapsed: Duration,
}

/// The query language of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Cypher,
    Gremlin,
}

/// The language `text` is in: a traversal starting with `g.` is Gremlin
/// whatever the default, anything else is in `default`.
pub fn language_of(text: &str, default: Language) -> Language {
    if text.trim_start().starts_with("g.") {
        Language::Gremlin
    } else {
        default
    }
}

/// Run `query` (Gremlin if it starts with `g.`, else Cypher) and read all its rows.
pub fn run(db: &Database, query: &str, params: &Params) -> Result<Outcome, Error> {
    run_in(db, language_of(query, Language::Cypher), query, params)
}

/// Run `query` in `language` and read all its rows (the stats are complete only after that).
pub fn run_in(db: &Database, language: Language, query: &str, params: &Params) -> Result<Outcome, Error> {
    let start = Instant::now();
    let mut result = match language {
        Language::Cypher => db.execute(query, params)?,
        Language::Gremlin => db.execute_gremlin(query, params)?,
    };
    let rows = result.by_ref().collect::<Result<Vec<_>, _>>()?;
    let elapsed = start.elapsed();
    Ok(Outcome {
        columns: result.columns().to_vec(),
        rows,
        stats: result.stats().clone(),
        plan: result.plan().map(str::to_string),
        elapsed,
    })
}

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

/// Run `query` and read all its rows (the stats are complete only after that).
pub fn run(db: &Database, query: &str, params: &Params) -> Result<Outcome, Error> {
    let start = Instant::now();
    let mut result = db.execute(query, params)?;
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

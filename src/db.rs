//! The embedded API: `Database` runs queries; everything else (shell, `plexus
//! query`, tests, the server) goes through it.

use std::collections::BTreeMap;

use plexus_storage::{Result, Value};

/// Query parameters, `$name` in the query text.
pub type Params = BTreeMap<String, Value>;

/// Counters of what a query changed, as Neo4j reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryStats {
    pub nodes_created: u64,
    pub nodes_deleted: u64,
    pub relationships_created: u64,
    pub relationships_deleted: u64,
    pub properties_set: u64,
    pub labels_added: u64,
    pub labels_removed: u64,
}

/// The result of one statement: column names, then rows as a stream.
pub struct QueryResult {
    columns: Vec<String>,
    rows: Box<dyn Iterator<Item = Result<Vec<Value>>> + Send>,
    stats: QueryStats,
    plan: Option<String>,
}

impl QueryResult {
    pub fn columns(&self) -> &[String] {
        &self.columns
    }
    /// What the statement changed (complete once the rows are consumed).
    pub fn stats(&self) -> &QueryStats {
        &self.stats
    }
    /// For EXPLAIN and PROFILE: the plan tree as text (PROFILE adds rows and time).
    pub fn plan(&self) -> Option<&str> {
        self.plan.as_deref()
    }
    /// Collect every row, stopping at the first error.
    pub fn collect_rows(self) -> Result<Vec<Vec<Value>>> {
        self.rows.collect()
    }
}

impl Iterator for QueryResult {
    type Item = Result<Vec<Value>>;
    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next()
    }
}

//! What the shell runs statements on: the embedded database, or a server
//! through a Bolt client (`remote.rs`). Errors come back ready to print,
//! since each side knows best how to show its own (a caret under the
//! position here, the Neo4j code there).

use std::panic::{self, AssertUnwindSafe};

use plexus_storage::Value;

use super::exec::{self, Language, Outcome};
use super::{caret, params};
use crate::db::{Database, Params};

/// A failed request, rendered for the user.
pub type Rendered = String;

pub trait Backend {
    /// Where the statements go, for the banner.
    fn describe(&self) -> String;
    /// Run `query` in `language` and read all its rows.
    fn run(&mut self, language: Language, query: &str, params: &Params) -> Result<Outcome, Rendered>;
    /// The plan of a Gremlin traversal.
    fn explain_gremlin(&mut self, query: &str, params: &Params) -> Result<String, Rendered>;
    /// The value of a Cypher expression (for `:param`).
    fn evaluate(&mut self, expr: &str, params: &Params) -> Result<Value, Rendered>;
    /// Why Gremlin cannot run here, if it cannot.
    fn gremlin_unavailable(&self) -> Option<&'static str> {
        None
    }
}

/// The embedded database, surviving a panic in it: a bug in the engine
/// should not end the user's session.
pub struct Embedded<'a> {
    pub db: &'a Database,
}

const CRASHED: &str = "InternalError: the query crashed the engine (a bug; please report it)";

fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, Rendered> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|_| CRASHED.to_string())
}

impl Backend for Embedded<'_> {
    fn describe(&self) -> String {
        match self.db.store() {
            Some(store) => {
                let r = store.recovery();
                format!(
                    "data directory {} (commit {}, {} replayed from the WAL)",
                    store.dir().display(),
                    r.seq,
                    r.replayed
                )
            }
            None => "in-memory database (nothing is saved)".to_string(),
        }
    }

    fn run(&mut self, language: Language, query: &str, params: &Params) -> Result<Outcome, Rendered> {
        guarded(|| exec::run_in(self.db, language, query, params))?.map_err(|e| caret::render_error(&e, query))
    }

    fn explain_gremlin(&mut self, query: &str, params: &Params) -> Result<String, Rendered> {
        guarded(|| self.db.explain_gremlin(query, params))?.map_err(|e| caret::render_error(&e, query))
    }

    fn evaluate(&mut self, expr: &str, params: &Params) -> Result<Value, Rendered> {
        guarded(|| params::evaluate(self.db, expr, params))?.map_err(|e| params::render_error(&e, expr))
    }
}

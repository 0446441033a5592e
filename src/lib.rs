//! Plexus: a property-graph database. This crate holds the query front ends
//! (`cypher`), the embedded `Database` API, the shell and the CLI's pieces.

pub mod client;
pub mod cypher;
pub mod db;
pub mod format;
pub mod gremlin;
pub mod io;
pub mod load;
pub mod procedures;
pub mod server;
pub mod shell;
pub mod users;

pub use db::{Database, Params, QueryResult, QueryStats, Transaction};
pub use plexus_exec::QueryGuard;
pub use plexus_storage::{Error, ErrorClass, Snapshot, Value};
pub use procedures::{Procedures, Signature};

/// The README's Rust examples run as doctests, so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

//! Limits on one running query: a deadline, a cancel flag that another
//! thread may set (a Bolt RESET, a server shutting down, a client gone), and
//! a cap on the memory the query holds. Every operator checks between
//! batches (`ops::GuardedOp`) and long loops inside one batch check too, so a
//! query stops within a batch's work of being told to.
//!
//! Memory is counted where a query keeps rows: batches retained by `drain`
//! (sorts, writes, the materialized result) stay counted until the statement
//! ends; any single batch in flight, and an aggregation's group table
//! (estimated, growing with the rows for collect, percentiles and DISTINCT),
//! is checked against what is left. This bounds what a runaway query can hold without a global
//! allocator hook; the estimate is Arrow's buffer sizes plus a fixed size per
//! `Value`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use plexus_storage::{Error, ErrorClass, Phase, Result};

use crate::batch::{Batch, Column};

/// `Error::detail` of a query stopped at its deadline.
pub const TIMED_OUT: &str = "QueryTimedOut";
/// `Error::detail` of a query cancelled from outside.
pub const CANCELLED: &str = "QueryCancelled";
/// `Error::detail` of a query over its memory cap.
pub const MEMORY_LIMIT: &str = "MemoryLimitExceeded";

#[derive(Debug)]
pub struct QueryGuard {
    deadline: Option<(Instant, Duration)>,
    cancelled: AtomicBool,
    memory_cap: Option<usize>,
    retained: AtomicUsize,
}

impl Default for QueryGuard {
    fn default() -> Self {
        QueryGuard {
            deadline: None,
            cancelled: AtomicBool::new(false),
            memory_cap: None,
            retained: AtomicUsize::new(0),
        }
    }
}

impl QueryGuard {
    /// A guard whose time starts now.
    pub fn new(time_limit: Option<Duration>, memory_cap: Option<usize>) -> Arc<QueryGuard> {
        Arc::new(QueryGuard {
            deadline: time_limit.map(|limit| (Instant::now() + limit, limit)),
            memory_cap,
            ..QueryGuard::default()
        })
    }

    /// No limits; cancellation still works.
    pub fn unlimited() -> Arc<QueryGuard> {
        Arc::new(QueryGuard::default())
    }

    /// Ask the query to stop; it fails with `QueryCancelled` at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// When the query must be done, if it has a time limit.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline.map(|(at, _)| at)
    }

    /// Fails once the query is cancelled or past its deadline.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            return Err(Error::new(ErrorClass::TransactionError, CANCELLED, Phase::Runtime, "The query was cancelled"));
        }
        match self.deadline {
            Some((at, limit)) if Instant::now() >= at => Err(Error::new(
                ErrorClass::TransactionError,
                TIMED_OUT,
                Phase::Runtime,
                format!("The query was stopped after its time limit of {} ms", limit.as_millis()),
            )),
            _ => Ok(()),
        }
    }

    /// `bytes` in flight: fails when they do not fit beside what is retained.
    pub fn admit(&self, bytes: usize) -> Result<()> {
        match self.memory_cap {
            Some(cap) => self.over_cap(cap, self.retained.load(Ordering::Relaxed).saturating_add(bytes)),
            None => Ok(()),
        }
    }

    /// `bytes` the query keeps until the statement ends.
    pub fn retain(&self, bytes: usize) -> Result<()> {
        let Some(cap) = self.memory_cap else { return Ok(()) };
        let total = self.retained.fetch_add(bytes, Ordering::Relaxed).saturating_add(bytes);
        self.over_cap(cap, total)
    }

    /// A new statement of the same transaction starts with nothing retained.
    pub fn statement_started(&self) {
        self.retained.store(0, Ordering::Relaxed);
    }

    fn over_cap(&self, cap: usize, bytes: usize) -> Result<()> {
        if bytes <= cap {
            return Ok(());
        }
        Err(Error::new(
            ErrorClass::TransactionError,
            MEMORY_LIMIT,
            Phase::Runtime,
            format!("The query needs more than its memory limit of {} MiB and was stopped", cap.div_ceil(1024 * 1024)),
        ))
    }
}

/// Roughly what a batch occupies: Arrow buffers, plus a fixed size per
/// `Value` (heap strings and lists inside values are not followed).
pub fn batch_bytes(batch: &Batch) -> usize {
    batch
        .columns
        .iter()
        .map(|c| match c {
            Column::Nodes(a) | Column::Rels(a) => arrow_array::Array::get_array_memory_size(a),
            Column::Array(a) => a.get_array_memory_size(),
            Column::Values(v) => v.len() * std::mem::size_of::<plexus_storage::Value>(),
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc as StdArc;

    fn ints(n: i64) -> Batch {
        let column = Column::Array(StdArc::new(arrow_array::Int64Array::from_iter_values(0..n)));
        Batch { names: StdArc::new(vec!["x".into()]), columns: vec![column], len: n as usize }
    }

    #[test]
    fn cancel_and_deadline_fail_the_next_check() {
        let guard = QueryGuard::new(None, None);
        assert!(guard.check().is_ok());
        guard.cancel();
        assert_eq!(guard.check().unwrap_err().detail, CANCELLED);

        let guard = QueryGuard::new(Some(Duration::from_millis(0)), None);
        assert_eq!(guard.check().unwrap_err().detail, TIMED_OUT);
        assert!(QueryGuard::new(Some(Duration::from_secs(60)), None).check().is_ok());
    }

    #[test]
    fn retained_batches_add_up_to_the_cap() {
        let batch = ints(1000);
        let bytes = batch_bytes(&batch);
        assert!(bytes >= 8000, "{bytes}");
        let guard = QueryGuard::new(None, Some(bytes * 2 + bytes / 2));
        guard.retain(bytes).unwrap();
        guard.retain(bytes).unwrap();
        assert!(guard.admit(batch_bytes(&ints(10))).is_ok());
        assert_eq!(guard.admit(bytes).unwrap_err().detail, MEMORY_LIMIT);
        assert_eq!(guard.retain(bytes).unwrap_err().detail, MEMORY_LIMIT);
        guard.statement_started();
        assert!(guard.retain(bytes).is_ok());
    }

    #[test]
    fn no_cap_admits_anything() {
        let guard = QueryGuard::unlimited();
        for _ in 0..10 {
            guard.retain(batch_bytes(&ints(10_000))).unwrap();
        }
    }
}

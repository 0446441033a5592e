//! The graph handle: the current committed version, the single-writer lock,
//! commit (publishing a new version) and compaction.

use std::sync::{Arc, Condvar, Mutex, RwLock};

use crate::changeset::ChangeSet;
use crate::compaction::compact;
use crate::error::{Error, ErrorClass, Phase, Result};
use crate::snapshot::Snapshot;
use crate::write_txn::WriteTxn;

/// Tunables of a graph.
#[derive(Debug, Clone, Copy)]
pub struct GraphConfig {
    /// Commit compacts when the delta holds at least this many changes.
    pub compact_threshold: u64,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig {
            compact_threshold: 64 * 1024,
        }
    }
}

struct Inner {
    current: RwLock<Arc<Snapshot>>,
    /// True while a writer holds the lock.
    writer: Mutex<bool>,
    writer_free: Condvar,
    config: GraphConfig,
}

/// A cheaply cloned handle to one in-memory graph.
#[derive(Clone)]
pub struct Graph {
    inner: Arc<Inner>,
}

impl Default for Graph {
    fn default() -> Self {
        Graph::new()
    }
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph")
            .field("seq", &self.snapshot().seq())
            .finish()
    }
}

fn lock_error() -> Error {
    Error::new(
        ErrorClass::TransactionError,
        "WriterLockPoisoned",
        Phase::Runtime,
        "the writer lock is poisoned",
    )
}

impl Graph {
    /// An empty graph at sequence 0.
    pub fn new() -> Graph {
        Graph::with_config(GraphConfig::default())
    }

    /// An empty graph with `config`.
    pub fn with_config(config: GraphConfig) -> Graph {
        Graph::from_snapshot(Snapshot::default(), config)
    }

    pub(crate) fn from_snapshot(snapshot: Snapshot, config: GraphConfig) -> Graph {
        Graph {
            inner: Arc::new(Inner {
                current: RwLock::new(Arc::new(snapshot)),
                writer: Mutex::new(false),
                writer_free: Condvar::new(),
                config,
            }),
        }
    }

    /// The tunables.
    pub fn config(&self) -> GraphConfig {
        self.inner.config
    }

    /// The current committed version; it never changes under the holder.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Sequence number of the last commit.
    pub fn seq(&self) -> u64 {
        self.snapshot().seq()
    }

    fn acquire_writer(&self, wait: bool) -> Result<bool> {
        let mut busy = self.inner.writer.lock().map_err(|_| lock_error())?;
        while *busy {
            if !wait {
                return Ok(false);
            }
            busy = self
                .inner
                .writer_free
                .wait(busy)
                .map_err(|_| lock_error())?;
        }
        *busy = true;
        Ok(true)
    }

    pub(crate) fn release_writer(&self) {
        let mut busy = self.inner.writer.lock().unwrap_or_else(|e| e.into_inner());
        *busy = false;
        drop(busy);
        self.inner.writer_free.notify_one();
    }

    /// Starts the write transaction, waiting until no other writer is active.
    pub fn begin_write(&self) -> Result<WriteTxn> {
        self.acquire_writer(true)?;
        Ok(WriteTxn::new(self.clone(), self.snapshot()))
    }

    /// Starts a write transaction unless another writer is active (then a TransactionError).
    pub fn try_begin_write(&self) -> Result<WriteTxn> {
        if !self.acquire_writer(false)? {
            return Err(Error::new(
                ErrorClass::TransactionError,
                "WriterBusy",
                Phase::Runtime,
                "another write transaction is active",
            ));
        }
        Ok(WriteTxn::new(self.clone(), self.snapshot()))
    }

    /// Called by `WriteTxn::commit` while it holds the writer lock.
    pub(crate) fn publish(&self, working: Arc<Snapshot>, changes: &ChangeSet) -> Result<u64> {
        let current = self.snapshot();
        if changes.is_empty() {
            return Ok(current.seq());
        }
        let mut next = Arc::unwrap_or_clone(working);
        next.seq = current.seq() + 1;
        next.stats = Default::default();
        if next.delta.changes >= self.inner.config.compact_threshold {
            next = compact(&next);
        }
        let seq = next.seq;
        *self
            .inner
            .current
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
        Ok(seq)
    }

    /// Applies a logged change set as one commit (WAL or Raft replay) and returns its sequence number.
    pub fn apply(&self, changes: &ChangeSet) -> Result<u64> {
        let mut txn = self.begin_write()?;
        for change in &changes.changes {
            txn.apply_change(change)?;
        }
        txn.commit()
    }

    /// Folds the delta of the current version into a new base now. Readers
    /// see the same data and sequence number before and after.
    pub fn compact(&self) -> Result<()> {
        self.acquire_writer(true)?;
        let current = self.snapshot();
        if !current.delta.is_empty() {
            let next = compact(&current);
            *self
                .inner
                .current
                .write()
                .unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
        }
        self.release_writer();
        Ok(())
    }
}

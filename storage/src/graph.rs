//! The graph handle: the current committed version, the single-writer lock,
//! commit (publishing a new version) and compaction.
//!
//! A commit with a [`CommitLog`] attached takes two steps. Under the writer
//! lock it appends its change set to the log and becomes the *head* that the
//! next writer builds on; after releasing the lock it waits until the log says
//! the record is durable and only then becomes the version readers see. So
//! readers never see a commit a crash could lose, and while one commit waits
//! for its fsync the next writer is already running and joins the same group
//! commit.

use std::collections::VecDeque;
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
        GraphConfig { compact_threshold: 64 * 1024 }
    }
}

/// Where commits are recorded before they are acknowledged: the WAL, or later
/// the Raft log.
pub trait CommitLog: Send + Sync {
    /// Records commit `seq`. Called under the writer lock, so in sequence order.
    fn append(&self, seq: u64, changes: &ChangeSet) -> Result<()>;
    /// Returns once commit `seq` and all before it are durable (as the log's
    /// sync policy defines it), or the error that makes that impossible.
    fn wait_durable(&self, seq: u64) -> Result<()>;
    /// Whether `error` from [`CommitLog::wait_durable`] leaves the state past
    /// the visible version unknown, so the graph must stop taking writes. A
    /// replicated log answers false for a commit it refused or could not yet
    /// replicate: the graph stays writable and the commit is either discarded
    /// with [`Graph::discard_pending`] or becomes visible later.
    fn is_fatal(&self, _error: &Error) -> bool {
        true
    }
}

struct Inner {
    /// What readers see: the newest durable commit.
    current: RwLock<Arc<Snapshot>>,
    /// What the next writer builds on: the newest appended commit.
    head: RwLock<Arc<Snapshot>>,
    /// Appended commits not yet durable, oldest first.
    pending: Mutex<VecDeque<Arc<Snapshot>>>,
    log: RwLock<Option<Arc<dyn CommitLog>>>,
    /// Set when the log failed: the state past `current` is unknown, so no more writes.
    failed: Mutex<Option<Error>>,
    /// The `keep_through` of every [`Graph::discard_pending`] so far; a
    /// commit published when this had `n` entries was discarded if a later
    /// entry is below its sequence number.
    discards: Mutex<Vec<u64>>,
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
        f.debug_struct("Graph").field("seq", &self.snapshot().seq()).finish()
    }
}

fn lock_error() -> Error {
    Error::new(ErrorClass::TransactionError, "WriterLockPoisoned", Phase::Runtime, "the writer lock is poisoned")
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
        let snapshot = Arc::new(snapshot);
        Graph {
            inner: Arc::new(Inner {
                current: RwLock::new(snapshot.clone()),
                head: RwLock::new(snapshot),
                pending: Mutex::new(VecDeque::new()),
                log: RwLock::new(None),
                failed: Mutex::new(None),
                discards: Mutex::new(Vec::new()),
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
        self.inner.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn head(&self) -> Arc<Snapshot> {
        self.inner.head.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Records every later commit in `log` before it becomes visible.
    pub fn attach_log(&self, log: Arc<dyn CommitLog>) {
        *self.inner.log.write().unwrap_or_else(|e| e.into_inner()) = Some(log);
    }

    /// Stops recording commits (they are visible at once again).
    pub fn detach_log(&self) {
        *self.inner.log.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn log(&self) -> Option<Arc<dyn CommitLog>> {
        self.inner.log.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The error that stopped writes, if the commit log failed.
    pub fn failure(&self) -> Option<Error> {
        self.inner.failed.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn check_not_failed(&self) -> Result<()> {
        match self.failure() {
            Some(e) => Err(Error::new(
                ErrorClass::TransactionError,
                "StoreFailed",
                Phase::Runtime,
                format!("writes are stopped because the commit log failed: {}", e.message),
            )),
            None => Ok(()),
        }
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
            busy = self.inner.writer_free.wait(busy).map_err(|_| lock_error())?;
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
        self.check_not_failed()?;
        self.acquire_writer(true)?;
        Ok(WriteTxn::new(self.clone(), self.head()))
    }

    /// Starts a write transaction unless another writer is active (then a TransactionError).
    pub fn try_begin_write(&self) -> Result<WriteTxn> {
        self.check_not_failed()?;
        if !self.acquire_writer(false)? {
            return Err(Error::new(
                ErrorClass::TransactionError,
                "WriterBusy",
                Phase::Runtime,
                "another write transaction is active",
            ));
        }
        Ok(WriteTxn::new(self.clone(), self.head()))
    }

    /// Called by `WriteTxn::commit` while it holds the writer lock: logs the
    /// commit and makes it the head. [`Graph::await_visible`] finishes it.
    /// Returns the sequence number and the discard epoch it was published in.
    pub(crate) fn publish(&self, working: Arc<Snapshot>, changes: &ChangeSet) -> Result<(u64, usize)> {
        let head = self.head();
        let epoch = self.discard_epoch();
        if changes.is_empty() {
            return Ok((head.seq(), epoch));
        }
        self.check_not_failed()?;
        let mut next = Arc::unwrap_or_clone(working);
        next.seq = head.seq() + 1;
        next.stats = Default::default();
        if next.delta.changes >= self.inner.config.compact_threshold {
            next = compact(&next);
        }
        let seq = next.seq;
        let next = Arc::new(next);
        let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
        match self.log() {
            Some(log) => {
                log.append(seq, changes)?;
                pending.push_back(next.clone());
            }
            None => *self.inner.current.write().unwrap_or_else(|e| e.into_inner()) = next.clone(),
        }
        *self.inner.head.write().unwrap_or_else(|e| e.into_inner()) = next;
        Ok((seq, epoch))
    }

    fn discard_epoch(&self) -> usize {
        self.inner.discards.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// True if commit `seq`, published in discard epoch `epoch`, was discarded since.
    fn was_discarded(&self, seq: u64, epoch: usize) -> bool {
        let discards = self.inner.discards.lock().unwrap_or_else(|e| e.into_inner());
        discards.iter().skip(epoch).any(|&keep| keep < seq)
    }

    /// Called by `WriteTxn::commit` after releasing the writer lock: waits
    /// until commit `seq` is durable and makes it (and all before it) visible.
    pub(crate) fn await_visible(&self, seq: u64, epoch: usize) -> Result<u64> {
        if self.snapshot().seq() >= seq && !self.was_discarded(seq, epoch) {
            return Ok(seq);
        }
        if let Some(log) = self.log() {
            let waited = log.wait_durable(seq);
            if self.was_discarded(seq, epoch) {
                return Err(Error::new(
                    ErrorClass::TransactionError,
                    "CommitDiscarded",
                    Phase::Runtime,
                    format!("commit {seq} was not committed by the log and is discarded; retry the transaction"),
                ));
            }
            if let Err(e) = waited {
                if log.is_fatal(&e) {
                    let mut failed = self.inner.failed.lock().unwrap_or_else(|e| e.into_inner());
                    failed.get_or_insert_with(|| e.clone());
                }
                return Err(e);
            }
        }
        self.make_visible(seq);
        Ok(seq)
    }

    /// Makes the appended commits up to `seq` visible to readers. For a log
    /// that learns of durability on another thread than the committer's (a
    /// replicated log); the caller guarantees `seq` is durable.
    pub fn make_visible(&self, seq: u64) {
        let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
        let mut newest = None;
        while pending.front().is_some_and(|s| s.seq() <= seq) {
            newest = pending.pop_front();
        }
        if let Some(snapshot) = newest {
            let mut current = self.inner.current.write().unwrap_or_else(|e| e.into_inner());
            if snapshot.seq() > current.seq() {
                *current = snapshot;
            }
        }
    }

    /// Drops the appended commits after `keep_through()` that the log will
    /// never make durable (a replicated log whose leader lost its term), so
    /// the head is the newest kept commit again. It takes the writer lock
    /// first and computes `keep_through` under it, so no writer is building
    /// on the dropped commits; their committers get `CommitDiscarded`.
    /// Returns the number of commits dropped.
    pub fn discard_pending(&self, keep_through: impl FnOnce() -> u64) -> Result<usize> {
        self.acquire_writer(true)?;
        let keep = keep_through();
        let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
        let before = pending.len();
        pending.retain(|s| s.seq() <= keep);
        let dropped = before - pending.len();
        if dropped > 0 {
            let newest = pending.back().cloned().unwrap_or_else(|| self.snapshot());
            *self.inner.head.write().unwrap_or_else(|e| e.into_inner()) = newest;
            self.inner.discards.lock().unwrap_or_else(|e| e.into_inner()).push(keep);
        }
        drop(pending);
        self.release_writer();
        Ok(dropped)
    }

    /// Replaces the whole state with `from`'s current version (installing a
    /// replicated snapshot). Appended commits not yet visible are discarded.
    pub fn replace_state(&self, from: &Graph) -> Result<()> {
        self.acquire_writer(true)?;
        let next = from.snapshot();
        let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
        if !pending.is_empty() {
            pending.clear();
            let keep = self.snapshot().seq();
            self.inner.discards.lock().unwrap_or_else(|e| e.into_inner()).push(keep);
        }
        *self.inner.current.write().unwrap_or_else(|e| e.into_inner()) = next.clone();
        *self.inner.head.write().unwrap_or_else(|e| e.into_inner()) = next;
        drop(pending);
        self.release_writer();
        Ok(())
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
        let head = self.head();
        if !head.delta.is_empty() {
            let next = Arc::new(compact(&head));
            // The compacted head replaces the same sequence wherever it waits.
            let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
            match pending.back_mut() {
                Some(last) if last.seq() == next.seq() => *last = next.clone(),
                _ => {
                    let mut current = self.inner.current.write().unwrap_or_else(|e| e.into_inner());
                    if current.seq() == next.seq() {
                        *current = next.clone();
                    }
                }
            }
            *self.inner.head.write().unwrap_or_else(|e| e.into_inner()) = next;
        }
        self.release_writer();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Direction;
    use crate::test_util::dump;
    use crate::value::Value;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn reader_snapshot_is_isolated_from_commits() {
        let g = Graph::new();
        assert_eq!(g.seq(), 0);
        let mut t = g.begin_write().unwrap();
        let a = t.create_node(&s(&["P"]), vec![("name".into(), "a".into())]).unwrap();
        assert_eq!(t.commit().unwrap(), 1);
        let old = g.snapshot();
        let before = dump(&old);
        let mut t = g.begin_write().unwrap();
        let b = t.create_node(&s(&["P"]), vec![]).unwrap();
        t.create_relationship(a, b, "R", vec![]).unwrap();
        t.set_node_property(a, "name", "changed".into()).unwrap();
        t.remove_label(a, "P").unwrap();
        assert_eq!(t.commit().unwrap(), 2);
        assert_eq!(dump(&old), before);
        assert_eq!(old.seq(), 1);
        assert_eq!(old.node_count(), 1);
        let name = old.key_id("name").unwrap();
        assert_eq!(old.node_property(a, name), Value::from("a"));
        let new = g.snapshot();
        assert_eq!(new.node_property(a, name), Value::from("changed"));
        assert_eq!(new.degree(a, Direction::Outgoing, &[]), 1);
        g.compact().unwrap();
        assert_eq!(dump(&old), before);
    }

    #[test]
    fn own_writes_are_visible_only_in_the_txn_view() {
        let g = Graph::new();
        let mut t = g.begin_write().unwrap();
        let a = t.create_node(&s(&["P"]), vec![("x".into(), Value::Integer(1))]).unwrap();
        let view = t.view();
        assert!(view.node_exists(a));
        assert_eq!(view.node_property(a, view.key_id("x").unwrap()), Value::Integer(1));
        assert!(!g.snapshot().node_exists(a));
        assert_eq!(g.snapshot().label_id("P"), None);
        // A view taken earlier does not see later writes of the same txn.
        t.set_node_property(a, "x", Value::Integer(2)).unwrap();
        assert_eq!(view.node_property(a, view.key_id("x").unwrap()), Value::Integer(1));
        assert_eq!(t.view().node_property(a, view.key_id("x").unwrap()), Value::Integer(2));
        assert_eq!(t.changes().len(), 2);
    }

    #[test]
    fn rollback_and_drop_discard() {
        let g = Graph::new();
        let mut t = g.begin_write().unwrap();
        t.create_node(&s(&["P"]), vec![]).unwrap();
        t.rollback();
        let mut t = g.begin_write().unwrap();
        t.create_node(&s(&["Q"]), vec![]).unwrap();
        drop(t);
        let snap = g.snapshot();
        assert_eq!(snap.seq(), 0);
        assert_eq!(snap.node_count(), 0);
        assert_eq!(snap.node_capacity(), 0);
        assert!(snap.labels().is_empty());
        // Ids are handed out again after a rollback: nothing was published.
        let mut t = g.begin_write().unwrap();
        assert_eq!(t.create_node(&[], vec![]).unwrap(), 0);
        assert_eq!(t.commit().unwrap(), 1);
    }

    #[test]
    fn one_writer_at_a_time() {
        let g = Graph::new();
        let t = g.begin_write().unwrap();
        let e = g.try_begin_write().err().unwrap();
        assert_eq!(e.detail, "WriterBusy");
        let g2 = g.clone();
        let handle = std::thread::spawn(move || {
            let mut t2 = g2.begin_write().unwrap();
            t2.create_node(&[], vec![]).unwrap();
            t2.commit().unwrap()
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(g.seq(), 0);
        drop(t);
        assert_eq!(handle.join().unwrap(), 1);
        assert!(g.try_begin_write().is_ok());
    }

    #[test]
    fn delete_connected_node_needs_detach() {
        let g = Graph::new();
        let mut t = g.begin_write().unwrap();
        let a = t.create_node(&[], vec![]).unwrap();
        let b = t.create_node(&[], vec![]).unwrap();
        let r = t.create_relationship(a, b, "R", vec![]).unwrap();
        t.commit().unwrap();
        let mut t = g.begin_write().unwrap();
        let e = t.delete_node(a, false).unwrap_err();
        assert_eq!(e.class, crate::ErrorClass::ConstraintVerificationFailed);
        assert_eq!(e.detail, "DeleteConnectedNode");
        t.delete_node(a, true).unwrap();
        t.delete_node(a, true).unwrap(); // no-op
        t.delete_node(999, false).unwrap(); // no-op
        let v = t.view();
        assert!(!v.node_exists(a) && !v.rel_exists(r) && v.node_exists(b));
        assert_eq!(v.degree(b, Direction::Both, &[]), 0);
        assert_eq!(t.changes().len(), 2);
        t.commit().unwrap();
        let e = g.begin_write().unwrap().create_relationship(a, b, "R", vec![]).unwrap_err();
        assert_eq!(e.class, crate::ErrorClass::EntityNotFound);
    }

    #[test]
    fn invalid_property_types_are_type_errors() {
        let g = Graph::new();
        let mut t = g.begin_write().unwrap();
        let a = t.create_node(&[], vec![]).unwrap();
        let map = Value::Map(Default::default());
        for bad in [map.clone(), Value::List(vec![map]), Value::List(vec![Value::List(vec![])])] {
            let e = t.set_node_property(a, "p", bad.clone()).unwrap_err();
            assert_eq!((e.class, e.detail), (crate::ErrorClass::TypeError, "InvalidPropertyType"));
            assert!(t.create_node(&[], vec![("p".into(), bad)]).is_err());
        }
        t.set_node_property(a, "p", Value::from(vec![1i64, 2])).unwrap();
        assert_eq!(t.view().node_properties(a).len(), 1);
        t.set_node_property(a, "p", Value::Null).unwrap();
        assert!(t.view().node_properties(a).is_empty());
    }

    #[test]
    fn apply_replays_a_change_set() {
        let g = Graph::new();
        let mut t = g.begin_write().unwrap();
        let a = t.create_node_with_external_id(Some("v1"), &s(&["A", "B"]), vec![("k".into(), 1.into())]).unwrap();
        let b = t.create_node(&s(&["A"]), vec![]).unwrap();
        let r = t.create_relationship(a, b, "R", vec![("w".into(), 0.5.into())]).unwrap();
        t.set_rel_property(r, "w", 1.5.into()).unwrap();
        t.add_label(b, "C").unwrap();
        t.remove_label(a, "B").unwrap();
        let c = t.create_node(&[], vec![]).unwrap();
        t.delete_node(c, false).unwrap();
        let r2 = t.create_relationship(b, b, "S", vec![]).unwrap();
        t.delete_relationship(r2).unwrap();
        let changes = t.changes().clone();
        t.commit().unwrap();

        let replica = Graph::new();
        assert_eq!(replica.apply(&changes).unwrap(), 1);
        assert_eq!(dump(&replica.snapshot()), dump(&g.snapshot()));
        assert_eq!(replica.snapshot().node_by_external_id("v1"), Some(a));
        // Replaying again mismatches ids instead of silently diverging.
        let e = replica.apply(&changes).unwrap_err();
        assert_eq!(e.detail, "ReplayIdMismatch");
        assert_eq!(replica.seq(), 1);
    }

    /// A log that never makes a commit durable and says so without stopping writes.
    struct RefusingLog;

    impl CommitLog for RefusingLog {
        fn append(&self, _seq: u64, _changes: &ChangeSet) -> Result<()> {
            Ok(())
        }
        fn wait_durable(&self, _seq: u64) -> Result<()> {
            Err(Error::io("Refused", "not replicated"))
        }
        fn is_fatal(&self, _error: &Error) -> bool {
            false
        }
    }

    #[test]
    fn refused_commits_are_discarded_without_stopping_writes() {
        let g = Graph::new();
        g.attach_log(Arc::new(RefusingLog));
        let mut t = g.begin_write().unwrap();
        t.create_node(&s(&["A"]), vec![]).unwrap();
        assert_eq!(t.commit().unwrap_err().detail, "Refused");
        assert!(g.failure().is_none());
        assert_eq!(g.seq(), 0);
        // The refused commit is the head until discarded; the next writer builds on it.
        assert_eq!(g.begin_write().unwrap().view().node_count(), 1);
        assert_eq!(g.discard_pending(|| 0).unwrap(), 1);
        assert_eq!(g.discard_pending(|| 0).unwrap(), 0);
        g.detach_log();
        let mut t = g.begin_write().unwrap();
        assert_eq!(t.view().node_count(), 0);
        assert_eq!(t.create_node(&[], vec![]).unwrap(), 0);
        assert_eq!(t.commit().unwrap(), 1);
        // A commit discarded after its publication fails even once something else is durable at its number.
        assert!(g.was_discarded(1, 0));
        assert!(!g.was_discarded(1, 1));
    }

    #[test]
    fn replace_state_installs_another_graphs_version() {
        let g = Graph::new();
        let other = Graph::new();
        let mut t = other.begin_write().unwrap();
        t.create_node(&s(&["A"]), vec![]).unwrap();
        t.create_node(&s(&["A"]), vec![]).unwrap();
        t.commit().unwrap();
        g.replace_state(&other).unwrap();
        assert_eq!((g.seq(), g.snapshot().node_count()), (1, 2));
        let mut t = g.begin_write().unwrap();
        assert_eq!(t.create_node(&[], vec![]).unwrap(), 2);
        assert_eq!(t.commit().unwrap(), 2);
        assert_eq!(other.seq(), 1);
    }

    #[test]
    fn compaction_preserves_every_read() {
        let g = Graph::new();
        let mut t = g.begin_write().unwrap();
        let mut ids = Vec::new();
        for i in 0..50i64 {
            let labels = if i % 3 == 0 { s(&["A"]) } else { s(&["B"]) };
            let ext = format!("n{i}");
            ids.push(t.create_node_with_external_id(Some(&ext), &labels, vec![("i".into(), i.into())]).unwrap());
        }
        for w in ids.windows(2) {
            t.create_relationship(
                w[0],
                w[1],
                if w[0] % 2 == 0 { "E" } else { "O" },
                vec![("w".into(), (w[0] as i64).into())],
            )
            .unwrap();
        }
        t.create_relationship(ids[3], ids[3], "E", vec![]).unwrap();
        t.commit().unwrap();
        let before = dump(&g.snapshot());
        g.compact().unwrap();
        assert_eq!(dump(&g.snapshot()), before);
        assert_eq!(g.snapshot().delta_changes(), 0);

        // A second round on top of a compacted base: deletes, relabels, overrides.
        let mut t = g.begin_write().unwrap();
        t.delete_node(ids[10], true).unwrap();
        t.delete_relationship(0).unwrap();
        t.add_label(ids[1], "A").unwrap();
        t.remove_label(ids[0], "A").unwrap();
        t.set_node_property(ids[2], "i", "two".into()).unwrap();
        t.set_node_property(ids[4], "i", Value::Null).unwrap();
        t.set_rel_property(5, "w", Value::Null).unwrap();
        let n = t.create_node_with_external_id(Some("n10"), &s(&["C"]), vec![]).unwrap();
        t.create_relationship(n, ids[3], "E", vec![]).unwrap();
        t.commit().unwrap();
        let snap = g.snapshot();
        let before = dump(&snap);
        assert_eq!(snap.node_by_external_id("n10"), Some(n));
        g.compact().unwrap();
        let after = g.snapshot();
        assert_eq!(dump(&after), before);
        assert_eq!(after.node_by_external_id("n10"), Some(n));
        assert_eq!(after.external_id(ids[10]), None);
        assert_eq!(after.seq(), snap.seq());
    }

    #[test]
    fn commit_compacts_past_the_threshold() {
        let g = Graph::with_config(GraphConfig { compact_threshold: 10 });
        let mut t = g.begin_write().unwrap();
        for _ in 0..5 {
            t.create_node(&[], vec![]).unwrap();
        }
        t.commit().unwrap();
        assert_eq!(g.snapshot().delta_changes(), 5);
        let mut t = g.begin_write().unwrap();
        for _ in 0..5 {
            t.create_node(&[], vec![]).unwrap();
        }
        t.commit().unwrap();
        assert_eq!(g.snapshot().delta_changes(), 0);
        assert_eq!(g.snapshot().node_count(), 10);
    }
}

//! The state machine is the member's graph. Applying a commit entry either
//! makes the leader's own proposal visible (it is already in the head) or
//! applies the change set through `Graph::apply`; every member checks that
//! the entry continues the committed sequence, and skips it alike if not.

use std::io::Cursor;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use openraft::storage::{RaftStateMachine, Snapshot};
use openraft::{AnyError, EntryPayload, OptionalSend, RaftSnapshotBuilder, StorageIOError};
use plexus_storage::durable::decode_change_set;

use crate::commit_log::{Shared, APPLYING};
use crate::snapshot_files;
use crate::types::{Applied, Commit, Entry, LogId, SnapshotMeta, StorageError, StoredMembership, TypeConfig};

fn any(e: impl std::fmt::Display) -> AnyError {
    AnyError::error(e.to_string())
}

/// Counters for `/metrics`.
#[derive(Default)]
pub(crate) struct SmCounters {
    pub snapshots_built: AtomicU64,
    pub snapshots_installed: AtomicU64,
    pub rejected: AtomicU64,
}

pub struct StateMachine {
    pub(crate) shared: Arc<Shared>,
    pub(crate) counters: Arc<SmCounters>,
    last_applied: Option<LogId>,
    membership: StoredMembership,
}

impl StateMachine {
    pub(crate) fn new(
        shared: Arc<Shared>,
        counters: Arc<SmCounters>,
        last_applied: Option<LogId>,
        membership: StoredMembership,
    ) -> Self {
        StateMachine { shared, counters, last_applied, membership }
    }

    /// Applies one commit entry; an error means this member cannot follow
    /// the log (it would diverge), which stops it.
    fn apply_commit(&self, commit: &Commit) -> Result<Applied, String> {
        let shared = &self.shared;
        let mut progress = shared.lock();
        let expected_seq = progress.committed_seq + 1;
        if commit.seq != expected_seq {
            self.counters.rejected.fetch_add(1, Ordering::Relaxed);
            tracing::info!(seq = commit.seq, expected_seq, origin = commit.origin, "commit entry skipped");
            return Ok(Applied::Rejected { expected_seq });
        }
        if commit.origin == shared.id && progress.in_flight.get(&commit.seq) == Some(&commit.proposal) {
            shared.mark_committed(&mut progress, commit.seq);
            drop(progress);
            shared.graph.make_visible(commit.seq);
            return Ok(Applied::Commit(commit.seq));
        }
        let stale_head = progress.appended_seq > progress.committed_seq;
        drop(progress);
        if stale_head {
            // Local commits built on a state this entry supersedes can never commit.
            shared.discard_in_flight(None).map_err(|e| e.message)?;
        }
        let changes = decode_change_set(&commit.changes).map_err(|e| e.message)?;
        APPLYING.set(true);
        let applied = shared.graph.apply(&changes);
        APPLYING.set(false);
        match applied {
            Ok(seq) if seq == commit.seq => {
                shared.mark_committed(&mut shared.lock(), seq);
                Ok(Applied::Commit(seq))
            }
            Ok(seq) => Err(format!("commit {} applied as {seq}", commit.seq)),
            Err(e) => Err(format!("commit {} does not apply: {e}", commit.seq)),
        }
    }
}

/// What a snapshot is built from, taken when openraft asks for a builder.
pub struct SnapshotBuilder {
    shared: Arc<Shared>,
    counters: Arc<SmCounters>,
    snapshot: Arc<plexus_storage::Snapshot>,
    /// The committed sequence when the builder was made: the snapshot must hold exactly it.
    committed_seq: u64,
    meta: SnapshotMeta,
}

impl RaftSnapshotBuilder<TypeConfig> for SnapshotBuilder {
    async fn build_snapshot(&mut self) -> Result<Snapshot<TypeConfig>, StorageError> {
        if self.snapshot.seq() != self.committed_seq {
            let why =
                format!("the graph is at {} and the state machine at {}", self.snapshot.seq(), self.committed_seq);
            return Err(StorageIOError::write_snapshot(Some(self.meta.signature()), any(why)).into());
        }
        let dir = self.shared.dir.clone();
        let (snapshot, meta) = (self.snapshot.clone(), self.meta.clone());
        let packed = tokio::task::spawn_blocking(move || {
            snapshot_files::save(&dir, &snapshot, &meta)?;
            snapshot_files::pack(&dir, snapshot.seq())
        })
        .await
        .map_err(|e| StorageIOError::write_snapshot(Some(self.meta.signature()), any(e)))?
        .map_err(|e| StorageIOError::write_snapshot(Some(self.meta.signature()), any(e)))?;
        self.counters.snapshots_built.fetch_add(1, Ordering::Relaxed);
        tracing::info!(seq = self.snapshot.seq(), id = %self.meta.snapshot_id, "snapshot built");
        Ok(Snapshot { meta: self.meta.clone(), snapshot: Box::new(Cursor::new(packed)) })
    }
}

impl RaftStateMachine<TypeConfig> for StateMachine {
    type SnapshotBuilder = SnapshotBuilder;

    async fn applied_state(&mut self) -> Result<(Option<LogId>, StoredMembership), StorageError> {
        Ok((self.last_applied, self.membership.clone()))
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<Applied>, StorageError>
    where
        I: IntoIterator<Item = Entry> + OptionalSend,
        I::IntoIter: OptionalSend,
    {
        let mut out = Vec::new();
        for entry in entries {
            let applied = match &entry.payload {
                EntryPayload::Blank => Applied::Other,
                EntryPayload::Membership(m) => {
                    self.membership = StoredMembership::new(Some(entry.log_id), m.clone());
                    Applied::Other
                }
                EntryPayload::Normal(commit) => tokio::task::block_in_place(|| self.apply_commit(commit))
                    .map_err(|e| StorageIOError::apply(entry.log_id, any(e)))?,
            };
            self.last_applied = Some(entry.log_id);
            out.push(applied);
        }
        Ok(out)
    }

    async fn get_snapshot_builder(&mut self) -> SnapshotBuilder {
        let snapshot = self.shared.graph.snapshot();
        let last = self.last_applied;
        let id = match last {
            Some(l) => format!("{}-{}-{}", l.leader_id.term, l.index, snapshot.seq()),
            None => format!("0-0-{}", snapshot.seq()),
        };
        SnapshotBuilder {
            shared: self.shared.clone(),
            counters: self.counters.clone(),
            snapshot,
            committed_seq: self.shared.lock().committed_seq,
            meta: SnapshotMeta { last_log_id: last, last_membership: self.membership.clone(), snapshot_id: id },
        }
    }

    async fn begin_receiving_snapshot(&mut self) -> Result<Box<Cursor<Vec<u8>>>, StorageError> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMeta,
        snapshot: Box<Cursor<Vec<u8>>>,
    ) -> Result<(), StorageError> {
        let shared = self.shared.clone();
        let (m, packed) = (meta.clone(), snapshot.into_inner());
        let result = tokio::task::block_in_place(|| -> Result<u64, String> {
            let graph = snapshot_files::install(&shared.dir, &packed, &m, shared.graph.config())?;
            shared.discard_in_flight(None).map_err(|e| e.message)?;
            shared.graph.replace_state(&graph).map_err(|e| e.message)?;
            let seq = graph.seq();
            let mut progress = shared.lock();
            progress.committed_seq = seq;
            progress.appended_seq = seq;
            shared.changed.notify_all();
            Ok(seq)
        });
        let seq = result.map_err(|e| StorageIOError::read_snapshot(Some(meta.signature()), any(e)))?;
        self.last_applied = meta.last_log_id;
        self.membership = meta.last_membership.clone();
        self.counters.snapshots_installed.fetch_add(1, Ordering::Relaxed);
        tracing::info!(seq, id = %meta.snapshot_id, "snapshot installed");
        Ok(())
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<Snapshot<TypeConfig>>, StorageError> {
        let dir = self.shared.dir.clone();
        let found = tokio::task::block_in_place(|| -> Result<Option<(SnapshotMeta, Vec<u8>)>, String> {
            let Some(record) = snapshot_files::read_record(&dir).map_err(|e| e.to_string())? else { return Ok(None) };
            let packed = snapshot_files::pack(&dir, record.seq)?;
            Ok(Some((record.meta, packed)))
        })
        .map_err(|e| StorageIOError::read_snapshot(None, any(e)))?;
        Ok(found.map(|(meta, packed)| Snapshot { meta, snapshot: Box::new(Cursor::new(packed)) }))
    }
}

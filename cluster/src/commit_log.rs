//! How a member's `Graph` commits through Raft.
//!
//! On the leader a writer's commit is appended to the graph's head under the
//! writer lock as usual; [`ClusterLog::append`] hands it to the proposer
//! (one task, so entries enter the Raft log in sequence order) and
//! [`ClusterLog::wait_durable`] returns once the state machine has applied
//! that very proposal, i.e. once a majority of voters holds it on disk. The
//! leader's state machine does not apply its own proposals again: it finds
//! them in `in_flight` and only makes them visible.
//!
//! Every other entry (on followers and learners, or an earlier leader's
//! entry on a new leader) is applied by the state machine through
//! `Graph::apply` on its own thread, marked by [`APPLYING`], which this log
//! accepts as already committed.
//!
//! When a proposal fails (leadership lost, or the state machine rejected it
//! because it was built on a stale state), [`Shared::discard_in_flight`]
//! drops every local commit not yet committed from the graph's head; their
//! writers get an error and the graph stays writable. Sequence numbers
//! count commits only, so they differ from Raft log indexes (which also
//! count blank and membership entries).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use openraft::ServerState;
use plexus_storage::durable::encode_change_set;
use plexus_storage::{ChangeSet, CommitLog, Error, ErrorClass, Graph, Phase, Result};
use tokio::sync::mpsc::UnboundedSender;

use crate::types::{Commit, NodeId, Raft};

thread_local! {
    /// Set while this thread applies a committed entry to the graph.
    pub(crate) static APPLYING: Cell<bool> = const { Cell::new(false) };
}

/// Commit bookkeeping shared by the log, the proposer and the state machine.
#[derive(Default)]
pub(crate) struct Progress {
    /// The newest sequence number committed through Raft and applied.
    pub committed_seq: u64,
    /// The newest sequence number in the graph's head.
    pub appended_seq: u64,
    /// Local commits proposed and not yet decided: seq -> proposal id.
    pub in_flight: BTreeMap<u64, u64>,
    pub stopped: bool,
}

/// Whether member `id`, as leader, has applied an entry of its own term:
/// then everything committed before its term is applied too and local
/// writes build on the committed state.
pub(crate) fn caught_up(id: NodeId, metrics: &openraft::RaftMetrics<NodeId, crate::types::Member>) -> bool {
    metrics.state == ServerState::Leader
        && metrics.last_applied.is_some_and(|l| l.leader_id.term == metrics.current_term && l.leader_id.node_id == id)
}

/// What a member's log, proposer and state machine share.
pub(crate) struct Shared {
    pub id: NodeId,
    pub dir: PathBuf,
    pub graph: Graph,
    pub progress: Mutex<Progress>,
    pub changed: Condvar,
    pub raft: OnceLock<Raft>,
    pub proposals: UnboundedSender<Commit>,
    pub next_proposal: AtomicU64,
    pub commit_timeout: Duration,
}

pub(crate) fn cluster_error(detail: &'static str, message: impl Into<String>) -> Error {
    Error::new(ErrorClass::TransactionError, detail, Phase::Runtime, message)
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether this member is the leader and has caught up with its term.
    pub fn leader_ready(&self) -> std::result::Result<(), Error> {
        let Some(raft) = self.raft.get() else { return Err(cluster_error("NotALeader", "the cluster is starting")) };
        let metrics = raft.metrics().borrow().clone();
        if metrics.state != ServerState::Leader {
            let leader = metrics.current_leader.and_then(|id| {
                metrics
                    .membership_config
                    .membership()
                    .get_node(&id)
                    .map(|m| format!(" (member {id}, bolt {})", m.bolt_addr))
            });
            return Err(cluster_error(
                "NotALeader",
                format!("this member is not the leader{}; send writes to the leader", leader.unwrap_or_default()),
            ));
        }
        if !caught_up(self.id, &metrics) {
            return Err(cluster_error("LeaderNotReady", "the new leader is still applying earlier commits; retry"));
        }
        Ok(())
    }

    /// Drops from the graph every local commit not yet committed. With
    /// `only_if`, only if that proposal is still undecided (a failure seen
    /// late must not discard newer proposals). Blocks on the writer lock.
    pub fn discard_in_flight(&self, only_if: Option<u64>) -> Result<usize> {
        self.graph.discard_pending(|| {
            let mut progress = self.lock();
            if only_if.is_some_and(|p| !progress.in_flight.values().any(|v| *v == p)) {
                return u64::MAX;
            }
            progress.in_flight.clear();
            progress.appended_seq = progress.committed_seq;
            self.changed.notify_all();
            progress.committed_seq
        })
    }

    /// Records that commit `seq` is committed (and, if it was a local
    /// proposal, decided), waking its writer.
    pub fn mark_committed(&self, progress: &mut Progress, seq: u64) {
        progress.committed_seq = seq;
        progress.appended_seq = progress.appended_seq.max(seq);
        progress.in_flight.remove(&seq);
        self.changed.notify_all();
    }
}

/// The graph's commit log on a cluster member.
pub struct ClusterLog {
    pub(crate) shared: Arc<Shared>,
}

impl CommitLog for ClusterLog {
    fn append(&self, seq: u64, changes: &ChangeSet) -> Result<()> {
        let shared = &self.shared;
        let mut progress = shared.lock();
        if APPLYING.get() {
            // A committed entry being applied: durable by definition.
            shared.mark_committed(&mut progress, seq);
            return Ok(());
        }
        if progress.stopped {
            return Err(cluster_error("ClusterStopped", "this cluster member is shutting down"));
        }
        shared.leader_ready()?;
        if seq != progress.appended_seq + 1 {
            return Err(Error::internal(format!("cluster append of seq {seq} after {}", progress.appended_seq)));
        }
        let proposal = shared.next_proposal.fetch_add(1, Ordering::Relaxed);
        let changes = encode_change_set(changes)?;
        let commit = Commit { seq, origin: shared.id, proposal, changes };
        shared.proposals.send(commit).map_err(|_| cluster_error("ClusterStopped", "the proposer has stopped"))?;
        progress.in_flight.insert(seq, proposal);
        progress.appended_seq = seq;
        Ok(())
    }

    fn wait_durable(&self, seq: u64) -> Result<()> {
        if APPLYING.get() {
            return Ok(());
        }
        let shared = &self.shared;
        let deadline = Instant::now() + shared.commit_timeout;
        let mut progress = shared.lock();
        let mine = progress.in_flight.get(&seq).copied();
        loop {
            if progress.committed_seq >= seq {
                return Ok(());
            }
            if mine.is_none() || progress.in_flight.get(&seq) != mine.as_ref() {
                return Err(cluster_error(
                    "NotCommitted",
                    format!("commit {seq} was not committed by the cluster (the leader changed); retry"),
                ));
            }
            if progress.stopped {
                return Err(cluster_error("ClusterStopped", "this cluster member is shutting down"));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(cluster_error(
                    "ReplicationTimeout",
                    format!(
                        "commit {seq} did not reach a majority of voters within {} ms; its outcome is unknown",
                        shared.commit_timeout.as_millis()
                    ),
                ));
            }
            progress = shared.changed.wait_timeout(progress, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// No error here leaves the state unknown: a refused commit is discarded
    /// and a timed-out one stays pending until the cluster decides it.
    fn is_fatal(&self, _error: &Error) -> bool {
        false
    }
}

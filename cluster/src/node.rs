//! A running cluster member: its graph (committing through Raft), the
//! openraft instance, the RPC listener and the proposer, on a runtime of
//! its own so embedders call it from plain threads.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use openraft::{ChangeMembers, ServerState};
use plexus_storage::{Error, ErrorClass, Graph, Phase, Result};
use tokio::runtime::Runtime;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;

use crate::commit_log::{caught_up, cluster_error, ClusterLog, Progress, Shared};
use crate::config::ClusterConfig;
use crate::log_store::LogStore;
use crate::network::{Isolation, Network};
use crate::state_machine::{SmCounters, StateMachine};
use crate::status::{ClusterStatus, Role};
use crate::types::{Applied, Commit, Member, NodeId, Raft};
use crate::{rpc_server, snapshot_files};

fn io_error(detail: &'static str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorClass::IoError, detail, Phase::Runtime, e.to_string())
}

/// Leader changes and elections this member has seen.
#[derive(Default)]
pub(crate) struct Changes {
    pub leader_changes: AtomicU64,
    pub terms: AtomicU64,
}

/// One member of a cluster, running. Its methods block (they drive the
/// member's own runtime): call them from plain threads or `spawn_blocking`,
/// never from inside an async task.
pub struct ClusterNode {
    id: NodeId,
    shared: Arc<Shared>,
    raft: Raft,
    counters: Arc<SmCounters>,
    changes: Arc<Changes>,
    isolation: Isolation,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    runtime: Mutex<Option<Runtime>>,
    _lock: File,
}

impl ClusterNode {
    /// Opens the member's data directory (its last snapshot and Raft log),
    /// starts Raft and listens for RPCs on `config.member.raft_addr`. A new
    /// cluster also needs [`ClusterNode::initialize`] on one member.
    pub fn start(config: ClusterConfig, dir: &Path) -> Result<ClusterNode> {
        std::fs::create_dir_all(dir).map_err(|e| Error::os("create", dir, e))?;
        let lock = plexus_storage::durable::store::lock_dir(dir)?;
        let raft_config = Arc::new(config.raft_config().map_err(|e| io_error("InvalidClusterConfig", e))?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(format!("raft-{}", config.id))
            .enable_all()
            .build()
            .map_err(|e| io_error("RuntimeFailed", e))?;
        let record = snapshot_files::read_record(dir).map_err(|e| io_error("CorruptSnapshot", e))?;
        let (graph, last_applied, membership) = match &record {
            Some(r) => (
                snapshot_files::load(dir, r, config.graph).map_err(|e| io_error("CorruptSnapshot", e))?,
                r.meta.last_log_id,
                r.meta.last_membership.clone(),
            ),
            None => (Graph::with_config(config.graph), None, Default::default()),
        };
        let seq = graph.seq();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let first_proposal = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        let shared = Arc::new(Shared {
            id: config.id,
            dir: dir.to_path_buf(),
            graph: graph.clone(),
            progress: Mutex::new(Progress { committed_seq: seq, appended_seq: seq, ..Default::default() }),
            changed: Condvar::new(),
            raft: OnceLock::new(),
            proposals: tx,
            next_proposal: AtomicU64::new(first_proposal),
            commit_timeout: config.commit_timeout,
        });
        let log = LogStore::open(&dir.join("raft").join("log"), config.segment_bytes)
            .map_err(|e| io_error("CorruptRaftLog", e))?;
        let counters = Arc::new(SmCounters::default());
        let sm = StateMachine::new(shared.clone(), counters.clone(), last_applied, membership);
        let addr = config.member.raft_addr.clone();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(&addr))
            .map_err(|e| io_error("BindFailed", format!("cannot listen on {addr}: {e}")))?;
        // Attached before Raft::new, which re-applies the committed entries
        // (on a worker thread, as applying blocks).
        graph.attach_log(Arc::new(ClusterLog { shared: shared.clone() }));
        let id = config.id;
        let isolation = Isolation::default();
        let network = Network { isolation: isolation.clone() };
        let raft = runtime
            .block_on(runtime.spawn(async move { Raft::new(id, raft_config, network, log, sm).await }))
            .map_err(|e| io_error("RaftFailed", e))?
            .map_err(|e| io_error("RaftFailed", e))?;
        let _ = shared.raft.set(raft.clone());
        let changes = Arc::new(Changes::default());
        let tasks = vec![
            runtime.spawn(rpc_server::serve(listener, raft.clone(), isolation.clone())),
            runtime.spawn(propose(rx, shared.clone())),
            runtime.spawn(watch_changes(raft.clone(), changes.clone())),
        ];
        tracing::info!(id, seq, "cluster member started");
        Ok(ClusterNode {
            id,
            shared,
            raft,
            counters,
            changes,
            isolation,
            tasks: Mutex::new(tasks),
            runtime: Mutex::new(Some(runtime)),
            _lock: lock,
        })
    }

    fn block_on<F: std::future::Future>(&self, f: F) -> Result<F::Output> {
        let rt = self.runtime.lock().unwrap_or_else(|e| e.into_inner());
        let rt = rt.as_ref().ok_or_else(|| cluster_error("ClusterStopped", "this member is shut down"))?;
        Ok(rt.block_on(f))
    }

    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The member's graph: build the `Database` on it. Writes succeed only
    /// on the leader, and only once a majority of voters holds them.
    pub fn graph(&self) -> Graph {
        self.shared.graph.clone()
    }

    /// Ok if this member takes writes now (it is the leader and has applied
    /// its term's first entry), else the `NotALeader` or `LeaderNotReady`
    /// error to answer with. Check it before starting a write transaction:
    /// a write transaction holds the graph's writer lock, which replication
    /// on a follower also needs.
    pub fn check_writable(&self) -> Result<()> {
        self.shared.leader_ready()
    }

    /// Makes a new cluster of `voters` (this member among them). Call on one member only.
    pub fn initialize(&self, voters: BTreeMap<NodeId, Member>) -> Result<()> {
        self.block_on(self.raft.initialize(voters))?.map_err(|e| cluster_error("InitializeFailed", e.to_string()))
    }

    /// Adds a read replica (a learner, which never votes) and waits until it
    /// has caught up. Call on the leader.
    pub fn add_learner(&self, id: NodeId, member: Member) -> Result<()> {
        self.block_on(self.raft.add_learner(id, member, true))?
            .map(|_| ())
            .map_err(|e| cluster_error("MembershipChangeFailed", e.to_string()))
    }

    /// Makes exactly `voters` the voting members (a learner among them is
    /// promoted; a voter not among them becomes a learner). Call on the leader.
    pub fn set_voters(&self, voters: BTreeSet<NodeId>) -> Result<()> {
        self.change(ChangeMembers::ReplaceAllVoters(voters))
    }

    /// Removes a member (voter or learner) from the cluster. Call on the leader.
    pub fn remove_member(&self, id: NodeId) -> Result<()> {
        let status = self.status();
        if status.voters.contains(&id) {
            // Not retained as a learner: the member leaves altogether.
            let voters = status.voters.iter().copied().filter(|v| *v != id).collect();
            return self.change(ChangeMembers::ReplaceAllVoters(voters));
        }
        self.change(ChangeMembers::RemoveNodes(BTreeSet::from([id])))
    }

    fn change(&self, change: ChangeMembers<NodeId, Member>) -> Result<()> {
        self.block_on(self.raft.change_membership(change, false))?
            .map(|_| ())
            .map_err(|e| cluster_error("MembershipChangeFailed", e.to_string()))
    }

    /// Makes this member stand for election now. openraft 0.9 has no leader
    /// transfer; calling this on the intended leader is how one is done (it
    /// wins if its log is up to date).
    pub fn campaign(&self) -> Result<()> {
        self.block_on(self.raft.trigger().elect())?.map_err(|e| cluster_error("ElectionFailed", e.to_string()))
    }

    /// Builds a snapshot (a checkpoint) now.
    pub fn snapshot(&self) -> Result<()> {
        self.block_on(self.raft.trigger().snapshot())?.map_err(|e| cluster_error("SnapshotFailed", e.to_string()))
    }

    /// Waits until this member has applied commit `seq` and readers see it
    /// (read-your-writes with a bookmark), or fails with `BookmarkTimeout`.
    pub fn wait_for_seq(&self, seq: u64, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let mut progress = self.shared.lock();
        loop {
            if progress.committed_seq >= seq && self.shared.graph.seq() >= seq {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(cluster_error(
                    "BookmarkTimeout",
                    format!("this member has applied commit {} and not yet {seq}", progress.committed_seq),
                ));
            }
            let step = left.min(Duration::from_millis(20));
            progress = self.shared.changed.wait_timeout(progress, step).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Waits until the cluster has a leader that accepts writes; returns its id.
    pub fn wait_for_leader(&self, timeout: Duration) -> Result<NodeId> {
        let deadline = Instant::now() + timeout;
        loop {
            let metrics = self.raft.metrics().borrow().clone();
            if let Some(leader) = metrics.current_leader {
                if leader != self.id || caught_up(self.id, &metrics) {
                    return Ok(leader);
                }
            }
            if Instant::now() >= deadline {
                return Err(cluster_error("NoLeader", "no leader was elected in time"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// This member's role.
    pub fn role(&self) -> Role {
        self.status().role
    }

    /// The current leader and its addresses, if one is known.
    pub fn leader(&self) -> Option<(NodeId, Member)> {
        let metrics = self.raft.metrics().borrow().clone();
        let id = metrics.current_leader?;
        metrics.membership_config.membership().get_node(&id).map(|m| (id, m.clone()))
    }

    /// Role, term, leader, positions, members and replication progress.
    pub fn status(&self) -> ClusterStatus {
        let metrics = self.raft.metrics().borrow().clone();
        let progress = self.shared.lock();
        ClusterStatus::new(&metrics, progress.committed_seq, self.shared.graph.seq(), &self.counters, &self.changes)
    }

    /// Cuts this member off from the others (`true`) or reconnects it: a
    /// network partition for failure tests, or fencing a member by hand.
    pub fn isolate(&self, isolated: bool) {
        self.isolation.set(isolated);
    }

    /// Stops Raft and the listener. Writes waiting for replication fail.
    pub fn shutdown(&self) {
        let Some(runtime) = self.runtime.lock().unwrap_or_else(|e| e.into_inner()).take() else { return };
        {
            let mut progress = self.shared.lock();
            progress.stopped = true;
            self.shared.changed.notify_all();
        }
        let raft = self.raft.clone();
        let _ = runtime.block_on(async move { tokio::time::timeout(Duration::from_secs(5), raft.shutdown()).await });
        for task in self.tasks.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
            task.abort();
        }
        runtime.shutdown_timeout(Duration::from_secs(2));
        // Never detach: the graph would take writes no one replicates.
        self.shared.graph.attach_log(Arc::new(StoppedLog));
        tracing::info!(id = self.id, "cluster member stopped");
    }
}

impl Drop for ClusterNode {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The log of a member that was shut down: it refuses every commit (and
/// drops the graph's reference to the member's shared state).
struct StoppedLog;

impl plexus_storage::CommitLog for StoppedLog {
    fn append(&self, _seq: u64, _changes: &plexus_storage::ChangeSet) -> Result<()> {
        Err(cluster_error("ClusterStopped", "this cluster member is shut down"))
    }

    fn wait_durable(&self, _seq: u64) -> Result<()> {
        Err(cluster_error("ClusterStopped", "this cluster member is shut down"))
    }

    fn is_fatal(&self, _error: &Error) -> bool {
        false
    }
}

/// Hands local commits to Raft in sequence order; a proposal that fails is
/// discarded from the graph with every local commit after it.
async fn propose(mut rx: UnboundedReceiver<Commit>, shared: Arc<Shared>) {
    while let Some(commit) = rx.recv().await {
        let Some(raft) = shared.raft.get() else { continue };
        let proposal = commit.proposal;
        match raft.client_write_ff(commit).await {
            Ok(answer) => {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let committed = matches!(answer.await, Ok(Ok(r)) if matches!(r.data, Applied::Commit(_)));
                    if !committed {
                        discard(shared, proposal).await;
                    }
                });
            }
            Err(_) => discard(shared.clone(), proposal).await,
        }
    }
}

async fn discard(shared: Arc<Shared>, proposal: u64) {
    let result = tokio::task::spawn_blocking(move || shared.discard_in_flight(Some(proposal))).await;
    match result {
        Ok(Ok(n)) if n > 0 => tracing::info!(dropped = n, "local commits not committed by the cluster were discarded"),
        Ok(Err(e)) => tracing::error!("discarding uncommitted local commits: {e}"),
        _ => {}
    }
}

async fn watch_changes(raft: Raft, changes: Arc<Changes>) {
    let mut rx = raft.metrics();
    let (mut leader, mut term) = {
        let m = rx.borrow();
        (m.current_leader, m.current_term)
    };
    while rx.changed().await.is_ok() {
        let m = rx.borrow().clone();
        if m.current_leader != leader && m.current_leader.is_some() {
            changes.leader_changes.fetch_add(1, Ordering::Relaxed);
        }
        if m.current_term > term {
            changes.terms.fetch_add(m.current_term - term, Ordering::Relaxed);
        }
        leader = m.current_leader;
        term = m.current_term;
        if m.state == ServerState::Shutdown {
            break;
        }
    }
}

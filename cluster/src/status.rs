//! What `/status`, `/metrics` and `plexus cluster status` show about a member.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use openraft::{RaftMetrics, ServerState};

use crate::node::Changes;
use crate::state_machine::SmCounters;
use crate::types::{Member, NodeId};

/// A member's part in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Takes writes (Neptune's writer).
    Leader,
    /// A voter following the leader (a reader).
    Follower,
    /// A voter standing for election.
    Candidate,
    /// A read replica, never votes.
    Learner,
    Shutdown,
}

impl Role {
    /// `writer` or `reader`, as Neptune's status names them.
    pub fn access(self) -> &'static str {
        if self == Role::Leader {
            "writer"
        } else {
            "reader"
        }
    }
}

/// A member's view of the cluster.
#[derive(Debug, Clone)]
pub struct ClusterStatus {
    pub id: NodeId,
    pub role: Role,
    pub term: u64,
    pub leader: Option<NodeId>,
    /// Index of the newest Raft log entry here.
    pub last_log_index: u64,
    /// Index of the newest Raft log entry applied here.
    pub applied_index: u64,
    /// The newest commit sequence applied here (the bookmark position).
    pub committed_seq: u64,
    /// The newest commit sequence readers here see.
    pub visible_seq: u64,
    pub voters: Vec<NodeId>,
    pub learners: Vec<NodeId>,
    pub members: BTreeMap<NodeId, Member>,
    /// On the leader: entries each member still lacks (replication lag).
    pub lag: BTreeMap<NodeId, u64>,
    pub leader_changes: u64,
    pub elections: u64,
    pub snapshots_built: u64,
    pub snapshots_installed: u64,
    /// Proposals skipped because they were built on a stale state.
    pub rejected_proposals: u64,
}

impl ClusterStatus {
    pub(crate) fn new(
        m: &RaftMetrics<NodeId, Member>,
        committed_seq: u64,
        visible_seq: u64,
        counters: &SmCounters,
        changes: &Changes,
    ) -> ClusterStatus {
        let membership = m.membership_config.membership();
        let voters: Vec<NodeId> = membership.voter_ids().collect();
        let role = match m.state {
            ServerState::Leader => Role::Leader,
            ServerState::Candidate => Role::Candidate,
            ServerState::Shutdown => Role::Shutdown,
            _ if voters.contains(&m.id) => Role::Follower,
            _ => Role::Learner,
        };
        let last_log_index = m.last_log_index.unwrap_or(0);
        let lag = m
            .replication
            .as_ref()
            .map(|r| {
                r.iter()
                    .map(|(id, matched)| (*id, last_log_index.saturating_sub(matched.map_or(0, |l| l.index))))
                    .collect()
            })
            .unwrap_or_default();
        ClusterStatus {
            id: m.id,
            role,
            term: m.current_term,
            leader: m.current_leader,
            last_log_index,
            applied_index: m.last_applied.map_or(0, |l| l.index),
            committed_seq,
            visible_seq,
            voters,
            learners: membership.learner_ids().collect(),
            members: membership.nodes().map(|(id, n)| (*id, n.clone())).collect(),
            lag,
            leader_changes: changes.leader_changes.load(Ordering::Relaxed),
            elections: changes.terms.load(Ordering::Relaxed),
            snapshots_built: counters.snapshots_built.load(Ordering::Relaxed),
            snapshots_installed: counters.snapshots_installed.load(Ordering::Relaxed),
            rejected_proposals: counters.rejected.load(Ordering::Relaxed),
        }
    }
}

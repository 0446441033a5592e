//! The openraft type configuration: what a log entry carries (one committed
//! change set, in the WAL's binary form), what applying it answers, and how
//! members are addressed.

use std::fmt;
use std::io::Cursor;

use serde::{Deserialize, Serialize};

/// A member's id in the cluster (unique, chosen by the operator).
pub type NodeId = u64;

/// Where a member listens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Raft RPCs between members (`host:port`).
    pub raft_addr: String,
    /// Bolt, for clients and `ROUTE` answers.
    pub bolt_addr: String,
    /// HTTP (openCypher, Gremlin, `/status`).
    pub http_addr: String,
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "raft {} bolt {} http {}", self.raft_addr, self.bolt_addr, self.http_addr)
    }
}

/// One commit proposed by a leader: the graph's sequence number it takes and
/// its change set encoded as in a WAL record. `proposal` (with `origin`)
/// tells the proposing leader its own entries apart from those of an earlier
/// leader that happen to hold the same sequence number.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Commit {
    pub seq: u64,
    pub origin: NodeId,
    pub proposal: u64,
    pub changes: Vec<u8>,
}

/// What applying an entry did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Applied {
    /// The commit is now part of the state at this sequence number.
    Commit(u64),
    /// The commit was built on a state other than the committed one (a
    /// leader that had not yet applied everything before it); every member
    /// skips it alike and the proposer discards it.
    Rejected { expected_seq: u64 },
    /// A blank or membership entry.
    Other,
}

openraft::declare_raft_types!(
    /// The Raft types of a Plexus cluster.
    pub TypeConfig:
        D = Commit,
        R = Applied,
        NodeId = NodeId,
        Node = Member,
);

pub type Raft = openraft::Raft<TypeConfig>;
pub type Entry = openraft::Entry<TypeConfig>;
pub type LogId = openraft::LogId<NodeId>;
pub type Vote = openraft::Vote<NodeId>;
pub type StorageError = openraft::StorageError<NodeId>;
pub type StoredMembership = openraft::StoredMembership<NodeId, Member>;
pub type SnapshotMeta = openraft::SnapshotMeta<NodeId, Member>;

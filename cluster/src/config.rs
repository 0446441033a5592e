//! A member's settings.

use std::time::Duration;

use plexus_storage::GraphConfig;

use crate::types::{Member, NodeId};

#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// This member's id.
    pub id: NodeId,
    /// This member's addresses; Raft RPCs are served on `raft_addr`.
    pub member: Member,
    /// How often the leader tells followers it is alive.
    pub heartbeat: Duration,
    /// A follower that heard nothing for a random time in this range stands for election.
    pub election_timeout: (Duration, Duration),
    /// How long a write waits for a majority before it fails with `ReplicationTimeout`.
    pub commit_timeout: Duration,
    /// A snapshot (checkpoint) is built after this many log entries.
    pub snapshot_every: u64,
    /// Entries kept after a snapshot, so a briefly lagging member needs no snapshot.
    pub keep_after_snapshot: u64,
    /// A Raft log segment is closed at this size.
    pub segment_bytes: u64,
    pub graph: GraphConfig,
}

impl ClusterConfig {
    /// Defaults for a member `id` listening for Raft RPCs on `raft_addr`.
    pub fn new(id: NodeId, member: Member) -> ClusterConfig {
        ClusterConfig {
            id,
            member,
            heartbeat: Duration::from_millis(100),
            election_timeout: (Duration::from_millis(400), Duration::from_millis(800)),
            commit_timeout: Duration::from_secs(5),
            snapshot_every: 10_000,
            keep_after_snapshot: 1_000,
            segment_bytes: 64 << 20,
            graph: GraphConfig::default(),
        }
    }

    pub(crate) fn raft_config(&self) -> Result<openraft::Config, String> {
        let ms = |d: Duration| d.as_millis().max(1) as u64;
        openraft::Config {
            cluster_name: "plexus".into(),
            heartbeat_interval: ms(self.heartbeat),
            election_timeout_min: ms(self.election_timeout.0),
            election_timeout_max: ms(self.election_timeout.1),
            snapshot_policy: openraft::SnapshotPolicy::LogsSinceLast(self.snapshot_every),
            max_in_snapshot_log_to_keep: self.keep_after_snapshot,
            install_snapshot_timeout: 10_000,
            ..Default::default()
        }
        .validate()
        .map_err(|e| e.to_string())
    }
}

//! A server that is a cluster member: its `ClusterNode`, the cluster file it
//! was started with, and what the protocols ask of it (routing tables,
//! bookmark waits, status).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use plexus_cluster::{ClusterNode, ClusterStatus, NodeId, Role};
use plexus_storage::{Error, ErrorClass, Phase, Result};
use serde_json::{json, Value as Json};

use super::file::ClusterFile;
use super::seed;
use crate::db::Database;

pub struct ClusterMember {
    node: ClusterNode,
    file: ClusterFile,
}

/// Bolt addresses for each routing role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingTable {
    pub writers: Vec<String>,
    pub readers: Vec<String>,
    pub routers: Vec<String>,
}

impl ClusterMember {
    /// Starts member `id` of the cluster `file` on the data directory `dir`.
    pub fn start(file: ClusterFile, id: NodeId, dir: &Path) -> Result<Arc<ClusterMember>> {
        let config =
            file.config(id).map_err(|e| Error::new(ErrorClass::IoError, "InvalidClusterConfig", Phase::Runtime, e))?;
        let node = ClusterNode::start(config, dir)?;
        Ok(Arc::new(ClusterMember { node, file }))
    }

    pub fn node(&self) -> &ClusterNode {
        &self.node
    }

    pub fn file(&self) -> &ClusterFile {
        &self.file
    }

    /// The database served by this member: writes are refused before they
    /// start unless this member is the leader.
    pub fn database(self: &Arc<Self>) -> Database {
        let member = Arc::downgrade(self);
        Database::from_graph(self.node.graph()).with_write_gate(Arc::new(move || match member.upgrade() {
            Some(m) => m.node.check_writable(),
            None => Err(cluster_error("ClusterStopped", "this member is shut down")),
        }))
    }

    /// Starts a new cluster with the cluster file's voters. With `seed` (a
    /// data directory on this machine) this member then takes the lead and
    /// writes the seed's graph as the cluster's first commit.
    pub fn initialize(&self, seed: Option<&Path>) -> Result<()> {
        let source = seed.map(seed::read).transpose()?;
        if source.is_some() && self.node.graph().seq() != 0 {
            return Err(cluster_error(
                "InvalidSeed",
                "this member already holds data: a seed goes only into a new cluster",
            ));
        }
        self.node.initialize(self.file.voters())?;
        let Some(source) = source else { return Ok(()) };
        self.lead(Duration::from_secs(15))?;
        let seq = seed::copy(&source.snapshot(), &self.node.graph())?;
        tracing::info!(seq, nodes = source.snapshot().node_count(), "the cluster was seeded");
        Ok(())
    }

    /// Campaigns until this member leads (or the time is up).
    fn lead(&self, limit: Duration) -> Result<()> {
        let deadline = Instant::now() + limit;
        let mut next_campaign = Instant::now();
        loop {
            if self.node.check_writable().is_ok() {
                return Ok(());
            }
            let other_leads = self.node.leader().is_some_and(|(id, _)| id != self.node.id());
            if other_leads && Instant::now() >= next_campaign {
                let _ = self.node.campaign();
                next_campaign = Instant::now() + Duration::from_secs(1);
            }
            if Instant::now() >= deadline {
                return Err(cluster_error("NoLeader", "this member did not become the leader to write the seed"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Builds a snapshot (a checkpoint) now and waits until it is written.
    pub fn snapshot(&self) -> Result<()> {
        let built = self.node.status().snapshots_built;
        self.node.snapshot()?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.node.status().snapshots_built == built {
            if Instant::now() >= deadline {
                return Err(cluster_error("SnapshotFailed", "the snapshot was not written within 60 s"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }

    /// ROUTE's answer: the leader writes; the other members read (the leader
    /// too when it is alone); every member routes. Addresses are the Bolt
    /// addresses the members advertise in the cluster's membership.
    pub fn routing_table(&self) -> RoutingTable {
        let status = self.node.status();
        let bolt = |id: &NodeId| status.members.get(id).map(|m| m.bolt_addr.clone());
        let leader = status.leader.filter(|l| status.members.contains_key(l));
        let writers: Vec<String> = leader.iter().filter_map(bolt).collect();
        let mut readers: Vec<String> =
            status.members.keys().filter(|id| Some(**id) != leader).filter_map(bolt).collect();
        if readers.is_empty() {
            readers = writers.clone();
        }
        let mut routers: Vec<String> = status.members.keys().filter_map(bolt).collect();
        if routers.is_empty() {
            // Not initialized yet: at least this member itself.
            routers = self.file.member(self.node.id()).map(|m| vec![m.bolt.clone()]).unwrap_or_default();
            readers.clone_from(&routers);
        }
        RoutingTable { writers, readers, routers }
    }

    /// Waits (blocking, up to the cluster file's `bookmark_timeout_ms`)
    /// until this member has applied the newest commit the bookmarks name;
    /// bookmarks that are not Plexus's are ignored. Past the limit it fails
    /// with the transient `BookmarkTimeout`.
    pub fn wait_for_bookmarks<'a>(&self, bookmarks: impl IntoIterator<Item = &'a str>) -> Result<()> {
        match bookmarks.into_iter().filter_map(bookmark_seq).max() {
            Some(seq) => self.wait_for_seq(seq),
            None => Ok(()),
        }
    }

    /// Waits (blocking) until this member has applied commit `seq`.
    pub fn wait_for_seq(&self, seq: u64) -> Result<()> {
        self.node.wait_for_seq(seq, self.file.bookmark_timeout())
    }

    pub fn status(&self) -> ClusterStatus {
        self.node.status()
    }

    /// `/status` and `plexus cluster status`: role, term, leader, positions, members.
    pub fn status_json(&self) -> Json {
        status_json(&self.node.status())
    }
}

fn cluster_error(detail: &'static str, message: &str) -> Error {
    Error::new(ErrorClass::TransactionError, detail, Phase::Runtime, message)
}

impl Drop for ClusterMember {
    /// Stopping a member blocks on its own runtime, which must not happen on
    /// a thread that drives async tasks (the last reference may go there).
    fn drop(&mut self) {
        let node = &self.node;
        std::thread::scope(|s| {
            s.spawn(|| node.shutdown());
        });
    }
}

/// The commit sequence of a `plexus:<seq>` bookmark.
pub fn bookmark_seq(bookmark: &str) -> Option<u64> {
    bookmark.strip_prefix("plexus:")?.parse().ok()
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Leader => "leader",
        Role::Follower => "follower",
        Role::Candidate => "candidate",
        Role::Learner => "replica",
        Role::Shutdown => "shutdown",
    }
}

pub fn status_json(s: &ClusterStatus) -> Json {
    let members: Vec<Json> = s
        .members
        .iter()
        .map(|(id, m)| {
            json!({
                "id": id,
                "voter": s.voters.contains(id),
                "raft": m.raft_addr,
                "bolt": m.bolt_addr,
                "http": m.http_addr,
                "lag": s.lag.get(id),
            })
        })
        .collect();
    json!({
        "id": s.id,
        "role": s.role.access(),
        "raftRole": role_name(s.role),
        "term": s.term,
        "leader": s.leader,
        "commitSequence": s.committed_seq,
        "appliedSequence": s.visible_seq,
        "lastLogIndex": s.last_log_index,
        "appliedLogIndex": s.applied_index,
        "members": members,
        "elections": s.elections,
        "leaderChanges": s.leader_changes,
        "snapshotsBuilt": s.snapshots_built,
        "snapshotsInstalled": s.snapshots_installed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plexus_bookmarks_count() {
        assert_eq!(bookmark_seq("plexus:42"), Some(42));
        assert_eq!(bookmark_seq("FB:kcwQ"), None);
        assert_eq!(bookmark_seq("plexus:x"), None);
    }
}

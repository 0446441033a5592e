//! The cluster file of `plexus serve --cluster FILE`: every member's id and
//! addresses, which of them vote, and optional Raft timings. Every member
//! reads the same file.
//!
//! ```toml
//! election_timeout_ms = [400, 800]   # optional; these are the defaults
//! heartbeat_ms = 100
//! commit_timeout_ms = 5000
//! snapshot_every = 10000
//! keep_after_snapshot = 1000
//! bookmark_timeout_ms = 10000
//!
//! [[member]]
//! id = 1
//! raft = "10.0.0.1:7100"   # Raft between members
//! bolt = "10.0.0.1:7687"   # what ROUTE advertises; the member listens on its port
//! http = "10.0.0.1:8182"
//!
//! [[member]]
//! id = 4
//! raft = "10.0.0.4:7100"
//! bolt = "10.0.0.4:7687"
//! http = "10.0.0.4:8182"
//! voter = false            # a read replica (`plexus cluster add-replica 4`)
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use plexus_cluster::{ClusterConfig, Member, NodeId};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterFile {
    #[serde(default, rename = "member")]
    pub members: Vec<FileMember>,
    /// `[min, max]`: a follower that hears nothing from the leader for a
    /// random time in this range stands for election.
    pub election_timeout_ms: Option<[u64; 2]>,
    pub heartbeat_ms: Option<u64>,
    /// How long a write waits for a majority before it fails (transiently).
    pub commit_timeout_ms: Option<u64>,
    /// A snapshot (checkpoint) after this many log entries.
    pub snapshot_every: Option<u64>,
    /// Log entries kept after a snapshot (a member lagging further gets the snapshot).
    pub keep_after_snapshot: Option<u64>,
    /// How long a read with a bookmark waits for its commit (default 10 s).
    pub bookmark_timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileMember {
    pub id: NodeId,
    pub raft: String,
    pub bolt: String,
    pub http: String,
    /// `false`: a read replica, which never votes.
    #[serde(default = "voter_by_default")]
    pub voter: bool,
}

fn voter_by_default() -> bool {
    true
}

impl FileMember {
    pub fn member(&self) -> Member {
        Member { raft_addr: self.raft.clone(), bolt_addr: self.bolt.clone(), http_addr: self.http.clone() }
    }
}

impl ClusterFile {
    pub fn read(path: &Path) -> Result<ClusterFile, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        ClusterFile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<ClusterFile, String> {
        let file: ClusterFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut ids = BTreeSet::new();
        for m in &file.members {
            if !ids.insert(m.id) {
                return Err(format!("member {} is named twice", m.id));
            }
            for (name, addr) in [("raft", &m.raft), ("bolt", &m.bolt), ("http", &m.http)] {
                if !addr.contains(':') {
                    return Err(format!("member {}: `{name}` must be host:port, got `{addr}`", m.id));
                }
            }
        }
        if !file.members.iter().any(|m| m.voter) {
            return Err("the cluster needs at least one voting member (`[[member]]` without `voter = false`)".into());
        }
        if let Some([min, max]) = file.election_timeout_ms {
            if min == 0 || min >= max {
                return Err(format!("election_timeout_ms must be [min, max] with 0 < min < max, got [{min}, {max}]"));
            }
        }
        Ok(file)
    }

    /// How long a read with a bookmark waits for its commit.
    pub fn bookmark_timeout(&self) -> Duration {
        Duration::from_millis(self.bookmark_timeout_ms.unwrap_or(10_000))
    }

    pub fn member(&self, id: NodeId) -> Option<&FileMember> {
        self.members.iter().find(|m| m.id == id)
    }

    /// The voters `plexus cluster init` starts the cluster with.
    pub fn voters(&self) -> BTreeMap<NodeId, Member> {
        self.members.iter().filter(|m| m.voter).map(|m| (m.id, m.member())).collect()
    }

    /// Member `id`'s settings, with the file's timings.
    pub fn config(&self, id: NodeId) -> Result<ClusterConfig, String> {
        let me = self.member(id).ok_or_else(|| format!("member {id} is not in the cluster file"))?;
        let mut config = ClusterConfig::new(id, me.member());
        if let Some([min, max]) = self.election_timeout_ms {
            config.election_timeout = (Duration::from_millis(min), Duration::from_millis(max));
        }
        if let Some(ms) = self.heartbeat_ms {
            config.heartbeat = Duration::from_millis(ms.max(1));
        }
        if let Some(ms) = self.commit_timeout_ms {
            config.commit_timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(n) = self.snapshot_every {
            config.snapshot_every = n.max(1);
        }
        if let Some(n) = self.keep_after_snapshot {
            config.keep_after_snapshot = n;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
        election_timeout_ms = [300, 600]
        [[member]]
        id = 1
        raft = "127.0.0.1:7001"
        bolt = "127.0.0.1:7687"
        http = "127.0.0.1:8182"
        [[member]]
        id = 2
        raft = "127.0.0.1:7002"
        bolt = "127.0.0.1:7688"
        http = "127.0.0.1:8183"
        voter = false
    "#;

    #[test]
    fn members_voters_and_timings() {
        let file = ClusterFile::parse(FILE).expect("parse");
        assert_eq!(file.voters().keys().copied().collect::<Vec<_>>(), vec![1]);
        let config = file.config(2).expect("member 2");
        assert_eq!(config.member.bolt_addr, "127.0.0.1:7688");
        assert_eq!(config.election_timeout, (Duration::from_millis(300), Duration::from_millis(600)));
        assert!(file.config(3).is_err());
    }

    #[test]
    fn bad_files_say_why() {
        let cases = [
            (FILE.replace("id = 2", "id = 1"), "named twice"),
            (FILE.replace("[300, 600]", "[600, 300]"), "election_timeout_ms"),
            (FILE.replace("\"127.0.0.1:7001\"", "\"nowhere\""), "host:port"),
            (FILE.replace("bolt = \"127.0.0.1:7687\"", "bolt = \"127.0.0.1:7687\"\nvotes = 1"), "unknown field"),
            ("".to_string(), "at least one voting member"),
        ];
        for (text, wanted) in cases {
            let e = ClusterFile::parse(&text).expect_err(wanted);
            assert!(e.contains(wanted), "{e}");
        }
    }
}

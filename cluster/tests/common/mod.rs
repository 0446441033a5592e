//! A cluster of members in one process, each with its own data directory
//! and loopback ports, stopped and restarted at will.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use plexus_cluster::{ClusterConfig, ClusterNode, Member, NodeId};
use plexus_storage::{Graph, Result, Value};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn member() -> Member {
    Member {
        raft_addr: format!("127.0.0.1:{}", free_port()),
        bolt_addr: format!("127.0.0.1:{}", free_port()),
        http_addr: format!("127.0.0.1:{}", free_port()),
    }
}

pub struct Cluster {
    pub root: tempfile::TempDir,
    pub members: BTreeMap<NodeId, Member>,
    pub nodes: BTreeMap<NodeId, Option<ClusterNode>>,
    pub tune: fn(&mut ClusterConfig),
}

fn fast(config: &mut ClusterConfig) {
    config.heartbeat = Duration::from_millis(50);
    config.election_timeout = (Duration::from_millis(300), Duration::from_millis(600));
    config.commit_timeout = Duration::from_secs(2);
}

impl Cluster {
    /// `voters` members started and initialized as one cluster with a leader.
    pub fn start(voters: u64) -> Cluster {
        Cluster::start_tuned(voters, |_| {})
    }

    pub fn start_tuned(voters: u64, tune: fn(&mut ClusterConfig)) -> Cluster {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let mut cluster =
            Cluster { root: tempfile::tempdir().unwrap(), members: BTreeMap::new(), nodes: BTreeMap::new(), tune };
        for id in 1..=voters {
            cluster.members.insert(id, member());
            cluster.restart(id);
        }
        cluster.node(1).initialize(cluster.members.clone()).unwrap();
        cluster.leader(Duration::from_secs(10));
        cluster
    }

    pub fn dir(&self, id: NodeId) -> PathBuf {
        self.root.path().join(format!("member-{id}"))
    }

    pub fn config(&self, id: NodeId) -> ClusterConfig {
        let mut config = ClusterConfig::new(id, self.members[&id].clone());
        fast(&mut config);
        (self.tune)(&mut config);
        config
    }

    /// Starts (or restarts) member `id` on its directory and ports.
    pub fn restart(&mut self, id: NodeId) {
        self.members.entry(id).or_insert_with(member);
        let node = ClusterNode::start(self.config(id), &self.dir(id)).unwrap();
        self.nodes.insert(id, Some(node));
    }

    pub fn stop(&mut self, id: NodeId) {
        if let Some(Some(node)) = self.nodes.insert(id, None) {
            node.shutdown();
        }
    }

    pub fn node(&self, id: NodeId) -> &ClusterNode {
        self.nodes[&id].as_ref().expect("member is running")
    }

    pub fn running(&self) -> Vec<NodeId> {
        self.nodes.iter().filter(|(_, n)| n.is_some()).map(|(id, _)| *id).collect()
    }

    /// The leader that takes writes, as the running members see it.
    pub fn leader(&self, timeout: Duration) -> NodeId {
        let deadline = Instant::now() + timeout;
        loop {
            for id in self.running() {
                let node = self.node(id);
                if node.status().leader == Some(id) && node.wait_for_leader(Duration::ZERO).is_ok() {
                    return id;
                }
            }
            assert!(Instant::now() < deadline, "no leader within {timeout:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until every running member has applied `seq`, then checks they all hold the same values.
    pub fn converged(&self, seq: u64) -> BTreeSet<i64> {
        let mut seen: Option<BTreeSet<i64>> = None;
        for id in self.running() {
            let node = self.node(id);
            node.wait_for_seq(seq, Duration::from_secs(15)).unwrap_or_else(|e| panic!("member {id}: {e}"));
            let values = values(&node.graph());
            if let Some(first) = &seen {
                assert_eq!(first, &values, "member {id} diverges");
            }
            seen = Some(values);
        }
        seen.unwrap_or_default()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for id in self.running() {
            self.stop(id);
        }
    }
}

/// Commits one node `W {i: i}`.
pub fn write(graph: &Graph, i: i64) -> Result<u64> {
    let mut txn = graph.begin_write()?;
    txn.create_node(&["W".to_string()], vec![("i".into(), Value::Integer(i))])?;
    txn.commit()
}

/// The `i` of every node readers see.
pub fn values(graph: &Graph) -> BTreeSet<i64> {
    let snapshot = graph.snapshot();
    let Some(key) = snapshot.key_id("i") else { return BTreeSet::new() };
    (0..snapshot.node_capacity())
        .filter(|id| snapshot.node_exists(*id))
        .filter_map(|id| match snapshot.node_property(id, key) {
            Value::Integer(i) => Some(i),
            _ => None,
        })
        .collect()
}

//! Write throughput of a 3-voter cluster against a single durable store in
//! the same run (printed; run with `--nocapture` to see the figures). It
//! asserts that every acknowledged write is on every member.

mod common;

use std::time::{Duration, Instant};

use common::{values, write, Cluster};
use plexus_storage::durable::{DurableOptions, DurableStore};
use plexus_storage::Graph;

const WRITERS: i64 = 4;
const PER_WRITER: i64 = 150;

/// Commits from `WRITERS` threads; returns commits per second.
fn load(graph: &Graph) -> f64 {
    let started = Instant::now();
    let threads: Vec<_> = (0..WRITERS)
        .map(|w| {
            let graph = graph.clone();
            std::thread::spawn(move || {
                for i in 0..PER_WRITER {
                    write(&graph, w * PER_WRITER + i).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    (WRITERS * PER_WRITER) as f64 / started.elapsed().as_secs_f64()
}

#[test]
fn three_voters_against_a_single_node() {
    let dir = tempfile::tempdir().unwrap();
    let store = DurableStore::open(dir.path(), DurableOptions { background: false, ..Default::default() }).unwrap();
    let single = load(store.graph());
    assert_eq!(values(store.graph()).len() as i64, WRITERS * PER_WRITER);

    let cluster = Cluster::start(3);
    let leader = cluster.leader(Duration::from_secs(10));
    let replicated = load(&cluster.node(leader).graph());
    let all = cluster.converged((WRITERS * PER_WRITER) as u64);
    assert_eq!(all, (0..WRITERS * PER_WRITER).collect());
    eprintln!(
        "throughput ({WRITERS} writers, one node per commit): single node (WAL, fsync per group) {single:.0} commits/s, \
         3 voters on loopback {replicated:.0} commits/s"
    );
}

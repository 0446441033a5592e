//! A Jepsen-style run inside one process: three voters and a read replica,
//! several writers recording every acknowledged write, while the leader is
//! stopped and restarted and a follower is cut off and reconnected, a few
//! times over. Afterwards every acknowledged write must be on every member
//! and no member may diverge. (The process-level run with SIGKILL and
//! SIGSTOP belongs with `plexus serve --cluster`.)

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{write, Cluster};
use plexus_storage::Graph;

#[test]
fn repeated_leader_loss_and_partitions_lose_no_acknowledged_write() {
    let mut cluster = Cluster::start(3);
    cluster.restart(4);
    let leader = cluster.leader(Duration::from_secs(10));
    cluster.node(leader).add_learner(4, cluster.members[&4].clone()).unwrap();

    // Writers try the members' graphs in turn: followers refuse at once, so they find the leader.
    let graphs: Arc<Mutex<Vec<Graph>>> =
        Arc::new(Mutex::new(cluster.running().iter().map(|id| cluster.node(*id).graph()).collect()));
    let acknowledged = Arc::new(Mutex::new(Vec::<(i64, Instant)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicI64::new(0));
    let writers: Vec<_> = (0..3)
        .map(|_| {
            let (graphs, acknowledged, stop, next) = (graphs.clone(), acknowledged.clone(), stop.clone(), next.clone());
            std::thread::spawn(move || {
                let mut at = 0;
                while !stop.load(Ordering::Relaxed) {
                    let graph = {
                        let graphs = graphs.lock().unwrap();
                        graphs[at % graphs.len()].clone()
                    };
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    match write(&graph, i) {
                        Ok(_) => acknowledged.lock().unwrap().push((i, Instant::now())),
                        Err(_) => {
                            at += 1;
                            std::thread::sleep(Duration::from_millis(2));
                        }
                    }
                }
            })
        })
        .collect();

    let mut failovers = Vec::new();
    for round in 0..4 {
        std::thread::sleep(Duration::from_millis(400));
        let leader = cluster.leader(Duration::from_secs(15));
        if round % 2 == 0 {
            let killed = Instant::now();
            cluster.stop(leader);
            // The first write acknowledged after the loss is on the new leader.
            let deadline = killed + Duration::from_secs(15);
            let recovered = loop {
                let acked = acknowledged.lock().unwrap().iter().rev().find(|(_, t)| *t > killed).map(|(_, t)| *t);
                if let Some(t) = acked {
                    break t - killed;
                }
                assert!(Instant::now() < deadline, "no write acknowledged after stopping leader {leader}");
                std::thread::sleep(Duration::from_millis(5));
            };
            failovers.push(recovered);
            cluster.restart(leader);
        } else {
            let follower = cluster.running().into_iter().find(|id| *id != leader && *id != 4).unwrap();
            cluster.node(follower).isolate(true);
            std::thread::sleep(Duration::from_millis(600));
            cluster.node(follower).isolate(false);
        }
        *graphs.lock().unwrap() = cluster.running().iter().map(|id| cluster.node(*id).graph()).collect();
    }
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }

    let leader = cluster.leader(Duration::from_secs(15));
    let seq = cluster.node(leader).graph().seq();
    let values = cluster.converged(seq);
    let acknowledged: BTreeSet<i64> = acknowledged.lock().unwrap().iter().map(|(i, _)| *i).collect();
    let lost: Vec<_> = acknowledged.difference(&values).collect();
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    assert!(acknowledged.len() > 100, "only {} writes acknowledged", acknowledged.len());
    eprintln!(
        "failures: {} writes acknowledged, {} present on all 4 members; leader loss to first acknowledged write: {:?}",
        acknowledged.len(),
        values.len(),
        failovers.iter().map(|d| d.as_millis()).collect::<Vec<_>>()
    );
}

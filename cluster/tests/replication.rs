//! A cluster of three voters on loopback, with real on-disk stores: election,
//! replication, majority acknowledgement, failover, catch-up.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{write, Cluster};
use plexus_cluster::Role;

#[test]
fn three_voters_elect_a_leader_and_replicate_writes() {
    let cluster = Cluster::start(3);
    let leader = cluster.leader(Duration::from_secs(10));
    assert_eq!(cluster.node(leader).role(), Role::Leader);
    let graph = cluster.node(leader).graph();
    let mut seq = 0;
    for i in 0..50 {
        seq = write(&graph, i).unwrap();
    }
    assert_eq!(seq, 50);
    assert_eq!(cluster.converged(seq), (0..50).collect());
    for id in cluster.running().into_iter().filter(|id| *id != leader) {
        let node = cluster.node(id);
        assert_eq!(node.role(), Role::Follower);
        assert_eq!(node.leader().map(|(l, _)| l), Some(leader));
        // A write on a follower is refused, never applied locally.
        assert_eq!(node.check_writable().unwrap_err().detail, "NotALeader");
        let e = write(&node.graph(), 999).unwrap_err();
        assert_eq!(e.detail, "NotALeader", "{e}");
        assert!(e.message.contains(&format!("member {leader}")), "{}", e.message);
        assert_eq!(node.graph().seq(), 50);
        assert!(node.graph().failure().is_none());
    }
    let status = cluster.node(leader).status();
    assert_eq!((status.committed_seq, status.visible_seq, status.voters.len()), (50, 50, 3));
    assert_eq!(status.role.access(), "writer");
    cluster.node(leader).check_writable().unwrap();
}

#[test]
fn a_write_is_acknowledged_only_by_a_majority() {
    let mut cluster = Cluster::start(3);
    let leader = cluster.leader(Duration::from_secs(10));
    let graph = cluster.node(leader).graph();
    write(&graph, 1).unwrap();
    let followers: Vec<_> = cluster.running().into_iter().filter(|id| *id != leader).collect();
    for id in &followers {
        cluster.stop(*id);
    }
    let started = Instant::now();
    let e = write(&graph, 2).unwrap_err();
    assert!(["ReplicationTimeout", "NotALeader", "NotCommitted"].contains(&e.detail), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Readers on the lone leader never saw the unacknowledged write.
    assert_eq!(common::values(&graph), BTreeSet::from([1]));
    assert!(graph.failure().is_none());
    // With a majority back the cluster goes on; the unacknowledged write may or may not be there.
    cluster.restart(followers[0]);
    let leader = cluster.leader(Duration::from_secs(15));
    let seq = retry_write(&cluster, leader, 3);
    let values = cluster.converged(seq);
    assert!(values.contains(&1) && values.contains(&3), "{values:?}");
}

/// Writes `i` through `leader`, retrying while a new leader settles.
fn retry_write(cluster: &Cluster, leader: u64, i: i64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut leader = leader;
    loop {
        match write(&cluster.node(leader).graph(), i) {
            Ok(seq) => return seq,
            Err(e) => {
                assert!(Instant::now() < deadline, "write {i} never acknowledged: {e}");
                std::thread::sleep(Duration::from_millis(20));
                leader = cluster.leader(Duration::from_secs(15));
            }
        }
    }
}

#[test]
fn leader_loss_elects_a_new_leader_and_loses_no_acknowledged_write() {
    let mut cluster = Cluster::start(3);
    let old = cluster.leader(Duration::from_secs(10));
    let graph = cluster.node(old).graph();
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    // Concurrent writers on the leader until it goes away.
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let (graph, acknowledged, stop) = (graph.clone(), acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = w * 1_000_000;
                while !stop.load(Ordering::Relaxed) {
                    if write(&graph, i).is_ok() {
                        acknowledged.lock().unwrap().insert(i);
                    }
                    i += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let killed = Instant::now();
    cluster.stop(old);
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let new = cluster.leader(Duration::from_secs(10));
    let elected = killed.elapsed();
    assert_ne!(new, old);
    let seq = retry_write(&cluster, new, -1);
    let first_write = killed.elapsed();
    eprintln!(
        "failover: leader {old} stopped; leader {new} elected after {} ms, first acknowledged write after {} ms",
        elected.as_millis(),
        first_write.as_millis()
    );
    assert!(first_write < Duration::from_secs(5), "{first_write:?}");
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 10, "only {} writes before the stop", acknowledged.len());
    let values = cluster.converged(seq);
    let lost: Vec<_> = acknowledged.difference(&values).collect();
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    // The old leader comes back as a follower and catches up (its own disk, then the leader).
    cluster.restart(old);
    let seq = retry_write(&cluster, cluster.leader(Duration::from_secs(10)), -2);
    let after = cluster.converged(seq);
    assert!(acknowledged.is_subset(&after));
    assert_eq!(cluster.node(old).graph().failure().map(|e| e.message), None);
}

#[test]
fn a_late_learner_catches_up_from_a_snapshot_and_the_log() {
    let mut cluster = Cluster::start_tuned(3, |c| {
        c.snapshot_every = 20;
        c.keep_after_snapshot = 5;
    });
    let leader = cluster.leader(Duration::from_secs(10));
    let graph = cluster.node(leader).graph();
    for i in 0..100 {
        write(&graph, i).unwrap();
    }
    cluster.node(leader).snapshot().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while cluster.node(leader).status().snapshots_built == 0 {
        assert!(Instant::now() < deadline, "no snapshot built");
        std::thread::sleep(Duration::from_millis(20));
    }
    for i in 100..110 {
        write(&graph, i).unwrap();
    }
    cluster.restart(4);
    cluster.node(leader).add_learner(4, cluster.members[&4].clone()).unwrap();
    let seq = write(&graph, 110).unwrap();
    assert_eq!(cluster.converged(seq), (0..=110).collect());
    let learner = cluster.node(4);
    assert_eq!(learner.role(), Role::Learner);
    assert!(learner.status().snapshots_installed >= 1, "{:?}", learner.status());
    assert_eq!(write(&learner.graph(), 999).unwrap_err().detail, "NotALeader");
    let status = cluster.node(leader).status();
    assert_eq!(status.learners, vec![4]);
    assert!(status.lag.contains_key(&4), "{status:?}");
    // Promoted to a voter, then removed again.
    cluster.node(leader).set_voters(BTreeSet::from([1, 2, 3, 4])).unwrap();
    assert_eq!(cluster.node(leader).status().voters, vec![1, 2, 3, 4]);
    assert_eq!(cluster.node(4).role(), Role::Follower);
    cluster.node(leader).remove_member(4).unwrap();
    let status = cluster.node(leader).status();
    assert_eq!((status.voters, status.learners), (vec![1, 2, 3], vec![]));
    assert!(!status.members.contains_key(&4));
}

#[test]
fn a_restarted_member_recovers_from_its_own_disk() {
    let mut cluster = Cluster::start_tuned(3, |c| c.snapshot_every = 30);
    let leader = cluster.leader(Duration::from_secs(10));
    let graph = cluster.node(leader).graph();
    let mut seq = 0;
    for i in 0..80 {
        seq = write(&graph, i).unwrap();
    }
    cluster.converged(seq);
    for id in cluster.running() {
        cluster.stop(id);
    }
    // Alone (no leader to learn from), a member re-applies what its log says is committed.
    let follower = if leader == 1 { 2 } else { 1 };
    cluster.restart(follower);
    let alone = cluster.node(follower);
    alone.wait_for_seq(seq - 1, Duration::from_secs(10)).unwrap_or_else(|e| panic!("{e}: {:?}", alone.status()));
    assert!(common::values(&alone.graph()).len() as u64 >= seq - 1);
    for id in [1, 2, 3] {
        if id != follower {
            cluster.restart(id);
        }
    }
    let leader = cluster.leader(Duration::from_secs(15));
    let seq = retry_write(&cluster, leader, 80);
    assert_eq!(cluster.converged(seq), (0..=80).collect());
}

#[test]
fn an_isolated_leader_discards_its_unreplicated_writes_and_follows_the_new_leader() {
    let cluster = Cluster::start(3);
    let old = cluster.leader(Duration::from_secs(10));
    let old_graph = cluster.node(old).graph();
    write(&old_graph, 1).unwrap();
    cluster.converged(1);
    cluster.node(old).isolate(true);
    // The cut-off leader cannot get a majority: the write is not acknowledged.
    let e = write(&old_graph, 666).unwrap_err();
    assert!(["ReplicationTimeout", "NotALeader", "NotCommitted"].contains(&e.detail), "{e}");
    // The others elect a leader and take different writes at the same sequence numbers.
    let deadline = Instant::now() + Duration::from_secs(10);
    let new = loop {
        let others: Vec<_> = cluster.running().into_iter().filter(|id| *id != old).collect();
        if let Some(id) = others.iter().find(|id| cluster.node(**id).wait_for_leader(Duration::ZERO) == Ok(**id)) {
            break *id;
        }
        assert!(Instant::now() < deadline, "no new leader among the others");
        std::thread::sleep(Duration::from_millis(20));
    };
    for i in 2..=4 {
        write(&cluster.node(new).graph(), i).unwrap();
    }
    cluster.node(old).isolate(false);
    let seq = retry_write(&cluster, cluster.leader(Duration::from_secs(10)), 5);
    let values = cluster.converged(seq);
    assert_eq!(values, BTreeSet::from([1, 2, 3, 4, 5]));
    assert!(old_graph.failure().is_none());
    assert_ne!(cluster.node(old).role(), Role::Leader);
}

#[test]
fn a_lost_leaders_unreplicated_log_tail_is_replaced_after_restart() {
    let mut cluster = Cluster::start(3);
    let old = cluster.leader(Duration::from_secs(10));
    write(&cluster.node(old).graph(), 1).unwrap();
    cluster.converged(1);
    let others: Vec<_> = cluster.running().into_iter().filter(|id| *id != old).collect();
    // The leader logs a write no one else gets, then goes down.
    cluster.node(old).isolate(true);
    assert!(write(&cluster.node(old).graph(), 666).is_err());
    cluster.stop(old);
    let deadline = Instant::now() + Duration::from_secs(10);
    let new = loop {
        if let Some(id) = others.iter().find(|id| cluster.node(**id).wait_for_leader(Duration::ZERO) == Ok(**id)) {
            break *id;
        }
        assert!(Instant::now() < deadline, "no new leader among the others");
        std::thread::sleep(Duration::from_millis(20));
    };
    for i in 2..=3 {
        write(&cluster.node(new).graph(), i).unwrap();
    }
    // Back from its disk (with the stray entry), it must take the new leader's log instead.
    cluster.restart(old);
    let seq = retry_write(&cluster, cluster.leader(Duration::from_secs(10)), 4);
    assert_eq!(cluster.converged(seq), BTreeSet::from([1, 2, 3, 4]));
}

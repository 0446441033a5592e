//! Durability figures (`cargo bench --bench durability`): commit throughput
//! for each sync mode with one writer and with eight concurrent writers (group
//! commit), then checkpoint size and time, recovery time (checkpoint only, and
//! checkpoint plus WAL replay), snapshot and restore time, on a generated
//! graph the size of LDBC SNB SF0.1 (327K nodes, 1.5M relationships by
//! default; `PLEXUS_BENCH_NODES` scales it) with string, integer and date
//! properties.
//!
//! The data directory lives under `PLEXUS_BENCH_DIR` (default: the system
//! temp directory); fsync cost depends entirely on that disk, so the output
//! names it.

use std::path::Path;
use std::time::{Duration, Instant};

use plexus::{Database, Params, Value};
use plexus_storage::durable::checkpoint::{read_checkpoint, write_checkpoint, CheckpointMeta};
use plexus_storage::durable::{restore, DurableOptions, SyncMode, WalOptions};
use plexus_storage::value::Date;
use plexus_storage::{GraphBuilder, GraphConfig};

const REL_FACTOR: u64 = 46; // relationships per ten nodes: 327K nodes → 1.5M relationships

fn options(sync: SyncMode) -> DurableOptions {
    DurableOptions { wal: WalOptions { sync, ..WalOptions::default() }, background: false, ..Default::default() }
}

/// Commits per second running `commits` single-statement transactions from `writers` threads.
fn commit_rate(base: &Path, sync: SyncMode, writers: usize, commits: usize) -> f64 {
    let dir = base.join(format!("commits-{sync:?}-{writers}"));
    let db = Database::open(&dir, options(sync)).expect("open");
    let started = Instant::now();
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let db = db.clone();
            std::thread::spawn(move || {
                for i in 0..commits / writers {
                    let params = Params::from([("i".to_string(), Value::Integer((w * commits + i) as i64))]);
                    db.execute("CREATE (:Event {i: $i, kind: 'click'})", &params).expect("commit");
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().expect("writer"));
    let rate = commits as f64 / started.elapsed().as_secs_f64();
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
    rate
}

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn build(nodes: u64) -> plexus_storage::Graph {
    let mut b = GraphBuilder::new();
    let people = b.add_nodes(nodes, &["Person"]);
    for id in people.clone() {
        b.set_node_property(id, "firstName", Value::from(format!("name{}", id % 5000))).expect("node");
        b.set_node_property(id, "id", Value::Integer(id as i64 * 31)).expect("node");
        b.set_node_property(id, "birthday", Value::Date(Date { days: id as i64 % 20000 })).expect("node");
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let edges: Vec<(u64, u64)> = (0..nodes * REL_FACTOR / 10).map(|_| (rng.below(nodes), rng.below(nodes))).collect();
    let rels = b.add_relationships("KNOWS", &edges).expect("endpoints");
    for r in rels.step_by(3) {
        b.set_rel_property(r, "creationDate", Value::Integer(1_300_000_000 + r as i64)).expect("rel");
    }
    b.finish()
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| if e.path().is_dir() { dir_bytes(&e.path()) } else { e.metadata().map_or(0, |m| m.len()) })
                .sum()
        })
        .unwrap_or(0)
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn main() {
    let base = std::env::var("PLEXUS_BENCH_DIR").map(Into::into).unwrap_or_else(|_| std::env::temp_dir());
    let base = base.join(format!("plexus-durability-bench-{}", std::process::id()));
    std::fs::create_dir_all(&base).expect("bench directory");
    println!("data directory under {}", base.display());

    println!("\n== commit throughput (single-statement CREATE transactions)");
    println!("{:<8} {:>14} {:>20}", "sync", "1 writer", "8 writers");
    for (sync, commits) in [(SyncMode::Always, 2000), (SyncMode::Batch, 20000), (SyncMode::Off, 20000)] {
        let one = commit_rate(&base, sync, 1, commits);
        let eight = commit_rate(&base, sync, 8, commits);
        println!("{:<8} {:>10.0} /s {:>16.0} /s", format!("{sync:?}").to_lowercase(), one, eight);
    }

    let nodes: u64 = std::env::var("PLEXUS_BENCH_NODES").ok().and_then(|v| v.parse().ok()).unwrap_or(327_000);
    println!("\n== a graph of {nodes} nodes, {} relationships", nodes * REL_FACTOR / 10);
    let graph = build(nodes);
    let dir = base.join("graph");
    std::fs::create_dir_all(dir.join("checkpoints")).expect("dir");
    let started = Instant::now();
    let cp = dir.join("checkpoints").join("00000000000000000000");
    write_checkpoint(&graph.snapshot(), &cp, &CheckpointMeta::default()).expect("checkpoint");
    println!("checkpoint write      {}  ({:.1} MiB)", secs(started.elapsed()), dir_bytes(&cp) as f64 / 1048576.0);
    let started = Instant::now();
    let (g, _) = read_checkpoint(&cp, GraphConfig::default()).expect("read");
    println!("checkpoint read       {}", secs(started.elapsed()));
    drop(g);

    let started = Instant::now();
    let db = Database::open(&dir, options(SyncMode::Off)).expect("open");
    println!("recovery (checkpoint) {}", secs(started.elapsed()));
    let wal_commits = 20_000;
    for i in 0..wal_commits {
        let params = Params::from([("i".to_string(), Value::Integer(i))]);
        db.execute("MATCH (p:Person {id: $i * 31}) SET p.seen = true CREATE (:Visit {i: $i})", &params)
            .expect("commit");
    }
    let wal_bytes = db.store().map_or(0, |s| s.wal_bytes());
    // Simulate a crash: copy the files as they are, without the final checkpoint.
    let image = base.join("image");
    copy_dir(&dir, &image);
    let started = Instant::now();
    let db2 = Database::open(&image, options(SyncMode::Off)).expect("recover");
    let replayed = db2.store().map_or(0, |s| s.recovery().replayed);
    println!(
        "recovery (checkpoint + {replayed} WAL commits, {:.1} MiB) {}",
        wal_bytes as f64 / 1048576.0,
        secs(started.elapsed())
    );
    drop(db2);

    let started = Instant::now();
    let snapshot = db.store().expect("durable").create_snapshot(Some("bench")).expect("snapshot");
    println!("snapshot create       {}  ({:.1} MiB)", secs(started.elapsed()), dir_bytes(&snapshot) as f64 / 1048576.0);
    let started = Instant::now();
    restore(&snapshot, &base.join("restored"), None).expect("restore");
    println!("restore               {}", secs(started.elapsed()));
    let started = Instant::now();
    let db3 = Database::open(&base.join("restored"), options(SyncMode::Off)).expect("open restored");
    println!("open restored         {}", secs(started.elapsed()));
    let count = db3.execute("MATCH (v:Visit) RETURN count(v)", &Params::new()).and_then(|r| r.collect_rows());
    assert_eq!(count.expect("count")[0][0], Value::Integer(wal_commits));
    drop((db, db3));
    let _ = std::fs::remove_dir_all(&base);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("copy");
    for entry in std::fs::read_dir(from).expect("read").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "plexus.lock" {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

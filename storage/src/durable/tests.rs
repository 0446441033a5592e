//! Durability tests in one process: reopen, torn tails, damaged checkpoints,
//! group commit, snapshots and point-in-time restore. (The SIGKILL crash test
//! is `tests/crash.rs`, a separate process.)

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::replay::Stop;
use super::*;
use crate::graph::Graph;
use crate::test_util::dump;
use crate::value::{Date, Value};

fn options() -> DurableOptions {
    DurableOptions { background: false, graph: crate::GraphConfig { compact_threshold: 50 }, ..Default::default() }
}

/// Commit `n` small transactions of every kind of write (deterministic from `seed`).
fn workload(graph: &Graph, n: u64, seed: u64) {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move |m: u64| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) % m.max(1)
    };
    for i in 0..n {
        let mut t = graph.begin_write().unwrap();
        let snap = t.view();
        let nodes = snap.node_capacity();
        let pick = next(6);
        let (a, b) = (next(nodes.max(1)), next(nodes.max(1)));
        let alive = |id| snap.node_exists(id);
        if pick < 2 {
            let labels = vec![["A", "B", "C"][next(3) as usize].to_string()];
            let v = match next(5) {
                0 => Value::Integer(next(1000) as i64),
                1 => Value::Float(next(100) as f64 / 4.0),
                2 => Value::from(format!("s{i}")),
                3 => Value::List(vec![Value::Integer(1), Value::Integer(next(9) as i64)]),
                _ => Value::Date(Date { days: next(20000) as i64 }),
            };
            let ext = format!("e{seed}-{i}");
            t.create_node_with_external_id(Some(&ext), &labels, vec![("p".into(), v)]).unwrap();
        } else if pick == 2 && alive(a) && alive(b) {
            let w = vec![("w".into(), Value::Integer(i as i64))];
            t.create_relationship(a, b, ["R", "S"][next(2) as usize], w).unwrap();
        } else if pick == 3 && alive(a) {
            t.set_node_property(a, "q", Value::from(format!("set{i}"))).unwrap();
            t.add_label(a, "D").unwrap();
        } else if pick == 4 && alive(a) {
            t.delete_node(a, true).unwrap();
        } else {
            // Every transaction writes something, so `n` transactions are `n` commits.
            t.create_node(&[], vec![("k".into(), Value::Boolean(i % 2 == 0))]).unwrap();
        }
        t.commit().unwrap();
    }
}

/// Copies a data directory as a crash would leave it (files as they are now).
fn crash_image(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn last_segment(dir: &Path) -> std::path::PathBuf {
    wal::segment::list(&layout::wal(dir)).unwrap().last().unwrap().1.clone()
}

#[test]
fn reopen_recovers_every_commit_with_and_without_checkpoints() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let store = DurableStore::open(&dir, options()).unwrap();
    workload(store.graph(), 200, 1);
    store.checkpoint().unwrap().unwrap();
    workload(store.graph(), 100, 2);
    let expected = dump(&store.graph().snapshot());
    let seq = store.graph().seq();

    // A crash image: checkpoint at 200 plus WAL.
    let image = tmp.path().join("image");
    crash_image(&dir, &image);
    let (g, report) = recovery::recover(&image, options().graph, replay::TornTail::Truncate).unwrap();
    assert_eq!(dump(&g.snapshot()), expected);
    assert_eq!((report.seq, report.replayed), (seq, seq - 200));
    assert!(report.checkpoint.is_some());

    // A clean close checkpoints; reopening replays nothing.
    store.close().unwrap();
    drop(store);
    let store = DurableStore::open(&dir, options()).unwrap();
    assert_eq!(store.recovery().replayed, 0);
    assert_eq!(dump(&store.graph().snapshot()), expected);
    // And it keeps working.
    workload(store.graph(), 10, 3);
    assert_eq!(store.graph().seq(), seq + 10);
}

#[test]
fn a_second_process_cannot_open_the_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let store = DurableStore::open(tmp.path(), options()).unwrap();
    let e = DurableStore::open(tmp.path(), options()).err().unwrap();
    assert_eq!(e.detail, "DataDirLocked");
    drop(store);
    assert!(DurableStore::open(tmp.path(), options()).is_ok());
}

#[test]
fn torn_and_corrupt_wal_tails_are_cut_never_half_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let store = DurableStore::open(&dir, options()).unwrap();
    workload(store.graph(), 30, 4);
    let before_last = {
        let image = tmp.path().join("before");
        crash_image(&dir, &image);
        let (g, _) = recovery::recover(&image, options().graph, replay::TornTail::Truncate).unwrap();
        dump(&g.snapshot())
    };
    workload(store.graph(), 1, 5);
    let segment_len = std::fs::metadata(last_segment(&dir)).unwrap().len();
    let image = tmp.path().join("image");
    crash_image(&dir, &image);
    drop(store);
    let segment = last_segment(&image);
    let bytes = std::fs::read(&segment).unwrap();
    assert_eq!(bytes.len() as u64, segment_len);
    let record_start = {
        // The last record starts where a WAL without it would end.
        let scan = wal::segment::scan(&segment).unwrap();
        let mut buf = Vec::new();
        let last = scan.records.last().unwrap();
        wal::record::encode(last.seq, last.time_micros, &last.changes, &mut buf).unwrap();
        bytes.len() - buf.len()
    };

    // Every truncation inside the last record, and a flipped byte anywhere in it.
    let cases: Vec<(String, Vec<u8>)> = (record_start + 1..bytes.len())
        .step_by(7)
        .map(|cut| (format!("cut at {cut}"), bytes[..cut].to_vec()))
        .chain((record_start..bytes.len()).step_by(5).map(|i| {
            let mut b = bytes.clone();
            b[i] ^= 0x40;
            (format!("flip at {i}"), b)
        }))
        .collect();
    for (case, content) in cases {
        let copy = tmp.path().join("case");
        let _ = std::fs::remove_dir_all(&copy);
        crash_image(&image, &copy);
        std::fs::write(last_segment(&copy), &content).unwrap();
        let (g, report) = recovery::recover(&copy, options().graph, replay::TornTail::Truncate).unwrap();
        assert_eq!(dump(&g.snapshot()), before_last, "{case}");
        assert_eq!(report.warnings.len(), 1, "{case}: {:?}", report.warnings);
        assert_eq!(std::fs::metadata(last_segment(&copy)).unwrap().len(), record_start as u64, "{case}");
        // The cut directory opens and takes commits again.
        let store = DurableStore::open(&copy, options()).unwrap();
        workload(store.graph(), 2, 6);
    }
}

#[test]
fn damage_in_the_middle_of_the_wal_is_an_error_not_a_silent_loss() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let opts = DurableOptions { wal: WalOptions { segment_bytes: 512, ..Default::default() }, ..options() };
    let store = DurableStore::open(&dir, opts).unwrap();
    workload(store.graph(), 60, 7);
    let image = tmp.path().join("image");
    crash_image(&dir, &image);
    drop(store);
    let segments = wal::segment::list(&layout::wal(&image)).unwrap();
    assert!(segments.len() > 3, "small segments rotate");
    let victim = &segments[1].1;
    let mut bytes = std::fs::read(victim).unwrap();
    let i = bytes.len() - 3;
    bytes[i] ^= 0xff;
    std::fs::write(victim, bytes).unwrap();
    let e = recovery::recover(&image, options().graph, replay::TornTail::Truncate).err().unwrap();
    assert_eq!(e.detail, "CorruptWal", "{e}");
    assert!(e.message.contains("later segments exist"), "{e}");
}

#[test]
fn a_damaged_checkpoint_falls_back_to_the_previous_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let store = DurableStore::open(&dir, options()).unwrap();
    workload(store.graph(), 80, 8);
    store.checkpoint().unwrap();
    workload(store.graph(), 80, 9);
    store.checkpoint().unwrap();
    workload(store.graph(), 20, 10);
    let expected = dump(&store.graph().snapshot());
    let image = tmp.path().join("image");
    crash_image(&dir, &image);
    drop(store);
    let newest = layout::list_checkpoints(&image).unwrap()[0].1.clone();
    for file in ["nodes.arrow", "rels.arrow", "bitmaps.arrow", "manifest.json"] {
        let copy = tmp.path().join(format!("case-{file}"));
        crash_image(&image, &copy);
        let path = layout::list_checkpoints(&copy).unwrap()[0].1.join(file);
        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x10;
        std::fs::write(&path, &bytes).unwrap();
        let (g, report) = recovery::recover(&copy, options().graph, replay::TornTail::Truncate).unwrap();
        assert_eq!(dump(&g.snapshot()), expected, "{file}");
        assert!(report.warnings.iter().any(|w| w.contains("cannot be used")), "{file}: {:?}", report.warnings);
        assert_ne!(report.checkpoint.unwrap().0.file_name(), newest.file_name(), "{file}");
    }
    // A truncated checkpoint file too.
    let copy = tmp.path().join("case-truncated");
    crash_image(&image, &copy);
    let path = layout::list_checkpoints(&copy).unwrap()[0].1.join("rels.arrow");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
    let (g, _) = recovery::recover(&copy, options().graph, replay::TornTail::Truncate).unwrap();
    assert_eq!(dump(&g.snapshot()), expected);
    // With the archive gone and every checkpoint damaged, the error is clear.
    let copy = tmp.path().join("case-all");
    crash_image(&image, &copy);
    std::fs::remove_dir_all(layout::archive(&copy)).unwrap();
    for (_, cp) in layout::list_checkpoints(&copy).unwrap() {
        std::fs::write(cp.join("nodes.arrow"), b"garbage").unwrap();
    }
    let e = recovery::recover(&copy, options().graph, replay::TornTail::Truncate).err().unwrap();
    assert_eq!(e.detail, "NoUsableCheckpoint", "{e}");
}

#[test]
fn checkpoints_round_trip_every_value_type_and_deleted_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let store = DurableStore::open(&dir, options()).unwrap();
    // Enough nodes to span several batches and chunks.
    let mut t = store.graph().begin_write().unwrap();
    for i in 0..70_000i64 {
        let mut props = vec![("i".to_string(), Value::Integer(i))];
        if i % 3 == 0 {
            props.push(("mixed".into(), if i % 2 == 0 { Value::from("x") } else { Value::Float(0.5) }));
        }
        t.create_node(&["N".to_string()], props).unwrap();
    }
    t.commit().unwrap();
    workload(store.graph(), 300, 11);
    let expected = dump(&store.graph().snapshot());
    store.checkpoint().unwrap().unwrap();
    let (g, manifest) =
        checkpoint::read_checkpoint(&layout::list_checkpoints(&dir).unwrap()[0].1, options().graph).unwrap();
    assert_eq!(manifest.seq, store.graph().seq());
    assert_eq!(dump(&g.snapshot()), expected);
    assert_eq!(
        g.snapshot().node_by_external_id("e11-0").is_some(),
        expected.nodes.values().any(|n| n.2.as_deref() == Some("e11-0"))
    );
}

#[test]
fn group_commit_serves_concurrent_writers() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Arc::new(DurableStore::open(tmp.path(), options()).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|w| {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut seqs = Vec::new();
                for i in 0..25 {
                    let mut t = store.graph().begin_write().unwrap();
                    t.create_node(
                        &["W".to_string()],
                        vec![("w".into(), Value::Integer(w)), ("i".into(), Value::Integer(i))],
                    )
                    .unwrap();
                    let seq = t.commit().unwrap();
                    // Acknowledged means visible to this writer's next read.
                    assert!(store.graph().seq() >= seq);
                    seqs.push(seq);
                }
                seqs
            })
        })
        .collect();
    let mut all: Vec<u64> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    all.sort();
    assert_eq!(all, (1..=200).collect::<Vec<_>>());
    let image = tmp.path().join("image");
    crash_image(tmp.path(), &image);
    let (g, _) = recovery::recover(&image, options().graph, replay::TornTail::Truncate).unwrap();
    assert_eq!(g.snapshot().node_count(), 200);
}

#[test]
fn snapshots_restore_exactly_and_roll_forward_to_a_sequence_or_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let opts = DurableOptions { wal: WalOptions { segment_bytes: 2048, ..Default::default() }, ..options() };
    let store = DurableStore::open(&dir, opts).unwrap();
    workload(store.graph(), 50, 12);
    let at_snapshot = dump(&store.graph().snapshot());
    let snapshot = store.create_snapshot(Some("first")).unwrap();
    assert!(store.create_snapshot(Some("first")).is_err(), "names are unique");
    workload(store.graph(), 40, 13);
    let at_90 = dump(&store.graph().snapshot());
    // A checkpoint in between releases segments to the archive; restore must still find them.
    store.checkpoint().unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let mid_time = fsutil::now_micros();
    std::thread::sleep(Duration::from_millis(5));
    workload(store.graph(), 30, 14);
    let at_end = dump(&store.graph().snapshot());
    assert!(!wal::segment::list(&layout::archive(&dir)).unwrap().is_empty());

    let restored = |name: &str, stop: Option<Stop>| {
        let to = tmp.path().join(name);
        let report = restore(&snapshot, &to, stop).unwrap();
        let store = DurableStore::open(&to, options()).unwrap();
        (report, dump(&store.graph().snapshot()))
    };
    let (report, d) = restored("r-snap", None);
    assert_eq!((report.seq, &d), (50, &at_snapshot));
    let (report, d) = restored("r-90", Some(Stop::Seq(90)));
    assert_eq!((report.seq, &d), (90, &at_90));
    let (report, d) = restored("r-time", Some(Stop::Time(mid_time)));
    assert_eq!((report.seq, &d), (90, &at_90));
    let (report, d) = restored("r-end", Some(Stop::End));
    assert_eq!((report.seq, &d), (120, &at_end));

    let e = restore(&snapshot, &tmp.path().join("r-bad"), Some(Stop::Seq(10))).err().unwrap();
    assert_eq!(e.detail, "BeforeSnapshot");
    let e = restore(&snapshot, &tmp.path().join("r-far"), Some(Stop::Seq(1000))).err().unwrap();
    assert_eq!(e.detail, "WalEndsEarly");
    let e = restore(&snapshot, &tmp.path().join("r-snap"), None).err().unwrap();
    assert_eq!(e.detail, "TargetNotEmpty");
    let names: Vec<String> = list_snapshots(&dir).unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, vec!["first".to_string()]);
}

#[test]
fn a_snapshot_of_a_directory_in_use_reads_without_changing_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let store = DurableStore::open(&dir, options()).unwrap();
    workload(store.graph(), 40, 15);
    let expected = dump(&store.graph().snapshot());
    let path = snapshot_data_dir(&dir, Some("offline")).unwrap();
    let (g, manifest) = checkpoint::read_checkpoint(&path, options().graph).unwrap();
    assert_eq!(manifest.seq, 40);
    assert_eq!(dump(&g.snapshot()), expected);
    drop(store);
    // Free directories are opened (and closed with a checkpoint).
    let path = snapshot_data_dir(&dir, None).unwrap();
    assert!(path.starts_with(std::fs::canonicalize(layout::snapshots(&dir)).unwrap()));
    assert!(snapshot_data_dir(&tmp.path().join("nothing"), None).is_err());
}

#[test]
fn readers_never_see_a_commit_before_it_is_durable() {
    struct SlowLog {
        inner: wal::Wal,
        visible_before_durable: std::sync::atomic::AtomicBool,
        graph: std::sync::OnceLock<Graph>,
    }
    impl crate::graph::CommitLog for SlowLog {
        fn append(&self, seq: u64, changes: &crate::ChangeSet) -> crate::Result<()> {
            self.inner.append(seq, changes)
        }
        fn wait_durable(&self, seq: u64) -> crate::Result<()> {
            std::thread::sleep(Duration::from_millis(2));
            if self.graph.get().is_some_and(|g| g.seq() >= seq) {
                self.visible_before_durable.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            self.inner.wait_durable(seq)
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let log = Arc::new(SlowLog {
        inner: wal::Wal::open(tmp.path(), WalOptions::default(), 0).unwrap(),
        visible_before_durable: Default::default(),
        graph: Default::default(),
    });
    let graph = Graph::new();
    let _ = log.graph.set(graph.clone());
    graph.attach_log(log.clone());
    workload(&graph, 20, 16);
    assert_eq!(graph.seq(), 20);
    assert!(!log.visible_before_durable.load(std::sync::atomic::Ordering::SeqCst));
}

#[test]
fn an_imported_graph_becomes_the_first_state_of_a_new_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let built = Graph::new();
    workload(&built, 30, 17);
    let expected = dump(&built.snapshot());
    let dir = tmp.path().join("db");
    assert_eq!(install_graph(&dir, &built).unwrap(), 30);
    let store = DurableStore::open(&dir, options()).unwrap();
    assert_eq!(dump(&store.graph().snapshot()), expected);
    workload(store.graph(), 5, 18);
    drop(store);
    let e = install_graph(&dir, &built).err().unwrap();
    assert_eq!(e.detail, "TargetNotEmpty");
    let bulk = crate::GraphBuilder::new().finish();
    assert_eq!(install_graph(&tmp.path().join("empty"), &bulk).unwrap(), 1);
}

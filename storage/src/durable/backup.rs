//! Snapshots and restore: a snapshot is a checkpoint written to a named
//! place; restore opens one into a new data directory, optionally rolled
//! forward through the source's archived WAL to a sequence number or time.

use std::path::{Path, PathBuf};

use crate::durable::checkpoint::{read_checkpoint, write_checkpoint, CheckpointMeta, Manifest};
use crate::durable::fsutil::create_dir;
use crate::durable::layout;
use crate::durable::recovery::recover;
use crate::durable::replay::{replay, segments, Stop, TornTail};
use crate::durable::store::{is_locked, write_snapshot, DurableOptions, DurableStore};
use crate::error::{Error, Result};
use crate::graph::GraphConfig;

/// A snapshot found in a data directory.
#[derive(Debug, Clone)]
pub struct SnapshotInfo {
    pub name: String,
    pub path: PathBuf,
    pub manifest: Manifest,
    /// Bytes of its files.
    pub bytes: u64,
}

/// Snapshots under `dir/snapshots`, oldest first; damaged ones are skipped with a warning.
pub fn list_snapshots(dir: &Path) -> Result<Vec<SnapshotInfo>> {
    let root = layout::snapshots(dir);
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::os("list", &root, e)),
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        match Manifest::read(&entry.path()) {
            Ok(manifest) => {
                let bytes = manifest.files.iter().map(|f| f.bytes).sum();
                let path = std::fs::canonicalize(entry.path()).unwrap_or_else(|_| entry.path());
                out.push(SnapshotInfo { name, path, manifest, bytes });
            }
            Err(e) => tracing::warn!("skipping snapshot {name}: {e}"),
        }
    }
    out.sort_by_key(|s| (s.manifest.created_micros, s.manifest.seq));
    Ok(out)
}

/// Writes a snapshot of the data directory `dir` without a running store:
/// opens it if free, else reads its checkpoint and WAL without changing
/// anything (a server may own it), and snapshots what has been committed.
pub fn snapshot_data_dir(dir: &Path, name: Option<&str>) -> Result<PathBuf> {
    if !layout::wal(dir).exists() && !layout::checkpoints(dir).exists() {
        return Err(Error::io("NotADataDir", format!("{} is not a Plexus data directory", dir.display())));
    }
    if is_locked(dir) {
        let (graph, report) = recover(dir, GraphConfig::default(), TornTail::Ignore)?;
        return write_snapshot(dir, &graph.snapshot(), report.seq_time_micros, name);
    }
    let store = DurableStore::open(dir, DurableOptions { background: false, ..DurableOptions::default() })?;
    let path = store.create_snapshot(name)?;
    store.close()?;
    Ok(path)
}

/// What a restore produced.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    /// Sequence number of the snapshot.
    pub snapshot_seq: u64,
    /// Sequence number restored to.
    pub seq: u64,
    /// Commit time of `seq` (microseconds; 0 if unknown).
    pub seq_time_micros: i64,
    pub warnings: Vec<String>,
}

/// Restores the snapshot at `from` into the new data directory `to`, rolled
/// forward to `stop` through the WAL of the directory it was taken from
/// (`Stop::End` with no WAL wanted: pass `None`).
pub fn restore(from: &Path, to: &Path, stop: Option<Stop>) -> Result<RestoreReport> {
    if to.exists() && std::fs::read_dir(to).map_err(|e| Error::os("read", to, e))?.next().is_some() {
        return Err(Error::io("TargetNotEmpty", format!("{} exists and is not empty", to.display())));
    }
    let (graph, manifest) = read_checkpoint(from, GraphConfig::default())?;
    let mut report = RestoreReport {
        snapshot_seq: manifest.seq,
        seq: manifest.seq,
        seq_time_micros: manifest.seq_time_micros,
        warnings: Vec::new(),
    };
    if let Some(stop) = stop {
        match stop {
            Stop::Seq(s) if s < manifest.seq => {
                return Err(Error::io(
                    "BeforeSnapshot",
                    format!("commit {s} is before the snapshot (commit {}); restore an older snapshot", manifest.seq),
                ))
            }
            Stop::Time(t) if manifest.seq_time_micros > 0 && t < manifest.seq_time_micros => {
                return Err(Error::io(
                    "BeforeSnapshot",
                    "that time is before the snapshot was taken; restore an older snapshot".to_string(),
                ))
            }
            _ => {}
        }
        let source = manifest.source.as_deref().map(PathBuf::from).ok_or_else(|| {
            Error::io("NoWalSource", "the snapshot does not name the data directory whose WAL continues it")
        })?;
        let wal = segments(&layout::wal_dirs(&source))?;
        if wal.first().is_none_or(|(first, _)| *first > manifest.seq + 1) {
            return Err(Error::io(
                "WalNotRetained",
                format!("the WAL after commit {} is no longer in {}", manifest.seq, source.display()),
            ));
        }
        let replayed = replay(&graph, &wal, stop, TornTail::Ignore)?;
        report.warnings = replayed.warnings;
        if replayed.commits > 0 {
            report.seq_time_micros = replayed.last_time_micros;
        }
        if let Stop::Seq(s) = stop {
            if graph.seq() < s {
                return Err(Error::io(
                    "WalEndsEarly",
                    format!("the WAL of {} ends at commit {}, before {s}", source.display(), graph.seq()),
                ));
            }
        }
    }
    report.seq = graph.seq();
    create_dir(&layout::checkpoints(to))?;
    let target = layout::checkpoints(to).join(layout::checkpoint_name(graph.seq()));
    write_checkpoint(
        &graph.snapshot(),
        &target,
        &CheckpointMeta { seq_time_micros: report.seq_time_micros, ..Default::default() },
    )?;
    Ok(report)
}

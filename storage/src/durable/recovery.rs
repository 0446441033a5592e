//! Opening a data directory's state: the newest checkpoint that reads back
//! whole, plus every commit the WAL holds after it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::durable::checkpoint::read_checkpoint;
use crate::durable::layout;
use crate::durable::replay::{replay, segments, Stop, TornTail};
use crate::error::{Error, Result};
use crate::graph::{Graph, GraphConfig};

/// What recovery did.
#[derive(Debug, Clone, Default)]
pub struct RecoveryReport {
    /// The checkpoint it started from and its sequence number.
    pub checkpoint: Option<(PathBuf, u64)>,
    /// Commits replayed from the WAL.
    pub replayed: u64,
    /// The sequence number recovered.
    pub seq: u64,
    /// Commit time of `seq` if the WAL or checkpoint knew it (microseconds).
    pub seq_time_micros: i64,
    /// Torn tails cut, damaged checkpoints skipped.
    pub warnings: Vec<String>,
    pub elapsed: Duration,
}

/// Recovers the state of `dir`. With `TornTail::Ignore` nothing in `dir` is
/// changed (for reading a directory another process owns).
pub fn recover(dir: &Path, config: GraphConfig, torn: TornTail) -> Result<(Graph, RecoveryReport)> {
    let started = Instant::now();
    let mut report = RecoveryReport::default();
    let mut graph = None;
    let mut failures = Vec::new();
    for (seq, path) in layout::list_checkpoints(dir)? {
        match read_checkpoint(&path, config) {
            Ok((g, manifest)) => {
                report.checkpoint = Some((path, seq));
                report.seq_time_micros = manifest.seq_time_micros;
                graph = Some(g);
                break;
            }
            Err(e) => {
                let warning = format!("checkpoint {} cannot be used: {}; trying an older one", path.display(), e);
                tracing::warn!("{warning}");
                report.warnings.push(warning);
                failures.push(e);
            }
        }
    }
    let graph = graph.unwrap_or_else(|| Graph::with_config(config));
    let wal = segments(&layout::wal_dirs(dir))?;
    if graph.seq() == 0 && !failures.is_empty() && wal.first().is_none_or(|(first, _)| *first > 1) {
        return Err(Error::io(
            "NoUsableCheckpoint",
            format!(
                "no checkpoint in {} can be read and the WAL does not start at commit 1: {}",
                dir.display(),
                failures.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")
            ),
        ));
    }
    if let Some((first, path)) = wal.first() {
        if *first > graph.seq() + 1 {
            return Err(Error::io(
                "WalGap",
                format!(
                    "the state is at commit {} but the oldest WAL segment {} starts at {first}",
                    graph.seq(),
                    path.display()
                ),
            ));
        }
    }
    let replayed = replay(&graph, &wal, Stop::End, torn)?;
    report.replayed = replayed.commits;
    report.warnings.extend(replayed.warnings);
    if replayed.commits > 0 {
        report.seq_time_micros = replayed.last_time_micros;
    }
    report.seq = graph.seq();
    report.elapsed = started.elapsed();
    Ok((graph, report))
}

//! Replaying WAL segments into a graph: in order, each commit exactly once,
//! up to an optional bound (a sequence number or a commit time).

use std::path::{Path, PathBuf};

use crate::durable::wal::segment;
use crate::error::{Error, Result};
use crate::graph::Graph;

/// Where replay stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stop {
    /// At the end of the log.
    #[default]
    End,
    /// After this commit sequence number.
    Seq(u64),
    /// After the last commit at or before this time (microseconds since the epoch).
    Time(i64),
}

/// What to do with a torn tail of the last segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TornTail {
    /// Cut the file at the last whole record (recovery of a data directory we own).
    Truncate,
    /// Leave the file alone (reading a log another process may be writing, or an archive).
    Ignore,
}

/// The result of a replay.
#[derive(Debug, Clone, Default)]
pub struct Replayed {
    pub commits: u64,
    /// Commit time of the last commit replayed (0 if none).
    pub last_time_micros: i64,
    pub warnings: Vec<String>,
}

/// Segments of the live log and the archive, by first sequence number; a
/// segment in both places (archived while being read) counts once.
pub fn segments(dirs: &[PathBuf]) -> Result<Vec<(u64, PathBuf)>> {
    let mut all: Vec<(u64, PathBuf)> = Vec::new();
    for dir in dirs {
        all.extend(segment::list(dir)?);
    }
    all.sort_by_key(|(first, _)| *first);
    all.dedup_by_key(|(first, _)| *first);
    Ok(all)
}

fn cut(path: &Path, len: u64) -> Result<()> {
    let file = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::os("open", path, e))?;
    file.set_len(len).and_then(|_| file.sync_all()).map_err(|e| Error::os("truncate", path, e))
}

/// Applies every commit after the graph's sequence number from `segments`.
pub fn replay(graph: &Graph, segments: &[(u64, PathBuf)], stop: Stop, torn: TornTail) -> Result<Replayed> {
    let mut out = Replayed::default();
    for (i, (_, path)) in segments.iter().enumerate() {
        // A segment ends where the next begins: skip those wholly applied.
        if segments.get(i + 1).is_some_and(|(next, _)| *next <= graph.seq() + 1) {
            continue;
        }
        let scan = segment::scan(path)?;
        for record in scan.records {
            if record.seq <= graph.seq() {
                continue;
            }
            let past = match stop {
                Stop::End => false,
                Stop::Seq(s) => record.seq > s,
                Stop::Time(t) => record.time_micros > t,
            };
            if past {
                return Ok(out);
            }
            if record.seq != graph.seq() + 1 {
                return Err(Error::io(
                    "WalGap",
                    format!(
                        "the WAL jumps from commit {} to {} in {}: commits are missing",
                        graph.seq(),
                        record.seq,
                        path.display()
                    ),
                ));
            }
            graph.apply(&record.changes).map_err(|e| {
                Error::io("CorruptWal", format!("commit {} in {} does not apply: {}", record.seq, path.display(), e))
            })?;
            out.commits += 1;
            out.last_time_micros = record.time_micros;
        }
        if let Some(why) = scan.torn {
            if i + 1 < segments.len() {
                return Err(Error::io(
                    "CorruptWal",
                    format!(
                        "{} is damaged at byte {} ({why}) and later segments exist; commits after {} cannot be recovered",
                        path.display(),
                        scan.valid_len,
                        graph.seq()
                    ),
                ));
            }
            let warning = format!(
                "the WAL tail in {} is torn at byte {} ({why}); {} recovered up to commit {}",
                path.display(),
                scan.valid_len,
                if torn == TornTail::Truncate { "cut there," } else { "ignored," },
                graph.seq()
            );
            tracing::warn!("{warning}");
            out.warnings.push(warning);
            if torn == TornTail::Truncate {
                if scan.valid_len == 0 {
                    // Not even a whole header: a segment whose creation was cut short.
                    std::fs::remove_file(path).map_err(|e| Error::os("remove", path, e))?;
                } else {
                    cut(path, scan.valid_len)?;
                }
            }
        }
    }
    Ok(out)
}

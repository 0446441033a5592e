//! Where things live in a data directory.
//!
//! ```text
//! DIR/plexus.lock            held (flock) by the process that owns DIR
//! DIR/wal/<seq>.wal          live WAL segments
//! DIR/wal-archive/<seq>.wal  segments released by checkpoints, kept for point-in-time restore
//! DIR/checkpoints/<seq>/     checkpoints (manifest.json + Arrow IPC files)
//! DIR/snapshots/<name>/      named snapshots (same format as a checkpoint)
//! ```

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub fn wal(dir: &Path) -> PathBuf {
    dir.join("wal")
}

pub fn archive(dir: &Path) -> PathBuf {
    dir.join("wal-archive")
}

pub fn checkpoints(dir: &Path) -> PathBuf {
    dir.join("checkpoints")
}

pub fn snapshots(dir: &Path) -> PathBuf {
    dir.join("snapshots")
}

pub fn lock_file(dir: &Path) -> PathBuf {
    dir.join("plexus.lock")
}

pub fn checkpoint_name(seq: u64) -> String {
    format!("{seq:020}")
}

/// Checkpoint directories (complete or not) by sequence number, newest first.
pub fn list_checkpoints(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let root = checkpoints(dir);
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::os("list", &root, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::os("list", &root, e))?;
        if let Some(seq) = entry.file_name().to_str().and_then(|n| n.parse::<u64>().ok()) {
            out.push((seq, entry.path()));
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.0));
    Ok(out)
}

/// The WAL directories to read, oldest material first.
pub fn wal_dirs(dir: &Path) -> Vec<PathBuf> {
    vec![archive(dir), wal(dir)]
}

//! Raft snapshots are the store's checkpoints: `DIR/checkpoints/<seq>/`
//! written by the storage checkpoint writer, plus `DIR/raft/snapshot.json`
//! naming the current one with its Raft position. To travel to another
//! member a checkpoint directory is packed into one byte string:
//! `[u32 count]` then per file `[u32 name length][name][u64 length][bytes]`.
//! The packed form is held in memory while sent (openraft 0.9 streams it in
//! chunks over the network), which bounds snapshot transfer by memory.

use std::path::{Path, PathBuf};

use plexus_storage::durable::checkpoint::{read_checkpoint, write_checkpoint, CheckpointMeta};
use plexus_storage::durable::layout;
use plexus_storage::{Graph, GraphConfig, Snapshot};
use serde::{Deserialize, Serialize};

use crate::files::{read_json, write_json};
use crate::types::SnapshotMeta;

/// The current snapshot: its Raft meta and the checkpoint (by commit sequence) holding its data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotRecord {
    pub meta: SnapshotMeta,
    pub seq: u64,
}

fn record_path(dir: &Path) -> PathBuf {
    dir.join("raft").join("snapshot.json")
}

pub fn checkpoint_dir(dir: &Path, seq: u64) -> PathBuf {
    layout::checkpoints(dir).join(layout::checkpoint_name(seq))
}

pub fn read_record(dir: &Path) -> std::io::Result<Option<SnapshotRecord>> {
    read_json(&record_path(dir))
}

/// Writes the checkpoint of `snapshot` (unless one of that sequence exists)
/// and makes it the current snapshot; older checkpoints but the previous one go.
pub fn save(dir: &Path, snapshot: &Snapshot, meta: &SnapshotMeta) -> Result<(), String> {
    let target = checkpoint_dir(dir, snapshot.seq());
    if !target.join("manifest.json").exists() {
        std::fs::create_dir_all(layout::checkpoints(dir)).map_err(|e| e.to_string())?;
        write_checkpoint(snapshot, &target, &CheckpointMeta::default()).map_err(|e| e.message)?;
    }
    set_current(dir, meta, snapshot.seq())
}

fn set_current(dir: &Path, meta: &SnapshotMeta, seq: u64) -> Result<(), String> {
    let record = SnapshotRecord { meta: meta.clone(), seq };
    write_json(&record_path(dir), &record, true).map_err(|e| e.to_string())?;
    let all = layout::list_checkpoints(dir).map_err(|e| e.message)?;
    for (old, path) in all.iter().filter(|(s, _)| *s < seq).skip(1) {
        if let Err(e) = std::fs::remove_dir_all(path) {
            tracing::warn!("removing checkpoint {old}: {e}");
        }
    }
    Ok(())
}

/// Loads the graph of the current snapshot.
pub fn load(dir: &Path, record: &SnapshotRecord, config: GraphConfig) -> Result<Graph, String> {
    let (graph, manifest) = read_checkpoint(&checkpoint_dir(dir, record.seq), config).map_err(|e| e.message)?;
    if manifest.seq != record.seq {
        return Err(format!("checkpoint {} holds commit {}", record.seq, manifest.seq));
    }
    Ok(graph)
}

/// Packs the checkpoint of commit `seq` for sending.
pub fn pack(dir: &Path, seq: u64) -> Result<Vec<u8>, String> {
    let root = checkpoint_dir(dir, seq);
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .map_err(|e| format!("{}: {e}", root.display()))?
        .filter_map(|e| e.ok().and_then(|e| e.file_name().to_str().map(str::to_string)))
        .collect();
    names.sort();
    let mut out = Vec::new();
    out.extend_from_slice(&(names.len() as u32).to_le_bytes());
    for name in names {
        let bytes = std::fs::read(root.join(&name)).map_err(|e| format!("{name}: {e}"))?;
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(&bytes);
    }
    Ok(out)
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
    if bytes.len() < n {
        return Err(format!("a packed snapshot is cut short ({n} bytes wanted, {} left)", bytes.len()));
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Ok(head)
}

fn take_u32(bytes: &mut &[u8]) -> Result<u32, String> {
    let b = take(bytes, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Unpacks a received snapshot into a checkpoint directory, checks it reads
/// back whole, and makes it the current snapshot. Returns the graph.
pub fn install(dir: &Path, packed: &[u8], meta: &SnapshotMeta, config: GraphConfig) -> Result<Graph, String> {
    let tmp = layout::checkpoints(dir).join(".tmp-received");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| e.to_string())?;
    }
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let mut rest = packed;
    let count = take_u32(&mut rest)?;
    for _ in 0..count {
        let len = take_u32(&mut rest)? as usize;
        let name = std::str::from_utf8(take(&mut rest, len)?).map_err(|_| "a file name is not UTF-8".to_string())?;
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
            return Err(format!("a packed snapshot names the file `{name}`"));
        }
        let b = take(&mut rest, 8)?;
        let len = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        let len = usize::try_from(len).map_err(|_| "a file length is too large".to_string())?;
        std::fs::write(tmp.join(name), take(&mut rest, len)?).map_err(|e| e.to_string())?;
    }
    if !rest.is_empty() {
        return Err("a packed snapshot has trailing bytes".into());
    }
    let (graph, manifest) = read_checkpoint(&tmp, config).map_err(|e| e.message)?;
    let target = checkpoint_dir(dir, manifest.seq);
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(|e| e.to_string())?;
    }
    std::fs::rename(&tmp, &target).map_err(|e| e.to_string())?;
    crate::files::sync_dir(&layout::checkpoints(dir)).map_err(|e| e.to_string())?;
    set_current(dir, meta, manifest.seq)?;
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_packs_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let meta = SnapshotMeta::default();
        for bad in [&[][..], &[1, 0, 0, 0][..], &[1, 0, 0, 0, 2, 0, 0, 0, b'.', b'x'][..], &[0, 0, 0, 0, 9][..]] {
            assert!(install(dir.path(), bad, &meta, GraphConfig::default()).is_err(), "{bad:?}");
        }
    }
}

//! Installing a graph built in bulk (an import, a bulk load) as the first
//! state of a new data directory: it becomes a checkpoint, so it is durable
//! without a WAL record per node.

use std::path::Path;

use crate::durable::checkpoint::{write_checkpoint, CheckpointMeta};
use crate::durable::fsutil::{create_dir, now_micros};
use crate::durable::layout;
use crate::error::{Error, Result};
use crate::graph::Graph;

/// Writes `graph` as the state of the data directory `dir`, which must hold
/// no data yet. The graph counts as commit 1 (or its own sequence number if
/// higher); returns that number.
pub fn install_graph(dir: &Path, graph: &Graph) -> Result<u64> {
    let has_data = !layout::list_checkpoints(dir)?.is_empty()
        || crate::durable::wal::segment::list(&layout::wal(dir))?
            .iter()
            .any(|(_, p)| std::fs::metadata(p).is_ok_and(|m| m.len() > crate::durable::wal::segment::HEADER));
    if has_data {
        return Err(Error::io(
            "TargetNotEmpty",
            format!("{} already holds data; import into a new data directory", dir.display()),
        ));
    }
    if crate::durable::store::is_locked(dir) {
        return Err(Error::io("DataDirLocked", format!("{} is in use by another Plexus process", dir.display())));
    }
    let mut snapshot = (*graph.snapshot()).clone();
    snapshot.seq = snapshot.seq.max(1);
    create_dir(&layout::checkpoints(dir))?;
    let path = layout::checkpoints(dir).join(layout::checkpoint_name(snapshot.seq));
    write_checkpoint(&snapshot, &path, &CheckpointMeta { seq_time_micros: now_micros(), ..Default::default() })?;
    Ok(snapshot.seq)
}

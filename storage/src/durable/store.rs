//! A graph kept in a data directory: recovered on open, every commit logged
//! before it is acknowledged, checkpointed in the background and on close.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::durable::checkpoint::{write_checkpoint, CheckpointMeta, Manifest};
use crate::durable::fsutil::{create_dir, now_micros, sync_dir};
use crate::durable::layout;
use crate::durable::recovery::{recover, RecoveryReport};
use crate::durable::replay::TornTail;
use crate::durable::wal::{segment, SyncMode, Wal, WalOptions};
use crate::error::{Error, Result};
use crate::graph::{CommitLog, Graph, GraphConfig};

/// Settings of a durable store.
#[derive(Debug, Clone, Copy)]
pub struct DurableOptions {
    pub wal: WalOptions,
    pub graph: GraphConfig,
    /// Checkpoint once this many WAL bytes were written since the last one.
    pub checkpoint_wal_bytes: u64,
    /// Checkpoint at least this often while commits arrive.
    pub checkpoint_interval: Duration,
    /// How long released WAL segments stay in `wal-archive/` for point-in-time
    /// restore; zero deletes them at once.
    pub wal_retention: Duration,
    /// With `SyncMode::Batch`, how often the WAL is fsynced.
    pub batch_sync_interval: Duration,
    /// Run checkpoints in a background thread (else only on demand and on close).
    pub background: bool,
}

impl Default for DurableOptions {
    fn default() -> Self {
        DurableOptions {
            wal: WalOptions::default(),
            graph: GraphConfig::default(),
            checkpoint_wal_bytes: 256 << 20,
            checkpoint_interval: Duration::from_secs(15 * 60),
            wal_retention: Duration::from_secs(24 * 3600),
            batch_sync_interval: Duration::from_millis(10),
            background: true,
        }
    }
}

/// Progress of checkpointing, guarded so one checkpoint runs at a time.
struct CheckpointState {
    seq: u64,
    wal_bytes: u64,
    at: Instant,
}

struct Shared {
    dir: PathBuf,
    graph: Graph,
    wal: Arc<Wal>,
    options: DurableOptions,
    checkpoint: Mutex<CheckpointState>,
    stop: Mutex<bool>,
    wake: Condvar,
}

/// An open data directory. Dropping it closes it (see [`DurableStore::close`]).
pub struct DurableStore {
    shared: Arc<Shared>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    recovery: RecoveryReport,
    closed: Mutex<bool>,
    _lock: File,
}

/// Takes the data directory's lock, so two processes never write one directory.
/// Takes the data directory's OS lock, so that no second process (a server,
/// a shell, a cluster member) writes the same directory; held while the
/// returned file lives.
pub fn lock_dir(dir: &Path) -> Result<File> {
    let path = layout::lock_file(dir);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::os("open", &path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(Error::io("DataDirLocked", format!("{} is in use by another Plexus process", dir.display())))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(Error::os("lock", &path, e)),
    }
}

/// True when another process holds the directory's lock.
pub fn is_locked(dir: &Path) -> bool {
    let Ok(file) = File::open(layout::lock_file(dir)) else { return false };
    matches!(file.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock))
}

impl DurableStore {
    /// Opens (creating if needed) the data directory `dir` and recovers its state.
    pub fn open(dir: &Path, options: DurableOptions) -> Result<DurableStore> {
        create_dir(dir)?;
        let lock = lock_dir(dir)?;
        for sub in [layout::wal(dir), layout::archive(dir), layout::checkpoints(dir)] {
            create_dir(&sub)?;
        }
        remove_partial_checkpoints(dir)?;
        let (graph, recovery) = recover(dir, options.graph, TornTail::Truncate)?;
        for warning in &recovery.warnings {
            tracing::warn!("{warning}");
        }
        let wal = Arc::new(Wal::open(&layout::wal(dir), options.wal, graph.seq())?);
        graph.attach_log(wal.clone() as Arc<dyn CommitLog>);
        let seq = recovery.checkpoint.as_ref().map_or(0, |(_, s)| *s);
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            graph,
            wal,
            options,
            checkpoint: Mutex::new(CheckpointState { seq, wal_bytes: 0, at: Instant::now() }),
            stop: Mutex::new(false),
            wake: Condvar::new(),
        });
        let mut threads = Vec::new();
        if options.background {
            let s = shared.clone();
            threads.push(std::thread::spawn(move || s.checkpoint_loop()));
        }
        if options.wal.sync == SyncMode::Batch {
            let s = shared.clone();
            threads.push(std::thread::spawn(move || s.sync_loop()));
        }
        Ok(DurableStore { shared, threads: Mutex::new(threads), recovery, closed: Mutex::new(false), _lock: lock })
    }

    /// The graph; commits through it are durable when they return.
    pub fn graph(&self) -> &Graph {
        &self.shared.graph
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.shared.dir
    }

    /// What recovery found when the store was opened.
    pub fn recovery(&self) -> &RecoveryReport {
        &self.recovery
    }

    /// Bytes of WAL written since the store was opened.
    pub fn wal_bytes(&self) -> u64 {
        self.shared.wal.total_bytes()
    }

    /// Sequence number of the newest checkpoint.
    pub fn checkpoint_seq(&self) -> u64 {
        self.shared.lock_checkpoint().seq
    }

    /// Writes a checkpoint of the current version now (None if the newest
    /// checkpoint already holds it) and releases the WAL it covers.
    pub fn checkpoint(&self) -> Result<Option<Manifest>> {
        self.shared.checkpoint()
    }

    /// Writes a named snapshot of the current version (one commit sequence)
    /// under `snapshots/` and returns its location.
    pub fn create_snapshot(&self, name: Option<&str>) -> Result<PathBuf> {
        let snapshot = self.shared.graph.snapshot();
        let time = self.shared.wal.time_of(snapshot.seq()).unwrap_or(self.recovery.seq_time_micros);
        write_snapshot(&self.shared.dir, &snapshot, time, name)
    }

    /// Stops the background work, syncs the WAL and writes a final checkpoint.
    pub fn close(&self) -> Result<()> {
        let mut closed = self.closed.lock().unwrap_or_else(|e| e.into_inner());
        if *closed {
            return Ok(());
        }
        *closed = true;
        *self.shared.stop.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.shared.wake.notify_all();
        for t in self.threads.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
            let _ = t.join();
        }
        self.shared.wal.sync()?;
        self.shared.checkpoint()?;
        Ok(())
    }
}

impl Drop for DurableStore {
    fn drop(&mut self) {
        if let Err(e) = self.close() {
            tracing::error!("closing {}: {e}", self.shared.dir.display());
        }
    }
}

/// Writes `snapshot` as a named snapshot of the data directory `dir`.
pub(crate) fn write_snapshot(
    dir: &Path,
    snapshot: &crate::snapshot::Snapshot,
    seq_time_micros: i64,
    name: Option<&str>,
) -> Result<PathBuf> {
    let name = match name {
        Some(n) => n.to_string(),
        None => format!("snapshot-{}-{}", snapshot.seq(), now_micros() / 1_000_000),
    };
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
        return Err(Error::io("InvalidSnapshotName", format!("`{name}` is not a valid snapshot name")));
    }
    let root = layout::snapshots(dir);
    create_dir(&root)?;
    let target = root.join(&name);
    if target.exists() {
        return Err(Error::io("SnapshotExists", format!("a snapshot named `{name}` already exists")));
    }
    let source = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let meta = CheckpointMeta { seq_time_micros, source: Some(source.display().to_string()), name: Some(name.clone()) };
    write_checkpoint(snapshot, &target, &meta)?;
    Ok(std::fs::canonicalize(&target).unwrap_or(target))
}

fn remove_partial_checkpoints(dir: &Path) -> Result<()> {
    for root in [layout::checkpoints(dir), layout::snapshots(dir)] {
        let Ok(entries) = std::fs::read_dir(&root) else { continue };
        for entry in entries.flatten() {
            if entry.file_name().to_str().is_some_and(|n| n.starts_with(".tmp-")) {
                let path = entry.path();
                std::fs::remove_dir_all(&path).map_err(|e| Error::os("remove", &path, e))?;
            }
        }
    }
    Ok(())
}

impl Shared {
    fn lock_checkpoint(&self) -> std::sync::MutexGuard<'_, CheckpointState> {
        self.checkpoint.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stopped(&self) -> bool {
        *self.stop.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sleeps up to `d` unless told to stop; returns whether to stop.
    fn sleep(&self, d: Duration) -> bool {
        let stop = self.stop.lock().unwrap_or_else(|e| e.into_inner());
        let (stop, _) = self.wake.wait_timeout_while(stop, d, |s| !*s).unwrap_or_else(|e| e.into_inner());
        *stop
    }

    fn sync_loop(&self) {
        while !self.sleep(self.options.batch_sync_interval) {
            if let Err(e) = self.wal.sync() {
                tracing::error!("WAL sync failed: {e}");
                return;
            }
        }
    }

    fn checkpoint_loop(&self) {
        while !self.sleep(Duration::from_millis(200)) {
            let due = {
                let st = self.lock_checkpoint();
                let grown = self.wal.total_bytes().saturating_sub(st.wal_bytes);
                let changed = self.graph.seq() > st.seq;
                changed
                    && (grown >= self.options.checkpoint_wal_bytes
                        || st.at.elapsed() >= self.options.checkpoint_interval)
            };
            if due && !self.stopped() {
                if let Err(e) = self.checkpoint() {
                    tracing::error!("background checkpoint failed: {e}");
                }
            }
        }
    }

    fn checkpoint(&self) -> Result<Option<Manifest>> {
        let mut st = self.lock_checkpoint();
        let snapshot = self.graph.snapshot();
        if snapshot.seq() <= st.seq {
            return Ok(None);
        }
        let wal_bytes = self.wal.total_bytes();
        // A new segment lets the ones before it go once the checkpoint exists.
        self.wal.rotate()?;
        let started = Instant::now();
        let time = self.wal.time_of(snapshot.seq()).unwrap_or(0);
        let path = layout::checkpoints(&self.dir).join(layout::checkpoint_name(snapshot.seq()));
        let manifest =
            write_checkpoint(&snapshot, &path, &CheckpointMeta { seq_time_micros: time, ..Default::default() })?;
        tracing::info!(seq = snapshot.seq(), elapsed_ms = started.elapsed().as_millis() as u64, "checkpoint written");
        *st = CheckpointState { seq: snapshot.seq(), wal_bytes, at: Instant::now() };
        drop(st);
        self.release_old()?;
        Ok(Some(manifest))
    }

    /// Keeps the two newest checkpoints (the older one in case the newer is
    /// damaged) and archives the WAL segments both already contain.
    fn release_old(&self) -> Result<()> {
        let checkpoints = layout::list_checkpoints(&self.dir)?;
        for (_, path) in checkpoints.iter().skip(2) {
            std::fs::remove_dir_all(path).map_err(|e| Error::os("remove", path, e))?;
        }
        let Some(&(keep, _)) = checkpoints.get(1).or(checkpoints.first()) else { return Ok(()) };
        let wal_dir = layout::wal(&self.dir);
        let archive = layout::archive(&self.dir);
        let live = segment::list(&wal_dir)?;
        let current = self.wal.current_segment_first();
        for pair in live.windows(2) {
            let ((first, path), (next, _)) = (&pair[0], &pair[1]);
            // Segment `first` holds commits first..next-1.
            if *next > keep + 1 || *first >= current {
                break;
            }
            if self.options.wal_retention.is_zero() {
                std::fs::remove_file(path).map_err(|e| Error::os("remove", path, e))?;
            } else {
                let to = archive.join(segment::file_name(*first));
                std::fs::rename(path, &to).map_err(|e| Error::os("archive", path, e))?;
            }
        }
        sync_dir(&wal_dir)?;
        prune_archive(&archive, self.options.wal_retention)
    }
}

/// Deletes archived segments older than the retention (by modification time,
/// which is when their last record was written).
fn prune_archive(archive: &Path, retention: Duration) -> Result<()> {
    let now = std::time::SystemTime::now();
    for (_, path) in segment::list(archive)? {
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).map_err(|e| Error::os("stat", &path, e))?;
        if now.duration_since(modified).unwrap_or_default() > retention {
            std::fs::remove_file(&path).map_err(|e| Error::os("remove", &path, e))?;
        }
    }
    Ok(())
}

//! The WAL writer with group commit. Appends go to a memory buffer under the
//! graph's writer lock (so in sequence order); the first committer that needs
//! its record on disk becomes the flush leader and writes and syncs the whole
//! buffer, covering every commit appended meanwhile; the others wait for it.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::changeset::ChangeSet;
use crate::durable::fsutil::now_micros;
use crate::durable::wal::{record, segment};
use crate::error::{Error, ErrorClass, Phase, Result};
use crate::graph::CommitLog;

/// When a commit is acknowledged relative to the WAL reaching the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyncMode {
    /// fsync before acknowledging (concurrent commits share one fsync).
    #[default]
    Always,
    /// Acknowledge once written to the OS; a background thread fsyncs every
    /// few milliseconds, so a power loss may lose that window, a crash nothing.
    Batch,
    /// Acknowledge once written to the OS and leave syncing to it (and to
    /// checkpoints and shutdown).
    Off,
}

impl std::str::FromStr for SyncMode {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "always" => Ok(SyncMode::Always),
            "batch" => Ok(SyncMode::Batch),
            "off" => Ok(SyncMode::Off),
            other => Err(format!("unknown sync mode `{other}` (expected always, batch or off)")),
        }
    }
}

/// How many recent commit times [`Wal::time_of`] remembers.
const RECENT_TIMES: usize = 1 << 16;

/// WAL settings.
#[derive(Debug, Clone, Copy)]
pub struct WalOptions {
    pub sync: SyncMode,
    /// A segment is closed and a new one started once it holds this many bytes.
    pub segment_bytes: u64,
}

impl Default for WalOptions {
    fn default() -> Self {
        WalOptions { sync: SyncMode::Always, segment_bytes: 64 << 20 }
    }
}

struct Segment {
    file: Arc<File>,
    first_seq: u64,
    bytes: u64,
}

struct State {
    buffer: Vec<u8>,
    /// Sequence number of the first record in `buffer`.
    buffer_first: u64,
    appended: u64,
    written: u64,
    durable: u64,
    flushing: bool,
    segment: Segment,
    last_time: i64,
    /// Commit times of the latest commits, for manifests (bounded).
    recent_times: VecDeque<(u64, i64)>,
    total_bytes: u64,
    failed: Option<Error>,
}

/// An open write-ahead log directory.
pub struct Wal {
    dir: PathBuf,
    options: WalOptions,
    state: Mutex<State>,
    flushed: Condvar,
}

fn failed_error(e: &Error) -> Error {
    Error::new(ErrorClass::IoError, "WalFailed", Phase::Runtime, format!("the WAL cannot be written: {}", e.message))
}

impl Wal {
    /// Opens `dir` for appending the commits after `last_seq` in a new segment.
    pub fn open(dir: &Path, options: WalOptions, last_seq: u64) -> Result<Wal> {
        crate::durable::fsutil::create_dir(dir)?;
        let first = last_seq + 1;
        let stale = dir.join(segment::file_name(first));
        // A segment at this number holds no record (recovery saw none), e.g. one
        // created just before a crash: start it afresh.
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(|e| Error::os("remove", &stale, e))?;
        }
        let file = segment::create(dir, first)?;
        Ok(Wal {
            dir: dir.to_path_buf(),
            options,
            state: Mutex::new(State {
                buffer: Vec::new(),
                buffer_first: first,
                appended: last_seq,
                written: last_seq,
                durable: last_seq,
                flushing: false,
                segment: Segment { file: Arc::new(file), first_seq: first, bytes: segment::HEADER },
                last_time: 0,
                recent_times: VecDeque::new(),
                total_bytes: 0,
                failed: None,
            }),
            flushed: Condvar::new(),
        })
    }

    /// The directory of the segments.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The settings it was opened with.
    pub fn options(&self) -> WalOptions {
        self.options
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes of records written since the log was opened.
    pub fn total_bytes(&self) -> u64 {
        self.lock().total_bytes
    }

    /// The last sequence number known to be on disk.
    pub fn durable_seq(&self) -> u64 {
        self.lock().durable
    }

    /// Writes (and when `sync`, fsyncs) every record up to `seq`, leading
    /// the flush or waiting for the leader.
    fn flush_to(&self, seq: u64, sync: bool) -> Result<()> {
        let mut st = self.lock();
        loop {
            if let Some(e) = &st.failed {
                return Err(failed_error(e));
            }
            if if sync { st.durable >= seq } else { st.written >= seq } {
                return Ok(());
            }
            if st.flushing {
                st = self.flushed.wait(st).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            st.flushing = true;
            let buffer = std::mem::take(&mut st.buffer);
            let (first, upto) = (st.buffer_first, st.appended);
            st.buffer_first = upto + 1;
            let rotate_to = (!buffer.is_empty() && st.segment.bytes >= self.options.segment_bytes).then_some(first);
            let file = st.segment.file.clone();
            drop(st);
            let result = self.write_out(file, rotate_to, &buffer, sync);
            st = self.lock();
            st.flushing = false;
            match result {
                Ok(new_file) => {
                    if let Some(file) = new_file {
                        st.segment = Segment { file, first_seq: first, bytes: segment::HEADER };
                    }
                    st.segment.bytes += buffer.len() as u64;
                    st.total_bytes += buffer.len() as u64;
                    st.written = upto;
                    if sync {
                        st.durable = upto;
                    }
                }
                Err(e) => st.failed = Some(e),
            }
            self.flushed.notify_all();
        }
    }

    /// The leader's IO, outside the lock: maybe start a new segment, then write and sync.
    fn write_out(
        &self,
        file: Arc<File>,
        rotate_to: Option<u64>,
        buffer: &[u8],
        sync: bool,
    ) -> Result<Option<Arc<File>>> {
        let path = self.dir.join("current segment");
        let new_file = match rotate_to {
            Some(first) => {
                // What went to the old segment must be on disk before the next one exists.
                file.sync_data().map_err(|e| Error::os("sync", &path, e))?;
                Some(Arc::new(segment::create(&self.dir, first)?))
            }
            None => None,
        };
        let mut target: &File = new_file.as_deref().unwrap_or(&file);
        target.write_all(buffer).map_err(|e| Error::os("write", &path, e))?;
        if sync {
            target.sync_data().map_err(|e| Error::os("sync", &path, e))?;
        }
        Ok(new_file)
    }

    /// fsyncs everything written so far (the batch syncer, checkpoints, shutdown).
    pub fn sync(&self) -> Result<()> {
        let appended = self.lock().appended;
        self.flush_to(appended, true)
    }

    /// Closes the current segment (after syncing it) and starts a new one, so
    /// a checkpoint can release the old segments.
    pub fn rotate(&self) -> Result<()> {
        self.sync()?;
        let mut st = self.lock();
        while st.flushing {
            st = self.flushed.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        if st.segment.bytes == segment::HEADER {
            return Ok(());
        }
        // Records appended since the sync above are still buffered and go to the new segment.
        let first = st.buffer_first;
        st.segment.file.sync_data().map_err(|e| Error::os("sync", &self.dir, e))?;
        let file = segment::create(&self.dir, first)?;
        st.segment = Segment { file: Arc::new(file), first_seq: first, bytes: segment::HEADER };
        Ok(())
    }

    /// Commit time of a recent commit `seq` (microseconds since the epoch).
    pub fn time_of(&self, seq: u64) -> Option<i64> {
        let st = self.lock();
        let i = st.recent_times.binary_search_by_key(&seq, |(s, _)| *s).ok()?;
        Some(st.recent_times[i].1)
    }

    /// First sequence number of the segment being written.
    pub fn current_segment_first(&self) -> u64 {
        self.lock().segment.first_seq
    }
}

impl CommitLog for Wal {
    fn append(&self, seq: u64, changes: &ChangeSet) -> Result<()> {
        let mut st = self.lock();
        if let Some(e) = &st.failed {
            return Err(failed_error(e));
        }
        if seq != st.appended + 1 {
            return Err(Error::internal(format!("WAL append of seq {seq} after {}", st.appended)));
        }
        // Commit times never go backwards, so a time bound picks a prefix of the log.
        let time = now_micros().max(st.last_time);
        if st.buffer.is_empty() {
            st.buffer_first = seq;
        }
        record::encode(seq, time, changes, &mut st.buffer)?;
        st.appended = seq;
        st.last_time = time;
        if st.recent_times.len() == RECENT_TIMES {
            st.recent_times.pop_front();
        }
        st.recent_times.push_back((seq, time));
        Ok(())
    }

    fn wait_durable(&self, seq: u64) -> Result<()> {
        self.flush_to(seq, self.options.sync == SyncMode::Always)
    }
}

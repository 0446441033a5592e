//! The Raft log on disk. For a clustered store it *replaces* the WAL: a
//! commit is written once, as a Raft entry, and the state machine applies it
//! to the graph without logging it again (snapshots are the store's
//! checkpoints). It is not the WAL's own file format because an entry needs
//! what a WAL record lacks (term, index, membership changes, blank entries)
//! and because Raft truncates conflicting suffixes, which the WAL never
//! does; the framing is the WAL's idea: segment files `<first index>.log`
//! with a 16-byte header, then records `[u32 length][u32 crc32c][entry]`,
//! each fsynced before openraft is told it is durable. A torn tail of the
//! last segment (a crash mid-write) is cut on open; damage anywhere else is
//! an error, never silently skipped.
//!
//! Entries after the last purge are also kept in memory for reads; the log
//! is purged after each snapshot, so that is bounded by the snapshot policy.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::ops::RangeBounds;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use openraft::storage::{LogFlushed, LogState, RaftLogStorage};
use openraft::{AnyError, OptionalSend, RaftLogReader, StorageIOError};

use crate::codec;
use crate::files::{read_json, sync_dir, write_json};
use crate::types::{Entry, LogId, StorageError, TypeConfig, Vote};

const MAGIC: &[u8; 8] = b"PLXRAFT1";
const HEADER: u64 = 16;
const FRAME_HEADER: usize = 8;

fn any(e: impl std::fmt::Display) -> AnyError {
    AnyError::error(e.to_string())
}

struct Segment {
    path: PathBuf,
    /// Offset of each entry's frame, by index.
    offsets: BTreeMap<u64, u64>,
    len: u64,
}

struct Files {
    dir: PathBuf,
    segment_bytes: u64,
    entries: BTreeMap<u64, Entry>,
    /// By first index.
    segments: BTreeMap<u64, Segment>,
    /// The last segment, open for appending.
    current: Option<File>,
    last_purged: Option<LogId>,
    vote: Option<Vote>,
    committed: Option<LogId>,
}

/// The log store; clones share one open log.
#[derive(Clone)]
pub struct LogStore {
    files: Arc<Mutex<Files>>,
}

fn segment_name(first: u64) -> String {
    format!("{first:020}.log")
}

/// Reads one segment: its entries with their offsets, the length up to the
/// last whole record and, if reading stopped early, why.
type SegmentScan = (Vec<(u64, Entry)>, u64, Option<String>);

fn scan_segment(path: &Path, first: u64) -> std::io::Result<SegmentScan> {
    let bytes = std::fs::read(path)?;
    let bad = |why: String| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {why}", path.display()));
    if bytes.len() < HEADER as usize {
        return Ok((Vec::new(), 0, Some("an incomplete segment header".into())));
    }
    if &bytes[..8] != MAGIC || bytes[8..16] != first.to_le_bytes() {
        return Err(bad("not a Plexus Raft log segment (bad header)".into()));
    }
    let mut out = Vec::new();
    let mut offset = HEADER as usize;
    let torn = loop {
        let rest = &bytes[offset..];
        if rest.is_empty() {
            break None;
        }
        if rest.len() < FRAME_HEADER {
            break Some(format!("{} bytes of a record header", rest.len()));
        }
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
        if len > codec::MAX_FRAME || rest.len() < FRAME_HEADER + len {
            break Some(format!("a record of {len} bytes with {} present", rest.len() - FRAME_HEADER));
        }
        let payload = &rest[FRAME_HEADER..FRAME_HEADER + len];
        if crc32c::crc32c(payload) != crc {
            break Some("checksum mismatch".into());
        }
        let entry: Entry =
            codec::decode(payload).map_err(|e| bad(format!("a checksummed entry does not decode: {e}")))?;
        out.push((offset as u64, entry));
        offset += FRAME_HEADER + len;
    };
    Ok((out, offset as u64, torn))
}

impl LogStore {
    /// Opens (creating) the log in `dir`, cutting a torn tail.
    pub fn open(dir: &Path, segment_bytes: u64) -> std::io::Result<LogStore> {
        std::fs::create_dir_all(dir)?;
        let mut names: Vec<(u64, PathBuf)> = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if let Some(first) = name.to_str().and_then(|n| n.strip_suffix(".log")).and_then(|n| n.parse().ok()) {
                names.push((first, entry.path()));
            }
        }
        names.sort();
        let mut files = Files {
            dir: dir.to_path_buf(),
            segment_bytes,
            entries: BTreeMap::new(),
            segments: BTreeMap::new(),
            current: None,
            last_purged: read_json(&dir.join("purged.json"))?,
            vote: read_json(&dir.join("vote.json"))?,
            committed: read_json(&dir.join("committed.json"))?,
        };
        let count = names.len();
        for (i, (first, path)) in names.into_iter().enumerate() {
            let (entries, valid_len, torn) = scan_segment(&path, first)?;
            if let Some(why) = torn {
                if i + 1 < count {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{} is damaged ({why}) and later segments exist", path.display()),
                    ));
                }
                tracing::warn!("the Raft log tail in {} is torn ({why}); cut at byte {valid_len}", path.display());
                if valid_len == 0 {
                    std::fs::remove_file(&path)?;
                    continue;
                }
                let file = OpenOptions::new().write(true).open(&path)?;
                file.set_len(valid_len)?;
                file.sync_all()?;
            }
            let mut offsets = BTreeMap::new();
            for (offset, entry) in entries {
                offsets.insert(entry.log_id.index, offset);
                files.entries.insert(entry.log_id.index, entry);
            }
            files.segments.insert(first, Segment { path, offsets, len: valid_len });
        }
        if let Some(purged) = files.last_purged {
            files.entries = files.entries.split_off(&(purged.index + 1));
        }
        files.check_contiguous()?;
        files.reopen_current()?;
        Ok(LogStore { files: Arc::new(Mutex::new(files)) })
    }

    fn lock(&self) -> MutexGuard<'_, Files> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Entries held (after the last purge), for tests and status.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Files {
    fn check_contiguous(&self) -> std::io::Result<()> {
        let mut expected = None;
        for index in self.entries.keys() {
            if expected.is_some_and(|e| e != *index) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("the Raft log in {} jumps to index {index}: entries are missing", self.dir.display()),
                ));
            }
            expected = Some(index + 1);
        }
        Ok(())
    }

    fn reopen_current(&mut self) -> std::io::Result<()> {
        self.current = match self.segments.values().next_back() {
            Some(seg) => Some(OpenOptions::new().append(true).open(&seg.path)?),
            None => None,
        };
        Ok(())
    }

    fn start_segment(&mut self, first: u64) -> std::io::Result<()> {
        if let Some(file) = &self.current {
            file.sync_data()?;
        }
        let path = self.dir.join(segment_name(first));
        let mut file = OpenOptions::new().create(true).truncate(true).write(true).open(&path)?;
        file.write_all(MAGIC)?;
        file.write_all(&first.to_le_bytes())?;
        file.sync_all()?;
        sync_dir(&self.dir)?;
        self.segments.insert(first, Segment { path, offsets: BTreeMap::new(), len: HEADER });
        self.current = Some(OpenOptions::new().append(true).open(self.dir.join(segment_name(first)))?);
        Ok(())
    }

    fn append(&mut self, entries: Vec<Entry>) -> std::io::Result<()> {
        for entry in entries {
            let index = entry.log_id.index;
            if let Some((&last, _)) = self.entries.last_key_value() {
                if index != last + 1 {
                    return Err(std::io::Error::other(format!("append of index {index} after {last}")));
                }
            }
            let payload = codec::encode(&entry).map_err(std::io::Error::other)?;
            let full = self.segments.values().next_back().is_none_or(|s| s.len >= self.segment_bytes);
            if self.current.is_none() || full {
                self.start_segment(index)?;
            }
            let mut frame = Vec::with_capacity(FRAME_HEADER + payload.len());
            frame.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            frame.extend_from_slice(&crc32c::crc32c(&payload).to_le_bytes());
            frame.extend_from_slice(&payload);
            let file = self.current.as_mut().ok_or_else(|| std::io::Error::other("no open segment"))?;
            file.write_all(&frame)?;
            let seg = self.segments.values_mut().next_back().ok_or_else(|| std::io::Error::other("no segment"))?;
            seg.offsets.insert(index, seg.len);
            seg.len += frame.len() as u64;
            self.entries.insert(index, entry);
        }
        if let Some(file) = &self.current {
            file.sync_data()?;
        }
        Ok(())
    }

    /// Removes the entries from `index` on.
    fn truncate(&mut self, index: u64) -> std::io::Result<()> {
        self.entries.split_off(&index);
        let doomed: Vec<u64> = self.segments.range(index..).map(|(first, _)| *first).collect();
        for first in doomed {
            if let Some(seg) = self.segments.remove(&first) {
                std::fs::remove_file(&seg.path)?;
            }
        }
        if let Some(seg) = self.segments.values_mut().next_back() {
            if let Some(&offset) = seg.offsets.get(&index) {
                let file = OpenOptions::new().write(true).open(&seg.path)?;
                file.set_len(offset)?;
                file.sync_all()?;
                seg.offsets.split_off(&index);
                seg.len = offset;
            }
        }
        sync_dir(&self.dir)?;
        self.reopen_current()
    }

    /// Forgets the entries up to `log_id` (a snapshot holds them) and deletes
    /// the segments that hold nothing else; the last segment stays.
    fn purge(&mut self, log_id: LogId) -> std::io::Result<()> {
        write_json(&self.dir.join("purged.json"), &Some(log_id), true)?;
        self.last_purged = Some(log_id);
        self.entries = self.entries.split_off(&(log_id.index + 1));
        let firsts: Vec<u64> = self.segments.keys().copied().collect();
        for pair in firsts.windows(2) {
            // Segment pair[0] holds indexes pair[0]..pair[1]-1.
            if pair[1] <= log_id.index + 1 {
                if let Some(seg) = self.segments.remove(&pair[0]) {
                    std::fs::remove_file(&seg.path)?;
                }
            }
        }
        Ok(())
    }
}

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + OptionalSend>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry>, StorageError> {
        Ok(self.lock().entries.range(range).map(|(_, e)| e.clone()).collect())
    }
}

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = LogStore;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, StorageError> {
        let files = self.lock();
        let last = files.entries.last_key_value().map(|(_, e)| e.log_id).or(files.last_purged);
        Ok(LogState { last_purged_log_id: files.last_purged, last_log_id: last })
    }

    async fn get_log_reader(&mut self) -> Self::LogReader {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote) -> Result<(), StorageError> {
        let mut files = self.lock();
        write_json(&files.dir.join("vote.json"), vote, true).map_err(|e| StorageIOError::write_vote(any(e)))?;
        files.vote = Some(*vote);
        Ok(())
    }

    async fn read_vote(&mut self) -> Result<Option<Vote>, StorageError> {
        Ok(self.lock().vote)
    }

    /// The committed position lets a restarted member re-apply its own log
    /// at once; losing the latest one only means waiting for the leader, so
    /// it is not fsynced.
    async fn save_committed(&mut self, committed: Option<LogId>) -> Result<(), StorageError> {
        let mut files = self.lock();
        write_json(&files.dir.join("committed.json"), &committed, false).map_err(|e| StorageIOError::write(any(e)))?;
        files.committed = committed;
        Ok(())
    }

    async fn read_committed(&mut self) -> Result<Option<LogId>, StorageError> {
        Ok(self.lock().committed)
    }

    async fn append<I>(&mut self, entries: I, callback: LogFlushed<TypeConfig>) -> Result<(), StorageError>
    where
        I: IntoIterator<Item = Entry> + OptionalSend,
        I::IntoIter: OptionalSend,
    {
        let entries: Vec<Entry> = entries.into_iter().collect();
        let result = self.lock().append(entries);
        match result {
            Ok(()) => {
                callback.log_io_completed(Ok(()));
                Ok(())
            }
            Err(e) => {
                let message = e.to_string();
                callback.log_io_completed(Err(e));
                Err(StorageIOError::write_logs(any(message)).into())
            }
        }
    }

    async fn truncate(&mut self, log_id: LogId) -> Result<(), StorageError> {
        self.lock().truncate(log_id.index).map_err(|e| StorageIOError::write_logs(any(e)).into())
    }

    async fn purge(&mut self, log_id: LogId) -> Result<(), StorageError> {
        self.lock().purge(log_id).map_err(|e| StorageIOError::write_logs(any(e)).into())
    }
}

#[cfg(test)]
mod tests {
    use openraft::{CommittedLeaderId, EntryPayload};

    use super::*;
    use crate::types::Commit;

    fn entry(index: u64) -> Entry {
        let commit = Commit { seq: index, origin: 1, proposal: index, changes: vec![index as u8; 100] };
        Entry { log_id: LogId::new(CommittedLeaderId::new(1, 1), index), payload: EntryPayload::Normal(commit) }
    }

    fn indexes(store: &LogStore) -> Vec<u64> {
        store.lock().entries.keys().copied().collect()
    }

    #[test]
    fn entries_survive_reopen_truncate_and_purge() {
        let dir = tempfile::tempdir().unwrap();
        let store = LogStore::open(dir.path(), 300).unwrap();
        store.lock().append((1..=10).map(entry).collect()).unwrap();
        assert!(store.lock().segments.len() > 2, "small segments rotate");
        assert!(store.lock().append(vec![entry(12)]).is_err(), "a gap is refused");
        drop(store);
        let store = LogStore::open(dir.path(), 300).unwrap();
        assert_eq!(indexes(&store), (1..=10).collect::<Vec<_>>());
        store.lock().truncate(7).unwrap();
        store.lock().append(vec![entry(7)]).unwrap();
        store.lock().purge(LogId::new(CommittedLeaderId::new(1, 1), 4)).unwrap();
        drop(store);
        let store = LogStore::open(dir.path(), 300).unwrap();
        assert_eq!(indexes(&store), (5..=7).collect::<Vec<_>>());
        assert_eq!(store.lock().last_purged.map(|l| l.index), Some(4));
        let first = *store.lock().segments.keys().next().unwrap();
        assert!(first <= 5, "the segment holding index 5 is kept");
    }

    #[test]
    fn a_torn_tail_is_cut_and_damage_elsewhere_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = LogStore::open(dir.path(), 300).unwrap();
        store.lock().append((1..=6).map(entry).collect()).unwrap();
        let paths: Vec<PathBuf> = store.lock().segments.values().map(|s| s.path.clone()).collect();
        drop(store);
        let last = paths.last().unwrap();
        let len = std::fs::metadata(last).unwrap().len();
        let mut f = OpenOptions::new().append(true).open(last).unwrap();
        f.write_all(&[200, 0, 0, 0, 1, 2, 3]).unwrap();
        drop(f);
        let store = LogStore::open(dir.path(), 300).unwrap();
        assert_eq!(indexes(&store), (1..=6).collect::<Vec<_>>());
        assert_eq!(std::fs::metadata(last).unwrap().len(), len);
        store.lock().append(vec![entry(7)]).unwrap();
        drop(store);
        // A flipped byte in an earlier segment is not a torn tail.
        let mut bytes = std::fs::read(&paths[0]).unwrap();
        let at = bytes.len() - 3;
        bytes[at] ^= 0xff;
        std::fs::write(&paths[0], bytes).unwrap();
        let e = LogStore::open(dir.path(), 300).err().unwrap();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    }
}

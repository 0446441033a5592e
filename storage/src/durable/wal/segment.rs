//! WAL segment files: `<first seq, 20 digits>.wal`, a 16-byte header (magic,
//! first sequence number) followed by records.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::durable::fsutil::sync_dir;
use crate::durable::wal::record::{read_frame, Frame, Record};
use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"PLXWAL01";
/// Bytes of the segment header.
pub const HEADER: u64 = 16;

/// The file name of the segment whose first record is `first_seq`.
pub fn file_name(first_seq: u64) -> String {
    format!("{first_seq:020}.wal")
}

/// The segments in `dir`, ordered by first sequence number.
pub fn list(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::os("list", dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::os("list", dir, e))?;
        let name = entry.file_name();
        let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".wal")) else { continue };
        if let Ok(first) = stem.parse::<u64>() {
            out.push((first, entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// Creates a new segment starting at `first_seq`, durable (header and directory entry) when it returns.
pub fn create(dir: &Path, first_seq: u64) -> Result<File> {
    let path = dir.join(file_name(first_seq));
    let mut file =
        OpenOptions::new().create_new(true).write(true).open(&path).map_err(|e| Error::os("create", &path, e))?;
    let mut header = MAGIC.to_vec();
    header.extend_from_slice(&first_seq.to_le_bytes());
    file.write_all(&header).and_then(|_| file.sync_all()).map_err(|e| Error::os("write", &path, e))?;
    sync_dir(dir)?;
    Ok(file)
}

/// What a segment holds.
#[derive(Debug)]
pub struct Scan {
    pub records: Vec<Record>,
    /// Bytes up to the end of the last whole record.
    pub valid_len: u64,
    /// Why reading stopped before the end of the file, if it did.
    pub torn: Option<String>,
}

/// Reads every whole record of the segment at `path`.
pub fn scan(path: &Path) -> Result<Scan> {
    let bytes = std::fs::read(path).map_err(|e| Error::os("read", path, e))?;
    if bytes.len() < HEADER as usize {
        return Ok(Scan { records: Vec::new(), valid_len: 0, torn: Some("an incomplete segment header".into()) });
    }
    if &bytes[..8] != MAGIC {
        return Err(Error::io("CorruptWal", format!("{} is not a Plexus WAL segment (bad magic)", path.display())));
    }
    let mut records = Vec::new();
    let mut offset = HEADER as usize;
    let torn = loop {
        match read_frame(&bytes, offset).map_err(|e| at_offset(e, path, offset))? {
            Frame::Record(record, next) => {
                records.push(*record);
                offset = next;
            }
            Frame::End => break None,
            Frame::Torn(why) => break Some(why),
        }
    };
    Ok(Scan { records, valid_len: offset as u64, torn })
}

fn at_offset(mut e: Error, path: &Path, offset: usize) -> Error {
    e.message = format!("{} at byte {offset}: {}", path.display(), e.message);
    e
}

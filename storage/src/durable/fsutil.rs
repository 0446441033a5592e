//! File-system steps that make writes durable and replacements atomic.

use std::fs::File;
use std::path::Path;

use crate::error::{Error, Result};

/// Makes the entries of `dir` (files created, renamed or removed) durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::os("sync directory", dir, e))
}

/// Writes `bytes` to `path` and syncs the file.
pub fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = File::create(path).map_err(|e| Error::os("create", path, e))?;
    file.write_all(bytes).and_then(|_| file.sync_all()).map_err(|e| Error::os("write", path, e))
}

/// Creates `dir` and its parents.
pub fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::os("create directory", dir, e))
}

/// Microseconds since the Unix epoch now.
pub fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

//! The errors export and import raise.

use std::path::Path;

use plexus_storage::Error;

/// A file of the directory is not what we read (missing column, wrong type, dangling endpoint, corrupt bytes).
/// `row` counts from 1; None when the problem is the file as a whole.
pub(super) fn invalid(file: &str, row: Option<u64>, message: impl std::fmt::Display) -> Error {
    match row {
        Some(row) => Error::io("InvalidColumnarFile", format!("{file}: row {row}: {message}")),
        None => Error::io("InvalidColumnarFile", format!("{file}: {message}")),
    }
}

/// `manifest.json` is missing or malformed.
pub(super) fn manifest(dir: &Path, message: impl std::fmt::Display) -> Error {
    Error::io("InvalidManifest", format!("{}: {message}", dir.join(super::manifest::MANIFEST).display()))
}

/// The OS refused to read, write or create something.
pub(super) fn os(what: &str, path: &Path, e: impl std::fmt::Display) -> Error {
    Error::io("IoFailed", format!("cannot {what} {}: {e}", path.display()))
}

//! The errors import and export raise.

use plexus_storage::{Error, ErrorClass, Phase};

/// The file is not GraphSON we understand; `line` is 1-based.
pub(super) fn invalid(line: usize, message: impl std::fmt::Display) -> Error {
    Error::new(ErrorClass::IoError, "InvalidGraphSON", Phase::Runtime, format!("line {line}: {message}"))
}

/// Reading or writing the underlying stream failed.
pub(super) fn io(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorClass::IoError, "IoFailed", Phase::Runtime, format!("{what}: {e}"))
}

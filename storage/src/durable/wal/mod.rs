//! The write-ahead log: framed, checksummed records of committed change sets
//! in size-limited segment files, written with group commit.

pub mod record;
pub mod segment;
mod writer;

pub use writer::{SyncMode, Wal, WalOptions};

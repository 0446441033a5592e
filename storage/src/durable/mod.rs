//! Durability: the write-ahead log, checkpoints, recovery, snapshots and
//! point-in-time restore. `DurableStore` ties them to a data directory.

pub mod backup;
pub mod checkpoint;
mod codec;
mod fsutil;
mod install;
pub mod layout;
pub mod recovery;
pub mod replay;
pub mod store;
pub mod wal;

pub use backup::{list_snapshots, restore, snapshot_data_dir, RestoreReport, SnapshotInfo};
pub use codec::{decode_change_set, decode_value, encode_change_set, encode_value};
pub use install::install_graph;
pub use recovery::RecoveryReport;
pub use replay::Stop;
pub use store::{DurableOptions, DurableStore};
pub use wal::{SyncMode, WalOptions};

#[cfg(test)]
mod tests;

//! Checkpoints: a whole version of the store as Arrow IPC files plus a manifest.

pub mod manifest;
mod read;
mod write;

pub use manifest::Manifest;
pub use read::read_checkpoint;
pub use write::{write_checkpoint, CheckpointMeta};

//! Plexus storage: values, the interned catalog, the columnar node store, the
//! CSR relationship store with its MVCC delta layer, and statistics.

pub mod builder;
pub mod catalog;
pub mod changeset;
mod compaction;
pub mod csr;
mod delta;
pub mod durable;
pub mod error;
pub mod graph;
pub mod node_store;
pub mod property_column;
pub mod rel_store;
pub mod snapshot;
pub mod statistics;
pub mod value;
pub mod write_txn;

pub use builder::GraphBuilder;
pub use catalog::{Catalog, KeyId, LabelId, TypeId};
pub use changeset::{Change, ChangeSet};
pub use error::{Error, ErrorClass, Phase, Result};
pub use graph::{CommitLog, Graph, GraphConfig};
pub use property_column::{PropertyArray, CHUNK_ROWS};
pub use snapshot::{Direction, Snapshot};
pub use statistics::{Statistics, TypeStatistics};
pub use value::{GroupKey, Node, NodeId, Path, RelId, Relationship, Ternary, Value};
pub use write_txn::WriteTxn;

#[cfg(test)]
mod differential_tests;
#[cfg(test)]
mod test_util;

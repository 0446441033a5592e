//! GraphSON 3.0 (TinkerPop's typed JSON), in the "adjacency list" layout: one vertex per line,
//! carrying its incident edges in `outE`/`inE` maps keyed by edge label.
//!
//! Mapping to our model:
//! - vertex `id` → the node's external id, as a string (`1` and `"1"` both become `"1"`);
//! - vertex `label` → the node's labels (split on `::`, the multi-label convention); `vertex` (TinkerPop's
//!   default label) is written for a node without labels;
//! - numbers: `g:Int32/Int64/Int16/Byte` → Integer, `g:Float/Double` → Float (`"NaN"`, `"Infinity"` kept);
//!   `g:Date`/`g:Timestamp` (epoch millis) → DateTime in UTC; `g:UUID` → String; `g:List/Set` → List;
//!   `g:Map` → Map (decoded, but a property cannot hold a map, so a map-valued property is an error);
//! - multi-properties (several values under one key) become one List property; meta-properties are dropped.
//!   Both are counted in [`ImportReport`];
//! - edge ids: relationships have no external ids, so [`ImportReport::edge_ids`] maps them instead.
//!
//! Export writes the same layout: vertex ids are external ids (strings) or internal ids (`g:Int64`), edge
//! ids are relationship ids (`g:Int64`), List properties are written as one `g:List` value. DateTime is
//! written as `g:Date` (UTC milliseconds: finer precision and the offset are lost); the other temporal types
//! have no GraphSON 3 core type and are written as their ISO text (read back as strings).

mod error;
mod read;
mod report;
mod types;
mod write;

pub use read::read_graph;
pub use report::ImportReport;
pub use write::write_graph;

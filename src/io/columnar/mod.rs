//! Whole graphs as columnar files: one Parquet or Arrow IPC file per label and per relationship type,
//! readable by any Arrow tool (pandas, DuckDB, Polars, Spark).
//!
//! A directory written by [`export`] holds:
//! - `nodes_<Label>.<ext>`: every live node with that label (a node with several labels is in each of their
//!   files), and `nodes__unlabeled.<ext>` for nodes without labels. Columns: `_id` (UInt64, the node id),
//!   `_external_id` (Utf8, nullable), `_labels` (List<Utf8>, all of the node's labels), then one column per
//!   property key used by the file's nodes;
//! - `rels_<TYPE>.<ext>`: every live relationship of that type. Columns: `_id`, `_src`, `_dst` (UInt64), then
//!   one column per property key;
//! - `manifest.json`: each file with the exact label or type name (file names are sanitized, so names with
//!   `/`, spaces or other characters survive only there) and its row count.
//!
//! A property column is Int64, Float64, Utf8, Boolean, Date32 (a plexus Date) or List of
//! Int64/Float64/Utf8/Boolean when every non-null value of that key in that file has that one type. Anything
//! else (mixed types, times, datetimes, durations, lists of temporals, dates beyond Date32) is a Binary
//! column with field metadata `plexus.encoding = "value"`, each cell the storage codec's exact encoding.
//! Column names starting with `_` belong to the entities, so a property key starting with `_` is written with
//! one more in front (`_id` → `__id`) and read back without it.
//!
//! [`import`] reads such a directory back (each file as Parquet or Arrow by its extension) into a new graph:
//! one node per distinct `_id` with the labels of `_labels`, relationships joined through the `_id`s. New ids
//! are handed out in order of first appearance (files in manifest order, rows in file order), so they match
//! the old ones only in simple cases: external ids are the stable identity.
//! Files from other writers may use other plain types (Int8–Int32, UInt8–UInt64, Float32, LargeUtf8, Utf8View,
//! LargeList) and may leave out `_external_id` and `_labels` (the file's label is always added).
//!
//! Errors name the file and, where there is one, the row (counted from 1) and column; a decoder that panics
//! on corrupt bytes is caught and reported the same way. A failed export leaves what it wrote in `dir`.

mod error;
mod export;
mod files;
mod import;
mod manifest;
mod report;
mod schema;
mod values;

pub use export::export;
pub use import::import;
pub use report::{ColumnarImportReport, ExportReport, ExportedFile};

/// Rows per record batch, on export and import: big graphs never need one giant array.
pub(crate) const BATCH_ROWS: usize = 64 * 1024;

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnarFormat {
    /// Apache Parquet with Snappy compression, `.parquet`.
    Parquet,
    /// The Arrow IPC file format (Feather v2), `.arrow`.
    Arrow,
}

impl ColumnarFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ColumnarFormat::Parquet => "parquet",
            ColumnarFormat::Arrow => "arrow",
        }
    }

    /// The format a file name's extension names, if any.
    pub fn from_extension(file: &str) -> Option<ColumnarFormat> {
        match file.rsplit_once('.')?.1 {
            "parquet" => Some(ColumnarFormat::Parquet),
            "arrow" | "feather" | "ipc" => Some(ColumnarFormat::Arrow),
            _ => None,
        }
    }
}

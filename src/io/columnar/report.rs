//! What an export wrote and what an import read.

/// One file of an export, as listed in `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFile {
    /// The file name inside the export directory.
    pub file: String,
    /// True for a node file, false for a relationship file.
    pub nodes: bool,
    /// The exact label or relationship type; None for the file of unlabeled nodes.
    pub name: Option<String>,
    /// Rows written.
    pub rows: u64,
    /// Property keys written as exactly encoded Binary (mixed or non-Arrow types): other tools see bytes.
    pub encoded_columns: Vec<String>,
}

/// Counts of one export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Distinct live nodes written (a node with several labels counts once).
    pub nodes: u64,
    /// Relationships written.
    pub relationships: u64,
    /// Every file, node files first, in manifest order.
    pub files: Vec<ExportedFile>,
}

/// Counts of one import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnarImportReport {
    /// Nodes created (distinct `_id`s).
    pub nodes: u64,
    /// Relationships created.
    pub relationships: u64,
    /// Rows read from node files (a node with several labels is one row in each of their files).
    pub node_rows: u64,
    /// Files read.
    pub files: u64,
}

//! Bulk load of Neptune's CSV formats (Gremlin `~id,~label,...` and openCypher
//! `:ID,:LABEL,...`): files are parsed in batches whose fields are converted
//! in parallel, and the graph is built directly (columns and CSR at the end),
//! not one transaction per row. `plexus load` then installs it as the first
//! checkpoint of a data directory.

mod field;
mod files;
mod header;
mod ids;
pub mod kronecker;
pub mod mapping;
mod rows;

use std::path::{Path, PathBuf};

use header::Header;

use plexus_storage::{Error, Graph, GraphBuilder};

pub use header::FileKind;

/// Which of Neptune's CSV dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvFormat {
    /// `~id`, `~label`, `~from`, `~to`, `name:Type` columns.
    Gremlin,
    /// `:ID`, `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`, `name:Type` columns.
    OpenCypher,
}

/// How a load treats bad lines.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Stop at the first bad line (else skip bad lines, keeping up to `max_errors` messages).
    pub fail_on_error: bool,
    pub max_errors: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { fail_on_error: true, max_errors: 100 }
    }
}

/// What a load did.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub files: usize,
    pub bytes: u64,
    pub nodes: u64,
    pub relationships: u64,
    /// Lines skipped because they were bad (only without `fail_on_error`).
    pub bad_lines: u64,
    /// `file:line: reason`, at most `max_errors` of them.
    pub errors: Vec<String>,
    /// Rows loaded and lines skipped per file, in load order.
    pub per_file: Vec<FileReport>,
}

/// What one file contributed.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    pub rows: u64,
    pub bad_lines: u64,
}

/// One file to load and how to read it.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub header: Header,
    pub delimiter: u8,
    /// Whether the file's first line is its header (else the header came from elsewhere).
    pub header_line: bool,
}

/// Progress callback: bytes read and rows loaded so far.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// The CSV files under `paths` (directories are searched, not recursively), sorted.
pub fn csv_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    files::expand(paths)
}

/// Each file with its own first line as its header (comma-separated).
pub fn classify(files: &[PathBuf], format: CsvFormat) -> Result<Vec<Source>, Error> {
    files::classify(files, format)
}

/// Loads `files` into a new graph: every vertex file first, then every edge file.
pub fn load(
    files: &[PathBuf],
    format: CsvFormat,
    options: LoadOptions,
    progress: Progress,
) -> Result<(Graph, LoadReport), Error> {
    load_sources(&files::classify(files, format)?, options, progress)
}

/// Loads `sources` into a new graph: every vertex file first, then every edge file.
pub fn load_sources(
    sources: &[Source],
    options: LoadOptions,
    progress: Progress,
) -> Result<(Graph, LoadReport), Error> {
    let mut report = LoadReport { files: sources.len(), ..LoadReport::default() };
    let mut builder = GraphBuilder::new();
    let mut state = rows::State::new(options, progress);
    for kind in [FileKind::Nodes, FileKind::Edges] {
        for source in sources.iter().filter(|s| s.header.kind == kind) {
            rows::load_file(source, &mut builder, &mut state, &mut report)?;
        }
    }
    report.bytes = state.bytes;
    report.nodes = builder.node_count();
    report.relationships = builder.rel_count();
    Ok((builder.finish(), report))
}

/// `file:line: reason`.
pub(crate) fn located(path: &Path, line: u64, reason: impl std::fmt::Display) -> String {
    format!("{}:{line}: {reason}", path.display())
}

/// A load error that stops the load.
pub(crate) fn load_error(message: String) -> Error {
    Error::new(plexus_storage::ErrorClass::ArgumentError, "BadCsv", plexus_storage::Phase::Runtime, message)
}

//! Rendering query results for people (tables, summaries) and programs (JSON, CSV).
//! Pure functions: they take columns and rows and return text.

pub mod csv;
pub mod json;
pub mod summary;
pub mod table;

/// How `plexus query` prints each statement's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Aligned tables followed by a summary line, like the shell.
    #[default]
    Table,
    /// One JSON array of records per statement, one per line.
    Json,
    /// A header row, then one line per record.
    Csv,
}

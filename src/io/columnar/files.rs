//! Writing and reading record batches as Parquet or Arrow IPC files, behind one interface.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::panic::AssertUnwindSafe;
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_ipc::reader::FileReader;
use arrow_ipc::writer::FileWriter;
use arrow_schema::{ArrowError, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::{ColumnarFormat, BATCH_ROWS};

/// Parquet row groups of this many rows: big enough to compress well, small enough for readers to skip.
const ROW_GROUP_ROWS: usize = 4 * BATCH_ROWS;

/// An open output file of either format.
pub(super) enum BatchWriter {
    Parquet(ArrowWriter<File>),
    Arrow(FileWriter<BufWriter<File>>),
}

impl BatchWriter {
    /// Creates `path` (which must not exist) for batches of `schema`.
    pub(super) fn create(path: &Path, schema: SchemaRef, format: ColumnarFormat) -> Result<BatchWriter, String> {
        let file = File::create_new(path).map_err(|e| e.to_string())?;
        match format {
            ColumnarFormat::Parquet => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
                    .build();
                ArrowWriter::try_new(file, schema, Some(props)).map(BatchWriter::Parquet).map_err(|e| e.to_string())
            }
            ColumnarFormat::Arrow => {
                FileWriter::try_new(BufWriter::new(file), &schema).map(BatchWriter::Arrow).map_err(|e| e.to_string())
            }
        }
    }

    pub(super) fn write(&mut self, batch: &RecordBatch) -> Result<(), String> {
        match self {
            BatchWriter::Parquet(w) => w.write(batch).map_err(|e| e.to_string()),
            BatchWriter::Arrow(w) => w.write(batch).map_err(|e| e.to_string()),
        }
    }

    /// Writes the footer and flushes everything to the file.
    pub(super) fn finish(self) -> Result<(), String> {
        match self {
            BatchWriter::Parquet(w) => w.close().map(drop).map_err(|e| e.to_string()),
            BatchWriter::Arrow(mut w) => {
                w.finish().map_err(|e| e.to_string())?;
                let mut out = w.into_inner().map_err(|e| e.to_string())?;
                out.flush().map_err(|e| e.to_string())
            }
        }
    }
}

/// The batches of one input file. Decoders of either format can panic on corrupt bytes rather than fail, so
/// every call into them is guarded: to us such a panic is a corrupt file, not a crash.
pub(super) struct BatchReader {
    inner: Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>>>,
}

impl Iterator for BatchReader {
    type Item = Result<RecordBatch, String>;

    fn next(&mut self) -> Option<Self::Item> {
        let inner = &mut self.inner;
        match guarded(|| Ok(inner.next())) {
            Ok(next) => next.map(|batch| batch.map_err(|e| e.to_string())),
            Err(message) => Some(Err(message)),
        }
    }
}

/// Opens `path` as `format`; the error says why the file is not readable as that format.
pub(super) fn open(path: &Path, format: ColumnarFormat) -> Result<BatchReader, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    guarded(|| match format {
        ColumnarFormat::Parquet => {
            let builder = ParquetRecordBatchReaderBuilder::try_new(file)
                .map_err(|e| format!("not a readable Parquet file: {e}"))?
                .with_batch_size(BATCH_ROWS);
            let reader = builder.build().map_err(|e| format!("not a readable Parquet file: {e}"))?;
            Ok(BatchReader { inner: Box::new(reader) })
        }
        ColumnarFormat::Arrow => {
            let reader = FileReader::try_new(BufReader::new(file), None)
                .map_err(|e| format!("not a readable Arrow IPC file: {e}"))?;
            Ok(BatchReader { inner: Box::new(reader) })
        }
    })
}

/// Runs `f`, turning a panic into an error. The reader that panicked is dropped with the error, so no state
/// broken by the unwind is used again.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!("corrupt data (the decoder failed: {why})"))
    })
}

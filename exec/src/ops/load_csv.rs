//! LOAD CSV: for each input row, the records of the file its URL names, as a
//! list of strings or (WITH HEADERS) a map from header to string. Empty
//! fields are null, as Neo4j returns them. Records stream in batches, so a
//! large file never sits in memory whole.

use std::fs::File;
use std::io::BufReader;

use arrow_array::UInt32Array;
use plexus_planner::Expr;
use plexus_storage::{Error, ErrorClass, Phase, Result, Value};

use super::Operator;
use crate::batch::Batch;
use crate::context::ExecContext;
use crate::eval::Evaluator;

/// Records per output batch.
const BATCH_ROWS: usize = 4096;

/// What to load.
pub struct LoadCsvSpec {
    pub url: Expr,
    pub with_headers: bool,
    pub terminator: u8,
    pub variable: String,
}

/// The file being read for one input row.
struct Open {
    reader: csv::Reader<BufReader<File>>,
    headers: Option<Vec<String>>,
    path: String,
}

/// An input batch and how far through its rows the load is.
struct Pending {
    batch: Batch,
    urls: Vec<Value>,
    row: usize,
    open: Option<Open>,
}

pub struct LoadCsvOp {
    input: Box<dyn Operator>,
    spec: LoadCsvSpec,
    pending: Option<Pending>,
}

impl LoadCsvOp {
    pub fn new(input: Box<dyn Operator>, spec: LoadCsvSpec) -> Self {
        LoadCsvOp { input, spec, pending: None }
    }
}

fn load_error(message: String) -> Error {
    Error::new(ErrorClass::ArgumentError, "LoadCsvFailed", Phase::Runtime, message)
}

/// The local path a `file:` URL (or a plain path) names.
fn path_of(url: &str) -> Result<String> {
    if let Some(rest) = url.strip_prefix("file://") {
        return Ok(rest.to_string());
    }
    if let Some(rest) = url.strip_prefix("file:") {
        return Ok(rest.to_string());
    }
    if url.contains("://") {
        return Err(load_error(format!("cannot load `{url}`: only local files (file:///...) are supported")));
    }
    Ok(url.to_string())
}

fn field(bytes: &[u8], path: &str, line: u64) -> Result<Value> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    std::str::from_utf8(bytes)
        .map(|s| Value::String(s.to_string()))
        .map_err(|_| load_error(format!("{path}:{line}: a field is not UTF-8")))
}

impl LoadCsvOp {
    fn open(&self, url: &Value) -> Result<Option<Open>> {
        let url = match url {
            Value::Null => return Ok(None),
            Value::String(s) => s,
            other => {
                return Err(Error::type_error(
                    "InvalidArgumentType",
                    format!("LOAD CSV needs a URL string, got {}", other.type_name()),
                ))
            }
        };
        let path = path_of(url)?;
        let file = File::open(&path).map_err(|e| load_error(format!("cannot load {url}: {e}")))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.spec.terminator)
            .from_reader(BufReader::with_capacity(1 << 20, file));
        let headers = if self.spec.with_headers {
            let mut record = csv::ByteRecord::new();
            match reader.read_byte_record(&mut record) {
                Ok(true) => Some(
                    record
                        .iter()
                        .map(|h| {
                            String::from_utf8(h.to_vec())
                                .map_err(|_| load_error(format!("{path}:1: a header is not UTF-8")))
                        })
                        .collect::<Result<Vec<_>>>()?,
                ),
                Ok(false) => Some(Vec::new()),
                Err(e) => return Err(load_error(format!("{path}: {e}"))),
            }
        } else {
            None
        };
        Ok(Some(Open { reader, headers, path }))
    }
}

impl Operator for LoadCsvOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let mut rows = Vec::new();
        let mut values = Vec::new();
        loop {
            if self.pending.is_none() {
                let Some(batch) = self.input.next(ctx)? else { break };
                let urls = ctx.column_values(&Evaluator::new(ctx).column(&self.spec.url, &batch)?);
                self.pending = Some(Pending { batch, urls, row: 0, open: None });
            }
            let Some(p) = self.pending.as_mut() else { break };
            if p.row >= p.urls.len() {
                // Emit what this batch produced before moving on to the next one.
                if !rows.is_empty() {
                    break;
                }
                self.pending = None;
                continue;
            }
            if p.open.is_none() {
                let url = p.urls[p.row].clone();
                let opened = self.open(&url)?;
                let Some(p) = self.pending.as_mut() else { break };
                match opened {
                    Some(open) => p.open = Some(open),
                    // A null URL loads nothing for its row.
                    None => {
                        p.row += 1;
                        continue;
                    }
                }
            }
            let Some(p) = self.pending.as_mut() else { break };
            let Some(open) = p.open.as_mut() else { continue };
            let mut record = csv::ByteRecord::new();
            while values.len() < BATCH_ROWS {
                match open.reader.read_byte_record(&mut record) {
                    Ok(true) => {
                        let line = record.position().map_or(0, |pos| pos.line());
                        let value = match &open.headers {
                            Some(headers) => {
                                let mut map = std::collections::BTreeMap::new();
                                for (i, h) in headers.iter().enumerate() {
                                    map.insert(h.clone(), field(record.get(i).unwrap_or_default(), &open.path, line)?);
                                }
                                Value::Map(map)
                            }
                            None => Value::List(
                                record.iter().map(|f| field(f, &open.path, line)).collect::<Result<Vec<_>>>()?,
                            ),
                        };
                        rows.push(p.row as u32);
                        values.push(value);
                    }
                    Ok(false) => {
                        p.open = None;
                        p.row += 1;
                        break;
                    }
                    Err(e) => return Err(load_error(format!("{}: {e}", open.path))),
                }
            }
            if values.len() >= BATCH_ROWS {
                break;
            }
        }
        if rows.is_empty() {
            return Ok(None);
        }
        // Rows all come from the pending batch: a batch is finished before the next is pulled.
        let Some(p) = self.pending.as_ref() else { return Err(Error::internal("LOAD CSV lost its input batch")) };
        let out = p.batch.take(&UInt32Array::from(rows))?;
        Ok(Some(out.with_column(&self.spec.variable, crate::ops::values_to_column(values))))
    }
}

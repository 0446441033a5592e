//! Reading an exported directory back into a new graph.

use std::collections::HashMap;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use plexus_storage::{Error, Graph, GraphBuilder, NodeId, Value};

use super::error::invalid;
use super::files;
use super::manifest;
use super::report::{ColumnarImportReport, ExportedFile};
use super::schema::{key_of_column, DST, EXTERNAL_ID, ID, LABELS, SRC};
use super::values::{from_array, Unreadable};
use super::ColumnarFormat;

/// Reads the directory `dir` written by [`export`](super::export) (or laid out the same way) into a new graph.
pub fn import(dir: &Path) -> Result<(Graph, ColumnarImportReport), Error> {
    let entries = manifest::read(dir)?;
    let mut load = Load { builder: GraphBuilder::new(), nodes: HashMap::new(), report: Default::default() };
    // Nodes first: relationships name them by their old ids.
    for entry in entries.iter().filter(|e| e.nodes) {
        read_file(dir, entry, |batch, first_row| load.nodes(entry, batch, first_row))?;
    }
    for entry in entries.iter().filter(|e| !e.nodes) {
        read_file(dir, entry, |batch, first_row| load.rels(entry, batch, first_row))?;
    }
    load.report.files = entries.len() as u64;
    Ok((load.builder.finish(), load.report))
}

/// Streams the batches of one file to `each` (with the 0-based index of each batch's first row) and checks
/// the manifest's row count.
fn read_file(
    dir: &Path,
    entry: &ExportedFile,
    mut each: impl FnMut(&RecordBatch, u64) -> Result<(), Error>,
) -> Result<(), Error> {
    let file = &entry.file;
    let format = ColumnarFormat::from_extension(file)
        .ok_or_else(|| invalid(file, None, "the extension is neither .parquet nor .arrow"))?;
    let batches = files::open(&dir.join(file), format).map_err(|m| invalid(file, None, m))?;
    let mut rows = 0u64;
    for batch in batches {
        let batch = batch.map_err(|e| invalid(file, None, format!("unreadable from row {}: {e}", rows + 1)))?;
        each(&batch, rows)?;
        rows += batch.num_rows() as u64;
    }
    if rows != entry.rows {
        return Err(invalid(file, None, format!("the manifest says {} rows, the file has {rows}", entry.rows)));
    }
    Ok(())
}

/// The graph being built and the old node ids it has seen.
struct Load {
    builder: GraphBuilder,
    /// Old `_id` → new node id.
    nodes: HashMap<u64, NodeId>,
    report: ColumnarImportReport,
}

/// One batch's columns: ids as numbers, the other own columns and the properties as values.
struct Columns {
    ids: HashMap<&'static str, Vec<Option<u64>>>,
    own: HashMap<&'static str, Vec<Value>>,
    properties: Vec<(String, Vec<Value>)>,
}

impl Columns {
    fn read(file: &str, batch: &RecordBatch, first_row: u64, own: &[&'static str]) -> Result<Columns, Error> {
        let mut columns = Columns { ids: HashMap::new(), own: HashMap::new(), properties: Vec::new() };
        let at_row = |i: usize| Some(first_row + i as u64 + 1);
        for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
            let name = field.name().as_str();
            match own.iter().find(|&&o| o == name) {
                Some(&o) if [ID, SRC, DST].contains(&o) => {
                    let ids = ids(array.as_ref()).map_err(|e| match e {
                        Unreadable::Column(m) => column(file, name, m),
                        Unreadable::Row(i, m) => invalid(file, at_row(i), format!("{name}: {m}")),
                    })?;
                    columns.ids.insert(o, ids);
                }
                found => {
                    let values = from_array(field, array.as_ref()).map_err(|e| match e {
                        Unreadable::Column(m) => column(file, name, m),
                        Unreadable::Row(i, m) => invalid(file, at_row(i), format!("column {name}: {m}")),
                    })?;
                    match found {
                        Some(&o) => {
                            columns.own.insert(o, values);
                        }
                        None => columns.properties.push((key_of_column(name).to_string(), values)),
                    }
                }
            }
        }
        Ok(columns)
    }

    /// A required id column.
    fn ids(&self, file: &str, name: &'static str) -> Result<&[Option<u64>], Error> {
        self.ids.get(name).map(Vec::as_slice).ok_or_else(|| invalid(file, None, format!("no {name} column")))
    }

    /// The non-null properties of row `i`.
    fn properties_of(&self, i: usize) -> Vec<(String, Value)> {
        self.properties
            .iter()
            .filter_map(|(k, vs)| vs.get(i).filter(|v| !v.is_null()).map(|v| (k.clone(), v.clone())))
            .collect()
    }
}

fn column(file: &str, name: &str, message: impl std::fmt::Display) -> Error {
    invalid(file, None, format!("column {name}: {message}"))
}

/// An id column: UInt64, or Int64 from tools without unsigned types (negative ids refused).
fn ids(array: &dyn Array) -> Result<Vec<Option<u64>>, Unreadable> {
    match array.data_type() {
        DataType::UInt64 => Ok(array.as_primitive::<UInt64Type>().iter().collect()),
        DataType::Int64 => array
            .as_primitive::<Int64Type>()
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.map(|v| u64::try_from(v).map_err(|_| Unreadable::Row(i, format!("negative id {v}")))).transpose()
            })
            .collect(),
        other => Err(Unreadable::Column(format!("ids must be UInt64, not {other}"))),
    }
}

/// The id in row `i` of an id column; a null id is an error.
fn id_at(file: &str, name: &str, ids: &[Option<u64>], i: usize, row: u64) -> Result<u64, Error> {
    ids.get(i).copied().flatten().ok_or_else(|| invalid(file, Some(row), format!("{name} is null")))
}

impl Load {
    fn nodes(&mut self, entry: &ExportedFile, batch: &RecordBatch, first_row: u64) -> Result<(), Error> {
        let file = &entry.file;
        let cols = Columns::read(file, batch, first_row, &[ID, EXTERNAL_ID, LABELS])?;
        let old_ids = cols.ids(file, ID)?;
        for i in 0..batch.num_rows() {
            let row = first_row + i as u64 + 1;
            self.report.node_rows += 1;
            let old = id_at(file, ID, old_ids, i, row)?;
            // A node with several labels is in each of their files, whole in each: the first copy is enough.
            if self.nodes.contains_key(&old) {
                continue;
            }
            let labels = labels(file, row, cols.own.get(LABELS).and_then(|l| l.get(i)), entry.name.as_deref())?;
            let props = cols.properties_of(i);
            let added = match cols.own.get(EXTERNAL_ID).and_then(|e| e.get(i)) {
                None | Some(Value::Null) => self.builder.add_node(&labels, props),
                Some(Value::String(ext)) => self.builder.add_node_with_external_id(ext, &labels, props),
                Some(other) => {
                    return Err(invalid(file, Some(row), format!("{EXTERNAL_ID} must be text, not {other}")))
                }
            };
            let new = added.map_err(|e| invalid(file, Some(row), format!("node {old}: {}", e.message)))?;
            self.nodes.insert(old, new);
            self.report.nodes += 1;
        }
        Ok(())
    }

    fn rels(&mut self, entry: &ExportedFile, batch: &RecordBatch, first_row: u64) -> Result<(), Error> {
        let file = &entry.file;
        let rel_type = entry.name.as_deref().unwrap_or_default();
        let cols = Columns::read(file, batch, first_row, &[ID, SRC, DST])?;
        let (src, dst) = (cols.ids(file, SRC)?, cols.ids(file, DST)?);
        for i in 0..batch.num_rows() {
            let row = first_row + i as u64 + 1;
            let end = |name: &str, ids: &[Option<u64>]| {
                let old = id_at(file, name, ids, i, row)?;
                self.nodes.get(&old).copied().ok_or_else(|| {
                    invalid(file, Some(row), format!("{name} {old} is not the {ID} of any node in the node files"))
                })
            };
            let (s, d) = (end(SRC, src)?, end(DST, dst)?);
            self.builder
                .add_relationship(s, d, rel_type, cols.properties_of(i))
                .map_err(|e| invalid(file, Some(row), e.message))?;
            self.report.relationships += 1;
        }
        Ok(())
    }
}

/// The labels of one row: its `_labels`, with the file's own label added when a foreign writer left it out.
fn labels(file: &str, row: u64, cell: Option<&Value>, file_label: Option<&str>) -> Result<Vec<String>, Error> {
    let mut labels = match cell {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::List(items)) => items
            .iter()
            .map(|l| match l {
                Value::String(s) => Ok(s.clone()),
                other => Err(invalid(file, Some(row), format!("{LABELS} must hold text, not {other}"))),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => return Err(invalid(file, Some(row), format!("{LABELS} must be a list of text, not {other}"))),
    };
    if let Some(label) = file_label {
        if !labels.iter().any(|l| l == label) {
            labels.push(label.to_string());
        }
    }
    Ok(labels)
}

//! Writing a snapshot as one columnar file per label and per relationship type.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use plexus_storage::{Error, KeyId, LabelId, NodeId, PropertyArray, RelId, Snapshot, TypeId};

use super::error::os;
use super::files::BatchWriter;
use super::manifest::{self, FileNames};
use super::report::{ExportReport, ExportedFile};
use super::schema::{list_of, ColumnType, DST, EXTERNAL_ID, ID, LABELS, SRC};
use super::values::to_array;
use super::{ColumnarFormat, BATCH_ROWS};

/// Writes every live node and relationship of `snapshot` under `dir`, which must not exist or be empty.
pub fn export(snapshot: &Snapshot, dir: &Path, format: ColumnarFormat) -> Result<ExportReport, Error> {
    prepare(dir)?;
    let ext = format.extension();
    let mut names = FileNames::default();
    // Reserved first, so that a label named `_unlabeled` cannot take the documented name.
    let unlabeled_file = names.name("nodes_", "_unlabeled", ext);
    let mut report = ExportReport { nodes: snapshot.node_count(), relationships: snapshot.rel_count(), files: vec![] };
    let all = 0..snapshot.node_capacity();
    for (label, name) in snapshot.labels().into_iter().enumerate() {
        let mut ids = Vec::new();
        snapshot.scan_nodes(all.clone(), Some(label as LabelId), &mut ids);
        if !ids.is_empty() {
            let file = names.name("nodes_", &name, ext);
            report.files.push(write_file(snapshot, dir, file, Some(name), Entities::Nodes(&ids), format)?);
        }
    }
    let mut unlabeled = Vec::new();
    snapshot.scan_nodes(all, None, &mut unlabeled);
    unlabeled.retain(|&n| snapshot.node_labels(n).is_empty());
    if !unlabeled.is_empty() {
        report.files.push(write_file(snapshot, dir, unlabeled_file, None, Entities::Nodes(&unlabeled), format)?);
    }
    for (t, ids) in rels_by_type(snapshot).into_iter().enumerate() {
        if !ids.is_empty() {
            let name = snapshot.type_name(t as TypeId).to_string();
            let file = names.name("rels_", &name, ext);
            report.files.push(write_file(snapshot, dir, file, Some(name), Entities::Rels(&ids), format)?);
        }
    }
    manifest::write(dir, &report.files)?;
    Ok(report)
}

/// Creates `dir`, or accepts it when it is an empty directory: an export never mixes with other files.
fn prepare(dir: &Path) -> Result<(), Error> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::io(
                    "TargetNotEmpty",
                    format!("{} is not empty; export into a new or empty directory", dir.display()),
                ));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| os("create directory", dir, e))
        }
        Err(e) => Err(os("open directory", dir, e)),
    }
}

/// Live relationship ids grouped by type id, ascending.
fn rels_by_type(snapshot: &Snapshot) -> Vec<Vec<RelId>> {
    let mut by_type: Vec<Vec<RelId>> = vec![Vec::new(); snapshot.types().len()];
    let mut ids = Vec::new();
    let cap = snapshot.rel_capacity();
    for start in (0..cap).step_by(BATCH_ROWS) {
        ids.clear();
        snapshot.scan_rels(start..cap.min(start + BATCH_ROWS as u64), &mut ids);
        for &r in &ids {
            if let Some((_, _, t)) = snapshot.rel_endpoints(r) {
                if let Some(list) = by_type.get_mut(t as usize) {
                    list.push(r);
                }
            }
        }
    }
    by_type
}

/// The rows of one file.
#[derive(Clone, Copy)]
enum Entities<'a> {
    Nodes(&'a [NodeId]),
    Rels(&'a [RelId]),
}

impl Entities<'_> {
    /// What the rows are, for messages.
    fn what(self) -> &'static str {
        match self {
            Entities::Nodes(_) => "nodes",
            Entities::Rels(_) => "relationships",
        }
    }

    fn all(&self) -> &[u64] {
        match self {
            Entities::Nodes(ids) | Entities::Rels(ids) => ids,
        }
    }

    fn property(&self, snapshot: &Snapshot, ids: &[u64], key: KeyId) -> PropertyArray {
        match self {
            Entities::Nodes(_) => snapshot.node_property_column(ids, key),
            Entities::Rels(_) => snapshot.rel_property_column(ids, key),
        }
    }

    /// The entities' own columns, before the properties.
    fn own_fields(&self) -> Vec<Field> {
        match self {
            Entities::Nodes(_) => vec![
                Field::new(ID, DataType::UInt64, false),
                Field::new(EXTERNAL_ID, DataType::Utf8, true),
                Field::new(LABELS, list_of(DataType::Utf8), false),
            ],
            Entities::Rels(_) => {
                [ID, SRC, DST].into_iter().map(|name| Field::new(name, DataType::UInt64, false)).collect()
            }
        }
    }

    fn own_columns(&self, snapshot: &Snapshot, ids: &[u64]) -> Result<Vec<ArrayRef>, Error> {
        let id_column: ArrayRef = Arc::new(UInt64Array::from(ids.to_vec()));
        match self {
            Entities::Nodes(_) => {
                let external: StringArray = ids.iter().map(|&n| snapshot.external_id(n)).collect();
                let mut labels = ListBuilder::new(StringBuilder::new());
                for &n in ids {
                    for l in snapshot.node_labels(n) {
                        labels.values().append_value(snapshot.label_name(l));
                    }
                    labels.append(true);
                }
                Ok(vec![id_column, Arc::new(external), Arc::new(labels.finish())])
            }
            Entities::Rels(_) => {
                let ends = ids
                    .iter()
                    .map(|&r| snapshot.rel_endpoints(r).map(|(s, d, _)| (s, d)))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| Error::internal("a relationship of the snapshot vanished during export"))?;
                let src: UInt64Array = ends.iter().map(|e| e.0).collect::<Vec<_>>().into();
                let dst: UInt64Array = ends.iter().map(|e| e.1).collect::<Vec<_>>().into();
                Ok(vec![id_column, Arc::new(src), Arc::new(dst)])
            }
        }
    }
}

/// Writes one file in batches: a first pass over the properties chooses the columns, a second writes them.
fn write_file(
    snapshot: &Snapshot,
    dir: &Path,
    file: String,
    name: Option<String>,
    rows: Entities,
    format: ColumnarFormat,
) -> Result<ExportedFile, Error> {
    let ids = rows.all();
    let columns: Vec<(KeyId, ColumnType)> = (0..snapshot.keys().len() as KeyId)
        .map(|k| {
            let ty = ids
                .chunks(BATCH_ROWS)
                .fold(ColumnType::Empty, |t, chunk| t.join(ColumnType::of_batch(&rows.property(snapshot, chunk, k))));
            (k, ty)
        })
        .filter(|(_, ty)| *ty != ColumnType::Empty)
        .collect();
    let mut fields = rows.own_fields();
    fields.extend(columns.iter().map(|&(k, ty)| ty.field(snapshot.key_name(k))));
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let path = dir.join(&file);
    let failed = |e: String| os(&format!("write {} to", rows.what()), &path, e);
    let mut writer = BatchWriter::create(&path, schema.clone(), format).map_err(failed)?;
    for chunk in ids.chunks(BATCH_ROWS) {
        let mut arrays = rows.own_columns(snapshot, chunk)?;
        for &(k, ty) in &columns {
            arrays.push(to_array(ty, rows.property(snapshot, chunk, k))?);
        }
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| Error::internal(e.to_string()))?;
        writer.write(&batch).map_err(failed)?;
    }
    writer.finish().map_err(failed)?;
    let encoded_columns = columns
        .iter()
        .filter(|(_, ty)| *ty == ColumnType::Encoded)
        .map(|&(k, _)| snapshot.key_name(k).to_string())
        .collect();
    Ok(ExportedFile { file, nodes: matches!(rows, Entities::Nodes(_)), name, rows: ids.len() as u64, encoded_columns })
}

//! Writing a version of the graph as a checkpoint: Arrow IPC files for nodes
//! (row = node id), relationships (row = relationship id) and bitmaps
//! (deleted ids, labels), then the manifest. Files go to a temporary
//! directory that is renamed into place only when complete and synced.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{BinaryBuilder, BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, BinaryArray, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow_ipc::writer::FileWriter;
use arrow_schema::{DataType, Field, Schema};
use roaring::RoaringTreemap;

use crate::compaction::compact;
use crate::durable::checkpoint::manifest::{FileEntry, Manifest, MANIFEST};
use crate::durable::codec::encode_value;
use crate::durable::fsutil::{now_micros, sync_dir, write_synced};
use crate::error::{Error, Result};
use crate::property_column::{Kind, PropertyColumn};
use crate::snapshot::Snapshot;
use crate::value::Value;

/// Rows per record batch: 32 property chunks.
pub(crate) const BATCH_ROWS: u64 = 65536;
/// Prefix of property fields (so no property name collides with ours).
pub(crate) const PROPERTY_PREFIX: &str = "p:";

/// Where a checkpoint comes from, beyond the graph itself.
#[derive(Debug, Clone, Default)]
pub struct CheckpointMeta {
    /// Commit time of the snapshot's sequence number, if known.
    pub seq_time_micros: i64,
    /// For snapshots: the data directory whose WAL continues this one.
    pub source: Option<String>,
    /// For snapshots: their name.
    pub name: Option<String>,
}

/// Counts and checksums what passes through.
struct Hashing<W: Write> {
    inner: W,
    crc: u32,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc = crc32c::crc32c_append(self.crc, &buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn arrow_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::io("CheckpointWriteFailed", format!("cannot write {}: {e}", path.display()))
}

/// Writes `schema` and the batches `make_batch(i)` yields into `dir/name`.
fn write_ipc(
    dir: &Path,
    name: &str,
    schema: Arc<Schema>,
    batches: impl Iterator<Item = Result<RecordBatch>>,
) -> Result<FileEntry> {
    let path = dir.join(name);
    let file = File::create(&path).map_err(|e| Error::os("create", &path, e))?;
    let sink = Hashing { inner: BufWriter::with_capacity(1 << 20, file), crc: 0, bytes: 0 };
    let mut writer = FileWriter::try_new(sink, &schema).map_err(|e| arrow_error(&path, e))?;
    for batch in batches {
        writer.write(&batch?).map_err(|e| arrow_error(&path, e))?;
    }
    writer.finish().map_err(|e| arrow_error(&path, e))?;
    let sink = writer.into_inner().map_err(|e| arrow_error(&path, e))?;
    let (crc, bytes) = (sink.crc, sink.bytes);
    let file = sink.inner.into_inner().map_err(|e| arrow_error(&path, e.error()))?;
    file.sync_all().map_err(|e| Error::os("sync", &path, e))?;
    Ok(FileEntry { name: name.to_string(), bytes, crc32c: crc })
}

/// The single Arrow type that holds every value of a column.
fn column_kind(col: &PropertyColumn) -> Kind {
    (0..col.chunk_count()).filter_map(|c| col.chunk(c)).fold(Kind::Null, |k, chunk| k.join(chunk.kind()))
}

fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Int => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::Str => DataType::Utf8,
        Kind::Bool => DataType::Boolean,
        // Mixed columns hold our value encoding (Arrow has no dynamic type).
        Kind::Null | Kind::Mixed => DataType::Binary,
    }
}

/// Rows `start..end` of a column as an Arrow array of `kind`.
fn column_array(col: &PropertyColumn, kind: Kind, start: u64, end: u64) -> Result<ArrayRef> {
    let n = (end - start) as usize;
    Ok(match kind {
        Kind::Int => {
            let mut b = Int64Builder::with_capacity(n);
            (start..end).for_each(|r| b.append_option(col.get(r).as_int()));
            Arc::new(b.finish())
        }
        Kind::Float => {
            let mut b = Float64Builder::with_capacity(n);
            (start..end).for_each(|r| match col.get(r) {
                Value::Float(f) => b.append_value(f),
                _ => b.append_null(),
            });
            Arc::new(b.finish())
        }
        Kind::Str => {
            let mut b = StringBuilder::with_capacity(n, n * 8);
            (start..end).for_each(|r| b.append_option(col.get(r).as_str()));
            Arc::new(b.finish())
        }
        Kind::Bool => {
            let mut b = BooleanBuilder::with_capacity(n);
            (start..end).for_each(|r| b.append_option(col.get(r).as_bool()));
            Arc::new(b.finish())
        }
        Kind::Null | Kind::Mixed => {
            let mut b = BinaryBuilder::with_capacity(n, n * 8);
            for r in start..end {
                match col.get(r) {
                    Value::Null => b.append_null(),
                    v => b.append_value(encode_value(&v)?),
                }
            }
            Arc::new(b.finish())
        }
    })
}

/// The non-empty property columns as (key name, column, kind).
fn property_fields<'a>(columns: &'a [Arc<PropertyColumn>], keys: &[String]) -> Vec<(Field, &'a PropertyColumn, Kind)> {
    columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_all_null())
        .map(|(k, c)| {
            let kind = column_kind(c);
            (Field::new(format!("{PROPERTY_PREFIX}{}", keys[k]), data_type(kind), true), &**c, kind)
        })
        .collect()
}

/// Batches of `capacity` rows: the fixed columns from `fixed(start, end)`, then the properties.
fn dense_batches<'a>(
    schema: Arc<Schema>,
    capacity: u64,
    props: &'a [(Field, &'a PropertyColumn, Kind)],
    fixed: impl Fn(u64, u64) -> Vec<ArrayRef> + 'a,
) -> impl Iterator<Item = Result<RecordBatch>> + 'a {
    (0..capacity.div_ceil(BATCH_ROWS)).map(move |b| {
        let start = b * BATCH_ROWS;
        let end = (start + BATCH_ROWS).min(capacity);
        let mut arrays = fixed(start, end);
        for (_, col, kind) in props {
            arrays.push(column_array(col, *kind, start, end)?);
        }
        RecordBatch::try_new(schema.clone(), arrays).map_err(|e| Error::internal(format!("checkpoint batch: {e}")))
    })
}

fn serialize(bitmap: &RoaringTreemap) -> Vec<u8> {
    let mut out = Vec::with_capacity(bitmap.serialized_size());
    // Writing into a Vec cannot fail.
    let _ = bitmap.serialize_into(&mut out);
    out
}

/// Writes `snapshot` as a checkpoint at `dir`, which must not exist yet.
pub fn write_checkpoint(snapshot: &Snapshot, dir: &Path, meta: &CheckpointMeta) -> Result<Manifest> {
    let snap = if snapshot.delta.is_empty() { snapshot.clone() } else { compact(snapshot) };
    let parent = dir.parent().ok_or_else(|| Error::internal("a checkpoint directory needs a parent"))?;
    let final_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("checkpoint");
    let tmp = parent.join(format!(".tmp-{final_name}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| Error::os("remove", &tmp, e))?;
    }
    crate::durable::fsutil::create_dir(&tmp)?;
    let catalog = &snap.catalog;
    let (labels, types, keys) = (catalog.labels.names(), catalog.types.names(), catalog.keys.names());
    let base = &snap.base;
    let mut files = Vec::new();

    // Nodes: external ids and properties, one row per id.
    let node_props = property_fields(&base.nodes.properties, &keys);
    let mut fields = vec![Field::new("_external_id", DataType::Utf8, true)];
    fields.extend(node_props.iter().map(|(f, _, _)| f.clone()));
    let schema = Arc::new(Schema::new(fields));
    let external_of = &base.nodes.external_of;
    let batches = dense_batches(schema.clone(), snap.node_capacity, &node_props, |start, end| {
        let ext: StringArray = (start..end).map(|id| external_of.get(&id).map(|s| &**s)).collect();
        vec![Arc::new(ext) as ArrayRef]
    });
    files.push(write_ipc(&tmp, "nodes.arrow", schema, batches)?);

    // Relationships: endpoints, type id and properties, one row per id.
    let rel_props = property_fields(&base.rels.properties, &keys);
    let mut fields = vec![
        Field::new("_src", DataType::UInt64, false),
        Field::new("_dst", DataType::UInt64, false),
        Field::new("_type", DataType::UInt32, false),
    ];
    fields.extend(rel_props.iter().map(|(f, _, _)| f.clone()));
    let schema = Arc::new(Schema::new(fields));
    let rels = &base.rels;
    let batches = dense_batches(schema.clone(), snap.rel_capacity, &rel_props, |start, end| {
        let range = start as usize..end as usize;
        vec![
            Arc::new(UInt64Array::from(rels.src[range.clone()].to_vec())) as ArrayRef,
            Arc::new(UInt64Array::from(rels.dst[range.clone()].to_vec())),
            Arc::new(UInt32Array::from(rels.types[range].to_vec())),
        ]
    });
    files.push(write_ipc(&tmp, "rels.arrow", schema, batches)?);

    // Bitmaps: deleted ids and label membership.
    let mut kinds = vec!["deleted_nodes", "deleted_rels"];
    let mut names = vec![String::new(), String::new()];
    let mut bitmaps = vec![serialize(&base.nodes.deleted), serialize(&base.rels.deleted)];
    for (l, bitmap) in base.nodes.labels.iter().enumerate() {
        kinds.push("label");
        names.push(labels[l].clone());
        bitmaps.push(serialize(bitmap));
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("kind", DataType::Utf8, false),
        Field::new("name", DataType::Utf8, false),
        Field::new("bitmap", DataType::Binary, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(kinds)),
            Arc::new(StringArray::from(names)),
            Arc::new(BinaryArray::from_iter_values(bitmaps.iter())),
        ],
    )
    .map_err(|e| Error::internal(format!("checkpoint bitmaps: {e}")))?;
    files.push(write_ipc(&tmp, "bitmaps.arrow", schema, std::iter::once(Ok(batch)))?);

    let manifest = Manifest {
        seq: snap.seq,
        seq_time_micros: meta.seq_time_micros,
        created_micros: now_micros(),
        node_capacity: snap.node_capacity,
        rel_capacity: snap.rel_capacity,
        labels,
        types,
        keys,
        files,
        source: meta.source.clone(),
        name: meta.name.clone(),
    };
    write_synced(&tmp.join(MANIFEST), manifest.to_json().as_bytes())?;
    sync_dir(&tmp)?;
    std::fs::rename(&tmp, dir).map_err(|e| Error::os("rename into place", dir, e))?;
    sync_dir(parent)?;
    Ok(manifest)
}

//! Opening a checkpoint: every file is checked against the manifest's size
//! and checksum before it is parsed, and every id is checked against the
//! capacities, so a damaged checkpoint is a clear error and never a store
//! with wrong data.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, UInt32Type, UInt64Type};
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_ipc::reader::FileReader;
use arrow_schema::DataType;
use roaring::RoaringTreemap;

use crate::catalog::Catalog;
use crate::durable::checkpoint::manifest::Manifest;
use crate::durable::checkpoint::write::PROPERTY_PREFIX;
use crate::durable::codec::decode_value;
use crate::error::{Error, Result};
use crate::graph::{Graph, GraphConfig};
use crate::node_store::NodeStore;
use crate::property_column::{Chunk, PropertyColumn, CHUNK_ROWS};
use crate::rel_store::RelStore;
use crate::snapshot::{Base, Snapshot};
use crate::value::Value;

fn corrupt(dir: &Path, what: impl std::fmt::Display) -> Error {
    Error::io("CorruptCheckpoint", format!("checkpoint {}: {what}", dir.display()))
}

/// Reads the batches of one data file after checking its size and checksum.
fn read_ipc(dir: &Path, manifest: &Manifest, name: &str) -> Result<Vec<RecordBatch>> {
    let entry = manifest.files.iter().find(|f| f.name == name).ok_or_else(|| corrupt(dir, format!("no {name}")))?;
    let path = dir.join(name);
    let bytes = std::fs::read(&path).map_err(|e| Error::os("read", &path, e))?;
    if bytes.len() as u64 != entry.bytes {
        return Err(corrupt(dir, format!("{name} has {} bytes, the manifest says {}", bytes.len(), entry.bytes)));
    }
    if crc32c::crc32c(&bytes) != entry.crc32c {
        return Err(corrupt(dir, format!("{name} fails its checksum")));
    }
    let reader = FileReader::try_new(Cursor::new(bytes), None).map_err(|e| corrupt(dir, format!("{name}: {e}")))?;
    reader.collect::<std::result::Result<Vec<_>, _>>().map_err(|e| corrupt(dir, format!("{name}: {e}")))
}

/// Rows `offset..offset + len` of a property array as a chunk.
fn chunk_of(array: &ArrayRef, offset: usize, len: usize) -> Result<Chunk> {
    let slice = array.slice(offset, len);
    if slice.null_count() == len {
        return Ok(Chunk::Null);
    }
    Ok(match slice.data_type() {
        DataType::Int64 => Chunk::Int(slice.as_primitive::<Int64Type>().iter().collect::<Int64Array>()),
        DataType::Float64 => Chunk::Float(slice.as_primitive::<Float64Type>().iter().collect::<Float64Array>()),
        DataType::Utf8 => Chunk::Str(slice.as_string::<i32>().iter().collect::<StringArray>()),
        DataType::Boolean => Chunk::Bool(slice.as_boolean().iter().collect::<BooleanArray>()),
        DataType::Binary => {
            let values = slice
                .as_binary::<i32>()
                .iter()
                .map(|b| b.map_or(Ok(Value::Null), decode_value))
                .collect::<Result<Vec<_>>>()?;
            Chunk::from_values(values)
        }
        other => return Err(Error::io("CorruptCheckpoint", format!("a property column of type {other}"))),
    })
}

/// Property columns by key id from the `p:` fields of dense batches.
fn read_properties(dir: &Path, batches: &[RecordBatch], catalog: &Catalog) -> Result<Vec<Arc<PropertyColumn>>> {
    let mut columns: Vec<PropertyColumn> = vec![PropertyColumn::default(); catalog.keys.len()];
    let mut row = 0usize;
    for batch in batches {
        for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
            let Some(key) = field.name().strip_prefix(PROPERTY_PREFIX) else { continue };
            let key = catalog.keys.get(key).ok_or_else(|| corrupt(dir, format!("unknown property key {key}")))?;
            let mut offset = 0;
            while offset < array.len() {
                let len = CHUNK_ROWS.min(array.len() - offset);
                let chunk = chunk_of(array, offset, len).map_err(|e| corrupt(dir, e.message))?;
                columns[key as usize].set_chunk((row + offset) / CHUNK_ROWS, chunk);
                offset += len;
            }
        }
        row += batch.num_rows();
    }
    Ok(columns.into_iter().map(Arc::new).collect())
}

fn rows(batches: &[RecordBatch]) -> u64 {
    batches.iter().map(|b| b.num_rows() as u64).sum()
}

fn column<'a>(dir: &Path, batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| corrupt(dir, format!("no column {name}")))
}

/// Reads the checkpoint at `dir` into a graph at the manifest's sequence number.
pub fn read_checkpoint(dir: &Path, config: GraphConfig) -> Result<(Graph, Manifest)> {
    let manifest = Manifest::read(dir)?;
    let mut catalog = Catalog::default();
    manifest.labels.iter().for_each(|n| _ = catalog.labels.intern(n));
    manifest.types.iter().for_each(|n| _ = catalog.types.intern(n));
    manifest.keys.iter().for_each(|n| _ = catalog.keys.intern(n));
    if catalog.labels.len() != manifest.labels.len()
        || catalog.types.len() != manifest.types.len()
        || catalog.keys.len() != manifest.keys.len()
    {
        return Err(corrupt(dir, "duplicate names in the catalog"));
    }
    let node_batches = read_ipc(dir, &manifest, "nodes.arrow")?;
    let rel_batches = read_ipc(dir, &manifest, "rels.arrow")?;
    let bitmap_batches = read_ipc(dir, &manifest, "bitmaps.arrow")?;
    if rows(&node_batches) != manifest.node_capacity || rows(&rel_batches) != manifest.rel_capacity {
        return Err(corrupt(dir, "row counts differ from the manifest"));
    }
    let ragged = |batches: &[RecordBatch]| batches.iter().rev().skip(1).any(|b| b.num_rows() % CHUNK_ROWS != 0);
    if ragged(&node_batches) || ragged(&rel_batches) {
        return Err(corrupt(dir, "a batch does not end on a chunk boundary"));
    }

    let mut nodes = NodeStore { capacity: manifest.node_capacity, ..NodeStore::default() };
    nodes.labels = vec![Arc::default(); catalog.labels.len()];
    let mut rels = RelStore { capacity: manifest.rel_capacity, ..RelStore::default() };
    for batch in &bitmap_batches {
        let kinds = column(dir, batch, "kind")?.as_string_opt::<i32>().ok_or_else(|| corrupt(dir, "bitmap kinds"))?;
        let names = column(dir, batch, "name")?.as_string_opt::<i32>().ok_or_else(|| corrupt(dir, "bitmap names"))?;
        let bits = column(dir, batch, "bitmap")?.as_binary_opt::<i32>().ok_or_else(|| corrupt(dir, "bitmaps"))?;
        for i in 0..batch.num_rows() {
            let bitmap = RoaringTreemap::deserialize_from(bits.value(i)).map_err(|e| corrupt(dir, e))?;
            let (slot, capacity) = match kinds.value(i) {
                "deleted_nodes" => (&mut nodes.deleted, manifest.node_capacity),
                "deleted_rels" => (&mut rels.deleted, manifest.rel_capacity),
                "label" => {
                    let l = catalog.labels.get(names.value(i)).ok_or_else(|| corrupt(dir, "an unknown label"))?;
                    (Arc::make_mut(&mut nodes.labels[l as usize]), manifest.node_capacity)
                }
                other => return Err(corrupt(dir, format!("unknown bitmap kind {other}"))),
            };
            if bitmap.max().is_some_and(|m| m >= capacity) {
                return Err(corrupt(dir, "a bitmap names an id past the end"));
            }
            *slot = bitmap;
        }
    }

    let mut external = HashMap::new();
    let mut external_of = HashMap::new();
    let mut row = 0u64;
    for batch in &node_batches {
        let ext = column(dir, batch, "_external_id")?.as_string_opt::<i32>().ok_or_else(|| corrupt(dir, "ext ids"))?;
        for (i, name) in ext.iter().enumerate() {
            if let Some(name) = name {
                let name: Arc<str> = Arc::from(name);
                external.insert(name.clone(), row + i as u64);
                external_of.insert(row + i as u64, name);
            }
        }
        row += batch.num_rows() as u64;
    }
    nodes.external = Arc::new(external);
    nodes.external_of = Arc::new(external_of);
    nodes.properties = read_properties(dir, &node_batches, &catalog)?;

    let (mut src, mut dst, mut types) = (Vec::new(), Vec::new(), Vec::new());
    for batch in &rel_batches {
        let s = column(dir, batch, "_src")?.as_primitive_opt::<UInt64Type>().ok_or_else(|| corrupt(dir, "_src"))?;
        let d = column(dir, batch, "_dst")?.as_primitive_opt::<UInt64Type>().ok_or_else(|| corrupt(dir, "_dst"))?;
        let t = column(dir, batch, "_type")?.as_primitive_opt::<UInt32Type>().ok_or_else(|| corrupt(dir, "_type"))?;
        src.extend(s.values().iter().copied());
        dst.extend(d.values().iter().copied());
        types.extend(t.values().iter().copied());
    }
    let ntypes = catalog.types.len();
    let bad_rel = (0..src.len()).find(|&r| {
        !rels.deleted.contains(r as u64)
            && (src[r] >= manifest.node_capacity || dst[r] >= manifest.node_capacity || types[r] as usize >= ntypes)
    });
    if let Some(r) = bad_rel {
        return Err(corrupt(dir, format!("relationship {r} has an endpoint or type out of range")));
    }
    if types.iter().any(|&t| t as usize >= ntypes) {
        return Err(corrupt(dir, "a relationship type out of range"));
    }
    rels.src = Arc::new(src);
    rels.dst = Arc::new(dst);
    rels.types = Arc::new(types);
    rels.properties = read_properties(dir, &rel_batches, &catalog)?;
    rels.build_csrs(ntypes, None);

    let snapshot = Snapshot::from_base(manifest.seq, catalog, Base { nodes, rels, type_degrees: OnceLock::new() });
    Ok((Graph::from_snapshot(snapshot, config), manifest))
}

//! The manifest of a checkpoint (or snapshot): which commit it holds, the
//! catalog in id order, and the size and checksum of every data file. It is
//! written last, so a directory without a valid manifest is no checkpoint.

use std::path::Path;

use serde_json::{json, Value as Json};

use crate::error::{Error, Result};

pub const MANIFEST: &str = "manifest.json";
const FORMAT: u64 = 1;

/// One data file of a checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    pub crc32c: u32,
}

/// What a checkpoint directory holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The commit sequence number the files contain, exactly.
    pub seq: u64,
    /// Commit time of that sequence (microseconds since the epoch; 0 if unknown).
    pub seq_time_micros: i64,
    /// When the checkpoint was written.
    pub created_micros: i64,
    pub node_capacity: u64,
    pub rel_capacity: u64,
    pub labels: Vec<String>,
    pub types: Vec<String>,
    pub keys: Vec<String>,
    pub files: Vec<FileEntry>,
    /// For snapshots: the data directory whose WAL archive continues it.
    pub source: Option<String>,
    /// For snapshots: the name given to it.
    pub name: Option<String>,
}

fn corrupt(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::io("CorruptCheckpoint", format!("{}: {what}", path.display()))
}

impl Manifest {
    pub fn to_json(&self) -> String {
        let files: Vec<Json> =
            self.files.iter().map(|f| json!({"name": f.name, "bytes": f.bytes, "crc32c": f.crc32c})).collect();
        let doc = json!({
            "format": FORMAT,
            "seq": self.seq,
            "seq_time_micros": self.seq_time_micros,
            "created_micros": self.created_micros,
            "node_capacity": self.node_capacity,
            "rel_capacity": self.rel_capacity,
            "labels": self.labels,
            "types": self.types,
            "keys": self.keys,
            "files": files,
            "source": self.source,
            "name": self.name,
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// Reads and checks `dir/manifest.json`.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::os("read", &path, e))?;
        let doc: Json = serde_json::from_str(&text).map_err(|e| corrupt(&path, e))?;
        let u64_of = |k: &str| doc.get(k).and_then(Json::as_u64).ok_or_else(|| corrupt(&path, format!("no `{k}`")));
        let i64_of = |k: &str| doc.get(k).and_then(Json::as_i64).ok_or_else(|| corrupt(&path, format!("no `{k}`")));
        let names = |k: &str| -> Result<Vec<String>> {
            let items = doc.get(k).and_then(Json::as_array).ok_or_else(|| corrupt(&path, format!("no `{k}`")))?;
            items.iter().map(|v| v.as_str().map(str::to_string).ok_or_else(|| corrupt(&path, k))).collect()
        };
        let format = u64_of("format")?;
        if format != FORMAT {
            return Err(corrupt(&path, format!("unsupported checkpoint format {format}")));
        }
        let files = doc.get("files").and_then(Json::as_array).ok_or_else(|| corrupt(&path, "no `files`"))?;
        let files = files
            .iter()
            .map(|f| {
                Some(FileEntry {
                    name: f.get("name")?.as_str()?.to_string(),
                    bytes: f.get("bytes")?.as_u64()?,
                    crc32c: u32::try_from(f.get("crc32c")?.as_u64()?).ok()?,
                })
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| corrupt(&path, "a bad file entry"))?;
        let opt = |k: &str| doc.get(k).and_then(Json::as_str).map(str::to_string);
        Ok(Manifest {
            seq: u64_of("seq")?,
            seq_time_micros: i64_of("seq_time_micros")?,
            created_micros: i64_of("created_micros")?,
            node_capacity: u64_of("node_capacity")?,
            rel_capacity: u64_of("rel_capacity")?,
            labels: names("labels")?,
            types: names("types")?,
            keys: names("keys")?,
            files,
            source: opt("source"),
            name: opt("name"),
        })
    }
}

//! Mapping files: a TOML description of a dataset whose CSV files do not say
//! everything themselves (which label a file's rows get, which files have no
//! header line, a header to use instead of the file's own), so datasets such
//! as LDBC SNB load with `plexus load --mapping FILE DATASET_DIR`.
//!
//! ```toml
//! format = "opencypher-csv"   # or "gremlin-csv": how headers are read
//! delimiter = "|"
//! id_type = "Int"             # the type `name:ID(...)` columns store as property `name`
//!
//! [[nodes]]
//! label = "Person"
//! files = ["Person.csv"]
//! header = "id:ID(Person)|firstName:STRING"   # optional: replaces the files' first line
//!
//! [[edges]]
//! type = "knows"
//! files = ["Person_knows_Person.csv", "Person_knows_Person_1.csv"]
//! headerless = ["Person_knows_Person_1.csv"]  # these use the entry's header, all lines are rows
//! optional = true                             # a missing file is reported, not an error
//! ```

use std::path::Path;

use plexus_storage::Error;

use super::files::first_line;
use super::header::{self, FieldType, FileKind};
use super::{load_error, CsvFormat, Source};

fn bad(path: &Path, message: impl std::fmt::Display) -> Error {
    load_error(format!("{}: {message}", path.display()))
}

fn strings(entry: &toml::Table, key: &str, path: &Path) -> Result<Vec<String>, Error> {
    match entry.get(key) {
        None => Ok(Vec::new()),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(|| bad(path, format!("`{key}` must list strings"))))
            .collect(),
        Some(_) => Err(bad(path, format!("`{key}` must be a list of strings"))),
    }
}

/// The files of `dataset` as the mapping at `mapping` describes them, and the
/// optional files that are missing.
pub fn sources(mapping: &Path, dataset: &Path) -> Result<(Vec<Source>, Vec<String>), Error> {
    let text = std::fs::read_to_string(mapping).map_err(|e| Error::os("read", mapping, e))?;
    let doc: toml::Table = text.parse().map_err(|e| bad(mapping, e))?;
    let format = match doc.get("format").and_then(|v| v.as_str()).unwrap_or("opencypher-csv") {
        "opencypher-csv" => CsvFormat::OpenCypher,
        "gremlin-csv" => CsvFormat::Gremlin,
        other => return Err(bad(mapping, format!("unknown format `{other}`"))),
    };
    let delimiter = match doc.get("delimiter").and_then(|v| v.as_str()).unwrap_or(",").as_bytes() {
        [d] => *d,
        _ => return Err(bad(mapping, "`delimiter` must be one ASCII character")),
    };
    let id_type = match doc.get("id_type").and_then(|v| v.as_str()).unwrap_or("String") {
        "String" => FieldType::String,
        "Int" => FieldType::Int,
        other => return Err(bad(mapping, format!("`id_type` must be String or Int, not `{other}`"))),
    };
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (section, kind, name_key) in [("nodes", FileKind::Nodes, "label"), ("edges", FileKind::Edges, "type")] {
        let Some(entries) = doc.get(section) else { continue };
        let entries =
            entries.as_array().ok_or_else(|| bad(mapping, format!("`{section}` must be [[{section}]] tables")))?;
        for entry in entries {
            let entry =
                entry.as_table().ok_or_else(|| bad(mapping, format!("`{section}` must be [[{section}]] tables")))?;
            let name = entry.get(name_key).and_then(|v| v.as_str()).map(str::to_string);
            if kind == FileKind::Edges && name.is_none() {
                return Err(bad(mapping, "every [[edges]] entry needs a `type`"));
            }
            let files = strings(entry, "files", mapping)?;
            if files.is_empty() {
                return Err(bad(mapping, format!("an entry of `{section}` lists no files")));
            }
            let headerless = strings(entry, "headerless", mapping)?;
            let optional = entry.get("optional").and_then(|v| v.as_bool()).unwrap_or(false);
            let present: Vec<&String> = files
                .iter()
                .filter(|f| {
                    let exists = dataset.join(f).is_file();
                    if !exists {
                        missing.push(f.to_string());
                    }
                    exists
                })
                .collect();
            if present.len() < files.len() && !optional {
                return Err(bad(mapping, format!("{} is missing and the entry is not optional", missing.join(", "))));
            }
            // The entry's header: given, or the first file with a header line.
            let fields: Vec<String> = match entry.get("header").and_then(|v| v.as_str()) {
                Some(h) => h.split(delimiter as char).map(str::to_string).collect(),
                None => match present.iter().find(|f| !headerless.contains(f)) {
                    Some(f) => first_line(&dataset.join(f), delimiter)?,
                    None => continue,
                },
            };
            let field_refs: Vec<&str> = fields.iter().map(String::as_str).collect();
            let mut parsed = header::parse_with(&field_refs, format, name.is_some())
                .map_err(|e| bad(mapping, format!("{section} `{}`: {e}", name.as_deref().unwrap_or("?"))))?;
            if parsed.kind != kind {
                return Err(bad(
                    mapping,
                    format!("the files of {section} `{}` do not hold {section}", name.unwrap_or_default()),
                ));
            }
            parsed.label = name;
            parsed.id_type = id_type;
            for f in present {
                out.push(Source {
                    path: dataset.join(f),
                    header: parsed.clone(),
                    delimiter,
                    // A file with a header line skips it, even when the mapping's header replaces it.
                    header_line: !headerless.contains(f),
                });
            }
        }
    }
    Ok((out, missing))
}

//! `manifest.json`: which file holds which label or type (file names are sanitized; the manifest keeps the
//! exact names) and how many rows each has.

use std::collections::HashSet;
use std::path::Path;

use plexus_storage::Error;
use serde_json::{json, Value as Json};

use super::error::{manifest, os};
use super::report::ExportedFile;

pub(super) const MANIFEST: &str = "manifest.json";
/// Bumped when the layout changes in a way an older reader would misread.
const LAYOUT_VERSION: u64 = 1;
/// Sanitized names are cut to this many bytes, well under every file system's limit.
const MAX_STEM: usize = 80;

/// Writes the manifest listing `files`.
pub(super) fn write(dir: &Path, files: &[ExportedFile]) -> Result<(), Error> {
    let entries: Vec<Json> = files
        .iter()
        .map(|f| {
            let (kind, name_key) = if f.nodes { ("nodes", "label") } else { ("relationships", "type") };
            json!({"file": f.file, "kind": kind, name_key: f.name, "rows": f.rows, "encoded_columns": f.encoded_columns})
        })
        .collect();
    let text = serde_json::to_string_pretty(&json!({"plexus_columnar": LAYOUT_VERSION, "files": entries}))
        .map_err(|e| manifest(dir, e))?;
    let path = dir.join(MANIFEST);
    std::fs::write(&path, text + "\n").map_err(|e| os("write", &path, e))
}

/// Reads the manifest's file list.
pub(super) fn read(dir: &Path) -> Result<Vec<ExportedFile>, Error> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| os("read", &path, e))?;
    let json: Json = serde_json::from_str(&text).map_err(|e| manifest(dir, e))?;
    match json.get("plexus_columnar").and_then(Json::as_u64) {
        Some(LAYOUT_VERSION) => {}
        Some(v) => {
            return Err(manifest(dir, format!("layout version {v} is not supported (expected {LAYOUT_VERSION})")))
        }
        None => return Err(manifest(dir, "not a plexus columnar manifest (no \"plexus_columnar\" version)")),
    }
    let files = json.get("files").and_then(Json::as_array).ok_or_else(|| manifest(dir, "no \"files\" array"))?;
    files
        .iter()
        .enumerate()
        .map(|(i, f)| entry(f).map_err(|m| manifest(dir, format!("file entry {}: {m}", i + 1))))
        .collect()
}

fn entry(json: &Json) -> Result<ExportedFile, String> {
    let text = |key: &str| json.get(key).and_then(Json::as_str).map(str::to_string);
    let file = text("file").ok_or("no \"file\" name")?;
    // The manifest names files inside the directory only: nothing may point elsewhere.
    if file.is_empty() || file.contains(['/', '\\']) || file == "." || file == ".." {
        return Err(format!("{file:?} is not a plain file name"));
    }
    let rows = json.get("rows").and_then(Json::as_u64).ok_or("no \"rows\" count")?;
    let (nodes, name) = match json.get("kind").and_then(Json::as_str) {
        Some("nodes") => (true, text("label")),
        Some("relationships") => (false, Some(text("type").ok_or("a relationship file needs its \"type\"")?)),
        other => return Err(format!("kind {other:?} is neither \"nodes\" nor \"relationships\"")),
    };
    let encoded_columns = match json.get("encoded_columns") {
        Some(Json::Array(cols)) => cols.iter().filter_map(Json::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    };
    Ok(ExportedFile { file, nodes, name, rows, encoded_columns })
}

/// Hands out distinct file names; distinct ignoring case, since some file systems do.
#[derive(Default)]
pub(super) struct FileNames {
    used: HashSet<String>,
}

impl FileNames {
    /// `<prefix><sanitized name>.<ext>`, with `~2`, `~3`, ... added when that name is taken.
    pub(super) fn name(&mut self, prefix: &str, name: &str, ext: &str) -> String {
        let stem = format!("{prefix}{}", sanitize(name));
        let mut candidate = format!("{stem}.{ext}");
        let mut n = 1;
        while !self.used.insert(candidate.to_lowercase()) {
            n += 1;
            candidate = format!("{stem}~{n}.{ext}");
        }
        candidate
    }
}

/// Keeps ASCII letters, digits, `_` and `-`; anything else becomes `_`.
fn sanitize(name: &str) -> String {
    let mut out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    out.truncate(MAX_STEM);
    if out.is_empty() {
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitized_and_distinct() {
        let mut names = FileNames::default();
        assert_eq!(names.name("nodes_", "Person", "arrow"), "nodes_Person.arrow");
        assert_eq!(names.name("nodes_", "a/b c", "arrow"), "nodes_a_b_c.arrow");
        assert_eq!(names.name("nodes_", "a_b_c", "arrow"), "nodes_a_b_c~2.arrow");
        assert_eq!(names.name("nodes_", "PERSON", "arrow"), "nodes_PERSON~2.arrow");
        assert_eq!(names.name("nodes_", "", "arrow"), "nodes__.arrow");
        assert_eq!(names.name("rels_", "Ünïcode", "arrow"), "rels__n_code.arrow");
        assert_eq!(names.name("rels_", &"x".repeat(300), "arrow").len(), "rels_".len() + MAX_STEM + ".arrow".len());
    }
}

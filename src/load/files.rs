//! Finding the CSV files of a load and reading each one's header.

use std::path::{Path, PathBuf};

use plexus_storage::Error;

use super::header;
use super::{load_error, located, CsvFormat, Source};

/// Files named in `paths`, with directories replaced by the `.csv` files in them.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::os("read", path, e))?;
        if meta.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Error::os("list", path, e))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    if out.is_empty() {
        return Err(load_error("no CSV files to load".to_string()));
    }
    Ok(out)
}

/// The first line of `path`, split on `delimiter`.
pub fn first_line(path: &Path, delimiter: u8) -> Result<Vec<String>, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_path(path)
        .map_err(|e| Error::io("IoFailed", format!("cannot read {}: {e}", path.display())))?;
    let mut record = csv::StringRecord::new();
    let got = reader.read_record(&mut record).map_err(|e| load_error(located(path, 1, e)))?;
    if !got {
        return Err(load_error(located(path, 1, "the file is empty (no header)")));
    }
    Ok(record.iter().map(|f| f.trim_start_matches('\u{feff}').to_string()).collect())
}

/// Each file with its own first line as its header.
pub fn classify(files: &[PathBuf], format: CsvFormat) -> Result<Vec<Source>, Error> {
    files
        .iter()
        .map(|path| {
            let fields = first_line(path, b',')?;
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            let header = header::parse(&fields, format).map_err(|e| load_error(located(path, 1, e)))?;
            Ok(Source { path: path.clone(), header, delimiter: b',', header_line: true })
        })
        .collect()
}

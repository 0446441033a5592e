//! Finding the CSV files of a load and reading each one's header.

use std::path::PathBuf;

use plexus_storage::Error;

use super::header::{self, Header};
use super::{load_error, located, CsvFormat};

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

/// Each file with its parsed header.
pub fn classify(files: &[PathBuf], format: CsvFormat) -> Result<Vec<(PathBuf, Header)>, Error> {
    files
        .iter()
        .map(|path| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(path)
                .map_err(|e| Error::io("IoFailed", format!("cannot read {}: {e}", path.display())))?;
            let mut record = csv::StringRecord::new();
            let got = reader.read_record(&mut record).map_err(|e| load_error(located(path, 1, e)))?;
            if !got {
                return Err(load_error(located(path, 1, "the file is empty (no header)")));
            }
            let fields: Vec<&str> = record.iter().map(|f| f.trim_start_matches('\u{feff}')).collect();
            let header = header::parse(&fields, format).map_err(|e| load_error(located(path, 1, e)))?;
            Ok((path.clone(), header))
        })
        .collect()
}

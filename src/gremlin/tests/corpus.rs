//! Every traversal and graph initializer in the TinkerPop feature files must parse.

use std::path::{Path, PathBuf};

use crate::gremlin::parse;

/// The docstrings that follow `the traversal of` / `the graph initializer of` steps.
fn docstrings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let wanted = line.ends_with("the traversal of") || line.ends_with("the graph initializer of");
        if !wanted || lines.next() != Some("\"\"\"") {
            continue;
        }
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "\"\"\"").collect();
        out.push(body.join("\n"));
    }
    out
}

fn feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            feature_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
}

#[test]
fn tinkerpop_features_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tck/gremlin/features");
    let mut files = Vec::new();
    feature_files(&root, &mut files);
    // The suite lives in ../shared beside the clone (CI has it there too).
    assert!(!files.is_empty(), "no feature files under {}", root.display());
    files.sort();
    let (mut total, mut failures) = (0usize, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for traversal in docstrings(&text) {
            total += 1;
            if let Err(e) = parse(&traversal) {
                failures.push(format!("{}: {} at {:?}\n    {traversal}", file.display(), e.message, e.pos));
            }
        }
    }
    for failure in &failures {
        eprintln!("{failure}");
    }
    let parsed = total - failures.len();
    eprintln!("gremlin corpus: {parsed}/{total} traversals parse");
    assert!(total > 2000, "found only {total} traversals");
    assert!(parsed * 100 >= total * 99, "{} of {total} traversals fail to parse", failures.len());
}

//! The query corpus: every `tests/corpus/<graph>/<name>.cypher` file runs on a
//! fresh in-memory database loaded with `tests/fixtures/<graph>.cypher`
//! (`empty` loads nothing), and what its statements return is compared with
//! the insta snapshot `tests/corpus/<graph>/snapshots/<name>.snap`.
//!
//! File format:
//! - statements are separated by `;` (the last one may omit it);
//! - `//` comment lines are dropped from the statements; a comment line
//!   `// params: {"p": 1}` gives the parameters of every statement in the
//!   file, as a JSON object (integers stay integers, other numbers are floats);
//! - by convention a follow-up statement that reads what a write did starts
//!   with a `// then:` comment.
//!
//! For each statement the snapshot holds the query, its columns, its rows (as
//! Cypher literals, one per line, sorted unless the final RETURN has an ORDER
//! BY), the write counters that are not zero and the optimized plan; a failing
//! statement shows `error: Class.Detail: message` instead of rows.
//!
//! Run a subset with `CORPUS_FILTER=<substring of the path>`; accept new or
//! changed snapshots with `cargo insta review` (or `INSTA_UPDATE=always`).

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use plexus::shell::statement_splitter::split;
use plexus::{Database, Params, QueryResult, QueryStats, Value};

const CORPUS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
const FIXTURE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// The statements of a script, without their `//` comment lines.
fn statements(text: &str) -> Vec<String> {
    let parts = split(text);
    let mut raw: Vec<&str> = parts.statements;
    if !parts.rest.trim().is_empty() {
        raw.push(parts.rest);
    }
    raw.into_iter()
        .map(|s| {
            s.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n").trim().to_string()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parameters from a `// params: {...}` comment line.
fn params(text: &str, file: &Path) -> Params {
    let mut params = Params::new();
    for line in text.lines() {
        let Some(json) = line.trim_start().strip_prefix("// params:") else { continue };
        let parsed: serde_json::Value =
            serde_json::from_str(json.trim()).unwrap_or_else(|e| panic!("{}: bad params JSON: {e}", file.display()));
        let serde_json::Value::Object(map) = parsed else {
            panic!("{}: params must be a JSON object", file.display());
        };
        for (k, v) in map {
            params.insert(k, json_value(v));
        }
    }
    params
}

fn json_value(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Boolean(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64().expect("a JSON number is a float")),
        },
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(json_value).collect()),
        serde_json::Value::Object(map) => Value::Map(map.into_iter().map(|(k, v)| (k, json_value(v))).collect()),
    }
}

fn load_fixture(db: &Database, graph: &str) {
    if graph == "empty" {
        return;
    }
    let path = Path::new(FIXTURE_DIR).join(format!("{graph}.cypher"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for statement in statements(&text) {
        let result = db.execute(&statement, &Params::new()).and_then(QueryResult::collect_rows);
        if let Err(e) = result {
            panic!("fixture {}: {e}\n{statement}", path.display());
        }
    }
}

/// Whether the rows come in a defined order: the last RETURN has an ORDER BY.
fn is_ordered(query: &str) -> bool {
    let upper = query.to_uppercase();
    match upper.rfind("RETURN") {
        Some(at) => upper[at..].split_whitespace().collect::<Vec<_>>().windows(2).any(|w| w == ["ORDER", "BY"]),
        None => false,
    }
}

fn stats_line(stats: &QueryStats) -> Option<String> {
    let counters = [
        ("nodes_created", stats.nodes_created),
        ("nodes_deleted", stats.nodes_deleted),
        ("relationships_created", stats.relationships_created),
        ("relationships_deleted", stats.relationships_deleted),
        ("properties_set", stats.properties_set),
        ("labels_added", stats.labels_added),
        ("labels_removed", stats.labels_removed),
    ];
    let set: Vec<String> = counters.iter().filter(|(_, n)| *n != 0).map(|(name, n)| format!("{name}: {n}")).collect();
    (!set.is_empty()).then(|| set.join(", "))
}

fn indent(text: &str) -> String {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!("  {l}") }).collect::<Vec<_>>().join("\n")
}

fn error_line(e: &plexus::Error) -> String {
    format!("error: {}: {}", e.code(), e.message)
}

/// Run one statement and describe it for the snapshot.
fn run_statement(db: &Database, query: &str, params: &Params) -> String {
    let mut out = String::new();
    writeln!(out, "query:\n{}", indent(query)).unwrap();
    // The plan is the one the statement runs with: planned against the store as it is now.
    let plan = db.explain(query).ok();
    match db.execute(query, params) {
        Err(e) => writeln!(out, "{}", error_line(&e)).unwrap(),
        Ok(mut result) => {
            let columns = if result.columns().is_empty() { "(none)".to_string() } else { result.columns().join(" | ") };
            writeln!(out, "columns: {columns}").unwrap();
            let mut rows = Vec::new();
            let mut failure = None;
            for row in &mut result {
                match row {
                    Ok(values) => rows.push(values.iter().map(Value::to_string).collect::<Vec<_>>().join(" | ")),
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            match failure {
                Some(e) => writeln!(out, "{}", error_line(&e)).unwrap(),
                None => {
                    let ordered = is_ordered(query);
                    if !ordered {
                        rows.sort();
                    }
                    let plural = if rows.len() == 1 { "" } else { "s" };
                    let how = if ordered { "in order" } else { "sorted" };
                    writeln!(out, "rows: {} row{plural}, {how}", rows.len()).unwrap();
                    for row in &rows {
                        writeln!(out, "  {row}").unwrap();
                    }
                    if let Some(stats) = stats_line(result.stats()) {
                        writeln!(out, "stats: {stats}").unwrap();
                    }
                }
            }
        }
    }
    if let Some(plan) = plan {
        writeln!(out, "plan:\n{}", indent(plan.trim_end())).unwrap();
    }
    out
}

/// Run a corpus file and render its snapshot text.
fn run_file(path: &Path, graph: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let params = params(&text, path);
    let db = Database::in_memory();
    load_fixture(&db, graph);
    let statements = statements(&text);
    assert!(!statements.is_empty(), "{}: no statement", path.display());
    let mut out = String::new();
    if !params.is_empty() {
        let shown: Vec<String> = params.iter().map(|(k, v)| format!("${k} = {v}")).collect();
        writeln!(out, "params: {}\n", shown.join(", ")).unwrap();
    }
    let sections: Vec<String> = statements.iter().map(|q| run_statement(&db, q, &params)).collect();
    out.push_str(&sections.join("\n"));
    out
}

fn corpus_files() -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let mut graphs: Vec<PathBuf> = std::fs::read_dir(CORPUS_DIR)
        .expect("tests/corpus exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    graphs.sort();
    for dir in graphs {
        let graph = dir.file_name().and_then(|n| n.to_str()).expect("a UTF-8 folder name").to_string();
        let mut queries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("readable corpus folder")
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "cypher"))
            .collect();
        queries.sort();
        files.extend(queries.into_iter().map(|p| (graph.clone(), p)));
    }
    files
}

#[test]
fn corpus() {
    let filter = std::env::var("CORPUS_FILTER").ok();
    let files = corpus_files();
    assert!(files.len() >= 70, "the corpus has {} files", files.len());
    let mut failed = Vec::new();
    let mut ran = 0;
    for (graph, path) in &files {
        let shown = format!("{graph}/{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("?"));
        if filter.as_ref().is_some_and(|f| !shown.contains(f.as_str())) {
            continue;
        }
        ran += 1;
        let name = path.file_stem().and_then(|n| n.to_str()).expect("a UTF-8 file name").to_string();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let snapshot = run_file(path, graph);
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(Path::new(CORPUS_DIR).join(graph).join("snapshots"));
            settings.set_prepend_module_to_snapshot(false);
            settings.set_omit_expression(true);
            settings.set_input_file(path);
            settings.bind(|| insta::assert_snapshot!(name.as_str(), snapshot));
        }));
        if outcome.is_err() {
            failed.push(shown);
        }
    }
    assert!(ran > 0, "CORPUS_FILTER matched no corpus file");
    assert!(failed.is_empty(), "{} corpus file(s) failed: {}", failed.len(), failed.join(", "));
}

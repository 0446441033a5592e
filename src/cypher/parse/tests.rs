//! Parser tests: AST shapes, precedence, errors, the TCK corpus, robustness.

use plexus_storage::Value;

use crate::cypher::ast::*;
use crate::cypher::parser::parse;

// ------------------------------------------------------------------ TCK corpus

/// One query from the TCK: file, text, whether a compile-time SyntaxError is expected.
struct TckQuery {
    file: String,
    text: String,
    syntax_error: Option<String>,
}

/// The TCK features directory.
fn tck_dir() -> std::path::PathBuf {
    let local = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tck/cypher/features");
    if local.exists() {
        local
    } else {
        std::path::PathBuf::from("/work/shared/tck/cypher/features")
    }
}

/// All `.feature` files under a directory.
fn feature_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            feature_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "feature") {
            out.push(p);
        }
    }
}

/// The docstring starting after line `i` (which must be `"""`), dedented.
fn docstring(lines: &[&str], i: usize) -> (String, usize) {
    let indent = lines[i].len() - lines[i].trim_start().len();
    let mut j = i + 1;
    let mut body = Vec::new();
    while j < lines.len() && lines[j].trim() != "\"\"\"" {
        let l = lines[j];
        let cut = l.len() - l.trim_start().len();
        body.push(&l[cut.min(indent)..]);
        j += 1;
    }
    (body.join("\n"), j)
}

/// The `Examples:` table rows of a scenario outline, as (header, rows).
fn examples(lines: &[&str]) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut header: Option<Vec<String>> = None;
    let mut in_examples = false;
    for l in lines {
        let t = l.trim();
        if t.starts_with("Examples") {
            in_examples = true;
            header = None;
            continue;
        }
        if !in_examples || !t.starts_with('|') {
            continue;
        }
        let cells: Vec<String> = t.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect();
        match &header {
            None => header = Some(cells),
            Some(h) => out.push(h.iter().cloned().zip(cells).collect()),
        }
    }
    out
}

/// Every query of every scenario of the TCK.
fn tck_queries() -> Vec<TckQuery> {
    let mut files = Vec::new();
    feature_files(&tck_dir(), &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let name = f.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let starts: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].trim_start().starts_with("Scenario"))
            .chain(std::iter::once(lines.len()))
            .collect();
        for w in starts.windows(2) {
            scenario_queries(&name, &lines[w[0]..w[1]], &mut out);
        }
    }
    out
}

/// The queries of one scenario (expanded over its examples).
fn scenario_queries(file: &str, lines: &[&str], out: &mut Vec<TckQuery>) {
    let syntax_error = lines
        .iter()
        .find(|l| l.contains("SyntaxError should be raised at compile time"))
        .map(|l| l.rsplit(':').next().unwrap_or("").trim().to_string());
    let mut raw = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        let is_query = t.starts_with("When executing query:") || t.starts_with("And having executed:");
        if is_query && i + 1 < lines.len() && lines[i + 1].trim() == "\"\"\"" {
            let (body, end) = docstring(lines, i + 1);
            raw.push((body, t.starts_with("When")));
            i = end;
        }
        i += 1;
    }
    let rows = examples(lines);
    let rows = if rows.is_empty() { vec![Vec::new()] } else { rows };
    for row in &rows {
        for (body, main) in &raw {
            let mut text = body.clone();
            for (k, v) in row {
                text = text.replace(&format!("<{k}>"), v);
            }
            let syntax_error = if *main { syntax_error.clone() } else { None };
            out.push(TckQuery { file: file.to_string(), text, syntax_error });
        }
    }
}

#[test]
fn tck_queries_parse() {
    let queries = tck_queries();
    let valid: Vec<&TckQuery> = queries.iter().filter(|q| q.syntax_error.is_none()).collect();
    assert!(valid.len() > 1000, "TCK not found or too small: {}", valid.len());
    let mut failures = 0;
    for q in &valid {
        if std::env::var("TRACE").is_ok() { eprintln!("Q: {}", q.text); }
        if let Err(e) = parse(&q.text) {
            failures += 1;
            println!("FAIL {}: {e}\n{}\n", q.file, q.text);
        }
    }
    let ok = valid.len() - failures;
    println!("TCK: {ok}/{} valid queries parse", valid.len());
    assert!(ok * 1000 >= valid.len() * 995, "too many TCK parse failures: {failures}");
}

#[test]
fn tck_syntax_error_stats() {
    let queries = tck_queries();
    let mut rejected = 0;
    let mut total = 0;
    for q in queries.iter().filter(|q| q.syntax_error.is_some()) {
        total += 1;
        let detail = q.syntax_error.as_deref().unwrap_or("");
        match parse(&q.text) {
            Err(e) => {
                rejected += 1;
                println!("REJECTED ({detail}; we say {}): {}", e.detail, q.text.replace('\n', " "));
            }
            Ok(_) => println!("ACCEPTED ({detail}): {}", q.text.replace('\n', " ")),
        }
    }
    println!("TCK: {rejected}/{total} SyntaxError queries rejected by the parser");
}

#[test]
fn zz_deep_pest_only() {
    use pest::Parser;
    let mut q = String::from("RETURN ");
    for i in 0..40 { q.push_str(&format!("{{a{i}: ")); }
    q.push_str("{}");
    for _ in 0..40 { q.push('}'); }
    let r = crate::cypher::parser::CypherParser::parse(crate::cypher::parser::Rule::statement, &q);
    println!("pest ok: {}", r.is_ok());
}

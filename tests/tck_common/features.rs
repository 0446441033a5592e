//! Loading the TCK: walk the feature folder, parse each file with the Gherkin
//! crate and expand Scenario Outlines into one case per Examples row.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One step with outline placeholders already substituted.
#[derive(Debug, Clone)]
pub struct Step {
    /// The step text without its keyword, e.g. `executing query:`.
    pub text: String,
    pub docstring: Option<String>,
    pub table: Option<Vec<Vec<String>>>,
}

/// One runnable test case.
#[derive(Debug, Clone)]
pub struct Case {
    /// `feature-path / Scenario name [#example]`, stable across runs.
    pub id: String,
    /// The first `folder_depth` path components, e.g. `clauses/match` or `filter`.
    pub folder: String,
    pub steps: Vec<Step>,
}

/// Every `.feature` file below `root`, sorted so case order is stable.
fn feature_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "feature") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Parse every feature below `root` into cases.
pub fn load(root: &Path, folder_depth: usize) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    for path in feature_files(root) {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        // Some feature files use CRLF; the parser wants plain newlines.
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{rel}: {e}"))?.replace('\r', "");
        let feature = gherkin::Feature::parse(escape_table_backslashes(&text), gherkin::GherkinEnv::default())
            .map_err(|e| format!("{rel}: parse error: {e}"))?;
        expand_feature(&rel, folder_depth, &feature, &mut cases);
    }
    Ok(cases)
}

/// Standard Gherkin keeps a backslash in a table cell unless it escapes `|`,
/// `n` or `\\`; the crate's grammar rejects such a cell (e.g. `'\''`), so
/// double those backslashes first.
fn escape_table_backslashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if line.trim_start().starts_with('|') {
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                out.push(c);
                if c == '\\' {
                    match chars.peek() {
                        Some('|' | 'n' | '\\') => out.extend(chars.next()),
                        _ => out.push('\\'),
                    }
                }
            }
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn expand_feature(rel: &str, folder_depth: usize, feature: &gherkin::Feature, cases: &mut Vec<Case>) {
    let folder = rel.split('/').take(folder_depth).collect::<Vec<_>>().join("/");
    let background: Vec<&gherkin::Step> = feature.background.iter().flat_map(|b| b.steps.iter()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let scenarios = feature.scenarios.iter().chain(feature.rules.iter().flat_map(|r| r.scenarios.iter()));
    for scenario in scenarios {
        // Duplicate scenario names get an ordinal so ids stay unique.
        let count = seen.entry(scenario.name.clone()).or_insert(0);
        *count += 1;
        let name = if *count == 1 { scenario.name.clone() } else { format!("{} ({})", scenario.name, count) };
        let steps = background.iter().copied().chain(scenario.steps.iter());
        let tables: Vec<&gherkin::Table> = scenario.examples.iter().filter_map(|e| e.table.as_ref()).collect();
        if tables.is_empty() {
            let steps = steps.map(|s| substitute(s, &[], &[])).collect();
            cases.push(Case { id: format!("{rel} / {name}"), folder: folder.clone(), steps });
            continue;
        }
        let mut index = 0;
        for table in tables {
            let Some((header, rows)) = table.rows.split_first() else { continue };
            for row in rows {
                index += 1;
                let steps = steps.clone().map(|s| substitute(s, header, row)).collect();
                cases.push(Case { id: format!("{rel} / {name} #{index}"), folder: folder.clone(), steps });
            }
        }
    }
}

/// Replace `<name>` placeholders in the step text, docstring and table.
fn substitute(step: &gherkin::Step, header: &[String], row: &[String]) -> Step {
    let apply = |s: &str| {
        let mut out = s.to_string();
        for (name, value) in header.iter().zip(row) {
            out = out.replace(&format!("<{name}>"), value);
        }
        out
    };
    Step {
        text: apply(&step.value),
        docstring: step.docstring.as_deref().map(apply),
        table: step.table.as_ref().map(|t| t.rows.iter().map(|r| r.iter().map(|c| apply(c)).collect()).collect()),
    }
}

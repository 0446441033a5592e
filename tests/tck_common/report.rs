//! The run's summary: per-folder counts, the commonest failure causes, and
//! the regression gate against the committed list of passing cases.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::features::Case;
use crate::steps::Failure;

/// Passed / failed counts per folder (`clauses/match` in the openCypher TCK, `filter` in TinkerPop's).
pub fn print_folders(cases: &[Case], results: &[Result<(), Failure>]) {
    let mut folders: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (case, result) in cases.iter().zip(results) {
        let entry = folders.entry(&case.folder).or_default();
        if result.is_ok() {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    println!("\n{:<34} {:>7} {:>7} {:>7}", "folder", "passed", "failed", "total");
    for (folder, (passed, failed)) in folders {
        println!("{folder:<34} {passed:>7} {failed:>7} {:>7}", passed + failed);
    }
}

/// The most frequent failure causes, each with one example case.
pub fn print_causes(cases: &[Case], results: &[Result<(), Failure>], limit: usize) {
    let mut causes: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for (case, result) in cases.iter().zip(results) {
        if let Err(f) = result {
            causes.entry(&f.cause).or_insert((0, &case.id)).0 += 1;
        }
    }
    let mut causes: Vec<_> = causes.into_iter().collect();
    causes.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    println!("\ntop failure causes ({} distinct):", causes.len());
    for (cause, (count, example)) in causes.iter().take(limit) {
        println!("{count:>6}  {cause}   e.g. {example}");
    }
}

/// Compare with the committed passing list. Returns the listed cases that
/// now fail; with `update` the list is rewritten instead.
pub fn gate(list: &Path, cases: &[Case], results: &[Result<(), Failure>], update: bool) -> Vec<String> {
    let passing: BTreeSet<&str> =
        cases.iter().zip(results).filter(|(_, r)| r.is_ok()).map(|(c, _)| c.id.as_str()).collect();
    if update {
        let text: String = passing.iter().map(|id| format!("{id}\n")).collect();
        if let Err(e) = std::fs::write(list, text) {
            eprintln!("cannot write {}: {e}", list.display());
        }
        println!("\nwrote {} passing cases to {}", passing.len(), list.display());
        return Vec::new();
    }
    let listed_text = std::fs::read_to_string(list).unwrap_or_default();
    let listed: BTreeSet<&str> = listed_text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    // Only cases that ran count: a filter must not turn into regressions.
    let ran: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    let regressions: Vec<String> =
        listed.iter().filter(|id| ran.contains(*id) && !passing.contains(*id)).map(|id| id.to_string()).collect();
    let newly = passing.iter().filter(|id| !listed.contains(*id)).count();
    if newly > 0 {
        println!("\n{newly} newly passing (run with TCK_UPDATE=1)");
    }
    if !regressions.is_empty() {
        println!("\n{} listed cases now fail:", regressions.len());
        for id in &regressions {
            println!("  {id}");
        }
    }
    regressions
}

//! The TinkerPop Gremlin feature runner (`cargo test --test tck_gremlin`).
//!
//! Runs every scenario of `../shared/tck/gremlin/features` against an
//! in-memory database loaded from the GraphSON graphs, and fails only when a
//! scenario listed in `tests/tck_gremlin_passing.txt` fails. Environment:
//! - `TCK_VERBOSE=1`: print each failing scenario with its reason;
//! - `TCK_FILTER=text`: run only scenarios whose id contains `text`;
//! - `TCK_FEATURE=path`: run only features whose path contains `path`;
//! - `TCK_UPDATE=1`: rewrite the passing list from this run;
//! - `TCK_THREADS=n`: worker threads (default 2);
//! - `TCK_TIMEOUT=secs`: per-scenario limit (default 30).

#[path = "tck_common/features.rs"]
mod features;
#[path = "tck_common/pool.rs"]
mod pool;
#[path = "tck_common/report.rs"]
mod report;
#[path = "tck_gremlin/steps.rs"]
mod steps;
#[path = "tck_gremlin/values.rs"]
mod values;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

fn main() -> ExitCode {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tck = crate_dir.join("../shared/tck/gremlin");
    let list = crate_dir.join("tests/tck_gremlin_passing.txt");
    let started = Instant::now();

    let mut cases = match features::load(&tck.join("features"), 1) {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("cannot load the Gremlin features from {}: {e}", tck.display());
            return ExitCode::FAILURE;
        }
    };
    let filter = std::env::var("TCK_FILTER").unwrap_or_default();
    let feature = std::env::var("TCK_FEATURE").unwrap_or_default();
    let filtered = !filter.is_empty() || !feature.is_empty();
    cases.retain(|c| c.id.contains(&filter) && c.id.split(" / ").next().is_some_and(|p| p.contains(&feature)));

    let threads = std::env::var("TCK_THREADS").ok().and_then(|t| t.parse().ok()).unwrap_or(2);
    pool::install_panic_hook();
    let cases = Arc::new(cases);
    let graphs: PathBuf = tck.join("graphs");
    let timeout = std::env::var("TCK_TIMEOUT").ok().and_then(|t| t.parse().ok()).unwrap_or(30);
    let results = pool::run_all(cases.clone(), graphs, threads, Duration::from_secs(timeout));

    if env_flag("TCK_VERBOSE") {
        for (case, result) in cases.iter().zip(&results) {
            if let Err(f) = result {
                println!("FAIL {}\n  [{}] {}\n", case.id, f.cause, f.detail);
            }
        }
    }
    report::print_folders(&cases, &results);
    report::print_causes(&cases, &results, 25);
    let update = env_flag("TCK_UPDATE") && !filtered;
    let regressions = report::gate(&list, &cases, &results, update);

    let passed = results.iter().filter(|r| r.is_ok()).count();
    println!("\nran {} scenarios in {:.1}s", cases.len(), started.elapsed().as_secs_f64());
    println!("{passed} passed, {} failed", results.len() - passed);
    if regressions.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

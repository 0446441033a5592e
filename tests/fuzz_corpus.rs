//! Replays the fuzzers' inputs on stable Rust, through the entry points the
//! `cargo fuzz` targets call (`plexus::server::fuzz_entry`): the committed
//! seeds (`fuzz/corpus/<target>/`), the crash reproducers kept after their fix
//! (`fuzz/regressions/<target>/`), and any new crash a local fuzz run left in
//! `fuzz/artifacts/<target>/`. Every one must return without panicking.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use plexus::server::fuzz_entry::TARGETS;

const FOLDERS: [&str; 3] = ["corpus", "regressions", "artifacts"];

/// The files directly inside `dir`, in name order; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> =
        entries.map(|e| e.expect("a readable directory entry").path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

#[test]
fn every_seed_regression_and_artifact_decodes_without_panicking() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut failures = Vec::new();
    for (target, entry) in TARGETS {
        let seeds = inputs(&fuzz.join("corpus").join(target));
        assert!(!seeds.is_empty(), "fuzz/corpus/{target}/ has no seeds");
        for folder in FOLDERS {
            for file in inputs(&fuzz.join(folder).join(target)) {
                let data = std::fs::read(&file).expect("a readable input");
                if let Err(panic) = catch_unwind(AssertUnwindSafe(|| entry(&data))) {
                    let why = panic
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| panic.downcast_ref::<&str>().copied())
                        .unwrap_or("a panic");
                    failures.push(format!("{}: {why}", file.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "inputs that panic:\n{}", failures.join("\n"));
}

/// A target listed here without a `fuzz/fuzz_targets/<name>.rs` (or the
/// reverse) would silently never be fuzzed or never be replayed.
#[test]
fn every_fuzz_target_has_an_entry_point() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    let mut on_disk: Vec<String> =
        inputs(&dir).iter().filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned())).collect();
    on_disk.sort();
    let mut listed: Vec<String> = TARGETS.iter().map(|(name, _)| name.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

//! Running cases in parallel, each on its own thread so that a panic becomes
//! a failure and an endless query becomes a timeout instead of a hung run.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use crate::features::Case;
use crate::steps::{run_case, Failure};

thread_local! {
    /// The last panic on this thread, with its location (the hook sees it, catch_unwind does not).
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keep panics quiet: they are reported as failures, not on stderr.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string().replace('\n', " ")));
    }));
}

/// Run `cases` on `threads` workers; results come back in case order.
pub fn run_all(cases: Arc<Vec<Case>>, graphs: PathBuf, threads: usize, timeout: Duration) -> Vec<Result<(), Failure>> {
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Result<(), Failure>>> = vec![None; cases.len()];
    let chunks: Vec<Vec<(usize, Result<(), Failure>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= cases.len() {
                            return done;
                        }
                        done.push((i, run_one(cases.clone(), i, graphs.clone(), timeout)));
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    for (i, r) in chunks.into_iter().flatten() {
        results[i] = Some(r);
    }
    results.into_iter().map(|r| r.unwrap_or_else(|| Err(Failure::new("runner: case lost", "")))).collect()
}

fn run_one(cases: Arc<Vec<Case>>, i: usize, graphs: PathBuf, timeout: Duration) -> Result<(), Failure> {
    let (tx, rx) = mpsc::channel();
    // A big stack: deep recursion in the engine should fail a case, not overflow.
    let spawned = std::thread::Builder::new().stack_size(64 << 20).spawn(move || {
        let outcome = std::panic::catch_unwind(|| run_case(&cases[i], &graphs));
        let outcome = outcome.unwrap_or_else(|payload| {
            let message = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Failure::new("panic", message))
        });
        let _ = tx.send(outcome);
    });
    if let Err(e) = spawned {
        return Err(Failure::new("runner: thread spawn failed", e.to_string()));
    }
    // On timeout the thread is left behind; it dies with the process.
    rx.recv_timeout(timeout).unwrap_or_else(|_| Err(Failure::new("timeout", format!("no result after {timeout:?}"))))
}

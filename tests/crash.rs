//! The crash test (`cargo test --test crash`): a child process commits
//! transactions from several threads and reports each acknowledged commit on
//! its stdout; this process SIGKILLs it at random moments, recovers the data
//! directory and checks that every acknowledged commit is there and that no
//! transaction is partly visible. Then the next child continues on the same
//! directory, so recovery runs on top of earlier recoveries and checkpoints.
//!
//! `PLEXUS_CRASH_ITERATIONS` sets the number of kills (default 50);
//! `PLEXUS_CRASH_SEED` fixes the random timing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plexus::{Database, Params, Value};
use plexus_storage::durable::recovery::recover;
use plexus_storage::durable::replay::TornTail;
use plexus_storage::durable::{DurableOptions, WalOptions};
use plexus_storage::GraphConfig;

const CHILD_ENV: &str = "PLEXUS_CRASH_CHILD";
const WRITERS: usize = 4;

/// Small thresholds, so checkpoints, compactions and segment rotations all
/// happen in the middle of the run and get killed too.
fn options() -> DurableOptions {
    DurableOptions {
        wal: WalOptions { segment_bytes: 16 << 10, ..WalOptions::default() },
        graph: GraphConfig { compact_threshold: 500 },
        checkpoint_wal_bytes: 48 << 10,
        ..DurableOptions::default()
    }
}

fn params(k: i64) -> Params {
    Params::from([("k".to_string(), Value::Integer(k))])
}

/// The child: writes transactions of two statements (three `T` nodes in a
/// chain, one `U` node) until killed, printing `ack <k>` after each commit.
fn child(dir: &Path) -> ExitCode {
    let db = Database::open(dir, options()).expect("the child opens the data directory");
    let start = max_key(&db) + 1;
    let next = Arc::new(AtomicI64::new(start));
    let out = Arc::new(Mutex::new(std::io::stdout()));
    let threads: Vec<_> = (0..WRITERS)
        .map(|_| {
            let (db, next, out) = (db.clone(), next.clone(), out.clone());
            std::thread::spawn(move || loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                let mut tx = db.begin();
                tx.execute("CREATE (:T {k: $k, i: 0})-[:L]->(:T {k: $k, i: 1})-[:L]->(:T {k: $k, i: 2})", &params(k))
                    .expect("create the chain");
                tx.execute("CREATE (:U {k: $k})", &params(k)).expect("create the marker");
                tx.commit().expect("commit");
                let mut out = out.lock().unwrap();
                writeln!(out, "ack {k}").and_then(|_| out.flush()).expect("report the ack");
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    ExitCode::FAILURE
}

fn rows(db: &Database, query: &str) -> Vec<Vec<Value>> {
    db.execute(query, &Params::new()).and_then(|r| r.collect_rows()).expect("query runs")
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        other => panic!("expected an integer, got {other:?}"),
    }
}

fn max_key(db: &Database) -> i64 {
    match &rows(db, "MATCH (u:U) RETURN max(u.k)")[0][0] {
        Value::Null => 0,
        v => int(v),
    }
}

/// Checks the recovered graph: every transaction whole, every ack present.
fn verify(db: &Database, acked: &BTreeSet<i64>) -> Result<usize, String> {
    let mut per_key: BTreeMap<i64, (i64, i64, i64)> = BTreeMap::new();
    for row in rows(db, "MATCH (t:T) RETURN t.k, count(*)") {
        per_key.entry(int(&row[0])).or_default().0 = int(&row[1]);
    }
    for row in rows(db, "MATCH (u:U) RETURN u.k, count(*)") {
        per_key.entry(int(&row[0])).or_default().1 = int(&row[1]);
    }
    for row in rows(db, "MATCH (a:T)-[:L]->(b:T) WHERE a.k = b.k AND b.i = a.i + 1 RETURN a.k, count(*)") {
        per_key.entry(int(&row[0])).or_default().2 = int(&row[1]);
    }
    if let Some((k, c)) = per_key.iter().find(|(_, c)| **c != (3, 1, 2)) {
        return Err(format!("transaction {k} is partly visible: (T nodes, U nodes, links) = {c:?}"));
    }
    let stray = int(&rows(db, "MATCH ()-[r]->() RETURN count(r)")[0][0]);
    if stray != 2 * per_key.len() as i64 {
        return Err(format!("{stray} relationships for {} transactions", per_key.len()));
    }
    if let Some(k) = acked.iter().find(|k| !per_key.contains_key(k)) {
        return Err(format!("acknowledged transaction {k} is missing after recovery"));
    }
    Ok(per_key.len())
}

/// A small deterministic generator for the kill timing.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn main() -> ExitCode {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        return child(Path::new(&dir));
    }
    let iterations: usize = std::env::var("PLEXUS_CRASH_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(50);
    let seed = std::env::var("PLEXUS_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    println!("crash test: {iterations} kills, seed {seed} (PLEXUS_CRASH_SEED)");
    let mut rng = Rng(seed);
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("data");
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut acked = BTreeSet::new();
    let started = Instant::now();
    let (mut transactions, mut torn) = (0, 0);
    for iteration in 0..iterations {
        let mut child = Command::new(&exe)
            .env(CHILD_ENV, &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the child");
        let stdout = child.stdout.take().expect("child stdout");
        let reader = std::thread::spawn(move || {
            let mut acks = Vec::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(k) = line.strip_prefix("ack ").and_then(|k| k.parse::<i64>().ok()) {
                    acks.push(k);
                }
            }
            acks
        });
        std::thread::sleep(Duration::from_millis(100 + rng.below(400)));
        child.kill().expect("SIGKILL the child");
        let status = child.wait().expect("reap the child");
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
        }
        if stderr.contains("panicked") {
            eprintln!("iteration {iteration}: the child panicked:\n{stderr}");
            return ExitCode::FAILURE;
        }
        acked.extend(reader.join().expect("the reader thread"));
        // Alternate: check a read-only recovery (the next child recovers the
        // crash image itself), or open the directory here and close it cleanly.
        let outcome = if iteration % 2 == 0 {
            match recover(&dir, options().graph, TornTail::Ignore) {
                Ok((graph, report)) => {
                    torn += usize::from(!report.warnings.is_empty());
                    verify(&Database::from_graph(graph), &acked)
                }
                Err(e) => Err(format!("recovery failed: {e}")),
            }
        } else {
            match Database::open(&dir, options()) {
                Ok(db) => {
                    let result = verify(&db, &acked);
                    db.close().map_err(|e| format!("close failed: {e}")).and(result)
                }
                Err(e) => Err(format!("recovery failed: {e}")),
            }
        };
        match outcome {
            Ok(n) => transactions = n,
            Err(e) => {
                eprintln!("iteration {iteration} (killed: {status}): {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if acked.is_empty() {
        eprintln!("no child ever acknowledged a commit: the test proved nothing");
        return ExitCode::FAILURE;
    }
    println!(
        "crash test: {iterations} kills, {} acknowledged commits all recovered, {transactions} transactions whole, \
         {torn} recoveries cut a torn tail, {:.1} s",
        acked.len(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

//! The embedded API: `Database` runs queries; everything else (shell, `plexus
//! query`, tests, the server) goes through it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, RwLock};

use plexus_exec::ops::{build, Operator, ProfileSlots};
use plexus_exec::{Batch, ExecContext, QueryGuard};
use plexus_planner::explain::explain;
use plexus_planner::rules::{Optimizer, OptimizerContext};
use plexus_planner::{LogicalPlan, Statistics};
use plexus_storage::durable::{DurableOptions, DurableStore};
use plexus_storage::{Error, ErrorClass, Graph, Phase, Result, Snapshot, Value, WriteTxn};

use crate::cypher::ast::ExplainMode;
use crate::cypher::{lower, parser};
use crate::procedures::Procedures;

/// Query parameters, `$name` in the query text.
pub type Params = BTreeMap<String, Value>;

/// Counters of what a query changed, as Neo4j reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryStats {
    pub nodes_created: u64,
    pub nodes_deleted: u64,
    pub relationships_created: u64,
    pub relationships_deleted: u64,
    pub properties_set: u64,
    pub labels_added: u64,
    pub labels_removed: u64,
}

/// The result of one statement: column names, then rows as a stream.
pub struct QueryResult {
    columns: Vec<String>,
    rows: Box<dyn Iterator<Item = Result<Vec<Value>>> + Send>,
    stats: QueryStats,
    plan: Option<String>,
}

impl QueryResult {
    pub fn columns(&self) -> &[String] {
        &self.columns
    }
    /// What the statement changed (complete once the rows are consumed).
    pub fn stats(&self) -> &QueryStats {
        &self.stats
    }
    /// For EXPLAIN and PROFILE: the plan tree as text (PROFILE adds rows and time).
    pub fn plan(&self) -> Option<&str> {
        self.plan.as_deref()
    }
    /// Collect every row, stopping at the first error.
    pub fn collect_rows(self) -> Result<Vec<Vec<Value>>> {
        self.rows.collect()
    }
}

impl Iterator for QueryResult {
    type Item = Result<Vec<Value>>;
    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next()
    }
}

impl std::fmt::Debug for QueryResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryResult")
            .field("columns", &self.columns)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl QueryResult {
    fn new(columns: Vec<String>, rows: Box<dyn Iterator<Item = Result<Vec<Value>>> + Send>) -> Self {
        QueryResult { columns, rows, stats: QueryStats::default(), plan: None }
    }

    /// A result over rows already computed (tests, tools, other front ends).
    pub fn from_rows(columns: Vec<String>, rows: Vec<Vec<Value>>) -> Self {
        QueryResult::new(columns, Box::new(rows.into_iter().map(Ok)))
    }
}

/// A compiled statement: its optimized plan and what to do with it.
struct Prepared {
    plan: LogicalPlan,
    columns: Vec<String>,
    mode: Option<ExplainMode>,
    parameters: Vec<String>,
    /// The procedures the statement was compiled against (and runs with).
    procedures: Arc<Procedures>,
}

impl Prepared {
    /// Every parameter the statement reads must be given before it runs.
    fn check_parameters(&self, params: &Params) -> Result<()> {
        match self.parameters.iter().find(|p| !params.contains_key(*p)) {
            Some(missing) => Err(Error::new(
                ErrorClass::ParameterMissing,
                "MissingParameter",
                Phase::Compile,
                format!("Expected parameter `${missing}`"),
            )),
            None => Ok(()),
        }
    }

    /// Each statement starts with nothing counted against the guard's memory cap.
    fn read_context(&self, snapshot: Arc<Snapshot>, params: &Params, guard: &Arc<QueryGuard>) -> ExecContext {
        guard.statement_started();
        ExecContext::read(snapshot, params.clone()).with_procedures(self.procedures.clone()).with_guard(guard.clone())
    }

    fn write_context(&self, txn: WriteTxn, params: &Params, guard: &Arc<QueryGuard>) -> ExecContext {
        guard.statement_started();
        ExecContext::write(txn, params.clone()).with_procedures(self.procedures.clone()).with_guard(guard.clone())
    }
}

/// Asked before a write transaction starts (and so before the writer lock
/// is taken); an error refuses the write. A cluster member that is not the
/// leader answers `NotALeader` here, for Cypher and Gremlin on every protocol.
pub type WriteGate = Arc<dyn Fn() -> Result<()> + Send + Sync>;

/// An embedded Plexus database.
#[derive(Clone)]
pub struct Database {
    graph: Graph,
    /// The data directory behind `graph`, for databases opened from one.
    store: Option<Arc<DurableStore>>,
    optimizer: Arc<Optimizer>,
    /// Shared by clones; replaced (copy on write) when a procedure is registered.
    procedures: Arc<RwLock<Arc<Procedures>>>,
    /// The limits of queries run through this handle (none unless `guarded`).
    guard: Arc<QueryGuard>,
    /// Statements that would write fail before they run (`read_only`).
    read_only: bool,
    /// Checked before every write transaction (`with_write_gate`).
    write_gate: Option<WriteGate>,
}

impl Default for Database {
    fn default() -> Self {
        Database::in_memory()
    }
}

impl Database {
    /// An empty database that lives in memory only.
    pub fn in_memory() -> Database {
        Database::from_graph(Graph::new())
    }

    /// A database over an existing store (e.g. one built in bulk).
    pub fn from_graph(graph: Graph) -> Database {
        Database {
            graph,
            store: None,
            optimizer: Arc::new(Optimizer::default()),
            procedures: Arc::new(RwLock::new(Arc::new(Procedures::with_builtins()))),
            guard: QueryGuard::unlimited(),
            read_only: false,
            write_gate: None,
        }
    }

    /// The same database, with every query run through the returned handle
    /// (and through transactions begun from it) held to `guard`: its
    /// deadline, its cancel flag and its memory cap. The server makes one
    /// per request or transaction; cancelling the guard stops the query at
    /// its next batch with a `QueryCancelled` error.
    pub fn guarded(&self, guard: Arc<QueryGuard>) -> Database {
        Database { guard, ..self.clone() }
    }

    /// The same database, refusing every statement that would write (with
    /// `TransactionError.AccessMode`) before it runs: a driver's read
    /// routing, a read replica.
    pub fn read_only(&self) -> Database {
        Database { read_only: true, ..self.clone() }
    }

    /// The same database, asking `gate` before every write transaction.
    pub fn with_write_gate(self, gate: WriteGate) -> Database {
        Database { write_gate: Some(gate), ..self }
    }

    /// Starts a write transaction once the gate (if any) allows it.
    fn begin_write(&self) -> Result<WriteTxn> {
        if let Some(gate) = &self.write_gate {
            gate()?;
        }
        self.graph.begin_write()
    }

    /// Fails for a write plan on a read-only handle.
    fn check_access(&self, prepared: &Prepared) -> Result<()> {
        if self.read_only && prepared.plan.writes() {
            return Err(txn_error(ACCESS_MODE, "Writing in read access mode not allowed"));
        }
        Ok(())
    }

    /// Opens (creating if needed) the data directory `dir`: its state is
    /// recovered, and every commit is in the WAL before it returns.
    pub fn open(dir: &std::path::Path, options: DurableOptions) -> Result<Database> {
        let store = DurableStore::open(dir, options)?;
        let mut db = Database::from_graph(store.graph().clone());
        db.store = Some(Arc::new(store));
        Ok(db)
    }

    /// The data directory behind this database (checkpoints, snapshots), if any.
    pub fn store(&self) -> Option<&Arc<DurableStore>> {
        self.store.as_ref()
    }

    /// Syncs the WAL and writes a final checkpoint (also done when the last
    /// clone is dropped; this reports errors).
    pub fn close(&self) -> Result<()> {
        self.store.as_ref().map_or(Ok(()), |s| s.close())
    }

    /// Register (or replace) a read-only procedure for `CALL`, implemented by
    /// a closure over the snapshot the query reads. `signature` reads like
    /// `my.proc(name :: STRING?, n :: INTEGER?) :: (out :: STRING?)` (`:: ()`
    /// for a void procedure); arguments arrive checked against the input
    /// types, and each returned row must hold every output in order.
    pub fn register_procedure<F>(&self, signature: &str, f: F) -> Result<()>
    where
        F: Fn(&Snapshot, &[Value]) -> Result<Vec<Vec<Value>>> + Send + Sync + 'static,
    {
        self.update_procedures(|p| p.register(signature, f))
    }

    /// Register (or replace) a procedure answering from a fixed table: each
    /// row holds the input values then the output values, in signature order;
    /// a call returns the outputs of the rows whose inputs equal its arguments.
    pub fn register_procedure_rows(&self, signature: &str, rows: Vec<Vec<Value>>) -> Result<()> {
        self.update_procedures(|p| p.register_rows(signature, rows))
    }

    /// The procedures `CALL` can run now (built-ins included).
    pub fn procedures(&self) -> Arc<Procedures> {
        self.procedures.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn update_procedures(&self, f: impl FnOnce(&mut Procedures) -> Result<()>) -> Result<()> {
        let mut guard = self.procedures.write().unwrap_or_else(|p| p.into_inner());
        let mut next = Procedures::clone(&guard);
        f(&mut next)?;
        *guard = Arc::new(next);
        Ok(())
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Parse, plan and optimize a statement against the current statistics.
    fn prepare(&self, query: &str, snapshot: &Snapshot) -> Result<Prepared> {
        let statement = parser::parse(query)?;
        let procedures = self.procedures();
        let lowered = lower::lower_with(&statement.query, Some(procedures.clone()))?;
        let stats = planner_statistics(snapshot);
        let plan = self.optimizer.optimize(lowered.plan, &OptimizerContext { statistics: &stats });
        Ok(Prepared {
            plan,
            columns: lowered.columns,
            mode: statement.explain,
            parameters: lowered.parameters,
            procedures,
        })
    }

    /// The optimized plan of a statement as EXPLAIN prints it.
    pub fn explain(&self, query: &str) -> Result<String> {
        let prepared = self.prepare(query, &self.graph.snapshot())?;
        Ok(explain(&prepared.plan, None))
    }

    /// Run one statement in its own transaction (committed when it succeeds).
    pub fn execute(&self, query: &str, params: &Params) -> Result<QueryResult> {
        let snapshot = self.graph.snapshot();
        let prepared = self.prepare(query, &snapshot)?;
        if prepared.mode == Some(ExplainMode::Explain) {
            let mut result = QueryResult::new(prepared.columns, Box::new(std::iter::empty()));
            result.plan = Some(explain(&prepared.plan, None));
            return Ok(result);
        }
        prepared.check_parameters(params)?;
        self.check_access(&prepared)?;
        if prepared.plan.writes() {
            let txn = self.begin_write()?;
            let ctx = prepared.write_context(txn, params, &self.guard);
            let (rows, stats, profile) = run_to_end(&prepared, &ctx)?;
            let txn = ctx.into_txn().ok_or_else(|| Error::internal("write context lost its transaction"))?;
            txn.commit()?;
            return Ok(finish(prepared, rows, stats, profile));
        }
        let ctx = prepared.read_context(snapshot, params, &self.guard);
        if prepared.mode == Some(ExplainMode::Profile) {
            let (rows, stats, profile) = run_to_end(&prepared, &ctx)?;
            return Ok(finish(prepared, rows, stats, profile));
        }
        let op = build(&prepared.plan, &Batch::unit(), None)?;
        let stream = RowStream { op, ctx, pending: VecDeque::new(), done: false };
        Ok(QueryResult::new(prepared.columns, Box::new(stream)))
    }

    /// Run one Gremlin traversal in its own transaction (committed when it
    /// succeeds). The result has one column, `result`: vertices are
    /// `Value::Node`, edges `Value::Relationship`, paths and collections lists,
    /// maps `Value::Map` (non-string keys as text, e.g. `v[1]`, `T.id`).
    pub fn execute_gremlin(&self, traversal: &str, params: &Params) -> Result<QueryResult> {
        let prepared = self.prepare_gremlin(traversal, &self.graph.snapshot(), params)?;
        self.check_access(&prepared)?;
        if prepared.plan.writes() {
            let ctx = prepared.write_context(self.begin_write()?, params, &self.guard);
            let (rows, stats, profile) = run_to_end(&prepared, &ctx)?;
            let txn = ctx.into_txn().ok_or_else(|| Error::internal("write context lost its transaction"))?;
            txn.commit()?;
            return Ok(finish(prepared, rows, stats, profile));
        }
        let ctx = prepared.read_context(self.graph.snapshot(), params, &self.guard);
        let (rows, stats, profile) = run_to_end(&prepared, &ctx)?;
        Ok(finish(prepared, rows, stats, profile))
    }

    /// The optimized plan of a Gremlin traversal as EXPLAIN prints it.
    pub fn explain_gremlin(&self, traversal: &str, params: &Params) -> Result<String> {
        let prepared = self.prepare_gremlin(traversal, &self.graph.snapshot(), params)?;
        Ok(explain(&prepared.plan, None))
    }

    fn prepare_gremlin(&self, text: &str, snapshot: &Snapshot, params: &Params) -> Result<Prepared> {
        self.prepare_gremlin_ast(&crate::gremlin::parse(text)?, snapshot, params)
    }

    fn prepare_gremlin_ast(
        &self,
        traversal: &crate::gremlin::Traversal,
        snapshot: &Snapshot,
        params: &Params,
    ) -> Result<Prepared> {
        let lowered = crate::gremlin::lower::lower(traversal, params)?;
        let stats = planner_statistics(snapshot);
        let plan = self.optimizer.optimize(lowered.plan, &OptimizerContext { statistics: &stats });
        Ok(Prepared {
            plan,
            columns: lowered.columns,
            mode: None,
            parameters: Vec::new(),
            procedures: self.procedures(),
        })
    }

    /// Start an explicit transaction. It reads a snapshot until its first
    /// write, then holds the single writer lock until commit or rollback.
    pub fn begin(&self) -> Transaction {
        Transaction { db: self.clone(), state: TxnState::Reading(self.graph.snapshot()), failed: false }
    }
}

/// Run a plan to the end, materializing rows against the final state.
fn run_to_end(prepared: &Prepared, ctx: &ExecContext) -> Result<(Vec<Vec<Value>>, QueryStats, Option<ProfileSlots>)> {
    let profile: Option<ProfileSlots> =
        (prepared.mode == Some(ExplainMode::Profile)).then(|| Arc::new(std::sync::Mutex::new(Vec::new())));
    let mut op = build(&prepared.plan, &Batch::unit(), profile.as_ref())?;
    let batches = plexus_exec::ops::drain(op.as_mut(), ctx)?;
    let mut rows = Vec::new();
    for b in &batches {
        rows.extend(batch_rows(b, ctx));
    }
    Ok((rows, stats_of(ctx), profile))
}

fn finish(prepared: Prepared, rows: Vec<Vec<Value>>, stats: QueryStats, profile: Option<ProfileSlots>) -> QueryResult {
    let mut result = QueryResult::from_rows(prepared.columns, rows);
    result.stats = stats;
    if let Some(slots) = profile {
        let slots = slots.lock().map(|s| s.clone()).unwrap_or_default();
        result.plan = Some(explain(&prepared.plan, Some(&slots)));
    }
    result
}

fn batch_rows(batch: &Batch, ctx: &ExecContext) -> Vec<Vec<Value>> {
    // A statement without RETURN yields no records, only its counters.
    if batch.columns.is_empty() {
        return Vec::new();
    }
    let snapshot = ctx.snapshot();
    (0..batch.len).map(|i| batch.columns.iter().map(|c| ctx.value_at(c, i, &snapshot)).collect()).collect()
}

fn stats_of(ctx: &ExecContext) -> QueryStats {
    use std::sync::atomic::Ordering::Relaxed;
    let c = &ctx.counters;
    QueryStats {
        nodes_created: c.nodes_created.load(Relaxed),
        nodes_deleted: c.nodes_deleted.load(Relaxed),
        relationships_created: c.relationships_created.load(Relaxed),
        relationships_deleted: c.relationships_deleted.load(Relaxed),
        properties_set: c.properties_set.load(Relaxed),
        labels_added: c.labels_added.load(Relaxed),
        labels_removed: c.labels_removed.load(Relaxed),
    }
}

fn planner_statistics(snapshot: &Snapshot) -> Statistics {
    let s = snapshot.statistics();
    Statistics {
        node_count: s.node_count,
        relationship_count: s.rel_count,
        label_counts: s.label_counts.clone(),
        type_counts: s.type_counts.clone(),
    }
}

/// Pulls batches from a read plan as the caller iterates.
struct RowStream {
    op: Box<dyn Operator>,
    ctx: ExecContext,
    pending: VecDeque<Vec<Value>>,
    done: bool,
}

impl Iterator for RowStream {
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.pending.is_empty() && !self.done {
            match self.op.next(&self.ctx) {
                Ok(Some(b)) => self.pending.extend(batch_rows(&b, &self.ctx)),
                Ok(None) => self.done = true,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        self.pending.pop_front().map(Ok)
    }
}

enum TxnState {
    Reading(Arc<Snapshot>),
    Writing(WriteTxn),
    Finished,
}

/// An explicit transaction (`BEGIN` ... `COMMIT`). After a failed statement
/// it only accepts rollback, as in Neo4j.
pub struct Transaction {
    db: Database,
    state: TxnState,
    failed: bool,
}

impl Transaction {
    /// Run a statement inside the transaction; its rows are materialized.
    pub fn execute(&mut self, query: &str, params: &Params) -> Result<QueryResult> {
        self.run(|db, snapshot| db.prepare(query, snapshot), params)
    }

    /// Run a Gremlin traversal (parsed text or a driver's bytecode) inside the transaction.
    pub fn execute_gremlin(&mut self, traversal: &crate::gremlin::Traversal, params: &Params) -> Result<QueryResult> {
        self.run(|db, snapshot| db.prepare_gremlin_ast(traversal, snapshot, params), params)
    }

    /// The version the transaction sees now, its own writes included.
    pub fn snapshot(&self) -> Option<Arc<Snapshot>> {
        match &self.state {
            TxnState::Reading(s) => Some(s.clone()),
            TxnState::Writing(t) => Some(t.view()),
            TxnState::Finished => None,
        }
    }

    fn run(
        &mut self,
        prepare: impl FnOnce(&Database, &Snapshot) -> Result<Prepared>,
        params: &Params,
    ) -> Result<QueryResult> {
        if self.failed {
            return Err(txn_error("TransactionFailed", "The transaction failed earlier and can only be rolled back"));
        }
        let result = self.execute_inner(prepare, params);
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    fn execute_inner(
        &mut self,
        prepare: impl FnOnce(&Database, &Snapshot) -> Result<Prepared>,
        params: &Params,
    ) -> Result<QueryResult> {
        let snapshot = match &self.state {
            TxnState::Reading(s) => s.clone(),
            TxnState::Writing(t) => t.view(),
            TxnState::Finished => return Err(txn_error("TransactionClosed", "The transaction is closed")),
        };
        let prepared = prepare(&self.db, &snapshot)?;
        if prepared.mode == Some(ExplainMode::Explain) {
            let mut result = QueryResult::new(prepared.columns, Box::new(std::iter::empty()));
            result.plan = Some(explain(&prepared.plan, None));
            return Ok(result);
        }
        prepared.check_parameters(params)?;
        self.db.check_access(&prepared)?;
        if !prepared.plan.writes() {
            let ctx = prepared.read_context(snapshot, params, &self.db.guard);
            let (rows, stats, profile) = run_to_end(&prepared, &ctx)?;
            return Ok(finish(prepared, rows, stats, profile));
        }
        let txn = match std::mem::replace(&mut self.state, TxnState::Finished) {
            TxnState::Writing(t) => t,
            _ => self.db.begin_write()?,
        };
        let ctx = prepared.write_context(txn, params, &self.db.guard);
        let outcome = run_to_end(&prepared, &ctx);
        let txn = ctx.into_txn().ok_or_else(|| Error::internal("write context lost its transaction"))?;
        self.state = TxnState::Writing(txn);
        let (rows, stats, profile) = outcome?;
        Ok(finish(prepared, rows, stats, profile))
    }

    /// Commit; returns the commit sequence number (unchanged for read-only transactions).
    pub fn commit(mut self) -> Result<u64> {
        if self.failed {
            return Err(txn_error("TransactionFailed", "The transaction failed earlier and can only be rolled back"));
        }
        match std::mem::replace(&mut self.state, TxnState::Finished) {
            TxnState::Writing(t) => t.commit(),
            TxnState::Reading(s) => Ok(s.seq()),
            TxnState::Finished => Err(txn_error("TransactionClosed", "The transaction is closed")),
        }
    }

    /// Discard every change of the transaction.
    pub fn rollback(mut self) {
        if let TxnState::Writing(t) = std::mem::replace(&mut self.state, TxnState::Finished) {
            t.rollback();
        }
    }
}

/// `Error::detail` of a write refused by a read-only handle.
pub const ACCESS_MODE: &str = "AccessMode";

fn txn_error(detail: &'static str, message: &str) -> Error {
    Error::new(ErrorClass::TransactionError, detail, Phase::Runtime, message)
}

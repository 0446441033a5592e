//! What operators run against: the graph (a read snapshot, or a write
//! transaction whose own writes are visible), the parameters, the counters.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use plexus_storage::{Error, Result, Snapshot, Value, WriteTxn};

use crate::batch::{array_value, Column};
use crate::guard::QueryGuard;

/// What a query changed.
#[derive(Debug, Default)]
pub struct WriteCounters {
    pub nodes_created: AtomicU64,
    pub nodes_deleted: AtomicU64,
    pub relationships_created: AtomicU64,
    pub relationships_deleted: AtomicU64,
    pub properties_set: AtomicU64,
    pub labels_added: AtomicU64,
    pub labels_removed: AtomicU64,
}

impl WriteCounters {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

/// Runs procedures by name for `CALL` (the embedding crate provides it; the
/// plan holds only the procedure's name and its arguments).
pub trait ProcedureRegistry: Send + Sync {
    /// Every row the procedure returns for `args`, each holding its declared
    /// outputs in order (empty rows for a void procedure).
    fn call(&self, name: &str, args: &[Value], snapshot: &Snapshot) -> Result<Vec<Vec<Value>>>;
}

enum GraphAccess {
    Read(Arc<Snapshot>),
    Write(Mutex<WriteTxn>),
}

pub struct ExecContext {
    graph: GraphAccess,
    params: BTreeMap<String, Value>,
    pub counters: WriteCounters,
    procedures: Option<Arc<dyn ProcedureRegistry>>,
    /// "Now" for the whole statement: seconds and nanos since the epoch.
    pub statement_time: (i64, u32),
    guard: Arc<QueryGuard>,
}

impl ExecContext {
    pub fn read(snapshot: Arc<Snapshot>, params: BTreeMap<String, Value>) -> Self {
        ExecContext {
            graph: GraphAccess::Read(snapshot),
            params,
            counters: WriteCounters::default(),
            procedures: None,
            statement_time: crate::scalar::temporal::realtime(),
            guard: QueryGuard::unlimited(),
        }
    }

    pub fn write(txn: WriteTxn, params: BTreeMap<String, Value>) -> Self {
        ExecContext {
            graph: GraphAccess::Write(Mutex::new(txn)),
            params,
            counters: WriteCounters::default(),
            procedures: None,
            statement_time: crate::scalar::temporal::realtime(),
            guard: QueryGuard::unlimited(),
        }
    }

    /// Run under `guard`: its deadline, cancel flag and memory cap.
    pub fn with_guard(mut self, guard: Arc<QueryGuard>) -> Self {
        self.guard = guard;
        self
    }

    /// The query's limits; operators check it between batches.
    pub fn guard(&self) -> &QueryGuard {
        &self.guard
    }

    /// The procedures `CALL` can run.
    pub fn with_procedures(mut self, procedures: Arc<dyn ProcedureRegistry>) -> Self {
        self.procedures = Some(procedures);
        self
    }

    /// Run procedure `name` against the graph as this query sees it.
    pub fn call_procedure(&self, name: &str, args: &[Value]) -> Result<Vec<Vec<Value>>> {
        let Some(procedures) = &self.procedures else {
            return Err(Error::new(
                plexus_storage::ErrorClass::ProcedureError,
                "ProcedureNotFound",
                plexus_storage::Phase::Runtime,
                format!("There is no procedure with the name `{name}` registered"),
            ));
        };
        procedures.call(name, args, &self.snapshot())
    }

    /// The transaction back, to commit or roll back.
    pub fn into_txn(self) -> Option<WriteTxn> {
        match self.graph {
            GraphAccess::Write(m) => Some(m.into_inner().unwrap_or_else(|p| p.into_inner())),
            GraphAccess::Read(_) => None,
        }
    }

    /// The graph as this query currently sees it (including its own writes).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match &self.graph {
            GraphAccess::Read(s) => s.clone(),
            GraphAccess::Write(m) => lock(m).view(),
        }
    }

    /// Run a mutation; fails for read-only queries.
    pub fn with_txn<R>(&self, f: impl FnOnce(&mut WriteTxn) -> Result<R>) -> Result<R> {
        match &self.graph {
            GraphAccess::Write(m) => f(&mut lock(m)),
            GraphAccess::Read(_) => Err(Error::internal("write operator in a read-only execution")),
        }
    }

    pub fn param(&self, name: &str) -> Result<Value> {
        self.params.get(name).cloned().ok_or_else(|| {
            Error::new(
                plexus_storage::ErrorClass::ParameterMissing,
                "MissingParameter",
                plexus_storage::Phase::Runtime,
                format!("Expected parameter `${name}`"),
            )
        })
    }

    pub fn params(&self) -> &BTreeMap<String, Value> {
        &self.params
    }

    /// The value at row `i`, materializing nodes and relationships.
    pub fn value_at(&self, column: &Column, i: usize, snapshot: &Snapshot) -> Value {
        match column {
            Column::Nodes(a) if a.is_valid(i) => snapshot.node_value(a.value(i)),
            Column::Rels(a) if a.is_valid(i) => snapshot.rel_value(a.value(i)),
            Column::Nodes(_) | Column::Rels(_) => Value::Null,
            Column::Array(a) => array_value(a.as_ref(), i),
            Column::Values(v) => v[i].clone(),
        }
    }

    /// Every value of a column (nodes and relationships materialized).
    pub fn column_values(&self, column: &Column) -> Vec<Value> {
        let snapshot = self.snapshot();
        (0..column.len()).map(|i| self.value_at(column, i, &snapshot)).collect()
    }
}

use arrow_array::Array;

fn lock(m: &Mutex<WriteTxn>) -> MutexGuard<'_, WriteTxn> {
    // A panic elsewhere while holding the lock leaves the txn usable for rollback.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

//! Plexus executor: physical operators over Arrow-backed batches, vectorized
//! expression evaluation with a row-at-a-time fallback, morsel parallelism.

pub mod batch;
pub mod context;
pub mod eval;
pub mod gremlin;
pub mod guard;
pub mod ops;
pub mod scalar;

pub use batch::{Batch, Column};
pub use context::{ExecContext, ProcedureRegistry, WriteCounters};
pub use guard::QueryGuard;

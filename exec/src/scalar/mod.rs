//! Pure scalar semantics over [`Value`]s: arithmetic, predicates, the Cypher
//! function library and aggregate accumulators. Nothing here touches the graph.

pub mod aggregate;
pub mod arith;
pub mod functions;
pub mod predicates;
pub mod temporal;

pub use aggregate::{Accumulator, AggKind};
pub use functions::{call, lookup, FunctionDef};
pub use predicates::{contains, ends_with, in_list, regex_match, starts_with};

#[cfg(test)]
pub(crate) mod test_util {
    use plexus_storage::Value;

    /// Shorthand for a list value.
    pub fn l(v: Vec<Value>) -> Value {
        Value::List(v)
    }
    /// Shorthand for an integer value.
    pub fn i(x: i64) -> Value {
        Value::Integer(x)
    }
    /// Shorthand for a float value.
    pub fn f(x: f64) -> Value {
        Value::Float(x)
    }
    /// Shorthand for a string value.
    pub fn s(x: &str) -> Value {
        Value::String(x.into())
    }
}

//! Gremlin predicates (`P`/`TextP`), resolved to values.

use plexus_storage::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextOp {
    Containing,
    StartingWith,
    EndingWith,
    Regex,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GPredicate {
    Compare(CompareOp, Value),
    Within(Vec<Value>),
    Without(Vec<Value>),
    /// `inside(a, b)`: a < x < b.
    Inside(Value, Value),
    /// `outside(a, b)`: x < a or x > b.
    Outside(Value, Value),
    /// `between(a, b)`: a <= x < b.
    Between(Value, Value),
    /// A string predicate; `negated` for the `not…` forms.
    Text {
        op: TextOp,
        text: Value,
        negated: bool,
    },
    /// `typeOf(GType.X)`: the type name.
    TypeOf(String),
    Not(Box<GPredicate>),
    And(Box<GPredicate>, Box<GPredicate>),
    Or(Box<GPredicate>, Box<GPredicate>),
}

//! The Gremlin part of the algebra: a traversal whose steps have no relational
//! meaning (bulked traversers, path history, side-effect stores, loops) runs as
//! one `LogicalPlan::GremlinTraversal` operator. The front end resolves
//! parameters and literals before this point, so every argument is a `Value`.

mod predicate;

use plexus_storage::Value;

pub use predicate::{CompareOp, GPredicate, TextOp};

/// A traversal program: source configuration, then steps in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GTraversal {
    /// `withSideEffect`, `withSack`, `withStrategies`, … of a `g.` traversal.
    pub source: Vec<GStep>,
    /// The steps; for a `g.` traversal the first is the spawn step (`V`, `E`, `inject`, …).
    pub steps: Vec<GStep>,
    /// True for `g.…`, false for an anonymous child traversal.
    pub rooted: bool,
}

/// One step with its modulators (`by`, `times`, `option`, `from`, …) and `as()` labels.
#[derive(Debug, Clone, PartialEq)]
pub struct GStep {
    pub name: String,
    pub args: Vec<GArg>,
    /// Modulators in the order written, each a name and arguments.
    pub modulators: Vec<(String, Vec<GArg>)>,
    /// Labels given by `as()` right after this step.
    pub labels: Vec<String>,
    /// Byte offset in the query text, for errors.
    pub pos: usize,
}

impl GStep {
    pub fn new(name: &str, args: Vec<GArg>, pos: usize) -> GStep {
        GStep { name: name.to_string(), args, modulators: Vec::new(), labels: Vec::new(), pos }
    }

    /// The arguments of every modulator called `name`.
    pub fn modulator<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [GArg]> + 'a {
        self.modulators.iter().filter(move |(n, _)| n == name).map(|(_, a)| a.as_slice())
    }
}

/// A resolved step argument.
#[derive(Debug, Clone, PartialEq)]
pub enum GArg {
    Value(Value),
    Traversal(GTraversal),
    Predicate(GPredicate),
    /// An enum constant such as `T.id` or `Order.desc`: (class, constant).
    Token(String, String),
    /// A map literal whose keys may be tokens (`[T.label: "person"]`), kept as pairs.
    Map(Vec<(GArg, GArg)>),
    /// `Cardinality.single(v)` inside a map.
    Cardinality(String, Box<GArg>),
    /// A strategy: name and configuration.
    Strategy(String, Vec<(String, GArg)>),
}

impl GArg {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            GArg::Value(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn token(&self) -> Option<(&str, &str)> {
        match self {
            GArg::Token(k, v) => Some((k, v)),
            _ => None,
        }
    }
}

impl GTraversal {
    /// Short text for EXPLAIN: the step names in order.
    pub fn summary(&self) -> String {
        let steps: Vec<String> = self.steps.iter().map(|s| format!("{}()", s.name)).collect();
        steps.join(".")
    }

    /// True when any step (or child traversal) changes the graph.
    pub fn writes(&self) -> bool {
        const WRITES: &[&str] = &["addV", "addE", "property", "drop", "mergeV", "mergeE"];
        self.steps.iter().chain(&self.source).any(|s| {
            WRITES.contains(&s.name.as_str())
                || s.args.iter().chain(s.modulators.iter().flat_map(|(_, a)| a)).any(GArg::writes)
        })
    }
}

impl GArg {
    fn writes(&self) -> bool {
        match self {
            GArg::Traversal(t) => t.writes(),
            GArg::Map(pairs) => pairs.iter().any(|(k, v)| k.writes() || v.writes()),
            GArg::Cardinality(_, v) => v.writes(),
            _ => false,
        }
    }
}

//! The traversal AST. It mirrors Gremlin bytecode (source instructions, then step
//! instructions, each a name and arguments) so that text and bytecode requests can feed
//! one lowering.

/// A traversal: `g.…` (with a source and a spawn step) or an anonymous `__.…` / `out()…`.
#[derive(Debug, Clone, PartialEq)]
pub struct Traversal {
    /// Where the traversal starts.
    pub root: TraversalRoot,
    /// The steps after the spawn step (or all steps of an anonymous traversal), in order.
    pub steps: Vec<Instruction>,
}

/// How a traversal begins.
#[derive(Debug, Clone, PartialEq)]
pub enum TraversalRoot {
    /// `g.with…(…).V(…)`: source configuration (bytecode's source instructions) and the spawn step.
    Source {
        /// `withSideEffect`, `withStrategies`, `withoutStrategies`, `withSack`, `withBulk`, `withPath`, `with`.
        source: Vec<Instruction>,
        /// `V`, `E`, `addV`, `addE`, `inject`, `mergeV`, `mergeE`, `call`, `io`, `union`.
        spawn: Instruction,
    },
    /// A child traversal (`__.out()` or bare `out()`) whose input comes from its parent step.
    Anonymous,
}

/// One step or source instruction: `name(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// The step name exactly as written, e.g. `hasLabel`, `V`, `withSideEffect`.
    pub name: String,
    /// The arguments, in order.
    pub args: Vec<Argument>,
    /// Byte offset of the name in the query text.
    pub pos: usize,
}

/// A step argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Argument {
    /// A constant value (numbers, strings, collections, dates, UUIDs, …).
    Literal(GValue),
    /// A child traversal, e.g. the `__.out()` in `where(__.out())`.
    Traversal(Box<Traversal>),
    /// `P.…` / `TextP.…` or a bare predicate such as `gt(3)`.
    Predicate(Predicate),
    /// `T.id`, `Order.desc`, or a bare enum value such as `desc` (its class inferred).
    Enum(EnumValue),
    /// An identifier bound as a parameter (`xx1`, `vid1`).
    Variable(String),
    /// A strategy in `withStrategies`/`withoutStrategies`: `new SubgraphStrategy(vertices: …)` or `ReadOnlyStrategy`.
    Strategy(Strategy),
}

/// An enum constant: `kind` is the class (`T`, `Order`, `Scope`, `Column`, `Pop`, `Direction`,
/// `Cardinality`, `Merge`, `Pick`, `GType`, `Operator`, `Barrier`, `WithOptions`, `IO`, `DT`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumValue {
    /// The enum class, e.g. `T`.
    pub kind: String,
    /// The constant as written, e.g. `id`, `OUT`, `desc`.
    pub value: String,
}

/// A predicate, as `P`/`TextP` build them.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `P.gt(3)`, `TextP.startingWith("a")`, `P.within(1, 2)`, `P.not(P.eq(1))`.
    Call {
        /// `P` or `TextP` (inferred from the name when written bare).
        class: PredicateClass,
        /// The predicate name, e.g. `gt`, `within`, `startingWith`.
        name: String,
        /// The arguments as written (a `not` holds one `Argument::Predicate`).
        args: Vec<Argument>,
    },
    /// `p.and(q)`.
    And(Box<Predicate>, Box<Predicate>),
    /// `p.or(q)`.
    Or(Box<Predicate>, Box<Predicate>),
}

/// Which predicate family a predicate belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PredicateClass {
    /// Comparison and membership predicates.
    P,
    /// String predicates.
    TextP,
}

/// A traversal strategy with its configuration, e.g. `SeedStrategy(seed: 1)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Strategy {
    /// The class name, e.g. `SubgraphStrategy`.
    pub name: String,
    /// `key: value` pairs in the order written.
    pub config: Vec<(String, Argument)>,
}

/// A constant value as Gremlin types it. Numbers keep the type their suffix (or size) gives.
#[derive(Debug, Clone, PartialEq)]
pub enum GValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Boolean(bool),
    /// `1b`.
    Byte(i8),
    /// `1s`.
    Short(i16),
    /// `1i`, or an unsuffixed integer that fits 32 bits.
    Int(i32),
    /// `1l`, or an unsuffixed integer that needs 64 bits.
    Long(i64),
    /// `1n`, or an unsuffixed integer beyond 64 bits; decimal digits with an optional `-`.
    BigInteger(String),
    /// `1f`.
    Float(f32),
    /// `1d`, `1.5`, `NaN`, `Infinity`, `-Infinity`.
    Double(f64),
    /// `1m`: the literal's digits as written (without the suffix).
    BigDecimal(String),
    /// `"text"` or `'text'`, escapes resolved.
    String(String),
    /// `[a, b]`.
    List(Vec<GValue>),
    /// `{a, b}`.
    Set(Vec<GValue>),
    /// `[k: v, …]` or `[:]`, entries in the order written.
    Map(Vec<(GValue, GValue)>),
    /// `datetime("2023-08-02T00:00:00Z")`: the ISO-8601 text, parsed by the lowering.
    DateTime(String),
    /// `UUID("…")`, or `UUID()` (`None`) for a random one.
    Uuid(Option<String>),
    /// An enum constant inside a collection, e.g. the `T.label` key in `[T.label: "person"]`.
    Enum(EnumValue),
    /// `Cardinality.single(43)` as a map value in `mergeV` option maps.
    Cardinality(EnumValue, Box<GValue>),
}

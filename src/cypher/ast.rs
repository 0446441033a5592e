//! The Cypher syntax tree, as written by the user. `parser.rs` builds it from the
//! pest grammar; `lower.rs` turns it into the planner's logical algebra.

use plexus_storage::Value;

/// Byte offset into the query text, for error carets.
pub type Pos = usize;

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub explain: Option<ExplainMode>,
    pub query: Query,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainMode {
    Explain,
    Profile,
}

/// A query: one or more single queries joined by UNION / UNION ALL.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub first: SingleQuery,
    /// `(all, query)`: `all` is true for UNION ALL.
    pub unions: Vec<(bool, SingleQuery)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SingleQuery {
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Match(Match),
    Unwind(Unwind),
    LoadCsv(LoadCsv),
    With(With),
    Return(Return),
    Create(Create),
    Merge(Merge),
    Set(SetClause),
    Remove(Remove),
    Delete(Delete),
    Call(Call),
    Foreach(Foreach),
}

impl Clause {
    /// Whether the clause changes the graph.
    pub fn updates(&self) -> bool {
        matches!(
            self,
            Clause::Create(_)
                | Clause::Merge(_)
                | Clause::Set(_)
                | Clause::Remove(_)
                | Clause::Delete(_)
                | Clause::Foreach(_)
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub optional: bool,
    pub pattern: Vec<PatternPart>,
    pub where_: Option<Expr>,
    pub pos: Pos,
}

/// `LOAD CSV [WITH HEADERS] FROM url AS alias [FIELDTERMINATOR 'c']`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadCsv {
    pub with_headers: bool,
    pub url: Expr,
    pub alias: String,
    /// The field terminator as written (one character, or `\t`-style escapes already resolved).
    pub terminator: Option<String>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unwind {
    pub expr: Expr,
    pub alias: String,
    pub pos: Pos,
}

/// The body shared by WITH and RETURN.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub distinct: bool,
    /// `RETURN *` / `WITH *` (more items may follow the star).
    pub star: bool,
    pub items: Vec<ProjectionItem>,
    pub order_by: Vec<SortItem>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionItem {
    pub expr: Expr,
    pub alias: Option<String>,
    /// The expression exactly as written: the column name when there is no alias.
    pub text: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    pub expr: Expr,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct With {
    pub projection: Projection,
    pub where_: Option<Expr>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    pub projection: Projection,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    pub pattern: Vec<PatternPart>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    pub pattern: PatternPart,
    pub on_create: Vec<SetItem>,
    pub on_match: Vec<SetItem>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SetClause {
    pub items: Vec<SetItem>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `n.k = v` (the target is any expression ending in a property lookup).
    Property { target: Expr, key: String, value: Expr },
    /// `n = {map}`
    Replace { variable: String, value: Expr },
    /// `n += {map}`
    Merge { variable: String, value: Expr },
    /// `n:A:B`
    Labels { variable: String, labels: Vec<String> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Remove {
    pub items: Vec<RemoveItem>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RemoveItem {
    Property { target: Expr, key: String },
    Labels { variable: String, labels: Vec<String> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub detach: bool,
    pub exprs: Vec<Expr>,
    pub pos: Pos,
}

/// `CALL ns.proc(args) YIELD a, b AS c WHERE ...`
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub procedure: String,
    /// `None` when called without parentheses (implicit arguments from parameters).
    pub args: Option<Vec<Expr>>,
    /// `(field, alias)`; `None` when there is no YIELD; `Some(vec![])` never (YIELD * is `yield_all`).
    pub yields: Option<Vec<(String, Option<String>)>>,
    pub yield_all: bool,
    pub where_: Option<Expr>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Foreach {
    pub variable: String,
    pub list: Expr,
    pub clauses: Vec<Clause>,
    pub pos: Pos,
}

/// One comma-separated part of a pattern, optionally named: `p = (a)-->(b)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    pub variable: Option<String>,
    /// `shortestPath(...)` / `allShortestPaths(...)` wrapping, if any.
    pub shortest: Option<ShortestKind>,
    pub start: NodePattern,
    pub chain: Vec<(RelPattern, NodePattern)>,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortestKind {
    Single,
    All,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    pub variable: Option<String>,
    pub labels: Vec<String>,
    /// A map literal or a parameter.
    pub properties: Option<Expr>,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelDirection {
    /// `-[]->`
    Right,
    /// `<-[]-`
    Left,
    /// `-[]-` (or `<-[]->`)
    Both,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    pub variable: Option<String>,
    /// Alternatives: `:A|B` gives `["A", "B"]`; empty means any type.
    pub types: Vec<String>,
    pub direction: RelDirection,
    /// `*`, `*2`, `*1..3`, `*..3`, `*2..`: `Some((min, max))` with the
    /// omitted bounds as `None`.
    pub length: Option<(Option<u64>, Option<u64>)>,
    pub properties: Option<Expr>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    Xor,
    And,
    Eq,
    Neq,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    In,
    StartsWith,
    EndsWith,
    Contains,
    RegexMatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Plus,
    IsNull,
    IsNotNull,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    All,
    Any,
    None,
    Single,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// Null, booleans, integers, floats, strings.
    Literal(Value),
    Parameter(String),
    Variable(String),
    List(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    Property(Box<Expr>, String),
    /// `a[i]`
    Index(Box<Expr>, Box<Expr>),
    /// `a[from..to]`, either bound optional.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `n:A:B` as a predicate.
    HasLabels(Box<Expr>, Vec<String>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c` is kept as a chain so `b` is evaluated once.
    Comparison(Box<Expr>, Vec<(BinaryOp, Expr)>),
    /// `name(args)`; `name` keeps its namespace (`a.b.c`) and the user's case.
    Function {
        name: String,
        distinct: bool,
        args: Vec<Expr>,
    },
    /// `count(*)`
    CountStar,
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE pred | proj]`
    ListComprehension {
        variable: String,
        list: Box<Expr>,
        predicate: Option<Box<Expr>>,
        projection: Option<Box<Expr>>,
    },
    /// `[p = (a)-->(b) WHERE pred | proj]`
    PatternComprehension {
        pattern: Box<PatternPart>,
        predicate: Option<Box<Expr>>,
        projection: Box<Expr>,
    },
    /// `all(x IN list WHERE pred)` and friends.
    Quantified {
        quantifier: Quantifier,
        variable: String,
        list: Box<Expr>,
        predicate: Box<Expr>,
    },
    /// `reduce(acc = init, x IN list | expr)`
    Reduce {
        accumulator: String,
        init: Box<Expr>,
        variable: String,
        list: Box<Expr>,
        expr: Box<Expr>,
    },
    /// A pattern used as a predicate: `WHERE (a)-->(b)`.
    PatternPredicate(Box<PatternPart>),
    /// `EXISTS { MATCH ... }` or `EXISTS { (a)-->(b) WHERE ... }`.
    ExistsSubquery(Box<Match>),
    /// `EXISTS { MATCH ... WITH ... RETURN ... }`: any body that is more than one MATCH.
    ExistsQuery(Box<Query>),
    /// `n {.name, .age, k: expr, .*}`
    MapProjection {
        variable: String,
        items: Vec<MapProjectionItem>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum MapProjectionItem {
    /// `.name`
    Property(String),
    /// `key: expr`
    Literal(String, Expr),
    /// a bare `var` (key = variable name)
    Variable(String),
    /// `.*`
    AllProperties,
}

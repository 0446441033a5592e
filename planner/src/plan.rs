//! The logical algebra both query languages lower to. Every operator except
//! `Argument` and `Union` reads an input and produces rows with named columns;
//! scans and expands run once per input row, so a plan is a chain of
//! "for each row" steps starting at an `Argument` (one row: the outer scope).

use plexus_storage::Value;

use crate::expr::{AggregateExpr, Expr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Outgoing,
    Incoming,
    Both,
}

impl Direction {
    pub fn reversed(self) -> Direction {
        match self {
            Direction::Outgoing => Direction::Incoming,
            Direction::Incoming => Direction::Outgoing,
            Direction::Both => Direction::Both,
        }
    }
}

/// Whether an expand binds its target or checks it against a bound one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpandMode {
    /// The target is a new variable.
    All,
    /// The target is already bound: keep the row if a relationship reaches it.
    Into,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    pub descending: bool,
}

/// A node or relationship to create; variables bound earlier are reused.
#[derive(Debug, Clone, PartialEq)]
pub enum CreateElement {
    Node { variable: String, labels: Vec<String>, properties: Option<Expr> },
    Relationship { variable: String, rel_type: String, start: String, end: String, properties: Option<Expr> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetOperation {
    Property {
        target: Expr,
        key: String,
        value: Expr,
    },
    /// `n = map` (replace all) or `n += map` (merge).
    Properties {
        variable: String,
        value: Expr,
        replace: bool,
    },
    AddLabels {
        variable: String,
        labels: Vec<String>,
    },
    RemoveLabels {
        variable: String,
        labels: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum LogicalPlan {
    /// One row holding the named variables of the enclosing scope (none at the top).
    Argument {
        variables: Vec<String>,
    },
    /// Every node (with `label`, if any) for each input row.
    NodeScan {
        input: Box<LogicalPlan>,
        variable: String,
        label: Option<String>,
        /// Equality predicates `variable.key = expr` checked inside the scan.
        property_filters: Vec<(String, Expr)>,
    },
    /// Relationships of `types` (any, when empty) from `from`, binding `rel` and `to`.
    Expand {
        input: Box<LogicalPlan>,
        from: String,
        rel: String,
        to: String,
        types: Vec<String>,
        direction: Direction,
        mode: ExpandMode,
    },
    /// Paths of `min..=max` hops; `rel` is bound to the list of relationships.
    VarLengthExpand {
        input: Box<LogicalPlan>,
        from: String,
        rel: String,
        to: String,
        types: Vec<String>,
        direction: Direction,
        min: u64,
        max: Option<u64>,
        mode: ExpandMode,
        /// Property equality every relationship on the path must satisfy.
        rel_properties: Option<Expr>,
    },
    /// `shortestPath` / `allShortestPaths` between two bound nodes: the
    /// fewest hops within `min..=max` (breadth first); `rel` is bound to the
    /// list of relationships of each shortest path found.
    ShortestPath {
        input: Box<LogicalPlan>,
        from: String,
        rel: String,
        to: String,
        types: Vec<String>,
        direction: Direction,
        min: u64,
        max: Option<u64>,
        all: bool,
    },
    Filter {
        input: Box<LogicalPlan>,
        predicate: Expr,
    },
    /// Adds (or, with `discard`, keeps only) the named expressions.
    Project {
        input: Box<LogicalPlan>,
        items: Vec<(String, Expr)>,
        discard: bool,
    },
    Aggregate {
        input: Box<LogicalPlan>,
        keys: Vec<(String, Expr)>,
        aggregates: Vec<(String, AggregateExpr)>,
    },
    Distinct {
        input: Box<LogicalPlan>,
    },
    Sort {
        input: Box<LogicalPlan>,
        keys: Vec<SortKey>,
    },
    Skip {
        input: Box<LogicalPlan>,
        count: Expr,
    },
    Limit {
        input: Box<LogicalPlan>,
        count: Expr,
    },
    Unwind {
        input: Box<LogicalPlan>,
        expr: Expr,
        variable: String,
    },
    /// `LOAD CSV [WITH HEADERS] FROM url AS variable [FIELDTERMINATOR t]`:
    /// per input row, one row per record of the file `url` names (a list of
    /// strings, or with headers a map from header to string).
    LoadCsv {
        input: Box<LogicalPlan>,
        url: Expr,
        with_headers: bool,
        terminator: u8,
        variable: String,
    },
    /// Left outer apply: `inner` runs per input row (its `Argument` gets the
    /// row); when it yields nothing, one row with `inner`'s new variables null.
    Optional {
        input: Box<LogicalPlan>,
        inner: Box<LogicalPlan>,
    },
    /// Keeps input rows for which the subplan yields (or, `negated`, does not yield) a row.
    SemiApply {
        input: Box<LogicalPlan>,
        inner: Box<LogicalPlan>,
        negated: bool,
    },
    Union {
        left: Box<LogicalPlan>,
        right: Box<LogicalPlan>,
        all: bool,
    },
    Create {
        input: Box<LogicalPlan>,
        elements: Vec<CreateElement>,
    },
    /// MERGE: `pattern` is a read plan over the argument; if it yields rows they
    /// are used (then `on_match`), otherwise `create` runs once (then `on_create`).
    Merge {
        input: Box<LogicalPlan>,
        pattern: Box<LogicalPlan>,
        create: Vec<CreateElement>,
        on_create: Vec<SetOperation>,
        on_match: Vec<SetOperation>,
    },
    Set {
        input: Box<LogicalPlan>,
        operations: Vec<SetOperation>,
    },
    Delete {
        input: Box<LogicalPlan>,
        exprs: Vec<Expr>,
        detach: bool,
    },
    /// Runs `body` (whose `Argument` binds `variable`) for every element of `list`, per row.
    Foreach {
        input: Box<LogicalPlan>,
        variable: String,
        list: Expr,
        body: Box<LogicalPlan>,
    },
    /// Calls the read-only procedure `procedure` once per input row with
    /// `args`; each row it returns extends the input row with the `yields`
    /// (`(output field, variable)`). `outputs` are the procedure's declared
    /// output fields, in the order its rows hold them. A void procedure (no
    /// outputs) keeps every input row once.
    ProcedureCall {
        input: Box<LogicalPlan>,
        procedure: String,
        args: Vec<Expr>,
        outputs: Vec<String>,
        yields: Vec<(String, String)>,
    },
    /// A fixed table of rows (also: no rows).
    Values {
        variables: Vec<String>,
        rows: Vec<Vec<Value>>,
    },
    /// A Gremlin traversal run per input row with bulked traversers (see
    /// `gremlin`): it starts from the object in column `start` (or, without
    /// one, from its spawn step) and binds each result to `output`.
    GremlinTraversal {
        input: Box<LogicalPlan>,
        start: Option<String>,
        traversal: crate::gremlin::GTraversal,
        output: String,
    },
    /// Final projection: the columns the caller sees, in order.
    Produce {
        input: Box<LogicalPlan>,
        columns: Vec<String>,
    },
}

impl LogicalPlan {
    pub fn argument() -> LogicalPlan {
        LogicalPlan::Argument { variables: Vec::new() }
    }

    /// The input operator, for the single-input operators.
    pub fn input(&self) -> Option<&LogicalPlan> {
        use LogicalPlan::*;
        match self {
            Argument { .. } | Values { .. } | Union { .. } => None,
            NodeScan { input, .. }
            | Expand { input, .. }
            | VarLengthExpand { input, .. }
            | ShortestPath { input, .. }
            | Filter { input, .. }
            | Project { input, .. }
            | Aggregate { input, .. }
            | Distinct { input }
            | Sort { input, .. }
            | Skip { input, .. }
            | Limit { input, .. }
            | Unwind { input, .. }
            | LoadCsv { input, .. }
            | Optional { input, .. }
            | SemiApply { input, .. }
            | Create { input, .. }
            | Merge { input, .. }
            | Set { input, .. }
            | Delete { input, .. }
            | Foreach { input, .. }
            | ProcedureCall { input, .. }
            | GremlinTraversal { input, .. }
            | Produce { input, .. } => Some(input),
        }
    }

    pub fn input_mut(&mut self) -> Option<&mut Box<LogicalPlan>> {
        use LogicalPlan::*;
        match self {
            Argument { .. } | Values { .. } | Union { .. } => None,
            NodeScan { input, .. }
            | Expand { input, .. }
            | VarLengthExpand { input, .. }
            | ShortestPath { input, .. }
            | Filter { input, .. }
            | Project { input, .. }
            | Aggregate { input, .. }
            | Distinct { input }
            | Sort { input, .. }
            | Skip { input, .. }
            | Limit { input, .. }
            | Unwind { input, .. }
            | LoadCsv { input, .. }
            | Optional { input, .. }
            | SemiApply { input, .. }
            | Create { input, .. }
            | Merge { input, .. }
            | Set { input, .. }
            | Delete { input, .. }
            | Foreach { input, .. }
            | ProcedureCall { input, .. }
            | GremlinTraversal { input, .. }
            | Produce { input, .. } => Some(input),
        }
    }

    /// The variables (columns) of the rows this operator produces, in order.
    pub fn schema(&self) -> Vec<String> {
        use LogicalPlan::*;
        let extend = |input: &LogicalPlan, new: &[&String]| {
            let mut s = input.schema();
            for v in new {
                if !s.contains(v) {
                    s.push((*v).clone());
                }
            }
            s
        };
        match self {
            Argument { variables } | Values { variables, .. } => variables.clone(),
            NodeScan { input, variable, .. } => extend(input, &[variable]),
            Expand { input, rel, to, .. } | VarLengthExpand { input, rel, to, .. } => extend(input, &[rel, to]),
            ShortestPath { input, rel, .. } => extend(input, &[rel]),
            Project { input, items, discard } => {
                let names: Vec<&String> = items.iter().map(|(n, _)| n).collect();
                if *discard {
                    names.into_iter().cloned().collect()
                } else {
                    extend(input, &names)
                }
            }
            Aggregate { keys, aggregates, .. } => {
                keys.iter().map(|(n, _)| n.clone()).chain(aggregates.iter().map(|(n, _)| n.clone())).collect()
            }
            Unwind { input, variable, .. } | LoadCsv { input, variable, .. } => extend(input, &[variable]),
            GremlinTraversal { input, output, .. } => extend(input, &[output]),
            ProcedureCall { input, yields, .. } => extend(input, &yields.iter().map(|(_, v)| v).collect::<Vec<_>>()),
            Optional { input, inner } => {
                let new = inner.schema();
                extend(input, &new.iter().collect::<Vec<_>>())
            }
            Union { left, .. } => left.schema(),
            Create { input, elements } => {
                let new: Vec<&String> = elements
                    .iter()
                    .map(|e| match e {
                        CreateElement::Node { variable, .. } | CreateElement::Relationship { variable, .. } => variable,
                    })
                    .collect();
                extend(input, &new)
            }
            Merge { input, pattern, .. } => {
                let new = pattern.schema();
                extend(input, &new.iter().collect::<Vec<_>>())
            }
            Produce { columns, .. } => columns.clone(),
            Filter { input, .. }
            | Distinct { input }
            | Sort { input, .. }
            | Skip { input, .. }
            | Limit { input, .. }
            | SemiApply { input, .. }
            | Set { input, .. }
            | Delete { input, .. }
            | Foreach { input, .. } => input.schema(),
        }
    }

    /// The variables the innermost `Argument` of this plan expects from outside.
    pub fn argument_variables(&self) -> Vec<String> {
        match self {
            LogicalPlan::Argument { variables } => variables.clone(),
            LogicalPlan::Union { left, .. } => left.argument_variables(),
            other => other.input().map(|i| i.argument_variables()).unwrap_or_default(),
        }
    }

    /// True when this plan (or a subplan) changes the graph.
    pub fn writes(&self) -> bool {
        use LogicalPlan::*;
        match self {
            Create { .. } | Merge { .. } | Set { .. } | Delete { .. } | Foreach { .. } => true,
            GremlinTraversal { input, traversal, .. } => traversal.writes() || input.writes(),
            Union { left, right, .. } => left.writes() || right.writes(),
            Optional { input, inner } | SemiApply { input, inner, .. } => input.writes() || inner.writes(),
            other => other.input().is_some_and(|i| i.writes()),
        }
    }

    /// Short operator name, as EXPLAIN shows it.
    pub fn name(&self) -> &'static str {
        use LogicalPlan::*;
        match self {
            Argument { .. } => "Argument",
            NodeScan { label: Some(_), .. } => "NodeByLabelScan",
            NodeScan { .. } => "AllNodesScan",
            Expand { mode: ExpandMode::Into, .. } => "ExpandInto",
            Expand { .. } => "Expand",
            VarLengthExpand { .. } => "VarLengthExpand",
            ShortestPath { all: false, .. } => "ShortestPath",
            ShortestPath { all: true, .. } => "AllShortestPaths",
            Filter { .. } => "Filter",
            Project { .. } => "Projection",
            Aggregate { .. } => "Aggregation",
            Distinct { .. } => "Distinct",
            Sort { .. } => "Sort",
            Skip { .. } => "Skip",
            Limit { .. } => "Limit",
            Unwind { .. } => "Unwind",
            LoadCsv { .. } => "LoadCSV",
            Optional { .. } => "Optional",
            SemiApply { negated: false, .. } => "SemiApply",
            SemiApply { negated: true, .. } => "AntiSemiApply",
            Union { all: true, .. } => "UnionAll",
            Union { .. } => "Union",
            Create { .. } => "Create",
            Merge { .. } => "Merge",
            Set { .. } => "Set",
            Delete { detach: true, .. } => "DetachDelete",
            Delete { .. } => "Delete",
            Foreach { .. } => "Foreach",
            ProcedureCall { .. } => "ProcedureCall",
            Values { .. } => "Values",
            GremlinTraversal { .. } => "GremlinTraversal",
            Produce { .. } => "ProduceResults",
        }
    }
}

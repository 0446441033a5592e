//! Logical expressions: what both query languages lower their expressions to.

use std::fmt;

use plexus_storage::Value;

use crate::plan::LogicalPlan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    And,
    Or,
    Xor,
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

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::And => "AND",
            BinaryOp::Or => "OR",
            BinaryOp::Xor => "XOR",
            BinaryOp::Eq => "=",
            BinaryOp::Neq => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
            BinaryOp::In => "IN",
            BinaryOp::StartsWith => "STARTS WITH",
            BinaryOp::EndsWith => "ENDS WITH",
            BinaryOp::Contains => "CONTAINS",
            BinaryOp::RegexMatch => "=~",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
    IsNull,
    IsNotNull,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantifier {
    All,
    Any,
    None,
    Single,
}

/// Aggregate functions; they appear only inside `LogicalPlan::Aggregate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggregateFunction {
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Collect,
    StDev,
    StDevP,
    PercentileCont,
    PercentileDisc,
}

impl AggregateFunction {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "count" => AggregateFunction::Count,
            "sum" => AggregateFunction::Sum,
            "avg" => AggregateFunction::Avg,
            "min" => AggregateFunction::Min,
            "max" => AggregateFunction::Max,
            "collect" => AggregateFunction::Collect,
            "stdev" => AggregateFunction::StDev,
            "stdevp" => AggregateFunction::StDevP,
            "percentilecont" => AggregateFunction::PercentileCont,
            "percentiledisc" => AggregateFunction::PercentileDisc,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            AggregateFunction::CountStar => "count(*)",
            AggregateFunction::Count => "count",
            AggregateFunction::Sum => "sum",
            AggregateFunction::Avg => "avg",
            AggregateFunction::Min => "min",
            AggregateFunction::Max => "max",
            AggregateFunction::Collect => "collect",
            AggregateFunction::StDev => "stDev",
            AggregateFunction::StDevP => "stDevP",
            AggregateFunction::PercentileCont => "percentileCont",
            AggregateFunction::PercentileDisc => "percentileDisc",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AggregateExpr {
    pub function: AggregateFunction,
    pub distinct: bool,
    /// Empty for `count(*)`; two for the percentiles.
    pub args: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MapProjectionItem {
    Property(String),
    Entry(String, Expr),
    AllProperties,
}

/// One element of a path being assembled: a node variable, a relationship
/// variable, or a variable holding the list of a variable-length hop.
#[derive(Debug, Clone, PartialEq)]
pub enum PathElement {
    Node(String),
    Relationship(String),
    RelationshipList(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Value),
    Parameter(String),
    Variable(String),
    Property(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    HasLabels(Box<Expr>, Vec<String>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    List(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    /// A scalar function; the name is lower-cased.
    Function(String, Vec<Expr>),
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    ListComprehension {
        variable: String,
        list: Box<Expr>,
        predicate: Option<Box<Expr>>,
        projection: Option<Box<Expr>>,
    },
    Quantified {
        quantifier: Quantifier,
        variable: String,
        list: Box<Expr>,
        predicate: Box<Expr>,
    },
    Reduce {
        accumulator: String,
        init: Box<Expr>,
        variable: String,
        list: Box<Expr>,
        expr: Box<Expr>,
    },
    MapProjection {
        variable: String,
        items: Vec<MapProjectionItem>,
    },
    /// Builds a path value from bound variables (named paths).
    PathBuild(Vec<PathElement>),
    /// True when the subplan, run with the current row as its argument, yields a row.
    Exists(Box<LogicalPlan>),
    /// The list of `projection` over every row of the subplan (pattern comprehension).
    Collect(Box<LogicalPlan>, Box<Expr>),
}

impl Expr {
    pub fn var(name: &str) -> Expr {
        Expr::Variable(name.to_string())
    }

    pub fn lit(v: impl Into<Value>) -> Expr {
        Expr::Literal(v.into())
    }

    pub fn binary(op: BinaryOp, l: Expr, r: Expr) -> Expr {
        Expr::Binary(op, Box::new(l), Box::new(r))
    }

    /// Join predicates with AND; `None` for an empty list.
    pub fn and_all(mut preds: Vec<Expr>) -> Option<Expr> {
        let first = preds.pop()?;
        Some(preds.into_iter().rev().fold(first, |acc, p| Expr::binary(BinaryOp::And, p, acc)))
    }

    /// Split a conjunction into its parts.
    pub fn conjuncts(self) -> Vec<Expr> {
        match self {
            Expr::Binary(BinaryOp::And, l, r) => {
                let mut v = l.conjuncts();
                v.extend(r.conjuncts());
                v
            }
            e => vec![e],
        }
    }

    /// Free variables this expression reads (not those bound inside it).
    pub fn free_variables(&self, out: &mut Vec<String>) {
        let mut bound = Vec::new();
        self.collect_free(&mut bound, out);
    }

    fn collect_free(&self, bound: &mut Vec<String>, out: &mut Vec<String>) {
        let mut push = |name: &String, bound: &Vec<String>| {
            if !bound.contains(name) && !out.contains(name) {
                out.push(name.clone());
            }
        };
        match self {
            Expr::Literal(_) | Expr::Parameter(_) => {}
            Expr::Variable(v) => push(v, bound),
            Expr::Property(e, _) | Expr::HasLabels(e, _) | Expr::Unary(_, e) => e.collect_free(bound, out),
            Expr::Index(a, b) | Expr::Binary(_, a, b) => {
                a.collect_free(bound, out);
                b.collect_free(bound, out);
            }
            Expr::Slice(a, b, c) => {
                a.collect_free(bound, out);
                for e in [b, c].into_iter().flatten() {
                    e.collect_free(bound, out);
                }
            }
            Expr::List(items) | Expr::Function(_, items) => {
                for e in items {
                    e.collect_free(bound, out);
                }
            }
            Expr::Map(items) => {
                for (_, e) in items {
                    e.collect_free(bound, out);
                }
            }
            Expr::Case { operand, whens, else_ } => {
                if let Some(o) = operand {
                    o.collect_free(bound, out);
                }
                for (w, t) in whens {
                    w.collect_free(bound, out);
                    t.collect_free(bound, out);
                }
                if let Some(e) = else_ {
                    e.collect_free(bound, out);
                }
            }
            Expr::ListComprehension { variable, list, predicate, projection } => {
                list.collect_free(bound, out);
                bound.push(variable.clone());
                for e in [predicate, projection].into_iter().flatten() {
                    e.collect_free(bound, out);
                }
                bound.pop();
            }
            Expr::Quantified { variable, list, predicate, .. } => {
                list.collect_free(bound, out);
                bound.push(variable.clone());
                predicate.collect_free(bound, out);
                bound.pop();
            }
            Expr::Reduce { accumulator, init, variable, list, expr } => {
                init.collect_free(bound, out);
                list.collect_free(bound, out);
                bound.push(accumulator.clone());
                bound.push(variable.clone());
                expr.collect_free(bound, out);
                bound.pop();
                bound.pop();
            }
            Expr::MapProjection { variable, items } => {
                push(variable, bound);
                for item in items {
                    if let MapProjectionItem::Entry(_, e) = item {
                        e.collect_free(bound, out);
                    }
                }
            }
            Expr::PathBuild(elements) => {
                for el in elements {
                    let (PathElement::Node(v) | PathElement::Relationship(v) | PathElement::RelationshipList(v)) = el;
                    push(v, bound);
                }
            }
            Expr::Exists(plan) => {
                for v in plan.argument_variables() {
                    push(&v, bound);
                }
            }
            Expr::Collect(plan, _) => {
                for v in plan.argument_variables() {
                    push(&v, bound);
                }
            }
        }
    }

    /// True when the expression reads no variables, parameters or graph data.
    pub fn is_constant(&self) -> bool {
        let mut vars = Vec::new();
        self.free_variables(&mut vars);
        vars.is_empty() && !self.has_subplan() && !self.mentions_parameter()
    }

    fn has_subplan(&self) -> bool {
        let mut found = false;
        self.visit(&mut |e| found |= matches!(e, Expr::Exists(_) | Expr::Collect(..)));
        found
    }

    fn mentions_parameter(&self) -> bool {
        let mut found = false;
        self.visit(&mut |e| found |= matches!(e, Expr::Parameter(_)));
        found
    }

    /// Pre-order walk over this expression and its children (not into subplans).
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Literal(_) | Expr::Parameter(_) | Expr::Variable(_) | Expr::PathBuild(_) => {}
            Expr::Exists(_) => {}
            Expr::Collect(_, proj) => proj.visit(f),
            Expr::Property(e, _) | Expr::HasLabels(e, _) | Expr::Unary(_, e) => e.visit(f),
            Expr::Index(a, b) | Expr::Binary(_, a, b) => {
                a.visit(f);
                b.visit(f);
            }
            Expr::Slice(a, b, c) => {
                a.visit(f);
                for e in [b, c].into_iter().flatten() {
                    e.visit(f);
                }
            }
            Expr::List(items) | Expr::Function(_, items) => items.iter().for_each(|e| e.visit(f)),
            Expr::Map(items) => items.iter().for_each(|(_, e)| e.visit(f)),
            Expr::Case { operand, whens, else_ } => {
                if let Some(o) = operand {
                    o.visit(f);
                }
                for (w, t) in whens {
                    w.visit(f);
                    t.visit(f);
                }
                if let Some(e) = else_ {
                    e.visit(f);
                }
            }
            Expr::ListComprehension { list, predicate, projection, .. } => {
                list.visit(f);
                for e in [predicate, projection].into_iter().flatten() {
                    e.visit(f);
                }
            }
            Expr::Quantified { list, predicate, .. } => {
                list.visit(f);
                predicate.visit(f);
            }
            Expr::Reduce { init, list, expr, .. } => {
                init.visit(f);
                list.visit(f);
                expr.visit(f);
            }
            Expr::MapProjection { items, .. } => {
                for item in items {
                    if let MapProjectionItem::Entry(_, e) = item {
                        e.visit(f);
                    }
                }
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(v) => write!(f, "{v}"),
            Expr::Parameter(p) => write!(f, "${p}"),
            Expr::Variable(v) => write!(f, "{v}"),
            Expr::Property(e, k) => write!(f, "{e}.{k}"),
            Expr::Index(a, b) => write!(f, "{a}[{b}]"),
            Expr::Slice(a, b, c) => {
                write!(f, "{a}[")?;
                if let Some(b) = b {
                    write!(f, "{b}")?;
                }
                write!(f, "..")?;
                if let Some(c) = c {
                    write!(f, "{c}")?;
                }
                write!(f, "]")
            }
            Expr::HasLabels(e, labels) => {
                write!(f, "{e}")?;
                labels.iter().try_for_each(|l| write!(f, ":{l}"))
            }
            Expr::Unary(UnaryOp::Not, e) => write!(f, "NOT {e}"),
            Expr::Unary(UnaryOp::Neg, e) => write!(f, "-{e}"),
            Expr::Unary(UnaryOp::IsNull, e) => write!(f, "{e} IS NULL"),
            Expr::Unary(UnaryOp::IsNotNull, e) => write!(f, "{e} IS NOT NULL"),
            Expr::Binary(op, a, b) => write!(f, "({a} {} {b})", op.symbol()),
            Expr::List(items) => {
                write!(f, "[")?;
                write_list(f, items)?;
                write!(f, "]")
            }
            Expr::Map(items) => {
                write!(f, "{{")?;
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                write!(f, "}}")
            }
            Expr::Function(name, args) => {
                write!(f, "{name}(")?;
                write_list(f, args)?;
                write!(f, ")")
            }
            Expr::Case { .. } => write!(f, "CASE ... END"),
            Expr::ListComprehension { variable, list, .. } => write!(f, "[{variable} IN {list} ...]"),
            Expr::Quantified { quantifier, variable, list, predicate } => {
                write!(f, "{quantifier:?}({variable} IN {list} WHERE {predicate})")
            }
            Expr::Reduce { accumulator, variable, list, .. } => {
                write!(f, "reduce({accumulator}, {variable} IN {list} ...)")
            }
            Expr::MapProjection { variable, .. } => write!(f, "{variable} {{...}}"),
            Expr::PathBuild(els) => write!(f, "path({} elements)", els.len()),
            Expr::Exists(_) => write!(f, "EXISTS(subplan)"),
            Expr::Collect(_, proj) => write!(f, "COLLECT({proj} FROM subplan)"),
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            write!(f, ", ")?;
        }
        write!(f, "{e}")?;
    }
    Ok(())
}

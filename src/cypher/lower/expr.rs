//! Expressions: AST → planner `Expr`, checking variables against the scope
//! and pulling aggregates out where a projection allows them.

use plexus_planner::expr::{AggregateExpr, AggregateFunction, MapProjectionItem, Quantifier};
use plexus_planner::scope::{Scope, VarKind};
use plexus_planner::typecheck::{element_type, static_type_in, StaticType};
use plexus_planner::{BinaryOp, Expr, UnaryOp};
use plexus_storage::{Error, Result};

use super::Lowerer;
use crate::cypher::ast;

/// Where aggregates may appear, and where the ones found are collected.
pub struct AggregateSink {
    pub found: Vec<(String, AggregateExpr)>,
}

impl Lowerer {
    /// Lower an expression where aggregates are not allowed.
    pub fn expr(&mut self, e: &ast::Expr, scope: &Scope) -> Result<Expr> {
        self.expr_in(e, scope, None)
    }

    /// Lower an expression; aggregates go to `sink` (if given) and are
    /// replaced by variables naming their results.
    pub fn expr_in(&mut self, e: &ast::Expr, scope: &Scope, mut sink: Option<&mut AggregateSink>) -> Result<Expr> {
        use ast::ExprKind as K;
        let pos = e.pos;
        let sub = |this: &mut Self, x: &ast::Expr, sink: &mut Option<&mut AggregateSink>| -> Result<Expr> {
            this.expr_in(x, scope, sink.as_deref_mut())
        };
        Ok(match &e.kind {
            K::Literal(v) => Expr::Literal(v.clone()),
            K::Parameter(p) => {
                if !self.parameters.contains(p) {
                    self.parameters.push(p.clone());
                }
                Expr::Parameter(p.clone())
            }
            K::Variable(v) => {
                scope.require(v, pos)?;
                Expr::Variable(v.clone())
            }
            K::List(items) => Expr::List(items.iter().map(|x| sub(self, x, &mut sink)).collect::<Result<_>>()?),
            K::Map(items) => {
                Expr::Map(items.iter().map(|(k, x)| Ok((k.clone(), sub(self, x, &mut sink)?))).collect::<Result<_>>()?)
            }
            K::Property(target, key) => {
                let target = sub(self, target, &mut sink)?;
                if matches!(&target, Expr::Variable(v) if scope.kind(v) == Some(VarKind::Path)) {
                    return Err(
                        Error::semantic("InvalidArgumentType", "Type mismatch: a path has no properties").at(pos)
                    );
                }
                if let Some(t) =
                    static_type_in(&target, Some(scope)).filter(|t| *t != StaticType::Map && *t != StaticType::Null)
                {
                    return Err(Error::type_error(
                        "InvalidArgumentType",
                        format!("Type mismatch: cannot read property `{key}` of {t:?}"),
                    )
                    .in_phase(plexus_storage::Phase::Compile)
                    .at(pos));
                }
                Expr::Property(Box::new(target), key.clone())
            }
            K::Index(a, b) => Expr::Index(Box::new(sub(self, a, &mut sink)?), Box::new(sub(self, b, &mut sink)?)),
            K::Slice(a, b, c) => Expr::Slice(
                Box::new(sub(self, a, &mut sink)?),
                b.as_ref().map(|x| sub(self, x, &mut sink).map(Box::new)).transpose()?,
                c.as_ref().map(|x| sub(self, x, &mut sink).map(Box::new)).transpose()?,
            ),
            K::HasLabels(target, labels) => Expr::HasLabels(Box::new(sub(self, target, &mut sink)?), labels.clone()),
            K::Unary(op, x) => {
                let inner = sub(self, x, &mut sink)?;
                match op {
                    ast::UnaryOp::Plus => inner,
                    ast::UnaryOp::Not => {
                        let e = Expr::Unary(UnaryOp::Not, Box::new(inner));
                        plexus_planner::typecheck::check_in(&e, Some(scope)).map_err(|err| err.at(pos))?;
                        e
                    }
                    ast::UnaryOp::Neg => match inner {
                        Expr::Literal(plexus_storage::Value::Integer(i)) if i != i64::MIN => {
                            Expr::Literal(plexus_storage::Value::Integer(-i))
                        }
                        Expr::Literal(plexus_storage::Value::Float(f)) => {
                            Expr::Literal(plexus_storage::Value::Float(-f))
                        }
                        other => Expr::Unary(UnaryOp::Neg, Box::new(other)),
                    },
                    ast::UnaryOp::IsNull => Expr::Unary(UnaryOp::IsNull, Box::new(inner)),
                    ast::UnaryOp::IsNotNull => Expr::Unary(UnaryOp::IsNotNull, Box::new(inner)),
                }
            }
            K::Binary(op, a, b) => {
                let e = Expr::binary(binary_op(*op), sub(self, a, &mut sink)?, sub(self, b, &mut sink)?);
                plexus_planner::typecheck::check_in(&e, Some(scope)).map_err(|err| err.at(pos))?;
                e
            }
            K::Comparison(first, rest) => {
                // a < b < c  ==  a < b AND b < c
                let mut left = sub(self, first, &mut sink)?;
                let mut parts = Vec::new();
                for (op, right) in rest {
                    let r = sub(self, right, &mut sink)?;
                    parts.push(Expr::binary(binary_op(*op), left, r.clone()));
                    left = r;
                }
                Expr::and_all(parts).unwrap_or(Expr::lit(true))
            }
            K::CountStar => self.aggregate(AggregateFunction::CountStar, false, Vec::new(), pos, sink)?,
            K::Function { name, distinct, args } => {
                if let Some(f) = AggregateFunction::from_name(name) {
                    if sink.is_none() {
                        return Err(Error::semantic(
                            "InvalidAggregation",
                            format!("Aggregation function `{name}` is not allowed here"),
                        )
                        .at(pos));
                    }
                    // Aggregates may not nest: lower the arguments without a sink.
                    let args = args.iter().map(|x| self.expr_in(x, scope, None)).collect::<Result<Vec<_>>>();
                    let args = args.map_err(|err| {
                        if err.detail == "InvalidAggregation" {
                            Error::semantic("NestedAggregation", "Aggregate functions cannot be nested").at(pos)
                        } else {
                            err
                        }
                    })?;
                    self.aggregate(f, *distinct, args, pos, sink)?
                } else {
                    let mut args = args.iter().map(|x| sub(self, x, &mut sink)).collect::<Result<Vec<_>>>()?;
                    self.check_function(name, args.len(), pos)?;
                    check_argument_kinds(name, &args, scope).map_err(|e| e.at(pos))?;
                    match (name.to_ascii_lowercase().as_str(), args.as_slice()) {
                        // exists((a)-->(b)) is the pattern predicate itself.
                        ("exists", [Expr::Exists(_)]) => args.remove(0),
                        (lower, _) => Expr::Function(lower.to_string(), args),
                    }
                }
            }
            K::Case { operand, whens, else_ } => Expr::Case {
                operand: operand.as_ref().map(|x| sub(self, x, &mut sink).map(Box::new)).transpose()?,
                whens: whens
                    .iter()
                    .map(|(w, t)| Ok((sub(self, w, &mut sink)?, sub(self, t, &mut sink)?)))
                    .collect::<Result<_>>()?,
                else_: else_.as_ref().map(|x| sub(self, x, &mut sink).map(Box::new)).transpose()?,
            },
            K::ListComprehension { variable, list, predicate, projection } => {
                let list = sub(self, list, &mut sink)?;
                let inner = scope.with_local(variable, element_type(&list, Some(scope)));
                Expr::ListComprehension {
                    variable: variable.clone(),
                    list: Box::new(list),
                    predicate: predicate.as_ref().map(|x| self.expr(x, &inner).map(Box::new)).transpose()?,
                    projection: projection.as_ref().map(|x| self.expr(x, &inner).map(Box::new)).transpose()?,
                }
            }
            K::Quantified { quantifier, variable, list, predicate } => {
                let list = sub(self, list, &mut sink)?;
                let inner = scope.with_local(variable, element_type(&list, Some(scope)));
                Expr::Quantified {
                    quantifier: match quantifier {
                        ast::Quantifier::All => Quantifier::All,
                        ast::Quantifier::Any => Quantifier::Any,
                        ast::Quantifier::None => Quantifier::None,
                        ast::Quantifier::Single => Quantifier::Single,
                    },
                    variable: variable.clone(),
                    list: Box::new(list),
                    predicate: Box::new(self.expr(predicate, &inner)?),
                }
            }
            K::Reduce { accumulator, init, variable, list, expr } => {
                let init = sub(self, init, &mut sink)?;
                let list = sub(self, list, &mut sink)?;
                let inner = scope.with_local(accumulator, None).with_local(variable, element_type(&list, Some(scope)));
                Expr::Reduce {
                    accumulator: accumulator.clone(),
                    init: Box::new(init),
                    variable: variable.clone(),
                    list: Box::new(list),
                    expr: Box::new(self.expr(expr, &inner)?),
                }
            }
            K::MapProjection { variable, items } => {
                scope.require(variable, pos)?;
                let items = items
                    .iter()
                    .map(|item| {
                        Ok(match item {
                            ast::MapProjectionItem::Property(k) => MapProjectionItem::Property(k.clone()),
                            ast::MapProjectionItem::AllProperties => MapProjectionItem::AllProperties,
                            ast::MapProjectionItem::Variable(v) => {
                                scope.require(v, pos)?;
                                MapProjectionItem::Entry(v.clone(), Expr::var(v))
                            }
                            ast::MapProjectionItem::Literal(k, x) => {
                                MapProjectionItem::Entry(k.clone(), sub(self, x, &mut sink)?)
                            }
                        })
                    })
                    .collect::<Result<_>>()?;
                Expr::MapProjection { variable: variable.clone(), items }
            }
            K::PatternPredicate(part) => {
                let mut inner_scope = scope.clone();
                let plan = self.pattern_subplan(std::slice::from_ref(part), None, &mut inner_scope, true)?;
                Expr::Exists(Box::new(plan))
            }
            K::ExistsSubquery(m) => {
                let mut inner_scope = scope.clone();
                let plan = self.pattern_subplan(&m.pattern, m.where_.as_ref(), &mut inner_scope, false)?;
                Expr::Exists(Box::new(plan))
            }
            K::ExistsQuery(q) => Expr::Exists(Box::new(self.subquery(q, scope)?)),
            K::PatternComprehension { pattern, predicate, projection } => {
                let mut inner_scope = scope.clone();
                let plan =
                    self.pattern_subplan(std::slice::from_ref(pattern), predicate.as_deref(), &mut inner_scope, false)?;
                let projection = self.expr(projection, &inner_scope)?;
                Expr::Collect(Box::new(plan), Box::new(projection))
            }
        })
    }

    fn aggregate(
        &mut self,
        function: AggregateFunction,
        distinct: bool,
        args: Vec<Expr>,
        pos: usize,
        sink: Option<&mut AggregateSink>,
    ) -> Result<Expr> {
        let Some(sink) = sink else {
            return Err(Error::semantic("InvalidAggregation", "Aggregation is not allowed here").at(pos));
        };
        let expected = match function {
            AggregateFunction::CountStar => 0,
            AggregateFunction::PercentileCont | AggregateFunction::PercentileDisc => 2,
            _ => 1,
        };
        if args.len() != expected {
            return Err(Error::semantic(
                "InvalidNumberOfArguments",
                format!("{} takes {expected} argument(s), got {}", function.name(), args.len()),
            )
            .at(pos));
        }
        let agg = AggregateExpr { function, distinct, args };
        // The same aggregate twice in one projection is computed once.
        if let Some((name, _)) = sink.found.iter().find(|(_, a)| *a == agg) {
            return Ok(Expr::Variable(name.clone()));
        }
        let name = self.fresh("agg");
        sink.found.push((name.clone(), agg));
        Ok(Expr::Variable(name))
    }

    fn check_function(&self, name: &str, args: usize, pos: usize) -> Result<()> {
        let lower = name.to_ascii_lowercase();
        // Functions the executor evaluates itself (graph access or laziness).
        const BUILTIN: &[(&str, usize, usize)] = &[
            ("id", 1, 1),
            ("coalesce", 1, usize::MAX),
            ("exists", 1, 1),
            ("startnode", 1, 1),
            ("endnode", 1, 1),
            ("properties", 1, 1),
            ("labels", 1, 1),
            ("keys", 1, 1),
        ];
        let (min, max) = match BUILTIN.iter().find(|(n, _, _)| *n == lower) {
            Some((_, min, max)) => (*min, *max),
            None => match plexus_exec::scalar::functions::lookup(&lower) {
                Some(def) => (def.min_args, def.max_args),
                None => return Err(Error::semantic("UnknownFunction", format!("Unknown function '{name}'")).at(pos)),
            },
        };
        if args < min || args > max {
            return Err(Error::semantic(
                "InvalidNumberOfArguments",
                format!("Function '{name}' called with {args} argument(s)"),
            )
            .at(pos));
        }
        Ok(())
    }
}

/// A WHERE predicate that is evidently a node, relationship or path.
pub fn check_predicate(predicate: &Expr, scope: &Scope) -> Result<()> {
    if let Expr::Variable(v) = predicate {
        if matches!(scope.kind(v), Some(VarKind::Node | VarKind::Relationship | VarKind::Path)) {
            return Err(Error::semantic("InvalidArgumentType", format!("Type mismatch: `{v}` is not a boolean")));
        }
    }
    Ok(())
}

/// Arguments whose kind is evident at compile time and wrong for the function.
fn check_argument_kinds(name: &str, args: &[Expr], scope: &Scope) -> Result<()> {
    use plexus_planner::typecheck::static_type;
    let Some(arg) = args.first() else { return Ok(()) };
    let kind = match arg {
        Expr::Variable(v) => scope.kind(v),
        _ => None,
    };
    let literal = static_type(arg).filter(|t| *t != StaticType::Null);
    let wrong = match name.to_ascii_lowercase().as_str() {
        "labels" => {
            literal.is_some() || matches!(kind, Some(VarKind::Path | VarKind::Relationship | VarKind::RelationshipList))
        }
        "type" => literal.is_some() || matches!(kind, Some(VarKind::Path | VarKind::Node | VarKind::RelationshipList)),
        "length" => matches!(kind, Some(VarKind::Node | VarKind::Relationship)),
        "size" => matches!(kind, Some(VarKind::Path)),
        "properties" => {
            literal.is_some_and(|t| t != StaticType::Map)
                || matches!(kind, Some(VarKind::Path | VarKind::RelationshipList))
        }
        _ => false,
    };
    if wrong {
        return Err(Error::semantic("InvalidArgumentType", format!("Type mismatch: invalid argument for {name}()")));
    }
    Ok(())
}

pub fn binary_op(op: ast::BinaryOp) -> BinaryOp {
    use ast::BinaryOp as A;
    match op {
        A::Or => BinaryOp::Or,
        A::Xor => BinaryOp::Xor,
        A::And => BinaryOp::And,
        A::Eq => BinaryOp::Eq,
        A::Neq => BinaryOp::Neq,
        A::Lt => BinaryOp::Lt,
        A::Le => BinaryOp::Le,
        A::Gt => BinaryOp::Gt,
        A::Ge => BinaryOp::Ge,
        A::Add => BinaryOp::Add,
        A::Sub => BinaryOp::Sub,
        A::Mul => BinaryOp::Mul,
        A::Div => BinaryOp::Div,
        A::Mod => BinaryOp::Mod,
        A::Pow => BinaryOp::Pow,
        A::In => BinaryOp::In,
        A::StartsWith => BinaryOp::StartsWith,
        A::EndsWith => BinaryOp::EndsWith,
        A::Contains => BinaryOp::Contains,
        A::RegexMatch => BinaryOp::RegexMatch,
    }
}

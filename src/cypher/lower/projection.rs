//! WITH and RETURN: projection, aggregation, DISTINCT, ORDER BY, SKIP, LIMIT.

use plexus_planner::plan::SortKey;
use plexus_planner::scope::{Scope, VarKind};
use plexus_planner::{Expr, LogicalPlan};
use plexus_storage::{Error, Result};

use super::expr::AggregateSink;
use super::Lowerer;
use crate::cypher::ast;

/// How expressions after a projection (ORDER BY, WITH ... WHERE) are lowered.
struct After<'a> {
    old: &'a Scope,
    new: Scope,
    /// Projected expressions by the column that holds them.
    replacements: Vec<(String, Expr)>,
    /// The projection's aggregates, when it aggregates.
    aggregates: Option<&'a AggregateSink>,
}

/// What a projection produced: the plan, the output names in order, and
/// the scope after it.
pub struct Projected {
    pub plan: LogicalPlan,
    pub columns: Vec<String>,
}

impl Lowerer {
    /// Lower a WITH (`with` is `Some(where)`) or RETURN (`None`) body.
    pub fn projection(
        &mut self,
        plan: LogicalPlan,
        p: &ast::Projection,
        scope: &mut Scope,
        pos: usize,
        with: Option<Option<&ast::Expr>>,
    ) -> Result<Projected> {
        let where_ = with.flatten();
        // 1. The items, with `*` expanded to every visible variable.
        let mut items: Vec<(String, ast::Expr)> = Vec::new();
        if p.star {
            let mut names: Vec<String> = scope.names().into_iter().filter(|n| !n.starts_with("__")).collect();
            names.sort();
            if names.is_empty() && p.items.is_empty() && with.is_none() {
                return Err(Error::semantic(
                    "NoVariablesInScope",
                    "RETURN * is not allowed when there are no variables in scope",
                )
                .at(pos));
            }
            for n in names {
                items.push((n.clone(), ast::Expr { kind: ast::ExprKind::Variable(n), pos }));
            }
        }
        for item in &p.items {
            let name = match (&item.alias, &item.expr.kind) {
                (Some(a), _) => a.clone(),
                (None, ast::ExprKind::Variable(v)) => v.clone(),
                (None, _) if with.is_some() => {
                    return Err(Error::semantic("NoExpressionAlias", "Expression in WITH must be aliased (use AS)")
                        .at(item.pos))
                }
                (None, _) => item.text.clone(),
            };
            if items.iter().any(|(n, _)| *n == name) {
                return Err(Error::semantic(
                    "ColumnNameConflict",
                    format!("Multiple result columns with the same name `{name}`"),
                )
                .at(item.pos));
            }
            items.push((name, item.expr.clone()));
        }

        // 2. Lower items, collecting aggregates.
        let mut sink = AggregateSink { found: Vec::new() };
        let mut lowered = Vec::new();
        for (name, e) in &items {
            let before = sink.found.len();
            let expr = self.expr_in(e, scope, Some(&mut sink))?;
            lowered.push((name.clone(), expr, sink.found.len() > before));
        }
        let kinds: Vec<(String, VarKind)> = items.iter().map(|(n, e)| (n.clone(), kind_of(e, scope))).collect();
        let mut new_scope = Scope::new();
        new_scope.reset(kinds);
        for (name, expr, _) in &lowered {
            if let Some(t) = plexus_planner::typecheck::static_type_in(expr, Some(scope)) {
                new_scope.set_static_type(name, t);
            }
        }
        let names: Vec<String> = items.iter().map(|(n, _)| n.clone()).collect();

        let plan = if !sink.found.is_empty() {
            self.aggregating_projection(plan, p, lowered, sink, (scope, &new_scope), &items, where_, pos)?
        } else if p.distinct || (p.order_by.is_empty() && where_.is_none()) {
            let projected: Vec<(String, Expr)> = lowered.into_iter().map(|(n, e, _)| (n, e)).collect();
            let lowered_items = projected.clone();
            let mut plan = LogicalPlan::Project { input: Box::new(plan), items: projected, discard: true };
            if p.distinct {
                plan = LogicalPlan::Distinct { input: Box::new(plan) };
            }
            let after =
                After { old: scope, new: new_scope.clone(), replacements: lowered_items.clone(), aggregates: None };
            let plan = self.order_skip_limit(plan, p, &new_scope, &items, Some(&after))?;
            self.with_where(plan, where_, &new_scope, Some(&after))?
        } else {
            // ORDER BY and WHERE may read variables from before the projection:
            // keep them through the sort and filter, then drop them.
            let projected: Vec<(String, Expr)> = lowered.into_iter().map(|(n, e, _)| (n, e)).collect();
            let mut plan = LogicalPlan::Project { input: Box::new(plan), items: projected, discard: false };
            let mut entries: Vec<(String, VarKind)> =
                scope.entries().iter().filter(|(n, _)| !names.contains(n)).cloned().collect();
            entries.extend(new_scope.entries().iter().cloned());
            let mut both = Scope::new();
            both.reset(entries);
            plan = self.order_skip_limit(plan, p, &both, &items, None)?;
            plan = self.with_where(plan, where_, &both, None)?;
            let keep: Vec<(String, Expr)> = names.iter().map(|n| (n.clone(), Expr::var(n))).collect();
            LogicalPlan::Project { input: Box::new(plan), items: keep, discard: true }
        };
        *scope = new_scope;
        Ok(Projected { plan, columns: names })
    }

    fn with_where(
        &mut self,
        plan: LogicalPlan,
        where_: Option<&ast::Expr>,
        scope: &Scope,
        after: Option<&After>,
    ) -> Result<LogicalPlan> {
        let Some(w) = where_ else { return Ok(plan) };
        let predicate = match after {
            Some(after) => self.lower_after(w, after)?,
            None => self.expr(w, scope)?,
        };
        Ok(LogicalPlan::Filter { input: Box::new(plan), predicate })
    }

    /// An expression after a projection that dropped the old variables: it
    /// may still repeat a projected expression (or aggregate), which then
    /// means that projected column.
    fn lower_after(&mut self, e: &ast::Expr, after: &After) -> Result<Expr> {
        let mut entries: Vec<(String, VarKind)> =
            after.old.entries().iter().filter(|(n, _)| after.new.kind(n).is_none()).cloned().collect();
        entries.extend(after.new.entries().iter().cloned());
        let mut both = Scope::new();
        both.reset(entries);
        let mut uses_aggregate = false;
        let lowered = match after.aggregates {
            Some(sink) => {
                let mut reuse = AggregateSink { found: sink.found.clone() };
                let lowered = self.expr_in(e, &both, Some(&mut reuse))?;
                let mut vars = Vec::new();
                lowered.free_variables(&mut vars);
                uses_aggregate = vars.iter().any(|v| sink.found.iter().any(|(n, _)| n == v));
                if reuse.found.len() > sink.found.len() {
                    // The TCK reports a new aggregate here by the variables it cannot see.
                    return Err(Error::semantic(
                        "UndefinedVariable",
                        "Only aggregates that are also projected may be used here",
                    )
                    .at(e.pos));
                }
                lowered
            }
            None => self.expr(e, &both)?,
        };
        // Beside an aggregate, only projected variables and properties may be
        // reused; a more complex projected expression is ambiguous.
        let replacements: Vec<(String, Expr)> = if uses_aggregate {
            after.replacements.iter().filter(|(_, e)| is_simple(e) || is_aggregate_column(e, after)).cloned().collect()
        } else {
            after.replacements.clone()
        };
        let complex_key_used = uses_aggregate
            && after
                .replacements
                .iter()
                .any(|(_, k)| !is_simple(k) && !is_aggregate_column(k, after) && contains(&lowered, k));
        let replaced = replace_keys(lowered, &replacements);
        let mut vars = Vec::new();
        replaced.free_variables(&mut vars);
        if let Some(v) = vars.iter().find(|v| after.new.kind(v).is_none()) {
            if complex_key_used {
                return Err(Error::semantic(
                    "AmbiguousAggregationExpression",
                    "Only projected variables and properties may be used beside an aggregate",
                )
                .at(e.pos));
            }
            return Err(Error::semantic("UndefinedVariable", format!("Variable `{v}` not defined")).at(e.pos));
        }
        Ok(replaced)
    }

    /// Aggregation, then the projection of its results. The aggregate
    /// columns stay (hidden) through ORDER BY and WHERE, which may use them.
    #[allow(clippy::too_many_arguments)]
    fn aggregating_projection(
        &mut self,
        plan: LogicalPlan,
        p: &ast::Projection,
        lowered: Vec<(String, Expr, bool)>,
        sink: AggregateSink,
        (old_scope, new_scope): (&Scope, &Scope),
        items: &[(String, ast::Expr)],
        where_: Option<&ast::Expr>,
        pos: usize,
    ) -> Result<LogicalPlan> {
        let mut keys = Vec::new();
        let mut finals = Vec::new();
        for (name, expr, has_agg) in lowered {
            if has_agg {
                finals.push((name, expr));
            } else {
                keys.push((name.clone(), expr));
                finals.push((name.clone(), Expr::var(&name)));
            }
        }
        // Aggregate expressions may use grouping keys by their expression.
        // Only variables and properties of grouping keys may appear beside an aggregate.
        let simple_keys: Vec<(String, Expr)> = keys
            .iter()
            .filter(|(_, e)| {
                matches!(e, Expr::Variable(_)) || matches!(e, Expr::Property(t, _) if matches!(**t, Expr::Variable(_)))
            })
            .cloned()
            .collect();
        let finals: Vec<(String, Expr)> = finals.into_iter().map(|(n, e)| (n, replace_keys(e, &simple_keys))).collect();
        check_grouping(&finals, &keys, &sink, pos)?;
        let names: Vec<String> = finals.iter().map(|(n, _)| n.clone()).collect();
        // Only ORDER BY and WHERE can reuse the aggregate columns.
        let reused = !p.order_by.is_empty() || where_.is_some();
        let hidden: Vec<(String, Expr)> = if p.distinct || !reused {
            Vec::new()
        } else {
            sink.found.iter().map(|(n, _)| (n.clone(), Expr::var(n))).collect()
        };
        let mut plan =
            LogicalPlan::Aggregate { input: Box::new(plan), keys: keys.clone(), aggregates: sink.found.clone() };
        let mut projected = finals.clone();
        projected.extend(hidden.iter().cloned());
        plan = LogicalPlan::Project { input: Box::new(plan), items: projected, discard: true };
        if p.distinct {
            plan = LogicalPlan::Distinct { input: Box::new(plan) };
        }
        let mut scope = new_scope.clone();
        let mut entries = scope.entries().to_vec();
        entries.extend(hidden.iter().map(|(n, _)| (n.clone(), VarKind::Any)));
        scope.reset(entries);
        let mut replacements = finals.clone();
        replacements.extend(keys.iter().cloned());
        let after = After { old: old_scope, new: scope.clone(), replacements, aggregates: Some(&sink) };
        plan = self.order_skip_limit(plan, p, &scope, items, Some(&after))?;
        plan = self.with_where(plan, where_, &scope, Some(&after))?;
        if !hidden.is_empty() {
            let keep: Vec<(String, Expr)> = names.iter().map(|n| (n.clone(), Expr::var(n))).collect();
            plan = LogicalPlan::Project { input: Box::new(plan), items: keep, discard: true };
        }
        Ok(plan)
    }

    fn order_skip_limit(
        &mut self,
        mut plan: LogicalPlan,
        p: &ast::Projection,
        scope: &Scope,
        items: &[(String, ast::Expr)],
        after: Option<&After>,
    ) -> Result<LogicalPlan> {
        if !p.order_by.is_empty() {
            let mut keys = Vec::new();
            for s in &p.order_by {
                // An ORDER BY expression written exactly like an item means that item.
                let expr = match items.iter().find(|(_, e)| same_expr(e, &s.expr)) {
                    Some((name, _)) => Expr::var(name),
                    None => match after {
                        Some(after) => self.lower_after(&s.expr, after)?,
                        None => self.expr(&s.expr, scope)?,
                    },
                };
                keys.push(SortKey { expr, descending: s.descending });
            }
            plan = LogicalPlan::Sort { input: Box::new(plan), keys };
        }
        if let Some(skip) = &p.skip {
            let count = self.constant_count(skip, "SKIP")?;
            plan = LogicalPlan::Skip { input: Box::new(plan), count };
        }
        if let Some(limit) = &p.limit {
            let count = self.constant_count(limit, "LIMIT")?;
            plan = LogicalPlan::Limit { input: Box::new(plan), count };
        }
        Ok(plan)
    }

    /// SKIP/LIMIT take expressions that read no variables.
    fn constant_count(&mut self, e: &ast::Expr, what: &str) -> Result<Expr> {
        let lowered = self.expr(e, &Scope::new()).map_err(|err| {
            if err.detail == "UndefinedVariable" {
                Error::semantic("NonConstantExpression", format!("{what} must be a constant expression")).at(e.pos)
            } else {
                err
            }
        })?;
        if let Expr::Literal(v) = &lowered {
            match v {
                plexus_storage::Value::Integer(i) if *i < 0 => {
                    return Err(Error::semantic(
                        "NegativeIntegerArgument",
                        format!("{what} must be non-negative, got {i}"),
                    )
                    .at(e.pos))
                }
                plexus_storage::Value::Integer(_) => {}
                other => {
                    return Err(Error::semantic(
                        "InvalidArgumentType",
                        format!("{what} must be an integer, got {other}"),
                    )
                    .at(e.pos))
                }
            }
        }
        Ok(lowered)
    }
}

/// Structural equality ignoring positions.
fn same_expr(a: &ast::Expr, b: &ast::Expr) -> bool {
    strip(a) == strip(b)
}

fn strip(e: &ast::Expr) -> String {
    // Positions differ between two spellings of the same expression; drop them.
    let debug = format!("{:?}", e.kind);
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("pos: ") {
        out.push_str(&rest[..i]);
        rest = &rest[i + 5..];
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// What a projected expression holds, for type checks on later uses.
fn kind_of(e: &ast::Expr, scope: &Scope) -> VarKind {
    use ast::ExprKind as K;
    match &e.kind {
        K::Variable(v) => scope.kind(v).unwrap_or(VarKind::Any),
        K::Literal(v) if !v.is_null() => VarKind::Value,
        K::List(_) | K::Map(_) | K::Binary(..) | K::Comparison(..) | K::CountStar | K::ListComprehension { .. } => {
            VarKind::Value
        }
        K::Unary(..) | K::Quantified { .. } | K::HasLabels(..) | K::PatternComprehension { .. } => VarKind::Value,
        _ => VarKind::Any,
    }
}

/// A variable or a property of a variable: what may stand beside an aggregate.
fn is_simple(e: &Expr) -> bool {
    matches!(e, Expr::Variable(_)) || matches!(e, Expr::Property(t, _) if matches!(**t, Expr::Variable(_)))
}

/// A projected column that holds one of the projection's aggregates.
fn is_aggregate_column(e: &Expr, after: &After) -> bool {
    matches!(e, Expr::Variable(v) if after.aggregates.is_some_and(|s| s.found.iter().any(|(n, _)| n == v)))
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &Expr, needle: &Expr) -> bool {
    let mut found = false;
    haystack.visit(&mut |x| found |= x == needle);
    found
}

/// Replace sub-expressions equal to a grouping key by the key's column.
fn replace_keys(e: Expr, keys: &[(String, Expr)]) -> Expr {
    if let Some((name, _)) = keys.iter().find(|(_, k)| *k == e) {
        return Expr::var(name);
    }
    match e {
        Expr::Property(t, k) => Expr::Property(Box::new(replace_keys(*t, keys)), k),
        Expr::Binary(op, a, b) => Expr::binary(op, replace_keys(*a, keys), replace_keys(*b, keys)),
        Expr::Unary(op, a) => Expr::Unary(op, Box::new(replace_keys(*a, keys))),
        Expr::Function(n, args) => Expr::Function(n, args.into_iter().map(|a| replace_keys(a, keys)).collect()),
        Expr::List(items) => Expr::List(items.into_iter().map(|a| replace_keys(a, keys)).collect()),
        Expr::Map(items) => Expr::Map(items.into_iter().map(|(k, a)| (k, replace_keys(a, keys))).collect()),
        Expr::Index(a, b) => Expr::Index(Box::new(replace_keys(*a, keys)), Box::new(replace_keys(*b, keys))),
        other => other,
    }
}

/// After aggregation only keys and aggregate results exist: an aggregating
/// item that reads any other variable is ambiguous.
fn check_grouping(finals: &[(String, Expr)], keys: &[(String, Expr)], sink: &AggregateSink, pos: usize) -> Result<()> {
    let available: Vec<&String> = keys.iter().map(|(n, _)| n).chain(sink.found.iter().map(|(n, _)| n)).collect();
    for (_, e) in finals {
        let mut vars = Vec::new();
        e.free_variables(&mut vars);
        if let Some(v) = vars.iter().find(|v| !available.contains(v)) {
            return Err(Error::semantic(
                "AmbiguousAggregationExpression",
                format!("Expression mixes aggregation with the non-grouped variable `{v}`"),
            )
            .at(pos));
        }
    }
    Ok(())
}

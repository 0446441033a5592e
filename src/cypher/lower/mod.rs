//! Cypher AST → the planner's logical algebra, with semantic checks
//! (variable scoping and kinds, aggregation rules, clause order).

mod call;
mod expr;
mod pattern;
mod projection;
mod update;

use std::sync::Arc;

use plexus_planner::scope::Scope;
use plexus_planner::LogicalPlan;
use plexus_storage::{Error, Result};

use crate::cypher::ast;
use crate::procedures::Procedures;

/// The lowered query: its plan and output column names.
pub struct Lowered {
    pub plan: LogicalPlan,
    pub columns: Vec<String>,
    /// Every `$parameter` the query reads.
    pub parameters: Vec<String>,
}

#[derive(Default)]
pub struct Lowerer {
    next_name: usize,
    parameters: Vec<String>,
    /// What CALL can resolve (none: every CALL is ProcedureNotFound).
    procedures: Option<Arc<Procedures>>,
}

/// Lower a whole query (with its UNIONs); it may CALL no procedures.
pub fn lower(query: &ast::Query) -> Result<Lowered> {
    lower_with(query, None)
}

/// Lower a whole query, resolving CALLs against `procedures`.
pub fn lower_with(query: &ast::Query, procedures: Option<Arc<Procedures>>) -> Result<Lowered> {
    let mut l = Lowerer { procedures, ..Lowerer::default() };
    let first = l.single(&query.first)?;
    let mut plan = first.plan;
    let columns = first.columns;
    let mut kinds = Vec::new();
    for (all, q) in &query.unions {
        kinds.push(*all);
        let next = l.single(q)?;
        if next.columns != columns {
            return Err(Error::semantic(
                "DifferentColumnsInUnion",
                "All sub queries in a UNION must have the same return column names",
            ));
        }
        plan = LogicalPlan::Union { left: Box::new(plan), right: Box::new(next.plan), all: *all };
    }
    if kinds.windows(2).any(|w| w[0] != w[1]) {
        return Err(Error::semantic("InvalidClauseComposition", "Invalid combination of UNION and UNION ALL"));
    }
    Ok(Lowered { plan, columns, parameters: l.parameters })
}

impl Lowerer {
    /// A hidden, unique variable name.
    pub fn fresh(&mut self, what: &str) -> String {
        self.next_name += 1;
        format!("__{what}{}", self.next_name)
    }

    fn single(&mut self, q: &ast::SingleQuery) -> Result<Lowered> {
        self.single_from(q, Scope::new(), false)
    }

    /// A full subquery (`EXISTS { ... }`): it starts from the enclosing
    /// scope, may not update, and need not end in RETURN.
    pub fn subquery(&mut self, q: &ast::Query, scope: &Scope) -> Result<LogicalPlan> {
        if !q.unions.is_empty() {
            return Err(Error::semantic("UnsupportedFeature", "UNION inside EXISTS { } is not supported yet"));
        }
        if q.first.clauses.iter().any(ast::Clause::updates) {
            return Err(Error::semantic("InvalidClauseComposition", "An EXISTS subquery cannot update the graph"));
        }
        Ok(self.single_from(&q.first, scope.clone(), true)?.plan)
    }

    fn single_from(&mut self, q: &ast::SingleQuery, outer: Scope, subquery: bool) -> Result<Lowered> {
        let mut scope = outer;
        let mut plan = LogicalPlan::Argument { variables: scope.names() };
        let last = q.clauses.len().saturating_sub(1);
        // A query may also end in a CALL of a void procedure.
        let mut ends_in_void_call = false;
        for (i, clause) in q.clauses.iter().enumerate() {
            ends_in_void_call = false;
            match clause {
                ast::Clause::Match(m) => {
                    if m.optional {
                        let mut inner_scope = scope.clone();
                        let inner = self.pattern_subplan(&m.pattern, m.where_.as_ref(), &mut inner_scope, false)?;
                        plan = LogicalPlan::Optional { input: Box::new(plan), inner: Box::new(inner) };
                        scope = inner_scope;
                    } else {
                        plan = self.match_pattern(plan, &m.pattern, m.where_.as_ref(), &mut scope)?;
                    }
                }
                ast::Clause::Unwind(u) => {
                    let expr = self.expr(&u.expr, &scope)?;
                    scope.bind_new(&u.alias, plexus_planner::scope::VarKind::Any, u.pos)?;
                    plan = LogicalPlan::Unwind { input: Box::new(plan), expr, variable: u.alias.clone() };
                }
                ast::Clause::LoadCsv(l) => {
                    let url = self.expr(&l.url, &scope)?;
                    let terminator = match l.terminator.as_deref() {
                        None => b',',
                        Some(t) if t.len() == 1 => t.as_bytes()[0],
                        Some(t) => {
                            return Err(Error::semantic(
                                "InvalidFieldTerminator",
                                format!("FIELDTERMINATOR must be one ASCII character, not '{t}'"),
                            )
                            .at(l.pos))
                        }
                    };
                    scope.bind_new(&l.alias, plexus_planner::scope::VarKind::Any, l.pos)?;
                    plan = LogicalPlan::LoadCsv {
                        input: Box::new(plan),
                        url,
                        with_headers: l.with_headers,
                        terminator,
                        variable: l.alias.clone(),
                    };
                }
                ast::Clause::With(w) => {
                    let projected = self.projection(plan, &w.projection, &mut scope, w.pos, Some(w.where_.as_ref()))?;
                    plan = projected.plan;
                }
                ast::Clause::Return(r) => {
                    if i != last {
                        return Err(Error::semantic(
                            "InvalidClauseComposition",
                            "RETURN can only be used at the end of the query",
                        )
                        .at(r.pos));
                    }
                    let projected = self.projection(plan, &r.projection, &mut scope, r.pos, None)?;
                    let columns = projected.columns;
                    let plan = LogicalPlan::Produce { input: Box::new(projected.plan), columns: columns.clone() };
                    return Ok(Lowered { plan, columns, parameters: Vec::new() });
                }
                ast::Clause::Create(c) => plan = self.create(plan, &c.pattern, &mut scope)?,
                ast::Clause::Merge(m) => plan = self.merge(plan, m, &mut scope)?,
                ast::Clause::Set(s) => {
                    let operations = self.set_items(&s.items, &scope)?;
                    plan = LogicalPlan::Set { input: Box::new(plan), operations };
                }
                ast::Clause::Remove(r) => {
                    let operations = self.remove_items(&r.items, &scope)?;
                    plan = LogicalPlan::Set { input: Box::new(plan), operations };
                }
                ast::Clause::Delete(d) => plan = self.delete(plan, d, &scope)?,
                ast::Clause::Foreach(f) => plan = self.foreach(plan, f, &scope)?,
                ast::Clause::Call(c) => {
                    let standalone = q.clauses.len() == 1;
                    let call = self.call(plan, c, &mut scope, standalone)?;
                    ends_in_void_call = call.void;
                    if standalone {
                        let columns = call.columns;
                        let plan = LogicalPlan::Produce { input: Box::new(call.plan), columns: columns.clone() };
                        return Ok(Lowered { plan, columns, parameters: Vec::new() });
                    }
                    plan = call.plan;
                }
            }
        }
        // A query without RETURN must end in an update.
        let ends_in_update = q.clauses.last().is_some_and(ast::Clause::updates);
        if !ends_in_update && !ends_in_void_call && !subquery {
            return Err(Error::semantic(
                "InvalidClauseComposition",
                "Query cannot conclude with this clause (must be RETURN or an update clause)",
            ));
        }
        Ok(Lowered {
            plan: LogicalPlan::Produce { input: Box::new(plan), columns: Vec::new() },
            columns: Vec::new(),
            parameters: Vec::new(),
        })
    }
}

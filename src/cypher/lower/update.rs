//! Updating clauses: CREATE, MERGE, SET, REMOVE, DELETE, FOREACH.

use plexus_planner::expr::PathElement;
use plexus_planner::plan::{CreateElement, SetOperation};
use plexus_planner::scope::{Scope, VarKind};
use plexus_planner::{Expr, LogicalPlan};
use plexus_storage::{Error, Result};

use super::Lowerer;
use crate::cypher::ast;

impl Lowerer {
    pub fn create(&mut self, plan: LogicalPlan, parts: &[ast::PatternPart], scope: &mut Scope) -> Result<LogicalPlan> {
        let mut elements = Vec::new();
        let mut paths = Vec::new();
        for part in parts {
            let part = self.name_pattern(part);
            let (els, path) = self.create_elements(&part, scope, false)?;
            elements.extend(els);
            if let Some(p) = &part.variable {
                scope.bind_new(p, VarKind::Path, part.pos)?;
                paths.push((p.clone(), Expr::PathBuild(path)));
            }
        }
        let mut plan = LogicalPlan::Create { input: Box::new(plan), elements };
        if !paths.is_empty() {
            plan = LogicalPlan::Project { input: Box::new(plan), items: paths, discard: false };
        }
        Ok(plan)
    }

    /// The nodes and relationships a pattern creates (bound nodes are reused),
    /// and its path elements. `merge` forbids reusing bound relationships too.
    fn create_elements(
        &mut self,
        part: &ast::PatternPart,
        scope: &mut Scope,
        merge: bool,
    ) -> Result<(Vec<CreateElement>, Vec<PathElement>)> {
        let mut elements = Vec::new();
        let mut path = Vec::new();
        let node = |this: &mut Self,
                    n: &ast::NodePattern,
                    scope: &mut Scope,
                    elements: &mut Vec<CreateElement>|
         -> Result<String> {
            let name = n.variable.clone().unwrap_or_default();
            if scope.contains(&name) {
                if !n.labels.is_empty() || n.properties.is_some() {
                    return Err(Error::semantic("VariableAlreadyBound", format!("Can't create node `{name}` with labels or properties here. The variable is already declared in this context")).at(n.pos));
                }
                scope.bind(&name, VarKind::Node, n.pos)?;
                return Ok(name);
            }
            let properties = n.properties.as_ref().map(|p| this.expr(p, scope)).transpose()?;
            scope.bind(&name, VarKind::Node, n.pos)?;
            elements.push(CreateElement::Node { variable: name.clone(), labels: n.labels.clone(), properties });
            Ok(name)
        };
        if part.chain.is_empty() {
            if let Some(v) = part.start.variable.as_ref().filter(|v| scope.contains(v)) {
                return Err(Error::semantic("VariableAlreadyBound", format!("Variable `{v}` already declared"))
                    .at(part.start.pos));
            }
        }
        let mut prev = node(self, &part.start, scope, &mut elements)?;
        path.push(PathElement::Node(prev.clone()));
        for (rel, n) in &part.chain {
            let next = node(self, n, scope, &mut elements)?;
            let name = rel.variable.clone().unwrap_or_default();
            if scope.contains(&name) {
                return Err(Error::semantic(
                    "VariableAlreadyBound",
                    format!("Relationship `{name}` is already declared"),
                )
                .at(rel.pos));
            }
            if rel.types.len() != 1 {
                return Err(Error::semantic(
                    "NoSingleRelationshipType",
                    "A relationship to create must have exactly one type",
                )
                .at(rel.pos));
            }
            if rel.length.is_some() {
                return Err(
                    Error::semantic("CreatingVarLength", "Variable-length relationships cannot be created").at(rel.pos)
                );
            }
            let (start, end) = match rel.direction {
                ast::RelDirection::Right => (prev.clone(), next.clone()),
                ast::RelDirection::Left => (next.clone(), prev.clone()),
                ast::RelDirection::Both if merge => (prev.clone(), next.clone()),
                ast::RelDirection::Both => {
                    return Err(Error::semantic(
                        "RequiresDirectedRelationship",
                        "Only directed relationships are supported in CREATE",
                    )
                    .at(rel.pos))
                }
            };
            let properties = rel.properties.as_ref().map(|p| self.expr(p, scope)).transpose()?;
            scope.bind(&name, VarKind::Relationship, rel.pos)?;
            elements.push(CreateElement::Relationship {
                variable: name.clone(),
                rel_type: rel.types[0].clone(),
                start,
                end,
                properties,
            });
            path.push(PathElement::Relationship(name));
            path.push(PathElement::Node(next.clone()));
            prev = next;
        }
        Ok((elements, path))
    }

    pub fn merge(&mut self, plan: LogicalPlan, m: &ast::Merge, scope: &mut Scope) -> Result<LogicalPlan> {
        let mut part = self.name_pattern(&m.pattern);
        // The path variable is built after MERGE, for matched and created rows alike.
        let path_var = part.variable.take();
        let mut match_scope = scope.clone();
        let pattern = self.pattern_subplan(std::slice::from_ref(&part), None, &mut match_scope, false)?;
        let mut create_scope = scope.clone();
        let (create, path) = self.create_elements(&part, &mut create_scope, true)?;
        *scope = match_scope;
        let on_create = self.set_items(&m.on_create, scope)?;
        let on_match = self.set_items(&m.on_match, scope)?;
        let mut plan =
            LogicalPlan::Merge { input: Box::new(plan), pattern: Box::new(pattern), create, on_create, on_match };
        if let Some(p) = path_var {
            scope.bind_new(&p, VarKind::Path, part.pos)?;
            plan =
                LogicalPlan::Project { input: Box::new(plan), items: vec![(p, Expr::PathBuild(path))], discard: false };
        }
        Ok(plan)
    }

    pub fn set_items(&mut self, items: &[ast::SetItem], scope: &Scope) -> Result<Vec<SetOperation>> {
        items
            .iter()
            .map(|item| {
                Ok(match item {
                    ast::SetItem::Property { target, key, value } => SetOperation::Property {
                        target: self.expr(target, scope)?,
                        key: key.clone(),
                        value: self.expr(value, scope)?,
                    },
                    ast::SetItem::Replace { variable, value } => {
                        scope.require(variable, 0)?;
                        SetOperation::Properties {
                            variable: variable.clone(),
                            value: self.expr(value, scope)?,
                            replace: true,
                        }
                    }
                    ast::SetItem::Merge { variable, value } => {
                        scope.require(variable, 0)?;
                        SetOperation::Properties {
                            variable: variable.clone(),
                            value: self.expr(value, scope)?,
                            replace: false,
                        }
                    }
                    ast::SetItem::Labels { variable, labels } => {
                        scope.require(variable, 0)?;
                        SetOperation::AddLabels { variable: variable.clone(), labels: labels.clone() }
                    }
                })
            })
            .collect()
    }

    pub fn remove_items(&mut self, items: &[ast::RemoveItem], scope: &Scope) -> Result<Vec<SetOperation>> {
        items
            .iter()
            .map(|item| {
                Ok(match item {
                    ast::RemoveItem::Property { target, key } => SetOperation::Property {
                        target: self.expr(target, scope)?,
                        key: key.clone(),
                        value: Expr::Literal(plexus_storage::Value::Null),
                    },
                    ast::RemoveItem::Labels { variable, labels } => {
                        scope.require(variable, 0)?;
                        SetOperation::RemoveLabels { variable: variable.clone(), labels: labels.clone() }
                    }
                })
            })
            .collect()
    }

    pub fn delete(&mut self, plan: LogicalPlan, d: &ast::Delete, scope: &Scope) -> Result<LogicalPlan> {
        let mut exprs = Vec::new();
        for e in &d.exprs {
            let lowered = self.expr(e, scope)?;
            // Only entities (or expressions that may yield them) can be deleted.
            if matches!(lowered, Expr::HasLabels(..)) {
                return Err(Error::semantic("InvalidDelete", "DELETE expects a node, relationship or path").at(e.pos));
            }
            if matches!(lowered, Expr::Literal(_) | Expr::List(_) | Expr::Map(_) | Expr::Binary(..)) {
                return Err(
                    Error::semantic("InvalidArgumentType", "DELETE expects a node, relationship or path").at(e.pos)
                );
            }
            exprs.push(lowered);
        }
        Ok(LogicalPlan::Delete { input: Box::new(plan), exprs, detach: d.detach })
    }

    pub fn foreach(&mut self, plan: LogicalPlan, f: &ast::Foreach, scope: &Scope) -> Result<LogicalPlan> {
        let list = self.expr(&f.list, scope)?;
        let mut inner = scope.clone();
        inner.bind_new(&f.variable, VarKind::Any, f.pos)?;
        let mut body = LogicalPlan::Argument { variables: inner.names() };
        for clause in &f.clauses {
            body = match clause {
                ast::Clause::Create(c) => self.create(body, &c.pattern, &mut inner)?,
                ast::Clause::Merge(m) => self.merge(body, m, &mut inner)?,
                ast::Clause::Set(s) => {
                    LogicalPlan::Set { input: Box::new(body), operations: self.set_items(&s.items, &inner)? }
                }
                ast::Clause::Remove(r) => {
                    LogicalPlan::Set { input: Box::new(body), operations: self.remove_items(&r.items, &inner)? }
                }
                ast::Clause::Delete(d) => self.delete(body, d, &inner)?,
                ast::Clause::Foreach(f2) => self.foreach(body, f2, &inner)?,
                _ => {
                    return Err(Error::semantic(
                        "InvalidClauseComposition",
                        "Only updating clauses are allowed inside FOREACH",
                    )
                    .at(f.pos))
                }
            };
        }
        Ok(LogicalPlan::Foreach { input: Box::new(plan), variable: f.variable.clone(), list, body: Box::new(body) })
    }
}

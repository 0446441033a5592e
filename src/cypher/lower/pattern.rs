//! MATCH patterns: a chain of node scans and expands per pattern part, with
//! label and property predicates as filters (the optimizer folds them into
//! scans), relationship uniqueness within the clause, and named paths.

use plexus_planner::expr::PathElement;
use plexus_planner::plan::{Direction, ExpandMode};
use plexus_planner::scope::{Scope, VarKind};
use plexus_planner::{BinaryOp, Expr, LogicalPlan, UnaryOp};
use plexus_storage::{Error, Result};

use super::Lowerer;
use crate::cypher::ast;

/// A relationship variable introduced by the clause being lowered.
enum RelBinding {
    Single(String),
    List(String),
}

impl Lowerer {
    /// Give every anonymous node and relationship a hidden name.
    pub fn name_pattern(&mut self, part: &ast::PatternPart) -> ast::PatternPart {
        let mut part = part.clone();
        if part.start.variable.is_none() {
            part.start.variable = Some(self.fresh("node"));
        }
        for (rel, node) in &mut part.chain {
            if rel.variable.is_none() {
                rel.variable = Some(self.fresh("rel"));
            }
            if node.variable.is_none() {
                node.variable = Some(self.fresh("node"));
            }
        }
        part
    }

    /// Lower MATCH pattern parts (and WHERE) on top of `plan`.
    pub fn match_pattern(
        &mut self,
        mut plan: LogicalPlan,
        parts: &[ast::PatternPart],
        where_: Option<&ast::Expr>,
        scope: &mut Scope,
    ) -> Result<LogicalPlan> {
        let mut rels = Vec::new();
        let mut named_rels: Vec<&String> = Vec::new();
        for (rel, _) in parts.iter().flat_map(|p| &p.chain) {
            if let Some(v) = &rel.variable {
                if named_rels.contains(&v) {
                    return Err(Error::semantic(
                        "RelationshipUniquenessViolation",
                        format!("Cannot use the same relationship variable `{v}` for multiple relationships"),
                    )
                    .at(rel.pos));
                }
                named_rels.push(v);
            }
        }
        for part in parts {
            let part = self.name_pattern(part);
            plan = match part.shortest {
                Some(kind) => self.match_shortest(plan, &part, kind, scope)?,
                None => self.match_part(plan, &part, scope, &mut rels)?,
            };
        }
        plan = unique_relationships(plan, &rels);
        if let Some(w) = where_ {
            let predicate = self.expr(w, scope)?;
            super::expr::check_predicate(&predicate, scope).map_err(|e| e.at(w.pos))?;
            plan = LogicalPlan::Filter { input: Box::new(plan), predicate };
        }
        Ok(plan)
    }

    /// A plan that starts from the scope's variables and matches `parts`.
    /// With `predicate_form` (a pattern used as an expression), the pattern
    /// may not introduce named variables.
    pub fn pattern_subplan(
        &mut self,
        parts: &[ast::PatternPart],
        where_: Option<&ast::Expr>,
        scope: &mut Scope,
        predicate_form: bool,
    ) -> Result<LogicalPlan> {
        if predicate_form {
            for part in parts {
                let nodes = std::iter::once(&part.start).chain(part.chain.iter().map(|(_, n)| n));
                for n in nodes {
                    if let Some(v) = &n.variable {
                        scope.require(v, n.pos)?;
                    }
                }
                for (r, _) in &part.chain {
                    if let Some(v) = &r.variable {
                        scope.require(v, r.pos)?;
                    }
                }
            }
        }
        let start = LogicalPlan::Argument { variables: scope.names() };
        self.match_pattern(start, parts, where_, scope)
    }

    fn match_part(
        &mut self,
        mut plan: LogicalPlan,
        part: &ast::PatternPart,
        scope: &mut Scope,
        rels: &mut Vec<RelBinding>,
    ) -> Result<LogicalPlan> {
        let part = orient(part, scope);
        let start = &part.start;
        let start_name = var_name(&start.variable);
        let mut predicates = Vec::new();
        let bound = scope.contains(&start_name);
        scope.bind(&start_name, VarKind::Node, start.pos)?;
        if !bound {
            plan = LogicalPlan::NodeScan {
                input: Box::new(plan),
                variable: start_name.clone(),
                label: None,
                property_filters: Vec::new(),
            };
        }
        self.node_predicates(start, &start_name, scope, &mut predicates)?;
        plan = filter(plan, predicates);
        let mut from = start_name;
        let mut path = vec![PathElement::Node(from.clone())];
        for (rel, node) in &part.chain {
            let to = var_name(&node.variable);
            let rel_name = var_name(&rel.variable);
            let mode = if scope.contains(&to) { ExpandMode::Into } else { ExpandMode::All };
            scope.bind(&to, VarKind::Node, node.pos)?;
            let direction = match rel.direction {
                ast::RelDirection::Right => Direction::Outgoing,
                ast::RelDirection::Left => Direction::Incoming,
                ast::RelDirection::Both => Direction::Both,
            };
            let mut predicates = Vec::new();
            match rel.length {
                Some((min, max)) => {
                    let min = min.unwrap_or(1);
                    match scope.kind(&rel_name) {
                        None => {}
                        Some(VarKind::RelationshipList | VarKind::Any) => {
                            return Err(Error::semantic(
                                "VariableAlreadyBound",
                                format!("Variable `{rel_name}` already declared"),
                            )
                            .at(rel.pos))
                        }
                        Some(_) => {
                            return Err(Error::semantic(
                                "VariableTypeConflict",
                                format!("`{rel_name}` is already bound to something other than relationships"),
                            )
                            .at(rel.pos))
                        }
                    }
                    scope.bind(&rel_name, VarKind::RelationshipList, rel.pos)?;
                    let rel_properties = rel.properties.as_ref().map(|p| self.expr(p, scope)).transpose()?;
                    plan = LogicalPlan::VarLengthExpand {
                        input: Box::new(plan),
                        from: from.clone(),
                        rel: rel_name.clone(),
                        to: to.clone(),
                        types: rel.types.clone(),
                        direction,
                        min,
                        max,
                        mode,
                        rel_properties,
                    };
                    rels.push(RelBinding::List(rel_name.clone()));
                    path.push(PathElement::RelationshipList(rel_name.clone()));
                }
                None => {
                    // A relationship bound by an earlier clause: expand, then require equality.
                    let bound_before = scope.contains(&rel_name);
                    let expand_as = if bound_before { self.fresh("rel") } else { rel_name.clone() };
                    scope.bind(&rel_name, VarKind::Relationship, rel.pos)?;
                    plan = LogicalPlan::Expand {
                        input: Box::new(plan),
                        from: from.clone(),
                        rel: expand_as.clone(),
                        to: to.clone(),
                        types: rel.types.clone(),
                        direction,
                        mode,
                    };
                    if bound_before {
                        predicates.push(Expr::binary(BinaryOp::Eq, Expr::var(&expand_as), Expr::var(&rel_name)));
                    }
                    // A relationship bound earlier still may not repeat within this pattern.
                    rels.push(RelBinding::Single(rel_name.clone()));
                    if let Some(props) = &rel.properties {
                        self.property_predicates(props, &rel_name, scope, &mut predicates)?;
                    }
                    path.push(PathElement::Relationship(rel_name.clone()));
                }
            }
            self.node_predicates(node, &to, scope, &mut predicates)?;
            plan = filter(plan, predicates);
            path.push(PathElement::Node(to.clone()));
            from = to;
        }
        if let Some(p) = &part.variable {
            scope.bind_new(p, VarKind::Path, part.pos)?;
            plan = LogicalPlan::Project {
                input: Box::new(plan),
                items: vec![(p.clone(), Expr::PathBuild(path))],
                discard: false,
            };
        }
        Ok(plan)
    }

    /// `p = shortestPath((a)-[*]-(b))`: bind (or scan) both ends, then search.
    fn match_shortest(
        &mut self,
        mut plan: LogicalPlan,
        part: &ast::PatternPart,
        kind: ast::ShortestKind,
        scope: &mut Scope,
    ) -> Result<LogicalPlan> {
        let [(rel, end)] = part.chain.as_slice() else {
            return Err(Error::semantic(
                "InvalidArgumentType",
                "shortestPath() needs a pattern with exactly one relationship",
            )
            .at(part.pos));
        };
        let mut names = Vec::new();
        for node in [&part.start, end] {
            let name = var_name(&node.variable);
            let bound = scope.contains(&name);
            scope.bind(&name, VarKind::Node, node.pos)?;
            if !bound {
                plan = LogicalPlan::NodeScan {
                    input: Box::new(plan),
                    variable: name.clone(),
                    label: None,
                    property_filters: Vec::new(),
                };
            }
            let mut predicates = Vec::new();
            self.node_predicates(node, &name, scope, &mut predicates)?;
            plan = filter(plan, predicates);
            names.push(name);
        }
        if rel.properties.is_some() {
            return Err(Error::semantic(
                "UnsupportedFeature",
                "property maps inside shortestPath() are not supported yet",
            )
            .at(rel.pos));
        }
        let rel_name = var_name(&rel.variable);
        scope.bind_new(&rel_name, VarKind::RelationshipList, rel.pos)?;
        let (min, max) = match rel.length {
            Some((min, max)) => (min.unwrap_or(1), max),
            None => (1, Some(1)),
        };
        let direction = match rel.direction {
            ast::RelDirection::Right => Direction::Outgoing,
            ast::RelDirection::Left => Direction::Incoming,
            ast::RelDirection::Both => Direction::Both,
        };
        plan = LogicalPlan::ShortestPath {
            input: Box::new(plan),
            from: names[0].clone(),
            rel: rel_name.clone(),
            to: names[1].clone(),
            types: rel.types.clone(),
            direction,
            min,
            max,
            all: kind == ast::ShortestKind::All,
        };
        if let Some(p) = &part.variable {
            scope.bind_new(p, VarKind::Path, part.pos)?;
            let path = vec![
                PathElement::Node(names[0].clone()),
                PathElement::RelationshipList(rel_name),
                PathElement::Node(names[1].clone()),
            ];
            plan = LogicalPlan::Project {
                input: Box::new(plan),
                items: vec![(p.clone(), Expr::PathBuild(path))],
                discard: false,
            };
        }
        Ok(plan)
    }

    fn node_predicates(
        &mut self,
        node: &ast::NodePattern,
        name: &str,
        scope: &Scope,
        out: &mut Vec<Expr>,
    ) -> Result<()> {
        if !node.labels.is_empty() {
            out.push(Expr::HasLabels(Box::new(Expr::var(name)), node.labels.clone()));
        }
        if let Some(props) = &node.properties {
            self.property_predicates(props, name, scope, out)?;
        }
        Ok(())
    }

    /// `{k: v, ...}` on a pattern element as `name.k = v AND ...`.
    fn property_predicates(&mut self, props: &ast::Expr, name: &str, scope: &Scope, out: &mut Vec<Expr>) -> Result<()> {
        match &props.kind {
            ast::ExprKind::Map(entries) => {
                for (k, v) in entries {
                    let value = self.expr(v, scope)?;
                    out.push(Expr::binary(BinaryOp::Eq, Expr::Property(Box::new(Expr::var(name)), k.clone()), value));
                }
                Ok(())
            }
            ast::ExprKind::Parameter(_) => Err(Error::semantic(
                "InvalidParameterUse",
                "Parameter maps cannot be used in MATCH patterns (use a WHERE clause instead)",
            )
            .at(props.pos)),
            _ => {
                // Any other map expression: every entry must match.
                let map = self.expr(props, scope)?;
                let key = self.fresh("key");
                out.push(Expr::Quantified {
                    quantifier: plexus_planner::expr::Quantifier::All,
                    variable: key.clone(),
                    list: Box::new(Expr::Function("keys".into(), vec![map.clone()])),
                    predicate: Box::new(Expr::binary(
                        BinaryOp::Eq,
                        Expr::Index(Box::new(Expr::var(name)), Box::new(Expr::var(&key))),
                        Expr::Index(Box::new(map), Box::new(Expr::var(&key))),
                    )),
                });
                Ok(())
            }
        }
    }
}

pub fn var_name(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// Start a chain from a bound end when its start is unbound, so the walk
/// begins at a known node instead of scanning.
fn orient(part: &ast::PatternPart, scope: &Scope) -> ast::PatternPart {
    let bound = |n: &ast::NodePattern| n.variable.as_ref().is_some_and(|v| scope.contains(v));
    let last = part.chain.last().map(|(_, n)| n);
    if part.chain.is_empty() || bound(&part.start) || !last.is_some_and(bound) || part.variable.is_some() {
        return part.clone();
    }
    let mut nodes: Vec<ast::NodePattern> = vec![part.start.clone()];
    let mut rels: Vec<ast::RelPattern> = Vec::new();
    for (r, n) in &part.chain {
        rels.push(r.clone());
        nodes.push(n.clone());
    }
    nodes.reverse();
    rels.reverse();
    let mut chain = Vec::new();
    for (i, mut r) in rels.into_iter().enumerate() {
        r.direction = match r.direction {
            ast::RelDirection::Right => ast::RelDirection::Left,
            ast::RelDirection::Left => ast::RelDirection::Right,
            ast::RelDirection::Both => ast::RelDirection::Both,
        };
        chain.push((r, nodes[i + 1].clone()));
    }
    ast::PatternPart { variable: None, shortest: None, start: nodes[0].clone(), chain, pos: part.pos }
}

fn filter(plan: LogicalPlan, predicates: Vec<Expr>) -> LogicalPlan {
    match Expr::and_all(predicates) {
        Some(predicate) => LogicalPlan::Filter { input: Box::new(plan), predicate },
        None => plan,
    }
}

/// Within one MATCH, no relationship is used twice.
fn unique_relationships(plan: LogicalPlan, rels: &[RelBinding]) -> LogicalPlan {
    let mut predicates = Vec::new();
    for (i, a) in rels.iter().enumerate() {
        for b in &rels[i + 1..] {
            let p = match (a, b) {
                (RelBinding::Single(x), RelBinding::Single(y)) => {
                    Expr::binary(BinaryOp::Neq, Expr::var(x), Expr::var(y))
                }
                (RelBinding::Single(x), RelBinding::List(l)) | (RelBinding::List(l), RelBinding::Single(x)) => {
                    Expr::Unary(UnaryOp::Not, Box::new(Expr::binary(BinaryOp::In, Expr::var(x), Expr::var(l))))
                }
                (RelBinding::List(l1), RelBinding::List(l2)) => Expr::Quantified {
                    quantifier: plexus_planner::expr::Quantifier::None,
                    variable: "__r".into(),
                    list: Box::new(Expr::var(l1)),
                    predicate: Box::new(Expr::binary(BinaryOp::In, Expr::var("__r"), Expr::var(l2))),
                },
            };
            predicates.push(p);
        }
    }
    filter(plan, predicates)
}

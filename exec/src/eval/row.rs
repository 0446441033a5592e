//! Row-at-a-time evaluation over `Value`s: the complete reference semantics.
//! The vectorized evaluator falls back to it wherever types mix or an
//! expression needs local variables (comprehensions, reduce, CASE).

use std::collections::BTreeMap;

use plexus_planner::expr::{MapProjectionItem, PathElement, Quantifier};
use plexus_planner::{BinaryOp, Expr, UnaryOp};
use plexus_storage::value::Ternary;
use plexus_storage::{Error, Path, Result, Snapshot, Value};

use crate::context::ExecContext;
use crate::scalar;

/// Variables visible to a row evaluation, innermost last.
#[derive(Debug, Default, Clone)]
pub struct Env {
    vars: Vec<(String, Value)>,
}

impl Env {
    pub fn new() -> Self {
        Env::default()
    }

    pub fn push(&mut self, name: &str, value: Value) {
        self.vars.push((name.to_string(), value));
    }

    pub fn pop(&mut self) {
        self.vars.pop();
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.vars.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, Value)> {
        self.vars.iter()
    }
}

pub struct RowEvaluator<'a> {
    pub ctx: &'a ExecContext,
    pub snapshot: &'a Snapshot,
}

impl RowEvaluator<'_> {
    pub fn eval(&self, expr: &Expr, env: &mut Env) -> Result<Value> {
        match expr {
            Expr::Literal(v) => Ok(v.clone()),
            Expr::Parameter(p) => self.ctx.param(p),
            Expr::Variable(v) => {
                env.get(v).cloned().ok_or_else(|| Error::internal(format!("variable `{v}` not bound at run time")))
            }
            Expr::Property(target, key) => {
                let t = self.eval(target, env)?;
                self.property(&t, key)
            }
            Expr::Index(list, index) => {
                let l = self.eval(list, env)?;
                let i = self.eval(index, env)?;
                crate::eval::access::index(&l, &i, self.snapshot)
            }
            Expr::Slice(list, from, to) => {
                let l = self.eval(list, env)?;
                let from = from.as_ref().map(|e| self.eval(e, env)).transpose()?;
                let to = to.as_ref().map(|e| self.eval(e, env)).transpose()?;
                crate::eval::access::slice(&l, from.as_ref(), to.as_ref())
            }
            Expr::HasLabels(target, labels) => match self.eval(target, env)? {
                Value::Null => Ok(Value::Null),
                // A relationship "has" the label that is its type.
                Value::Relationship(r) => Ok(Value::Boolean(labels.iter().all(|l| *l == r.rel_type))),
                Value::Node(n) => Ok(Value::Boolean(
                    labels
                        .iter()
                        .all(|l| self.snapshot.label_id(l).is_some_and(|id| self.snapshot.has_label(n.id, id))),
                )),
                other => {
                    Err(Error::type_error("InvalidArgumentType", format!("Expected a node, got {}", other.type_name())))
                }
            },
            Expr::Unary(op, e) => {
                let v = self.eval(e, env)?;
                apply_unary(*op, v)
            }
            Expr::Binary(BinaryOp::And, l, r) => {
                let l = truth(&self.eval(l, env)?)?;
                if l == Ternary::False {
                    return Ok(Value::Boolean(false));
                }
                let r = truth(&self.eval(r, env)?)?;
                Ok(l.and(r).into())
            }
            Expr::Binary(BinaryOp::Or, l, r) => {
                let l = truth(&self.eval(l, env)?)?;
                if l == Ternary::True {
                    return Ok(Value::Boolean(true));
                }
                let r = truth(&self.eval(r, env)?)?;
                Ok(l.or(r).into())
            }
            Expr::Binary(op, l, r) => {
                let l = self.eval(l, env)?;
                let r = self.eval(r, env)?;
                apply_binary(*op, &l, &r)
            }
            Expr::List(items) => Ok(Value::List(items.iter().map(|e| self.eval(e, env)).collect::<Result<_>>()?)),
            Expr::Map(items) => {
                let mut m = BTreeMap::new();
                for (k, e) in items {
                    m.insert(k.clone(), self.eval(e, env)?);
                }
                Ok(Value::Map(m))
            }
            Expr::Function(name, args) => self.function(name, args, env),
            Expr::Case { operand, whens, else_ } => {
                let subject = operand.as_ref().map(|o| self.eval(o, env)).transpose()?;
                for (when, then) in whens {
                    let w = self.eval(when, env)?;
                    let hit = match &subject {
                        Some(s) => s.cypher_eq(&w) == Ternary::True,
                        None => w == Value::Boolean(true),
                    };
                    if hit {
                        return self.eval(then, env);
                    }
                }
                else_.as_ref().map_or(Ok(Value::Null), |e| self.eval(e, env))
            }
            Expr::ListComprehension { variable, list, predicate, projection } => {
                let items = match self.eval(list, env)? {
                    Value::Null => return Ok(Value::Null),
                    Value::List(items) => items,
                    other => return Err(not_a_list(&other)),
                };
                let mut out = Vec::new();
                for item in items {
                    env.push(variable, item);
                    let keep = match predicate {
                        Some(p) => self.eval(p, env).map(|v| v == Value::Boolean(true)),
                        None => Ok(true),
                    };
                    let result = match keep {
                        Ok(true) => match projection {
                            Some(p) => self.eval(p, env).map(Some),
                            None => Ok(env.get(variable).cloned()),
                        },
                        Ok(false) => Ok(None),
                        Err(e) => Err(e),
                    };
                    env.pop();
                    if let Some(v) = result? {
                        out.push(v);
                    }
                }
                Ok(Value::List(out))
            }
            Expr::Quantified { quantifier, variable, list, predicate } => {
                let items = match self.eval(list, env)? {
                    Value::Null => return Ok(Value::Null),
                    Value::List(items) => items,
                    other => return Err(not_a_list(&other)),
                };
                let (mut trues, mut nulls) = (0usize, 0usize);
                for item in items.iter().cloned() {
                    env.push(variable, item);
                    let r = self.eval(predicate, env);
                    env.pop();
                    match truth(&r?)? {
                        Ternary::True => trues += 1,
                        Ternary::Null => nulls += 1,
                        Ternary::False => {}
                    }
                }
                let falses = items.len() - trues - nulls;
                let result = match quantifier {
                    Quantifier::All if falses > 0 => Ternary::False,
                    Quantifier::All if nulls > 0 => Ternary::Null,
                    Quantifier::All => Ternary::True,
                    Quantifier::Any if trues > 0 => Ternary::True,
                    Quantifier::Any if nulls > 0 => Ternary::Null,
                    Quantifier::Any => Ternary::False,
                    Quantifier::None if trues > 0 => Ternary::False,
                    Quantifier::None if nulls > 0 => Ternary::Null,
                    Quantifier::None => Ternary::True,
                    Quantifier::Single if trues > 1 => Ternary::False,
                    Quantifier::Single if nulls > 0 => Ternary::Null,
                    Quantifier::Single => Ternary::from(trues == 1),
                };
                Ok(result.into())
            }
            Expr::Reduce { accumulator, init, variable, list, expr } => {
                let mut acc = self.eval(init, env)?;
                let items = match self.eval(list, env)? {
                    Value::Null => return Ok(Value::Null),
                    Value::List(items) => items,
                    other => return Err(not_a_list(&other)),
                };
                for item in items {
                    env.push(accumulator, acc);
                    env.push(variable, item);
                    let r = self.eval(expr, env);
                    env.pop();
                    env.pop();
                    acc = r?;
                }
                Ok(acc)
            }
            Expr::MapProjection { variable, items } => {
                let subject = env.get(variable).cloned().unwrap_or(Value::Null);
                if subject.is_null() {
                    return Ok(Value::Null);
                }
                let mut m = BTreeMap::new();
                for item in items {
                    match item {
                        MapProjectionItem::Property(k) => {
                            m.insert(k.clone(), self.property(&subject, k)?);
                        }
                        MapProjectionItem::Entry(k, e) => {
                            m.insert(k.clone(), self.eval(e, env)?);
                        }
                        MapProjectionItem::AllProperties => {
                            if let Value::Map(props) = self.properties(&subject)? {
                                m.extend(props);
                            }
                        }
                    }
                }
                Ok(Value::Map(m))
            }
            Expr::PathBuild(elements) => self.build_path(elements, env),
            Expr::Exists(plan) => {
                let rows = crate::ops::subplan::run_for_env(plan, env, self.ctx)?;
                Ok(Value::Boolean(!rows.is_empty()))
            }
            Expr::Collect(plan, projection) => {
                let mut out = Vec::new();
                for mut row_env in crate::ops::subplan::run_for_env(plan, env, self.ctx)? {
                    out.push(self.eval(projection, &mut row_env)?);
                }
                Ok(Value::List(out))
            }
        }
    }

    /// `target.key` on a node, relationship, map, temporal or null.
    pub fn property(&self, target: &Value, key: &str) -> Result<Value> {
        match target {
            Value::Null => Ok(Value::Null),
            Value::Node(n) => {
                Ok(self.snapshot.key_id(key).map_or(Value::Null, |k| self.snapshot.node_property(n.id, k)))
            }
            Value::Relationship(r) => {
                Ok(self.snapshot.key_id(key).map_or(Value::Null, |k| self.snapshot.rel_property(r.id, k)))
            }
            Value::Map(m) => Ok(m.get(key).cloned().unwrap_or(Value::Null)),
            other => crate::scalar::temporal::accessors::property(other, key).unwrap_or_else(|| {
                Err(Error::type_error(
                    "InvalidArgumentType",
                    format!("Type mismatch: expected a map, node or relationship but was {}", other.type_name()),
                ))
            }),
        }
    }

    fn properties(&self, v: &Value) -> Result<Value> {
        Ok(match v {
            Value::Null => Value::Null,
            Value::Node(n) => Value::Map(self.fresh_properties(self.snapshot.node_value(n.id))),
            Value::Relationship(r) => Value::Map(self.fresh_properties(self.snapshot.rel_value(r.id))),
            Value::Map(m) => Value::Map(m.clone()),
            other => {
                return Err(Error::type_error(
                    "InvalidArgumentType",
                    format!("properties() expects a map, node or relationship, got {}", other.type_name()),
                ))
            }
        })
    }

    fn fresh_properties(&self, v: Value) -> BTreeMap<String, Value> {
        match v {
            Value::Node(n) => n.properties,
            Value::Relationship(r) => r.properties,
            _ => BTreeMap::new(),
        }
    }

    fn function(&self, name: &str, args: &[Expr], env: &mut Env) -> Result<Value> {
        // Functions that are lazy in their arguments or need the graph.
        match name {
            "coalesce" => {
                for a in args {
                    let v = self.eval(a, env)?;
                    if !v.is_null() {
                        return Ok(v);
                    }
                }
                return Ok(Value::Null);
            }
            "exists" if args.len() == 1 => {
                return Ok(Value::Boolean(!self.eval(&args[0], env)?.is_null()));
            }
            _ => {}
        }
        let values = args.iter().map(|a| self.eval(a, env)).collect::<Result<Vec<_>>>()?;
        self.call_function(name, values)
    }

    /// Call a function on evaluated arguments.
    pub fn call_function(&self, name: &str, values: Vec<Value>) -> Result<Value> {
        match (name, values.as_slice()) {
            ("startnode", [Value::Relationship(r)]) => Ok(self.snapshot.node_value(r.start)),
            ("endnode", [Value::Relationship(r)]) => Ok(self.snapshot.node_value(r.end)),
            ("startnode" | "endnode", [Value::Null]) => Ok(Value::Null),
            ("properties", [v]) => self.properties(v),
            ("labels", [Value::Node(n)]) => {
                let labels = self.snapshot.node_labels(n.id);
                let mut names: Vec<String> = labels.iter().map(|l| self.snapshot.label_name(*l).to_string()).collect();
                names.sort();
                Ok(Value::List(names.into_iter().map(Value::String).collect()))
            }
            ("keys", [Value::Node(_) | Value::Relationship(_)]) => match self.properties(&values[0])? {
                Value::Map(m) => Ok(Value::List(m.into_keys().map(Value::String).collect())),
                _ => Ok(Value::Null),
            },
            _ => scalar::temporal::with_statement_time(self.ctx.statement_time, || {
                scalar::functions::call(name, &values)
            }),
        }
    }

    /// Assemble a path from `Node, (Relationship | RelationshipList, Node)*`;
    /// the nodes after the first follow from the relationships.
    fn build_path(&self, elements: &[PathElement], env: &Env) -> Result<Value> {
        let mut iter = elements.iter();
        let Some(PathElement::Node(first)) = iter.next() else {
            return Err(Error::internal("a path must start with a node"));
        };
        let Some(Value::Node(start)) = env.get(first) else { return Ok(Value::Null) };
        let mut nodes = Vec::new();
        push_node(&mut nodes, self.snapshot, start.id);
        let mut rels = Vec::new();
        let mut hop = |r: &plexus_storage::Relationship, nodes: &mut Vec<plexus_storage::Node>| {
            let current = nodes.last().map(|n| n.id);
            let next = if current == Some(r.start) { r.end } else { r.start };
            rels.push(r.clone());
            push_node(nodes, self.snapshot, next);
        };
        for el in iter {
            match el {
                PathElement::Node(_) => {}
                PathElement::Relationship(v) => match env.get(v) {
                    Some(Value::Relationship(r)) => hop(r, &mut nodes),
                    _ => return Ok(Value::Null),
                },
                PathElement::RelationshipList(v) => match env.get(v) {
                    Some(Value::List(list)) => {
                        for item in list {
                            if let Value::Relationship(r) = item {
                                hop(r, &mut nodes);
                            }
                        }
                    }
                    _ => return Ok(Value::Null),
                },
            }
        }
        Ok(Value::Path(Box::new(Path { nodes, relationships: rels })))
    }
}

fn push_node(nodes: &mut Vec<plexus_storage::Node>, snapshot: &Snapshot, id: u64) {
    if let Value::Node(n) = snapshot.node_value(id) {
        nodes.push(*n);
    }
}

/// A value used as a boolean: true, false or null; anything else is a type error.
pub fn truth(v: &Value) -> Result<Ternary> {
    Ternary::from_value(v)
}

fn not_a_list(v: &Value) -> Error {
    Error::type_error("InvalidArgumentType", format!("Expected a list, got {}", v.type_name()))
}

pub fn apply_unary(op: UnaryOp, v: Value) -> Result<Value> {
    match op {
        UnaryOp::Not => Ok(truth(&v)?.not().into()),
        UnaryOp::Neg => scalar::arith::neg(&v),
        UnaryOp::IsNull => Ok(Value::Boolean(v.is_null())),
        UnaryOp::IsNotNull => Ok(Value::Boolean(!v.is_null())),
    }
}

pub fn apply_binary(op: BinaryOp, l: &Value, r: &Value) -> Result<Value> {
    match op {
        BinaryOp::And => Ok(truth(l)?.and(truth(r)?).into()),
        BinaryOp::Or => Ok(truth(l)?.or(truth(r)?).into()),
        BinaryOp::Xor => Ok(truth(l)?.xor(truth(r)?).into()),
        BinaryOp::Eq => Ok(l.cypher_eq(r).into()),
        BinaryOp::Neq => Ok(l.cypher_eq(r).not().into()),
        BinaryOp::Lt => Ok(l.cypher_lt(r).into()),
        BinaryOp::Le => Ok(l.cypher_le(r).into()),
        BinaryOp::Gt => Ok(l.cypher_gt(r).into()),
        BinaryOp::Ge => Ok(l.cypher_ge(r).into()),
        BinaryOp::Add => scalar::arith::add(l, r),
        BinaryOp::Sub => scalar::arith::sub(l, r),
        BinaryOp::Mul => scalar::arith::mul(l, r),
        BinaryOp::Div => scalar::arith::div(l, r),
        BinaryOp::Mod => scalar::arith::modulo(l, r),
        BinaryOp::Pow => scalar::arith::pow(l, r),
        BinaryOp::In => Ok(Value::from(scalar::predicates::in_list(l, r)?)),
        BinaryOp::StartsWith => Ok(scalar::predicates::starts_with(l, r).into()),
        BinaryOp::EndsWith => Ok(scalar::predicates::ends_with(l, r).into()),
        BinaryOp::Contains => Ok(scalar::predicates::contains(l, r).into()),
        BinaryOp::RegexMatch => Ok(scalar::predicates::regex_match(l, r)?.into()),
    }
}

//! Traversals that are plain pattern matches lower to the relational operators
//! Cypher uses, so both languages share one plan (and its optimizations):
//! `g.V().hasLabel(l).has(k, v).out(t)…[.values(k) | .count()]`.

use plexus_planner::expr::AggregateExpr;
use plexus_planner::gremlin::{GArg, GStep, GTraversal};
use plexus_planner::{AggregateFunction, BinaryOp, Direction, ExpandMode, Expr, LogicalPlan, UnaryOp};
use plexus_storage::Value;

/// The relational plan of `t` and its result column, or `None` when `t` needs the traversal machine
/// (paths, labels, side effects, anything beyond the pattern steps).
pub fn lower(t: &GTraversal, column: &str) -> Option<LogicalPlan> {
    if !t.rooted || !t.source.is_empty() {
        return None;
    }
    let (first, rest) = t.steps.split_first()?;
    if first.name != "V" || !first.args.is_empty() || !plain(first) {
        return None;
    }
    let mut var = "v0".to_string();
    let mut plan = LogicalPlan::NodeScan {
        input: Box::new(LogicalPlan::argument()),
        variable: var.clone(),
        label: None,
        property_filters: Vec::new(),
    };
    let mut hops = 0;
    let mut tail: Option<&GStep> = None;
    for (i, step) in rest.iter().enumerate() {
        if !plain(step) {
            return None;
        }
        match step.name.as_str() {
            "hasLabel" => {
                let [GArg::Value(Value::String(label))] = step.args.as_slice() else { return None };
                plan = filter(plan, Expr::HasLabels(Box::new(Expr::var(&var)), vec![label.clone()]));
            }
            "has" => {
                let [GArg::Value(Value::String(key)), GArg::Value(v)] = step.args.as_slice() else { return None };
                if !is_scalar(v) {
                    return None;
                }
                let prop = Expr::Property(Box::new(Expr::var(&var)), key.clone());
                plan = filter(plan, Expr::Binary(BinaryOp::Eq, Box::new(prop), Box::new(Expr::Literal(v.clone()))));
            }
            "out" | "in" => {
                let mut types = Vec::new();
                for a in &step.args {
                    let GArg::Value(Value::String(t)) = a else { return None };
                    types.push(t.clone());
                }
                hops += 1;
                let to = format!("v{hops}");
                plan = LogicalPlan::Expand {
                    input: Box::new(plan),
                    from: var.clone(),
                    rel: format!("e{hops}"),
                    to: to.clone(),
                    types,
                    direction: if step.name == "out" { Direction::Outgoing } else { Direction::Incoming },
                    mode: ExpandMode::All,
                };
                var = to;
            }
            "values" | "count" if i + 1 == rest.len() => tail = Some(step),
            _ => return None,
        }
    }
    let plan = match tail {
        None => LogicalPlan::Project {
            input: Box::new(plan),
            items: vec![(column.to_string(), Expr::var(&var))],
            discard: true,
        },
        Some(step) if step.name == "count" && step.args.is_empty() => {
            // As Cypher's `RETURN count(*) AS result`: aggregate into a hidden column, then name it.
            let hidden = "__agg1".to_string();
            let aggregate = LogicalPlan::Aggregate {
                input: Box::new(plan),
                keys: Vec::new(),
                aggregates: vec![(
                    hidden.clone(),
                    AggregateExpr { function: AggregateFunction::CountStar, distinct: false, args: Vec::new() },
                )],
            };
            LogicalPlan::Project {
                input: Box::new(aggregate),
                items: vec![(column.to_string(), Expr::var(&hidden))],
                discard: true,
            }
        }
        Some(step) => {
            // values(k) yields nothing for an element without k.
            let [GArg::Value(Value::String(key))] = step.args.as_slice() else { return None };
            let prop = Expr::Property(Box::new(Expr::var(&var)), key.clone());
            let present = filter(plan, Expr::Unary(UnaryOp::IsNotNull, Box::new(prop.clone())));
            LogicalPlan::Project { input: Box::new(present), items: vec![(column.to_string(), prop)], discard: true }
        }
    };
    Some(LogicalPlan::Produce { input: Box::new(plan), columns: vec![column.to_string()] })
}

/// No `as()` labels and no modulators: nothing the relational form would lose.
fn plain(step: &GStep) -> bool {
    step.labels.is_empty() && step.modulators.is_empty()
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::Boolean(_) | Value::Integer(_) | Value::Float(_) | Value::String(_))
}

fn filter(input: LogicalPlan, predicate: Expr) -> LogicalPlan {
    LogicalPlan::Filter { input: Box::new(input), predicate }
}

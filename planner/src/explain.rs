//! EXPLAIN: the plan as an indented tree, one operator per line with its details.

use std::fmt::Write;

use crate::plan::{CreateElement, Direction, LogicalPlan};

/// Per-operator figures PROFILE adds, in pre-order (the order `explain` prints).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperatorProfile {
    pub rows: u64,
    pub nanos: u64,
}

/// Render the plan; with `profile`, each line also shows rows and time.
pub fn explain(plan: &LogicalPlan, profile: Option<&[OperatorProfile]>) -> String {
    let mut out = String::new();
    let mut index = 0;
    render(plan, 0, profile, &mut index, &mut out);
    out
}

fn render(plan: &LogicalPlan, depth: usize, profile: Option<&[OperatorProfile]>, index: &mut usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    let _ = write!(out, "{indent}{}", plan.name());
    let details = details(plan);
    if !details.is_empty() {
        let _ = write!(out, " {details}");
    }
    if let Some(p) = profile.and_then(|p| p.get(*index)) {
        let _ = write!(out, "  [rows={}, time={:.3} ms]", p.rows, p.nanos as f64 / 1e6);
    }
    out.push('\n');
    *index += 1;
    for child in children(plan) {
        render(child, depth + 1, profile, index, out);
    }
}

/// Children in the order they are printed (and profiled): subplans first, then the input.
pub fn children(plan: &LogicalPlan) -> Vec<&LogicalPlan> {
    use LogicalPlan::*;
    let mut v: Vec<&LogicalPlan> = Vec::new();
    match plan {
        Optional { inner, .. } | SemiApply { inner, .. } => v.push(inner),
        Merge { pattern, .. } => v.push(pattern),
        Foreach { body, .. } => v.push(body),
        Union { left, right, .. } => {
            v.push(left);
            v.push(right);
        }
        _ => {}
    }
    if let Some(input) = plan.input() {
        v.push(input);
    }
    v
}

fn arrow(direction: Direction) -> (&'static str, &'static str) {
    match direction {
        Direction::Outgoing => ("-", "->"),
        Direction::Incoming => ("<-", "-"),
        Direction::Both => ("-", "-"),
    }
}

fn types_text(types: &[String]) -> String {
    if types.is_empty() {
        String::new()
    } else {
        format!(":{}", types.join("|"))
    }
}

fn details(plan: &LogicalPlan) -> String {
    use LogicalPlan::*;
    match plan {
        Argument { variables } if !variables.is_empty() => variables.join(", "),
        NodeScan { variable, label, property_filters, .. } => {
            let mut s = format!("({variable}{})", label.as_ref().map(|l| format!(":{l}")).unwrap_or_default());
            for (k, e) in property_filters {
                let _ = write!(s, " WHERE {variable}.{k} = {e}");
            }
            s
        }
        Expand { from, rel, to, types, direction, .. } => {
            let (l, r) = arrow(*direction);
            format!("({from}){l}[{rel}{}]{r}({to})", types_text(types))
        }
        VarLengthExpand { from, rel, to, types, direction, min, max, .. } => {
            let (l, r) = arrow(*direction);
            let max = max.map(|m| m.to_string()).unwrap_or_default();
            format!("({from}){l}[{rel}{}*{min}..{max}]{r}({to})", types_text(types))
        }
        ShortestPath { from, rel, to, types, direction, min, max, .. } => {
            let (l, r) = arrow(*direction);
            let max = max.map(|m| m.to_string()).unwrap_or_default();
            format!("({from}){l}[{rel}{}*{min}..{max}]{r}({to})", types_text(types))
        }
        Filter { predicate, .. } => predicate.to_string(),
        GremlinTraversal { start, traversal, output, .. } => {
            format!("{} -> {output} {}", start.as_deref().unwrap_or("g"), traversal.summary())
        }
        Project { items, .. } => items.iter().map(|(n, e)| format!("{e} AS {n}")).collect::<Vec<_>>().join(", "),
        Aggregate { keys, aggregates, .. } => {
            let keys: Vec<String> = keys.iter().map(|(n, e)| format!("{e} AS {n}")).collect();
            let aggs: Vec<String> = aggregates
                .iter()
                .map(|(n, a)| {
                    let args: Vec<String> = a.args.iter().map(|e| e.to_string()).collect();
                    let distinct = if a.distinct { "DISTINCT " } else { "" };
                    if args.is_empty() && a.function.name() == "count(*)" {
                        format!("count(*) AS {n}")
                    } else {
                        format!("{}({distinct}{}) AS {n}", a.function.name(), args.join(", "))
                    }
                })
                .collect();
            format!("keys=[{}] aggregates=[{}]", keys.join(", "), aggs.join(", "))
        }
        Sort { keys, .. } => keys
            .iter()
            .map(|k| format!("{}{}", k.expr, if k.descending { " DESC" } else { "" }))
            .collect::<Vec<_>>()
            .join(", "),
        Skip { count, .. } | Limit { count, .. } => count.to_string(),
        Unwind { expr, variable, .. } => format!("{expr} AS {variable}"),
        LoadCsv { url, with_headers, variable, .. } => {
            format!("{}FROM {url} AS {variable}", if *with_headers { "WITH HEADERS " } else { "" })
        }
        Create { elements, .. } => elements
            .iter()
            .map(|e| match e {
                CreateElement::Node { variable, labels, .. } => {
                    format!("({variable}{})", labels.iter().map(|l| format!(":{l}")).collect::<String>())
                }
                CreateElement::Relationship { variable, rel_type, start, end, .. } => {
                    format!("({start})-[{variable}:{rel_type}]->({end})")
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
        Delete { exprs, .. } => exprs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", "),
        Foreach { variable, list, .. } => format!("{variable} IN {list}"),
        ProcedureCall { procedure, args, yields, .. } => {
            let args: Vec<String> = args.iter().map(|e| e.to_string()).collect();
            let yields: Vec<String> =
                yields.iter().map(|(f, v)| if f == v { f.clone() } else { format!("{f} AS {v}") }).collect();
            let mut s = format!("{procedure}({})", args.join(", "));
            if !yields.is_empty() {
                let _ = write!(s, " YIELD {}", yields.join(", "));
            }
            s
        }
        Values { rows, .. } => format!("{} rows", rows.len()),
        Produce { columns, .. } => columns.join(", "),
        _ => String::new(),
    }
}

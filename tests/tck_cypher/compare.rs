//! Matching engine values against expected TCK values and result tables.

use std::collections::BTreeMap;

use plexus::Value;
use plexus_storage::{Node, Path, Relationship};

use crate::values::{Expected, NodeShape, PathShape, RelShape};

/// How strictly a result table is compared.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    pub ordered: bool,
    /// Lists compare as multisets (at every nesting level).
    pub ignore_list_order: bool,
}

/// Whether one actual value matches one expected value.
pub fn matches(actual: &Value, expected: &Expected, mode: Mode) -> bool {
    match (actual, expected) {
        (Value::Null, Expected::Null) => true,
        (Value::Boolean(a), Expected::Bool(e)) => a == e,
        (Value::Integer(a), Expected::Int(e)) => a == e,
        (Value::Float(a), Expected::Float(e)) => floats_match(*a, *e),
        (Value::String(a), Expected::String(e)) => a == e,
        (Value::List(a), Expected::List(e)) => {
            if mode.ignore_list_order {
                bag_matches(a, e, |x, y| matches(x, y, mode))
            } else {
                a.len() == e.len() && a.iter().zip(e).all(|(x, y)| matches(x, y, mode))
            }
        }
        (Value::Map(a), Expected::Map(e)) => props_match(a, e, mode),
        (Value::Node(a), Expected::Node(e)) => node_matches(a, e, mode),
        (Value::Relationship(a), Expected::Rel(e)) => rel_matches(a, e, mode),
        (Value::Path(a), Expected::Path(e)) => path_matches(a, e, mode),
        // The TCK writes temporal results as their string form.
        (
            Value::Date(_)
            | Value::LocalTime(_)
            | Value::Time(_)
            | Value::LocalDateTime(_)
            | Value::DateTime(_)
            | Value::Duration(_),
            Expected::String(e),
        ) => &actual.to_display_string() == e,
        _ => false,
    }
}

fn floats_match(a: f64, e: f64) -> bool {
    if a.is_nan() || e.is_nan() {
        return a.is_nan() && e.is_nan();
    }
    a == e || (a - e).abs() <= 1e-9 * a.abs().max(e.abs())
}

fn props_match(a: &BTreeMap<String, Value>, e: &BTreeMap<String, Expected>, mode: Mode) -> bool {
    a.len() == e.len() && e.iter().all(|(k, ev)| a.get(k).is_some_and(|av| matches(av, ev, mode)))
}

fn node_matches(a: &Node, e: &NodeShape, mode: Mode) -> bool {
    let mut al: Vec<&String> = a.labels.iter().collect();
    let mut el: Vec<&String> = e.labels.iter().collect();
    al.sort();
    el.sort();
    al == el && props_match(&a.properties, &e.props, mode)
}

fn rel_matches(a: &Relationship, e: &RelShape, mode: Mode) -> bool {
    a.rel_type == e.rel_type && props_match(&a.properties, &e.props, mode)
}

fn path_matches(a: &Path, e: &PathShape, mode: Mode) -> bool {
    if a.nodes.len() != e.hops.len() + 1 || a.relationships.len() != e.hops.len() {
        return false;
    }
    if !node_matches(&a.nodes[0], &e.start, mode) {
        return false;
    }
    e.hops.iter().enumerate().all(|(i, (rel, forward, node))| {
        let r = &a.relationships[i];
        let (from, to) = (a.nodes[i].id, a.nodes[i + 1].id);
        let direction_ok = if *forward { r.start == from && r.end == to } else { r.start == to && r.end == from };
        direction_ok && rel_matches(r, rel, mode) && node_matches(&a.nodes[i + 1], node, mode)
    })
}

/// Multiset equality: every expected item is paired with a distinct actual one.
/// Greedy pairing is exact here because matching is an equivalence (up to the
/// float tolerance, which the TCK never exercises across rows).
pub fn bag_matches<A, E>(actual: &[A], expected: &[E], eq: impl Fn(&A, &E) -> bool) -> bool {
    if actual.len() != expected.len() {
        return false;
    }
    let mut used = vec![false; actual.len()];
    expected.iter().all(|e| {
        let found = (0..actual.len()).find(|&i| !used[i] && eq(&actual[i], e));
        found.map(|i| used[i] = true).is_some()
    })
}

/// Compare result rows with the expected table (header already checked).
pub fn rows_match(actual: &[Vec<Value>], expected: &[Vec<Expected>], mode: Mode) -> bool {
    let row_eq =
        |a: &Vec<Value>, e: &Vec<Expected>| a.len() == e.len() && a.iter().zip(e).all(|(x, y)| matches(x, y, mode));
    if mode.ordered {
        actual.len() == expected.len() && actual.iter().zip(expected).all(|(a, e)| row_eq(a, e))
    } else {
        bag_matches(actual, expected, row_eq)
    }
}

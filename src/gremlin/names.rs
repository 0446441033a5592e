//! The fixed vocabularies of Gremlin text: enum classes and their bare constants, predicate
//! names, and which instructions configure a source or spawn a traversal.

use super::ast::PredicateClass;

/// Enum classes that may qualify a constant, as in `T.id` or `GType.SET`.
pub const ENUM_CLASSES: &[&str] = &[
    "T",
    "Order",
    "Scope",
    "Column",
    "Pop",
    "Direction",
    "Cardinality",
    "Merge",
    "Pick",
    "GType",
    "Operator",
    "Barrier",
    "WithOptions",
    "IO",
    "DT",
];

/// The class of a constant written without its class (`desc`, `OUT`, `local`), as the grammar
/// allows. Where a word belongs to two classes the more common reading wins (`all` is `Pop`).
pub fn bare_enum_class(word: &str) -> Option<&'static str> {
    Some(match word {
        "id" | "label" | "key" | "value" => "T",
        "asc" | "desc" | "shuffle" | "incr" | "decr" => "Order",
        "local" | "global" => "Scope",
        "keys" | "values" => "Column",
        "first" | "last" | "all" | "mixed" => "Pop",
        "OUT" | "IN" | "BOTH" => "Direction",
        "list" | "set" | "single" => "Cardinality",
        "onCreate" | "onMatch" | "outV" | "inV" => "Merge",
        "any" | "none" | "unproductive" => "Pick",
        "addAll" | "and" | "assign" | "div" | "max" | "min" | "minus" | "mult" | "or" | "sum" | "sumLong" => "Operator",
        "normSack" => "Barrier",
        "second" | "minute" | "hour" | "day" => "DT",
        _ => return None,
    })
}

/// The predicate family of a predicate name, or `None` if it names no predicate.
pub fn predicate_class(name: &str) -> Option<PredicateClass> {
    match name {
        "eq" | "neq" | "lt" | "lte" | "gt" | "gte" | "inside" | "outside" | "between" | "within" | "without"
        | "not" | "test" | "typeOf" => Some(PredicateClass::P),
        "containing" | "notContaining" | "startingWith" | "notStartingWith" | "endingWith" | "notEndingWith"
        | "regex" | "notRegex" => Some(PredicateClass::TextP),
        _ => None,
    }
}

/// Source instructions (`g.withSideEffect(…)`) come before the spawn step.
pub fn is_source_step(name: &str) -> bool {
    name.starts_with("with")
}

/// Steps that may start a `g.` traversal.
pub fn is_spawn_step(name: &str) -> bool {
    matches!(name, "V" | "E" | "addV" | "addE" | "inject" | "mergeV" | "mergeE" | "call" | "io" | "union")
}

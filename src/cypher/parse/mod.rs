//! Building the syntax tree from the pest parse tree, one module per area.

mod clauses;
mod errors;
mod exprs;
mod literals;
mod patterns;
#[cfg(test)]
mod tests;

use pest::iterators::Pair;
use plexus_storage::Error;

use super::ast::Pos;
use super::parser::Rule;

pub(crate) use clauses::build_statement;
pub(crate) use errors::{check_depth, from_pest};

/// A node of the pest parse tree.
type P<'i> = Pair<'i, Rule>;
/// The result of every builder.
type Res<T> = Result<T, Error>;

/// Is this rule a keyword token (named `K_...` in the grammar)?
fn is_keyword(rule: Rule) -> bool {
    format!("{rule:?}").starts_with("K_")
}

/// The children of a node, keywords left out.
fn children(p: P<'_>) -> impl Iterator<Item = P<'_>> {
    p.into_inner().filter(|c| !is_keyword(c.as_rule()))
}

/// Does the node have a direct child of this rule?
fn has(p: &P<'_>, rule: Rule) -> bool {
    p.clone().into_inner().any(|c| c.as_rule() == rule)
}

/// Where a node starts in the query text.
fn pos(p: &P<'_>) -> Pos {
    p.as_span().start()
}

/// A syntax error with the generic detail, at the start of a node.
fn unexpected(p: &P<'_>, message: impl Into<String>) -> Error {
    Error::syntax("UnexpectedSyntax", message, pos(p))
}

/// The next child, or a syntax error naming what is missing (never expected to fire).
fn next<'i>(it: &mut impl Iterator<Item = P<'i>>, parent: &P<'i>, what: &str) -> Res<P<'i>> {
    it.next().ok_or_else(|| unexpected(parent, format!("expected {what}")))
}

/// The text of a name (`schema_name`, `variable`, ...), backticks removed.
fn name(p: P<'_>) -> String {
    let mut p = p;
    while let Some(inner) = p.clone().into_inner().next() {
        p = inner;
    }
    let text = p.as_str();
    if p.as_rule() == Rule::escaped_name {
        text[1..text.len() - 1].replace("``", "`")
    } else {
        text.to_string()
    }
}

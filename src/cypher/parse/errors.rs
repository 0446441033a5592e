//! Turning pest failures into readable syntax errors, and the nesting guard.

use std::collections::BTreeSet;

use pest::error::{ErrorVariant, InputLocation};
use plexus_storage::Error;

use super::{pos, Res, P};
use crate::cypher::parser::Rule;

/// The deepest expression nesting we build (deeper input could overflow the stack).
const MAX_DEPTH: usize = 400;

/// Convert a pest error into a SyntaxError with a position and a readable message.
pub(crate) fn from_pest(e: &pest::error::Error<Rule>, text: &str) -> Error {
    let at = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let at = at.min(text.len());
    let found = found(text, at);
    if let Some(c) = text[at..].chars().next() {
        if !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() {
            let msg = format!("unexpected unicode character '{c}' (U+{:04X})", c as u32);
            return Error::syntax("InvalidUnicodeCharacter", msg, at);
        }
    }
    let expected = expected(e);
    let msg = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_alternatives(&expected))
    };
    Error::syntax("UnexpectedSyntax", msg, at)
}

/// What the input holds at `at`, for messages.
fn found(text: &str, at: usize) -> String {
    let rest = &text[at..];
    let Some(first) = rest.chars().next() else {
        return "end of input".to_string();
    };
    let word: String = if first.is_alphanumeric() || first == '_' {
        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').take(30).collect()
    } else {
        first.to_string()
    };
    format!("'{word}'")
}

/// The readable names of what the parser could have accepted.
fn expected(e: &pest::error::Error<Rule>) -> Vec<String> {
    let mut out = BTreeSet::new();
    if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
        out.extend(positives.iter().filter_map(|r| describe(*r)));
    }
    if let Some(attempts) = e.parse_attempts() {
        let tokens: Vec<String> = attempts.expected_tokens().iter().map(ToString::to_string).collect();
        if tokens.iter().any(|t| t == "'") {
            out.insert("an expression".to_string());
        }
        out.extend(tokens.iter().filter(|t| is_punctuation(t)).map(|t| format!("'{t}'")));
    }
    if out.contains("an expression") {
        let starts = ["a variable", "a name", "'('", "'['", "'{'", "'$'", "'+'", "'-'", "'.'"];
        out.retain(|s| !starts.contains(&s.as_str()));
    }
    if out.contains("a map or parameter") {
        out.retain(|s| s != "'$'" && s != "'{'");
    }
    if out.contains("a label") {
        out.remove("':'");
    }
    out.into_iter().collect()
}

/// Tokens worth naming in a message: short punctuation, not whitespace or quotes.
fn is_punctuation(t: &str) -> bool {
    let skip = ["/*", "//", "_", "`", "'", "\""];
    !t.is_empty() && t.len() <= 3 && !skip.contains(&t) && t.chars().all(|c| c.is_ascii_punctuation())
}

/// "a, b or c".
fn join_alternatives(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The readable name of a grammar rule, if it is worth naming.
fn describe(rule: Rule) -> Option<String> {
    let debug = format!("{rule:?}");
    if let Some(keyword) = debug.strip_prefix("K_") {
        return Some(keyword.to_string());
    }
    let text = match rule {
        Rule::EOI => "end of input",
        Rule::variable => "a variable",
        Rule::schema_name | Rule::unescaped_name | Rule::escaped_name | Rule::function_name => "a name",
        Rule::node_pattern | Rule::chain | Rule::pattern | Rule::pattern_part => "a pattern",
        Rule::rel_pattern | Rule::rel_detail => "a relationship pattern",
        Rule::node_labels | Rule::rel_types => "a label",
        Rule::range | Rule::bad_range => "a variable length '*'",
        Rule::comp_op | Rule::add_op | Rule::mul_op | Rule::string_op | Rule::null_check => "an operator",
        Rule::property_lookup => "a property lookup",
        Rule::subscript => "'['",
        Rule::predicate_suffix => "an operator",
        Rule::order_by => "ORDER BY",
        Rule::skip => "SKIP",
        Rule::limit => "LIMIT",
        Rule::where_clause => "WHERE",
        Rule::union => "UNION",
        Rule::explain => "EXPLAIN",
        Rule::star => "'*'",
        Rule::sort_dir => "ASC or DESC",
        Rule::map_literal | Rule::parameter => "a map or parameter",
        Rule::left_arrow | Rule::right_arrow => "an arrow",
        Rule::match_clause
        | Rule::unwind_clause
        | Rule::load_csv_clause
        | Rule::with_clause
        | Rule::return_clause
        | Rule::create_clause
        | Rule::merge_clause
        | Rule::set_clause
        | Rule::remove_clause
        | Rule::delete_clause
        | Rule::call_clause
        | Rule::foreach_clause
        | Rule::merge_action => "a clause",
        r if is_expression_rule(r) => "an expression",
        _ => return None,
    };
    Some(text.to_string())
}

/// Rules that start an expression.
fn is_expression_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::expression
            | Rule::or_expr
            | Rule::xor_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::comparison
            | Rule::predicate_expr
            | Rule::add_sub
            | Rule::mul_div
            | Rule::power
            | Rule::unary
            | Rule::unary_op
            | Rule::postfix
            | Rule::literal
            | Rule::number
            | Rule::string_lit
            | Rule::case_expr
            | Rule::count_star
            | Rule::list_comprehension
            | Rule::pattern_comprehension
            | Rule::list_literal
            | Rule::quantified
            | Rule::reduce_expr
            | Rule::exists_subquery
            | Rule::shortest_path
            | Rule::rel_chain
            | Rule::paren_expr
            | Rule::function_call
            | Rule::map_projection
            | Rule::invalid_number
            | Rule::property_expression
            | Rule::projection_item
            | Rule::sort_item
    )
}

/// Rules whose repetitions nest in the built tree (each operand adds a level).
fn is_chain_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::or_expr
            | Rule::xor_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::comparison
            | Rule::predicate_expr
            | Rule::add_sub
            | Rule::mul_div
            | Rule::power
            | Rule::unary
            | Rule::postfix
            | Rule::property_expression
    )
}

/// Refuse parse trees nested so deeply that building or dropping them could overflow the stack.
pub(crate) fn check_depth(root: &P<'_>) -> Res<()> {
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((p, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(Error::syntax("UnexpectedSyntax", "the query is nested too deeply", pos(&p)));
        }
        let count = p.clone().into_inner().count();
        // Single-child wrappers are skipped by the builder; chains nest once per operand.
        let step = match count {
            1 if is_chain_rule(p.as_rule()) || p.as_rule() == Rule::expression => 0,
            n if is_chain_rule(p.as_rule()) => n,
            _ => 1,
        };
        stack.extend(p.into_inner().map(|c| (c, depth + step)));
    }
    Ok(())
}

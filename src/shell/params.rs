//! Parameters given as Cypher expressions (`:param` and `--param`), evaluated
//! by the database itself so every literal and function works.

use plexus_storage::{Error, Value};

use super::caret;
use crate::db::{Database, Params};

/// The query that evaluates `expr`. `AS v` goes on its own line so a `//`
/// comment at the end of the expression cannot swallow it.
pub(crate) fn query_for(expr: &str) -> String {
    format!("{PREFIX}{expr}\nAS v")
}

const PREFIX: &str = "RETURN ";

/// Evaluate `expr` with the parameters set so far; the first row's value.
pub fn evaluate(db: &Database, expr: &str, params: &Params) -> Result<Value, Error> {
    let mut result = db.execute(&query_for(expr), params)?;
    match result.next() {
        Some(row) => Ok(row?.into_iter().next().unwrap_or(Value::Null)),
        None => Ok(Value::Null),
    }
}

/// Render an error from [`evaluate`] with the caret placed in `expr` itself
/// rather than in the wrapping query.
pub fn render_error(err: &Error, expr: &str) -> String {
    let mut err = err.clone();
    err.pos = err.pos.map(|p| p.saturating_sub(PREFIX.len()).min(expr.len()));
    caret::render_error(&err, expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_expression_so_trailing_comments_are_harmless() {
        assert_eq!(query_for("1 // one"), "RETURN 1 // one\nAS v");
    }

    #[test]
    fn error_positions_are_moved_into_the_expression() {
        let err = Error::syntax("UnexpectedEnd", "unexpected end of input", "RETURN 1 +\nAS v".len());
        assert_eq!(
            render_error(&err, "1 +"),
            "SyntaxError.UnexpectedEnd: unexpected end of input\nline 1, column 4:\n  1 +\n     ^"
        );
    }
}

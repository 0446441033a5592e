//! The Cypher parser: a pest grammar (`grammar/cypher.pest`) and the code that
//! turns its parse tree into the syntax tree of `ast.rs`.

use pest::Parser;
use plexus_storage::Error;

use super::ast::Statement;
use super::parse::{build_statement, check_depth, from_pest};

/// The pest parser generated from `grammar/cypher.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "grammar/cypher.pest"]
pub(crate) struct CypherParser;

/// Parse one Cypher statement (optionally prefixed by EXPLAIN / PROFILE).
pub fn parse(text: &str) -> Result<Statement, Error> {
    let mut pairs = match CypherParser::parse(Rule::statement, text) {
        Ok(pairs) => pairs,
        Err(_) => return Err(detailed_error(text)),
    };
    let Some(statement) = pairs.next() else {
        return Err(Error::syntax("UnexpectedSyntax", "empty query", 0));
    };
    check_depth(&statement)?;
    build_statement(statement)
}

/// Parse again with pest's detailed attempt tracking (slower) to describe the failure.
fn detailed_error(text: &str) -> Error {
    pest::set_error_detail(true);
    let result = CypherParser::parse(Rule::statement, text);
    pest::set_error_detail(false);
    match result {
        Err(e) => from_pest(&e, text),
        Ok(_) => Error::syntax("UnexpectedSyntax", "invalid query", 0),
    }
}

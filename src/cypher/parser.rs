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
    static DETAIL: std::sync::Once = std::sync::Once::new();
    DETAIL.call_once(|| pest::set_error_detail(true));
    let mut pairs = CypherParser::parse(Rule::statement, text).map_err(|e| from_pest(&e, text))?;
    let Some(statement) = pairs.next() else {
        return Err(Error::syntax("UnexpectedSyntax", "empty query", 0));
    };
    check_depth(&statement)?;
    build_statement(statement)
}

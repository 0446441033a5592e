//! The Gremlin front end: traversal text → [`Traversal`] AST. Nothing here runs a traversal;
//! the lowering turns the AST into the shared logical plan, and the server maps bytecode onto
//! the same AST.

pub mod ast;
mod lexer;
mod literal;
pub mod lower;
pub(crate) mod names;
mod parser;
#[cfg(test)]
mod tests;

use chumsky::input::{Input, Stream};
use chumsky::Parser;
use plexus_storage::Error;

pub use ast::{
    Argument, EnumValue, GValue, Instruction, Predicate, PredicateClass, Strategy, Traversal, TraversalRoot,
};

/// Parses one traversal (`g.V()…`) into its AST; errors are `SyntaxError`s with a byte position.
pub fn parse(text: &str) -> Result<Traversal, Error> {
    let tokens = lexer::lex(text)?;
    if tokens.is_empty() {
        return Err(Error::syntax("UnexpectedSyntax", "empty traversal", 0));
    }
    let end = text.len();
    let stream = Stream::from_iter(tokens.into_iter().map(|(token, span)| (token, span.into())))
        .map((end..end).into(), |(token, span)| (token, span));
    parser::traversal().parse(stream).into_result().map_err(|errors| {
        // The first error is the furthest point the parser reached, which is where the text goes wrong.
        match errors.into_iter().next() {
            Some(error) => Error::syntax("UnexpectedSyntax", error.to_string(), error.span().start),
            None => Error::syntax("UnexpectedSyntax", "invalid traversal", 0),
        }
    })
}

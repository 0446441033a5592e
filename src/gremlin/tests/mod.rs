//! Tests of the Gremlin parser: AST shapes, errors, robustness and the TinkerPop corpus.

mod corpus;
mod errors;
mod execution;
mod plans;
mod shapes;

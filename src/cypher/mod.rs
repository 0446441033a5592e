pub mod ast;
mod parse;
pub mod parser;

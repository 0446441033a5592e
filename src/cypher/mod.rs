pub mod ast;
pub mod lower;
mod parse;
pub mod parser;

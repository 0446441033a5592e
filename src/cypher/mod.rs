pub mod ast;
mod parse;
pub mod parser;
pub mod lower;

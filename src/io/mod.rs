//! Import and export of whole graphs in exchange formats.

pub mod columnar;
pub mod graphson;

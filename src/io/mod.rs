//! Import and export of whole graphs in exchange formats.

pub mod graphson;

//! GraphBinary v1 type codes (PROTOCOLS.md B.5) and the enum classes by code.

pub const INT: u8 = 0x01;
pub const LONG: u8 = 0x02;
pub const STRING: u8 = 0x03;
pub const DATE: u8 = 0x04;
pub const TIMESTAMP: u8 = 0x05;
pub const CLASS: u8 = 0x06;
pub const DOUBLE: u8 = 0x07;
pub const FLOAT: u8 = 0x08;
pub const LIST: u8 = 0x09;
pub const MAP: u8 = 0x0A;
pub const SET: u8 = 0x0B;
pub const UUID: u8 = 0x0C;
pub const EDGE: u8 = 0x0D;
pub const PATH: u8 = 0x0E;
pub const PROPERTY: u8 = 0x0F;
pub const VERTEX: u8 = 0x11;
pub const VERTEX_PROPERTY: u8 = 0x12;
pub const BINDING: u8 = 0x14;
pub const BYTECODE: u8 = 0x15;
pub const LAMBDA: u8 = 0x1D;
pub const P: u8 = 0x1E;
pub const TRAVERSER: u8 = 0x21;
pub const BIG_DECIMAL: u8 = 0x22;
pub const BIG_INTEGER: u8 = 0x23;
pub const BYTE: u8 = 0x24;
pub const BYTE_BUFFER: u8 = 0x25;
pub const SHORT: u8 = 0x26;
pub const BOOLEAN: u8 = 0x27;
pub const TEXT_P: u8 = 0x28;
pub const TRAVERSAL_STRATEGY: u8 = 0x29;
pub const BULK_SET: u8 = 0x2A;
pub const UNSPECIFIED_NULL: u8 = 0xFE;
pub const CHAR: u8 = 0x80;
pub const DURATION: u8 = 0x81;
pub const OFFSET_DATE_TIME: u8 = 0x88;

/// The enum class a type code stands for (each is a String value on the wire).
pub fn enum_class(code: u8) -> Option<&'static str> {
    Some(match code {
        0x13 => "Barrier",
        0x16 => "Cardinality",
        0x17 => "Column",
        0x18 => "Direction",
        0x19 => "Operator",
        0x1A => "Order",
        0x1B => "Pick",
        0x1C => "Pop",
        0x1F => "Scope",
        0x20 => "T",
        0x2E => "Merge",
        0x2F => "DT",
        0x30 => "GType",
        _ => return None,
    })
}

/// The type code of an enum class (the inverse of `enum_class`).
pub fn enum_code(class: &str) -> Option<u8> {
    (0x13..=0x30).find(|code| enum_class(*code) == Some(class))
}

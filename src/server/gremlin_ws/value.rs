//! The values a Gremlin Server frame carries, whichever serializer wrote them:
//! GraphBinary and GraphSON both decode into `WireValue` and encode from it,
//! so bytecode translation and result shaping are written once.

use std::fmt;

/// A request id: a UUID kept as its 16 bytes (GraphBinary writes them bare).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Uuid(pub [u8; 16]);

impl Uuid {
    /// Reads `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hyphens optional, any case).
    pub fn parse(text: &str) -> Option<Uuid> {
        let hex: Vec<u8> = text.bytes().filter(|b| *b != b'-').collect();
        if hex.len() != 32 || text.len() > 36 {
            return None;
        }
        let mut out = [0u8; 16];
        for (i, pair) in hex.chunks(2).enumerate() {
            let pair = std::str::from_utf8(pair).ok()?;
            out[i] = u8::from_str_radix(pair, 16).ok()?;
        }
        Some(Uuid(out))
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Bytecode: source instructions (`withSideEffect`, `tx`, …) then steps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bytecode {
    pub sources: Vec<WireInstruction>,
    pub steps: Vec<WireInstruction>,
}

/// One bytecode instruction: a name and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct WireInstruction {
    pub name: String,
    pub args: Vec<WireValue>,
}

/// A value on the wire, typed as TinkerPop types it.
#[derive(Debug, Clone, PartialEq)]
pub enum WireValue {
    Null,
    Boolean(bool),
    Byte(i8),
    Short(i16),
    Int(i32),
    Long(i64),
    Float(f32),
    Double(f64),
    /// Decimal digits with an optional `-`.
    BigInteger(String),
    /// Decimal text, e.g. `-12.50`.
    BigDecimal(String),
    String(String),
    Char(char),
    Uuid(Uuid),
    /// Milliseconds since the epoch (`java.util.Date`).
    Date(i64),
    Timestamp(i64),
    /// An instant with the offset it is written in.
    OffsetDateTime {
        seconds: i64,
        nanos: u32,
        offset_seconds: i32,
    },
    Duration {
        seconds: i64,
        nanos: i32,
    },
    ByteBuffer(Vec<u8>),
    Class(String),
    List(Vec<WireValue>),
    Set(Vec<WireValue>),
    Map(Vec<(WireValue, WireValue)>),
    /// Items with their bulks.
    BulkSet(Vec<(WireValue, i64)>),
    /// `T.id`, `Direction.OUT`, `Order.desc`: the class and the constant as sent.
    Enum {
        kind: &'static str,
        value: String,
    },
    /// `P.gt(1)` (`text` false) or `TextP.containing("a")`; `and`/`or`/`not` hold predicates.
    Predicate {
        text: bool,
        name: String,
        args: Vec<WireValue>,
    },
    /// A named parameter (`Bindings.of("x", 1)`).
    Binding {
        key: String,
        value: Box<WireValue>,
    },
    Lambda {
        language: String,
        script: String,
        arity: i32,
    },
    /// A traversal strategy by class name (fully qualified in GraphBinary) with its configuration.
    Strategy {
        class: String,
        config: Vec<(WireValue, WireValue)>,
    },
    Bytecode(Box<Bytecode>),
    Vertex {
        id: Box<WireValue>,
        label: String,
        properties: Vec<WireValue>,
    },
    VertexProperty {
        id: Box<WireValue>,
        label: String,
        value: Box<WireValue>,
        properties: Vec<WireValue>,
    },
    Edge {
        id: Box<WireValue>,
        label: String,
        in_v: Box<WireValue>,
        in_v_label: String,
        out_v: Box<WireValue>,
        out_v_label: String,
        properties: Vec<WireValue>,
    },
    Property {
        key: String,
        value: Box<WireValue>,
    },
    /// `labels` is a List of Sets of Strings, `objects` a List.
    Path {
        labels: Box<WireValue>,
        objects: Box<WireValue>,
    },
    Traverser {
        bulk: i64,
        value: Box<WireValue>,
    },
}

impl WireValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            WireValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// Any integral number as i64.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            WireValue::Byte(n) => Some(i64::from(*n)),
            WireValue::Short(n) => Some(i64::from(*n)),
            WireValue::Int(n) => Some(i64::from(*n)),
            WireValue::Long(n) => Some(*n),
            _ => None,
        }
    }
}

/// The enum classes Gremlin bytecode may carry, by their TinkerPop names.
pub const ENUM_KINDS: &[&str] = &[
    "Barrier",
    "Cardinality",
    "Column",
    "Direction",
    "Operator",
    "Order",
    "Pick",
    "Pop",
    "Scope",
    "T",
    "Merge",
    "DT",
    "GType",
];

/// The `&'static str` for an enum class name, if Gremlin has that class.
pub fn enum_kind(name: &str) -> Option<&'static str> {
    ENUM_KINDS.iter().copied().find(|k| *k == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_round_trip_through_text() {
        let text = "41d2e28a-20a4-4ab0-b379-d810dede3786";
        let id = Uuid::parse(text).expect("uuid");
        assert_eq!(id.to_string(), text);
        assert_eq!(Uuid::parse(&text.to_uppercase()), Some(id));
        assert_eq!(Uuid::parse("41d2e28a"), None);
        assert_eq!(Uuid::parse("zzd2e28a-20a4-4ab0-b379-d810dede3786"), None);
    }
}

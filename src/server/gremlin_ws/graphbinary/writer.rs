//! GraphBinary v1 encoding of `WireValue`s. Element parents are always the
//! unspecified null `FE 01` (gremlinpython skips exactly two bytes there).

use super::types as code;
use crate::server::gremlin_ws::value::{Bytecode, WireInstruction, WireValue};

const NULL: [u8; 2] = [code::UNSPECIFIED_NULL, 0x01];

pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    pub fn new() -> Self {
        Writer { bytes: Vec::with_capacity(256) }
    }

    pub fn u8(&mut self, b: u8) {
        self.bytes.push(b);
    }

    pub fn i32(&mut self, n: i32) {
        self.bytes.extend_from_slice(&n.to_be_bytes());
    }

    pub fn i64(&mut self, n: i64) {
        self.bytes.extend_from_slice(&n.to_be_bytes());
    }

    /// A count or byte length; longer than `i32::MAX` cannot be written, so it is cut there.
    fn length(&mut self, n: usize) {
        self.i32(i32::try_from(n).unwrap_or(i32::MAX));
    }

    pub fn bare_string(&mut self, s: &str) {
        self.length(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }

    pub fn bare_map(&mut self, entries: &[(WireValue, WireValue)]) {
        self.length(entries.len());
        for (k, v) in entries {
            self.value(k);
            self.value(v);
        }
    }

    fn head(&mut self, type_code: u8) {
        self.bytes.extend_from_slice(&[type_code, 0x00]);
    }

    fn list_body(&mut self, items: &[WireValue]) {
        self.length(items.len());
        for item in items {
            self.value(item);
        }
    }

    fn properties(&mut self, items: &[WireValue]) {
        self.head(code::LIST);
        self.list_body(items);
    }

    /// A fully qualified value.
    pub fn value(&mut self, value: &WireValue) {
        match value {
            WireValue::Null => self.bytes.extend_from_slice(&NULL),
            WireValue::Boolean(b) => {
                self.head(code::BOOLEAN);
                self.u8(u8::from(*b));
            }
            WireValue::Byte(n) => {
                self.head(code::BYTE);
                self.bytes.extend_from_slice(&n.to_be_bytes());
            }
            WireValue::Short(n) => {
                self.head(code::SHORT);
                self.bytes.extend_from_slice(&n.to_be_bytes());
            }
            WireValue::Int(n) => {
                self.head(code::INT);
                self.i32(*n);
            }
            WireValue::Long(n) => {
                self.head(code::LONG);
                self.i64(*n);
            }
            WireValue::Float(f) => {
                self.head(code::FLOAT);
                self.bytes.extend_from_slice(&f.to_be_bytes());
            }
            WireValue::Double(f) => {
                self.head(code::DOUBLE);
                self.bytes.extend_from_slice(&f.to_be_bytes());
            }
            // Numbers beyond 64 bits have no Plexus value; their text is what we can give.
            WireValue::BigInteger(s) | WireValue::BigDecimal(s) | WireValue::String(s) => {
                self.head(code::STRING);
                self.bare_string(s);
            }
            WireValue::Char(c) => {
                self.head(code::CHAR);
                let mut buf = [0u8; 4];
                self.bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            WireValue::Uuid(id) => {
                self.head(code::UUID);
                self.bytes.extend_from_slice(&id.0);
            }
            WireValue::Date(ms) => {
                self.head(code::DATE);
                self.i64(*ms);
            }
            WireValue::Timestamp(ms) => {
                self.head(code::TIMESTAMP);
                self.i64(*ms);
            }
            WireValue::OffsetDateTime { seconds, nanos, offset_seconds } => {
                self.offset_date_time(*seconds, *nanos, *offset_seconds)
            }
            WireValue::Duration { seconds, nanos } => {
                self.head(code::DURATION);
                self.i64(*seconds);
                self.i32(*nanos);
            }
            WireValue::ByteBuffer(b) => {
                self.head(code::BYTE_BUFFER);
                self.length(b.len());
                self.bytes.extend_from_slice(b);
            }
            WireValue::Class(name) => {
                self.head(code::CLASS);
                self.bare_string(name);
            }
            WireValue::List(items) => {
                self.head(code::LIST);
                self.list_body(items);
            }
            WireValue::Set(items) => {
                self.head(code::SET);
                self.list_body(items);
            }
            WireValue::Map(entries) => {
                self.head(code::MAP);
                self.bare_map(entries);
            }
            WireValue::BulkSet(items) => {
                self.head(code::BULK_SET);
                self.length(items.len());
                for (item, bulk) in items {
                    self.value(item);
                    self.i64(*bulk);
                }
            }
            WireValue::Enum { kind, value } => match code::enum_code(kind) {
                Some(c) => {
                    self.head(c);
                    self.value(&WireValue::String(value.clone()));
                }
                None => self.value(&WireValue::String(value.clone())),
            },
            WireValue::Predicate { text, name, args } => {
                self.head(if *text { code::TEXT_P } else { code::P });
                self.bare_string(name);
                self.list_body(args);
            }
            WireValue::Binding { key, value } => {
                self.head(code::BINDING);
                self.bare_string(key);
                self.value(value);
            }
            WireValue::Lambda { language, script, arity } => {
                self.head(code::LAMBDA);
                self.bare_string(language);
                self.bare_string(script);
                self.i32(*arity);
            }
            WireValue::Strategy { class, config } => {
                self.head(code::TRAVERSAL_STRATEGY);
                self.bare_string(class);
                self.bare_map(config);
            }
            WireValue::Bytecode(b) => {
                self.head(code::BYTECODE);
                self.bytecode(b);
            }
            WireValue::Vertex { id, label, properties } => {
                self.head(code::VERTEX);
                self.value(id);
                self.bare_string(label);
                self.properties(properties);
            }
            WireValue::VertexProperty { id, label, value, properties } => {
                self.head(code::VERTEX_PROPERTY);
                self.value(id);
                self.bare_string(label);
                self.value(value);
                self.bytes.extend_from_slice(&NULL);
                self.properties(properties);
            }
            WireValue::Edge { id, label, in_v, in_v_label, out_v, out_v_label, properties } => {
                self.head(code::EDGE);
                self.value(id);
                self.bare_string(label);
                self.value(in_v);
                self.bare_string(in_v_label);
                self.value(out_v);
                self.bare_string(out_v_label);
                self.bytes.extend_from_slice(&NULL);
                self.properties(properties);
            }
            WireValue::Property { key, value } => {
                self.head(code::PROPERTY);
                self.bare_string(key);
                self.value(value);
                self.bytes.extend_from_slice(&NULL);
            }
            WireValue::Path { labels, objects } => {
                self.head(code::PATH);
                self.value(labels);
                self.value(objects);
            }
            WireValue::Traverser { bulk, value } => {
                self.head(code::TRAVERSER);
                self.i64(*bulk);
                self.value(value);
            }
        }
    }

    pub fn bytecode(&mut self, b: &Bytecode) {
        self.instructions(&b.steps);
        self.instructions(&b.sources);
    }

    fn instructions(&mut self, list: &[WireInstruction]) {
        self.length(list.len());
        for ins in list {
            self.bare_string(&ins.name);
            self.list_body(&ins.args);
        }
    }

    /// The 3.8 default for dates: the local date and time at the value's offset.
    fn offset_date_time(&mut self, seconds: i64, nanos: u32, offset_seconds: i32) {
        let local = seconds.saturating_add(i64::from(offset_seconds));
        let Some(when) = chrono::DateTime::from_timestamp(local, nanos.min(999_999_999)) else {
            // Beyond chrono's years: milliseconds since the epoch still say when.
            self.head(code::DATE);
            self.i64(seconds.saturating_mul(1000));
            return;
        };
        use chrono::{Datelike, Timelike};
        let naive = when.naive_utc();
        self.head(code::OFFSET_DATE_TIME);
        self.i32(naive.year());
        self.u8(naive.month() as u8);
        self.u8(naive.day() as u8);
        self.i64(i64::from(naive.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(naive.nanosecond()));
        self.i32(offset_seconds);
    }
}

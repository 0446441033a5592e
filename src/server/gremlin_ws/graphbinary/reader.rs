//! GraphBinary v1 decoding. Every length is checked against the bytes that
//! remain before anything is allocated, and nesting is bounded, so no input
//! can panic the reader or make it allocate more than the frame's size.

use super::types as code;
use crate::server::gremlin_ws::value::{Bytecode, Uuid, WireInstruction, WireValue};

/// How deep containers and traversals may nest before a frame is refused.
const MAX_DEPTH: usize = 64;

/// Why bytes are not GraphBinary; `at` is the byte offset where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub message: String,
    pub at: usize,
}

pub type ReadResult<T> = Result<T, ReadError>;

pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0, depth: 0 }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn error<T>(&self, message: impl Into<String>) -> ReadResult<T> {
        Err(ReadError { message: message.into(), at: self.pos })
    }

    pub fn take(&mut self, n: usize) -> ReadResult<&'a [u8]> {
        if n > self.remaining() {
            return self.error(format!("{n} bytes expected, {} left", self.remaining()));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> ReadResult<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> ReadResult<u8> {
        Ok(self.array::<1>()?[0])
    }

    pub fn i32(&mut self) -> ReadResult<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    pub fn i64(&mut self) -> ReadResult<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    /// A count or byte length: not negative, and (each item taking at least
    /// `min_item` bytes) not more than the bytes left can hold.
    fn length(&mut self, min_item: usize) -> ReadResult<usize> {
        let n = self.i32()?;
        let Ok(n) = usize::try_from(n) else { return self.error(format!("negative length {n}")) };
        if n.saturating_mul(min_item) > self.remaining() {
            return self.error(format!("length {n} exceeds the {} bytes left", self.remaining()));
        }
        Ok(n)
    }

    pub fn bare_string(&mut self) -> ReadResult<String> {
        let n = self.length(1)?;
        let at = self.pos;
        let bytes = self.take(n)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => Err(ReadError { message: "a string is not UTF-8".into(), at }),
        }
    }

    pub fn bare_uuid(&mut self) -> ReadResult<Uuid> {
        Ok(Uuid(self.array()?))
    }

    pub fn bare_map(&mut self) -> ReadResult<Vec<(WireValue, WireValue)>> {
        let n = self.length(4)?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let key = self.value()?;
            entries.push((key, self.value()?));
        }
        Ok(entries)
    }

    /// `{flag}{value}` of a value whose type the context fixes (status messages, request ids).
    pub fn nullable<T>(&mut self, read: impl FnOnce(&mut Self) -> ReadResult<T>) -> ReadResult<Option<T>> {
        match self.u8()? {
            0x00 => read(self).map(Some),
            0x01 => Ok(None),
            flag => self.error(format!("value flag {flag:#04x} is neither 0x00 nor 0x01")),
        }
    }

    /// A fully qualified value: `{type code}{value flag}{value}`.
    pub fn value(&mut self) -> ReadResult<WireValue> {
        if self.depth >= MAX_DEPTH {
            return self.error(format!("values nest deeper than {MAX_DEPTH} levels"));
        }
        let type_code = self.u8()?;
        let at = self.pos;
        match self.u8()? {
            0x00 => {}
            0x01 => return Ok(WireValue::Null),
            flag => return Err(ReadError { message: format!("value flag {flag:#04x} is neither 0x00 nor 0x01"), at }),
        }
        if type_code == code::UNSPECIFIED_NULL {
            return self.error("the unspecified null must have the null flag");
        }
        self.depth += 1;
        let value = self.typed(type_code);
        self.depth -= 1;
        value
    }

    fn list(&mut self) -> ReadResult<Vec<WireValue>> {
        let n = self.length(2)?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.value()?);
        }
        Ok(items)
    }

    /// Element properties: a List, or null for none.
    fn properties(&mut self) -> ReadResult<Vec<WireValue>> {
        match self.value()? {
            WireValue::Null => Ok(Vec::new()),
            WireValue::List(items) => Ok(items),
            _ => self.error("element properties must be a List or null"),
        }
    }

    fn typed(&mut self, type_code: u8) -> ReadResult<WireValue> {
        if let Some(kind) = code::enum_class(type_code) {
            return match self.value()? {
                WireValue::String(value) => Ok(WireValue::Enum { kind, value }),
                _ => self.error(format!("a {kind} must hold a String")),
            };
        }
        Ok(match type_code {
            code::INT => WireValue::Int(self.i32()?),
            code::LONG => WireValue::Long(self.i64()?),
            code::STRING => WireValue::String(self.bare_string()?),
            code::DATE => WireValue::Date(self.i64()?),
            code::TIMESTAMP => WireValue::Timestamp(self.i64()?),
            code::CLASS => WireValue::Class(self.bare_string()?),
            code::DOUBLE => WireValue::Double(f64::from_be_bytes(self.array()?)),
            code::FLOAT => WireValue::Float(f32::from_be_bytes(self.array()?)),
            code::LIST => WireValue::List(self.list()?),
            code::SET => WireValue::Set(self.list()?),
            code::MAP => WireValue::Map(self.bare_map()?),
            code::UUID => WireValue::Uuid(self.bare_uuid()?),
            code::BYTE => WireValue::Byte(i8::from_be_bytes(self.array()?)),
            code::SHORT => WireValue::Short(i16::from_be_bytes(self.array()?)),
            code::BOOLEAN => match self.u8()? {
                0 => WireValue::Boolean(false),
                1 => WireValue::Boolean(true),
                b => return self.error(format!("a Boolean must be 0 or 1, not {b}")),
            },
            code::BYTE_BUFFER => {
                let n = self.length(1)?;
                WireValue::ByteBuffer(self.take(n)?.to_vec())
            }
            code::BIG_INTEGER => WireValue::BigInteger(self.big_integer()?.to_string()),
            code::BIG_DECIMAL => {
                let scale = self.i32()?;
                let unscaled = self.big_integer()?;
                WireValue::BigDecimal(decimal_text(unscaled, scale).or_else(|e| self.error(e))?)
            }
            code::CHAR => WireValue::Char(self.char()?),
            code::DURATION => WireValue::Duration { seconds: self.i64()?, nanos: self.i32()? },
            code::OFFSET_DATE_TIME => self.offset_date_time()?,
            code::BINDING => WireValue::Binding { key: self.bare_string()?, value: Box::new(self.value()?) },
            code::BYTECODE => WireValue::Bytecode(Box::new(self.bytecode()?)),
            code::P | code::TEXT_P => {
                let name = self.bare_string()?;
                WireValue::Predicate { text: type_code == code::TEXT_P, name, args: self.list()? }
            }
            code::LAMBDA => {
                WireValue::Lambda { language: self.bare_string()?, script: self.bare_string()?, arity: self.i32()? }
            }
            code::TRAVERSAL_STRATEGY => WireValue::Strategy { class: self.bare_string()?, config: self.bare_map()? },
            code::TRAVERSER => WireValue::Traverser { bulk: self.i64()?, value: Box::new(self.value()?) },
            code::BULK_SET => {
                let n = self.length(10)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    let item = self.value()?;
                    items.push((item, self.i64()?));
                }
                WireValue::BulkSet(items)
            }
            code::VERTEX => WireValue::Vertex {
                id: Box::new(self.value()?),
                label: self.bare_string()?,
                properties: self.properties()?,
            },
            code::VERTEX_PROPERTY => {
                let (id, label, value) = (self.value()?, self.bare_string()?, self.value()?);
                let _parent = self.value()?;
                WireValue::VertexProperty {
                    id: Box::new(id),
                    label,
                    value: Box::new(value),
                    properties: self.properties()?,
                }
            }
            code::EDGE => {
                let (id, label) = (self.value()?, self.bare_string()?);
                let (in_v, in_v_label) = (self.value()?, self.bare_string()?);
                let (out_v, out_v_label) = (self.value()?, self.bare_string()?);
                let _parent = self.value()?;
                WireValue::Edge {
                    id: Box::new(id),
                    label,
                    in_v: Box::new(in_v),
                    in_v_label,
                    out_v: Box::new(out_v),
                    out_v_label,
                    properties: self.properties()?,
                }
            }
            code::PROPERTY => {
                let (key, value) = (self.bare_string()?, self.value()?);
                let _parent = self.value()?;
                WireValue::Property { key, value: Box::new(value) }
            }
            code::PATH => WireValue::Path { labels: Box::new(self.value()?), objects: Box::new(self.value()?) },
            other => return self.error(format!("unsupported GraphBinary type code {other:#04x}")),
        })
    }

    /// `{Int n}{step}*{Int n}{source}*`, each `{name bare String}{Int n}{fq arg}*`.
    pub fn bytecode(&mut self) -> ReadResult<Bytecode> {
        let steps = self.instructions()?;
        let sources = self.instructions()?;
        Ok(Bytecode { sources, steps })
    }

    fn instructions(&mut self) -> ReadResult<Vec<WireInstruction>> {
        let n = self.length(8)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let name = self.bare_string()?;
            out.push(WireInstruction { name, args: self.list()? });
        }
        Ok(out)
    }

    /// Two's complement, big-endian; up to 128 bits (beyond that no Plexus value could hold it).
    fn big_integer(&mut self) -> ReadResult<i128> {
        let n = self.length(1)?;
        let bytes = self.take(n)?;
        if n > 16 {
            return self.error("BigInteger values beyond 128 bits are not supported");
        }
        let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
        let mut full = if negative { [0xFF; 16] } else { [0; 16] };
        full[16 - n..].copy_from_slice(bytes);
        Ok(i128::from_be_bytes(full))
    }

    /// One UTF-8 character, 1 to 4 bytes.
    fn char(&mut self) -> ReadResult<char> {
        let first = self.u8()?;
        let len = match first {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return self.error("a Char is not UTF-8"),
        };
        let mut buf = [first, 0, 0, 0];
        buf[1..len].copy_from_slice(self.take(len - 1)?);
        match std::str::from_utf8(&buf[..len]).ok().and_then(|s| s.chars().next()) {
            Some(c) => Ok(c),
            None => self.error("a Char is not UTF-8"),
        }
    }

    /// `{year Int}{month Byte}{day Byte}{nanos of day Long}{offset seconds Int}`.
    fn offset_date_time(&mut self) -> ReadResult<WireValue> {
        let (year, month, day) = (self.i32()?, self.u8()?, self.u8()?);
        let (nanos_of_day, offset_seconds) = (self.i64()?, self.i32()?);
        let date = chrono::NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day));
        let Some(date) = date.filter(|_| (0..86_400_000_000_000).contains(&nanos_of_day)) else {
            return self.error(format!("{year}-{month}-{day} plus {nanos_of_day} ns is not a date and time"));
        };
        if offset_seconds.unsigned_abs() > 18 * 3600 {
            return self.error(format!("UTC offset of {offset_seconds} s is out of range"));
        }
        let local = date.and_hms_opt(0, 0, 0).map(|d| d.and_utc().timestamp()).unwrap_or(0);
        let seconds = local + nanos_of_day / 1_000_000_000 - i64::from(offset_seconds);
        Ok(WireValue::OffsetDateTime { seconds, nanos: (nanos_of_day % 1_000_000_000) as u32, offset_seconds })
    }
}

/// `unscaled × 10^-scale` as decimal text.
fn decimal_text(unscaled: i128, scale: i32) -> Result<String, String> {
    if !(-1000..=1000).contains(&scale) {
        return Err(format!("BigDecimal scale {scale} is out of range"));
    }
    let digits = unscaled.unsigned_abs().to_string();
    let sign = if unscaled < 0 { "-" } else { "" };
    let scale_len = scale.unsigned_abs() as usize;
    if scale <= 0 {
        return Ok(format!("{sign}{digits}{}", "0".repeat(if unscaled == 0 { 0 } else { scale_len })));
    }
    let padded = format!("{digits:0>width$}", width = scale_len + 1);
    let (int, frac) = padded.split_at(padded.len() - scale_len);
    Ok(format!("{sign}{int}.{frac}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_place_the_point_from_the_scale() {
        assert_eq!(decimal_text(1250, 2).as_deref(), Ok("12.50"));
        assert_eq!(decimal_text(-5, 3).as_deref(), Ok("-0.005"));
        assert_eq!(decimal_text(7, -2).as_deref(), Ok("700"));
    }

    #[test]
    fn lengths_beyond_the_bytes_left_are_refused_before_allocating() {
        // A List claiming 2^31-1 items in 10 bytes.
        let bytes = [0x09, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0];
        let error = Reader::new(&bytes).value().expect_err("refused");
        assert!(error.message.contains("exceeds"), "{error:?}");
        let negative = [0x03, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];
        assert!(Reader::new(&negative).value().is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut bytes = Vec::new();
        for _ in 0..10_000 {
            bytes.extend_from_slice(&[0x09, 0x00, 0, 0, 0, 1]);
        }
        assert!(Reader::new(&bytes).value().is_err());
    }

    #[test]
    fn enums_and_offset_date_times() {
        let t_id = [0x20, 0x00, 0x03, 0x00, 0, 0, 0, 2, b'i', b'd'];
        assert_eq!(Reader::new(&t_id).value(), Ok(WireValue::Enum { kind: "T", value: "id".into() }));
        let new_year = [0x88, 0x00, 0, 0, 0x07, 0xE8, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            Reader::new(&new_year).value(),
            Ok(WireValue::OffsetDateTime { seconds: 1_704_067_200, nanos: 0, offset_seconds: 0 })
        );
    }
}

//! PackStream v1: the value encoding of every Bolt message. Decoding reads
//! untrusted bytes, so it checks every length against what is left of the
//! message (no allocation larger than the input) and caps nesting depth.

use std::fmt;

/// Deepest nesting of lists, maps and structures accepted from a client.
pub const MAX_DEPTH: usize = 64;

/// A decoded PackStream value. Maps keep their wire order (metadata is
/// written in a fixed order, and duplicate keys resolve last-wins on lookup).
#[derive(Debug, Clone, PartialEq)]
pub enum PackValue {
    Null,
    Boolean(bool),
    Integer(i64),
    Float(f64),
    Bytes(Vec<u8>),
    String(String),
    List(Vec<PackValue>),
    Map(Vec<(String, PackValue)>),
    Struct(Structure),
}

/// A tagged structure: Bolt messages and graph/temporal values.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    pub tag: u8,
    pub fields: Vec<PackValue>,
}

impl PackValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PackValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            PackValue::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// A short name for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            PackValue::Null => "null",
            PackValue::Boolean(_) => "boolean",
            PackValue::Integer(_) => "integer",
            PackValue::Float(_) => "float",
            PackValue::Bytes(_) => "bytes",
            PackValue::String(_) => "string",
            PackValue::List(_) => "list",
            PackValue::Map(_) => "map",
            PackValue::Struct(_) => "structure",
        }
    }
}

/// Look a key up in wire-ordered map entries; the last occurrence wins.
pub fn map_get<'a>(entries: &'a [(String, PackValue)], key: &str) -> Option<&'a PackValue> {
    entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackError {
    UnexpectedEnd,
    ReservedMarker(u8),
    InvalidUtf8,
    TooDeep,
    TrailingBytes(usize),
    /// A dictionary key that is not a string (the kind found).
    NonStringKey(&'static str),
    /// A length that no message could hold, or a value too large to encode.
    TooLarge,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::UnexpectedEnd => write!(f, "the message ends inside a value"),
            PackError::ReservedMarker(m) => write!(f, "reserved PackStream marker 0x{m:02X}"),
            PackError::InvalidUtf8 => write!(f, "a string is not valid UTF-8"),
            PackError::TooDeep => write!(f, "values nest deeper than {MAX_DEPTH} levels"),
            PackError::TrailingBytes(n) => write!(f, "{n} bytes follow the message's value"),
            PackError::NonStringKey(kind) => write!(f, "a dictionary key is a {kind}, not a string"),
            PackError::TooLarge => write!(f, "a length exceeds what the message holds"),
        }
    }
}

impl std::error::Error for PackError {}

// ---------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------

pub fn write_null(out: &mut Vec<u8>) {
    out.push(0xC0);
}

pub fn write_bool(out: &mut Vec<u8>, b: bool) {
    out.push(if b { 0xC3 } else { 0xC2 });
}

/// The smallest encoding that holds `i`.
pub fn write_int(out: &mut Vec<u8>, i: i64) {
    if (-16..=127).contains(&i) {
        out.push(i as i8 as u8);
    } else if let Ok(v) = i8::try_from(i) {
        out.push(0xC8);
        out.push(v as u8);
    } else if let Ok(v) = i16::try_from(i) {
        out.push(0xC9);
        out.extend_from_slice(&v.to_be_bytes());
    } else if let Ok(v) = i32::try_from(i) {
        out.push(0xCA);
        out.extend_from_slice(&v.to_be_bytes());
    } else {
        out.push(0xCB);
        out.extend_from_slice(&i.to_be_bytes());
    }
}

pub fn write_float(out: &mut Vec<u8>, f: f64) {
    out.push(0xC1);
    out.extend_from_slice(&f.to_bits().to_be_bytes());
}

pub fn write_bytes(out: &mut Vec<u8>, b: &[u8]) -> Result<(), PackError> {
    write_sized(out, b.len(), None, [0xCC, 0xCD, 0xCE])?;
    out.extend_from_slice(b);
    Ok(())
}

pub fn write_string(out: &mut Vec<u8>, s: &str) -> Result<(), PackError> {
    write_sized(out, s.len(), Some(0x80), [0xD0, 0xD1, 0xD2])?;
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

pub fn write_list_header(out: &mut Vec<u8>, len: usize) -> Result<(), PackError> {
    write_sized(out, len, Some(0x90), [0xD4, 0xD5, 0xD6])
}

pub fn write_map_header(out: &mut Vec<u8>, len: usize) -> Result<(), PackError> {
    write_sized(out, len, Some(0xA0), [0xD8, 0xD9, 0xDA])
}

pub fn write_struct_header(out: &mut Vec<u8>, tag: u8, fields: usize) -> Result<(), PackError> {
    if fields > 15 {
        return Err(PackError::TooLarge);
    }
    out.push(0xB0 | fields as u8);
    out.push(tag);
    Ok(())
}

/// A marker with a tiny form (length in the low nibble) or 8/16/32-bit lengths.
fn write_sized(out: &mut Vec<u8>, len: usize, tiny: Option<u8>, markers: [u8; 3]) -> Result<(), PackError> {
    match (tiny, len) {
        (Some(t), 0..=15) => out.push(t | len as u8),
        (_, 0..=0xFF) => out.extend_from_slice(&[markers[0], len as u8]),
        (_, 0x100..=0xFFFF) => {
            out.push(markers[1]);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            let len = u32::try_from(len).map_err(|_| PackError::TooLarge)?;
            out.push(markers[2]);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
    Ok(())
}

pub fn write_value(out: &mut Vec<u8>, v: &PackValue) -> Result<(), PackError> {
    match v {
        PackValue::Null => write_null(out),
        PackValue::Boolean(b) => write_bool(out, *b),
        PackValue::Integer(i) => write_int(out, *i),
        PackValue::Float(f) => write_float(out, *f),
        PackValue::Bytes(b) => write_bytes(out, b)?,
        PackValue::String(s) => write_string(out, s)?,
        PackValue::List(items) => {
            write_list_header(out, items.len())?;
            for item in items {
                write_value(out, item)?;
            }
        }
        PackValue::Map(entries) => {
            write_map_header(out, entries.len())?;
            for (k, v) in entries {
                write_string(out, k)?;
                write_value(out, v)?;
            }
        }
        PackValue::Struct(s) => {
            write_struct_header(out, s.tag, s.fields.len())?;
            for f in &s.fields {
                write_value(out, f)?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

/// Decode exactly one value that fills `bytes` (a whole Bolt message).
pub fn decode(bytes: &[u8]) -> Result<PackValue, PackError> {
    let mut d = Decoder { buf: bytes, pos: 0 };
    let v = d.value(0)?;
    match bytes.len() - d.pos {
        0 => Ok(v),
        n => Err(PackError::TrailingBytes(n)),
    }
}

struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Decoder<'a> {
    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], PackError> {
        if n > self.remaining() {
            return Err(PackError::UnexpectedEnd);
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], PackError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8, PackError> {
        Ok(self.take(1)?[0])
    }

    /// A length read after a sized marker: 1, 2 or 4 bytes by the marker's low two bits.
    fn len(&mut self, width: u8) -> Result<usize, PackError> {
        Ok(match width {
            0 => self.u8()? as usize,
            1 => u16::from_be_bytes(self.array()?) as usize,
            _ => u32::from_be_bytes(self.array()?) as usize,
        })
    }

    /// Refuse a count whose items (each at least `min_item` bytes) cannot fit
    /// in what is left, before allocating anything for them.
    fn check_count(&self, count: usize, min_item: usize) -> Result<(), PackError> {
        match count.checked_mul(min_item) {
            Some(need) if need <= self.remaining() => Ok(()),
            _ => Err(PackError::TooLarge),
        }
    }

    fn string(&mut self, len: usize) -> Result<String, PackError> {
        let bytes = self.take(len)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| PackError::InvalidUtf8)
    }

    fn value(&mut self, depth: usize) -> Result<PackValue, PackError> {
        let marker = self.u8()?;
        Ok(match marker {
            0x00..=0x7F => PackValue::Integer(marker as i64),
            0xF0..=0xFF => PackValue::Integer(marker as i8 as i64),
            0x80..=0x8F => PackValue::String(self.string((marker & 0x0F) as usize)?),
            0x90..=0x9F => self.list((marker & 0x0F) as usize, depth)?,
            0xA0..=0xAF => self.map((marker & 0x0F) as usize, depth)?,
            0xB0..=0xBF => self.structure((marker & 0x0F) as usize, depth)?,
            0xC0 => PackValue::Null,
            0xC1 => PackValue::Float(f64::from_bits(u64::from_be_bytes(self.array()?))),
            0xC2 => PackValue::Boolean(false),
            0xC3 => PackValue::Boolean(true),
            0xC8 => PackValue::Integer(i8::from_be_bytes(self.array()?) as i64),
            0xC9 => PackValue::Integer(i16::from_be_bytes(self.array()?) as i64),
            0xCA => PackValue::Integer(i32::from_be_bytes(self.array()?) as i64),
            0xCB => PackValue::Integer(i64::from_be_bytes(self.array()?)),
            0xCC..=0xCE => {
                let n = self.len(marker - 0xCC)?;
                PackValue::Bytes(self.take(n)?.to_vec())
            }
            0xD0..=0xD2 => {
                let n = self.len(marker - 0xD0)?;
                PackValue::String(self.string(n)?)
            }
            0xD4..=0xD6 => {
                let n = self.len(marker - 0xD4)?;
                self.list(n, depth)?
            }
            0xD8..=0xDA => {
                let n = self.len(marker - 0xD8)?;
                self.map(n, depth)?
            }
            other => return Err(PackError::ReservedMarker(other)),
        })
    }

    fn nested(depth: usize) -> Result<usize, PackError> {
        if depth >= MAX_DEPTH {
            Err(PackError::TooDeep)
        } else {
            Ok(depth + 1)
        }
    }

    fn list(&mut self, n: usize, depth: usize) -> Result<PackValue, PackError> {
        let depth = Self::nested(depth)?;
        self.check_count(n, 1)?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.value(depth)?);
        }
        Ok(PackValue::List(items))
    }

    fn map(&mut self, n: usize, depth: usize) -> Result<PackValue, PackError> {
        let depth = Self::nested(depth)?;
        self.check_count(n, 2)?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let key = match self.value(depth)? {
                PackValue::String(s) => s,
                other => return Err(PackError::NonStringKey(other.kind())),
            };
            entries.push((key, self.value(depth)?));
        }
        Ok(PackValue::Map(entries))
    }

    fn structure(&mut self, n: usize, depth: usize) -> Result<PackValue, PackError> {
        let depth = Self::nested(depth)?;
        let tag = self.u8()?;
        self.check_count(n, 1)?;
        let mut fields = Vec::with_capacity(n);
        for _ in 0..n {
            fields.push(self.value(depth)?);
        }
        Ok(PackValue::Struct(Structure { tag, fields }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).expect("hex in test")).collect()
    }

    fn encoded(v: &PackValue) -> Vec<u8> {
        let mut out = Vec::new();
        write_value(&mut out, v).expect("encodable");
        out
    }

    fn s(x: &str) -> PackValue {
        PackValue::String(x.into())
    }

    #[test]
    fn integers_use_the_smallest_form_and_round_trip() {
        let cases: &[(i64, &str)] = &[
            (0, "00"),
            (127, "7F"),
            (-1, "FF"),
            (-16, "F0"),
            (-17, "C8 EF"),
            (-128, "C8 80"),
            (128, "C9 00 80"),
            (1000, "C9 03 E8"),
            (-129, "C9 FF 7F"),
            (32768, "CA 00 00 80 00"),
            (2_147_483_648, "CB 00 00 00 00 80 00 00 00"),
            (i64::MIN, "CB 80 00 00 00 00 00 00 00"),
        ];
        for (i, h) in cases {
            let bytes = encoded(&PackValue::Integer(*i));
            assert_eq!(bytes, hex(h), "{i}");
            assert_eq!(decode(&bytes), Ok(PackValue::Integer(*i)));
        }
    }

    #[test]
    fn readers_accept_wide_forms_of_small_integers() {
        assert_eq!(decode(&hex("CB 00 00 00 00 00 00 00 01")), Ok(PackValue::Integer(1)));
        assert_eq!(decode(&hex("C9 FF FF")), Ok(PackValue::Integer(-1)));
    }

    #[test]
    fn float_matches_the_spec_example() {
        let bytes = encoded(&PackValue::Float(1.23));
        assert_eq!(bytes, hex("C1 3F F3 AE 14 7A E1 47 AE"));
        assert_eq!(decode(&bytes), Ok(PackValue::Float(1.23)));
    }

    #[test]
    fn strings_lists_maps_and_bytes_switch_marker_at_their_size_limits() {
        for len in [0usize, 15, 16, 255, 256, 65535, 65536] {
            let text = "a".repeat(len);
            let bytes = encoded(&s(&text));
            let expected_marker = match len {
                0..=15 => 0x80 | len as u8,
                16..=255 => 0xD0,
                256..=65535 => 0xD1,
                _ => 0xD2,
            };
            assert_eq!(bytes[0], expected_marker, "{len}");
            assert_eq!(decode(&bytes), Ok(s(&text)));

            let list = PackValue::List(vec![PackValue::Null; len.min(300)]);
            assert_eq!(decode(&encoded(&list)), Ok(list));
            let blob = PackValue::Bytes(vec![7; len]);
            assert_eq!(decode(&encoded(&blob)), Ok(blob));
        }
        let map = PackValue::Map((0..20).map(|i| (format!("k{i}"), PackValue::Integer(i))).collect());
        let bytes = encoded(&map);
        assert_eq!(&bytes[..2], &[0xD8, 20]);
        assert_eq!(decode(&bytes), Ok(map));
    }

    #[test]
    fn run_message_matches_protocols_md() {
        // A.12: RUN "RETURN $x AS x" {"x":1} {"mode":"r","db":"neo4j"}
        let run = PackValue::Struct(Structure {
            tag: 0x10,
            fields: vec![
                s("RETURN $x AS x"),
                PackValue::Map(vec![("x".into(), PackValue::Integer(1))]),
                PackValue::Map(vec![("mode".into(), s("r")), ("db".into(), s("neo4j"))]),
            ],
        });
        let bytes = hex("B3 10 8E 52 45 54 55 52 4E 20 24 78 20 41 53 20 78 A1 81 78 01 A2 84 6D 6F 64 65 \
             81 72 82 64 62 85 6E 65 6F 34 6A");
        assert_eq!(encoded(&run), bytes);
        assert_eq!(decode(&bytes), Ok(run));
    }

    #[test]
    fn duplicate_keys_resolve_to_the_last_value() {
        let bytes = hex("A2 81 61 01 81 61 02");
        let Ok(PackValue::Map(entries)) = decode(&bytes) else { panic!("not a map") };
        assert_eq!(map_get(&entries, "a"), Some(&PackValue::Integer(2)));
    }

    #[test]
    fn bad_input_is_an_error_never_a_panic() {
        let cases: &[(&str, PackError)] = &[
            ("", PackError::UnexpectedEnd),
            ("C1 00", PackError::UnexpectedEnd),
            ("D2 FF FF FF FF", PackError::UnexpectedEnd),
            ("D6 FF FF FF FF", PackError::TooLarge),
            ("DA 7F FF FF FF 80", PackError::TooLarge),
            ("C4", PackError::ReservedMarker(0xC4)),
            ("82 C3 28", PackError::InvalidUtf8),
            ("A1 01 01", PackError::NonStringKey("integer")),
            ("01 02", PackError::TrailingBytes(1)),
            ("BF 10", PackError::TooLarge),
        ];
        for (h, err) in cases {
            assert_eq!(decode(&hex(h)), Err(err.clone()), "{h}");
        }
        let deep = [vec![0x91; MAX_DEPTH + 1], vec![0xC0]].concat();
        assert_eq!(decode(&deep), Err(PackError::TooDeep));
        let ok_depth = [vec![0x91; MAX_DEPTH], vec![0xC0]].concat();
        assert!(decode(&ok_depth).is_ok());
    }

    #[test]
    fn every_truncation_of_a_valid_message_fails_cleanly() {
        let v = PackValue::Map(vec![
            ("list".into(), PackValue::List(vec![PackValue::Float(0.5), s("x"), PackValue::Bytes(vec![1, 2])])),
            ("n".into(), PackValue::Integer(-70000)),
            ("st".into(), PackValue::Struct(Structure { tag: 0x44, fields: vec![PackValue::Integer(19723)] })),
        ]);
        let bytes = encoded(&v);
        assert_eq!(decode(&bytes), Ok(v));
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A cheap deterministic fuzz: a linear congruential generator over byte strings.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let len = (x % 40) as usize;
            let mut bytes = Vec::with_capacity(len);
            for _ in 0..len {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                bytes.push((x >> 56) as u8);
            }
            let _ = decode(&bytes);
        }
    }
}

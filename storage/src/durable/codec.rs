//! The binary form of values and change sets in WAL records and checkpoint
//! columns. Little-endian, length-prefixed; decoding checks every length
//! against the bytes left, so corrupt input is an error, never a panic.

use std::collections::BTreeMap;

use crate::changeset::{Change, ChangeSet};
use crate::error::{Error, Result};
use crate::value::{Date, DateTime, Duration, LocalDateTime, LocalTime, Time, Value};

/// Lists deeper than this are corrupt input (property values are at most a list of scalars).
const MAX_DEPTH: usize = 8;

mod tag {
    pub const NULL: u8 = 0;
    pub const FALSE: u8 = 1;
    pub const TRUE: u8 = 2;
    pub const INTEGER: u8 = 3;
    pub const FLOAT: u8 = 4;
    pub const STRING: u8 = 5;
    pub const LIST: u8 = 6;
    pub const MAP: u8 = 7;
    pub const DATE: u8 = 8;
    pub const LOCAL_TIME: u8 = 9;
    pub const TIME: u8 = 10;
    pub const LOCAL_DATE_TIME: u8 = 11;
    pub const DATE_TIME: u8 = 12;
    pub const DURATION: u8 = 13;

    pub const CREATE_NODE: u8 = 1;
    pub const CREATE_REL: u8 = 2;
    pub const SET_NODE_PROPERTY: u8 = 3;
    pub const SET_REL_PROPERTY: u8 = 4;
    pub const ADD_LABEL: u8 = 5;
    pub const REMOVE_LABEL: u8 = 6;
    pub const DELETE_NODE: u8 = 7;
    pub const DELETE_REL: u8 = 8;
}

/// Appends encoded data to a byte buffer.
#[derive(Default)]
pub struct Encoder {
    pub buf: Vec<u8>,
}

impl Encoder {
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn len(&mut self, n: usize) -> Result<()> {
        let n = u32::try_from(n).map_err(|_| Error::internal("a value is too large to log"))?;
        self.u32(n);
        Ok(())
    }

    pub fn str(&mut self, s: &str) -> Result<()> {
        self.len(s.len())?;
        self.buf.extend_from_slice(s.as_bytes());
        Ok(())
    }

    fn strings(&mut self, items: &[String]) -> Result<()> {
        self.len(items.len())?;
        items.iter().try_for_each(|s| self.str(s))
    }

    fn opt_str(&mut self, s: Option<&str>) -> Result<()> {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s)?;
            }
        }
        Ok(())
    }

    pub fn value(&mut self, v: &Value) -> Result<()> {
        match v {
            Value::Null => self.u8(tag::NULL),
            Value::Boolean(false) => self.u8(tag::FALSE),
            Value::Boolean(true) => self.u8(tag::TRUE),
            Value::Integer(i) => {
                self.u8(tag::INTEGER);
                self.i64(*i);
            }
            Value::Float(f) => {
                self.u8(tag::FLOAT);
                self.u64(f.to_bits());
            }
            Value::String(s) => {
                self.u8(tag::STRING);
                self.str(s)?;
            }
            Value::List(items) => {
                self.u8(tag::LIST);
                self.len(items.len())?;
                items.iter().try_for_each(|v| self.value(v))?;
            }
            Value::Map(entries) => {
                self.u8(tag::MAP);
                self.len(entries.len())?;
                for (k, v) in entries {
                    self.str(k)?;
                    self.value(v)?;
                }
            }
            Value::Date(d) => {
                self.u8(tag::DATE);
                self.i64(d.days);
            }
            Value::LocalTime(t) => {
                self.u8(tag::LOCAL_TIME);
                self.i64(t.nanos);
            }
            Value::Time(t) => {
                self.u8(tag::TIME);
                self.i64(t.nanos);
                self.i32(t.offset_seconds);
            }
            Value::LocalDateTime(t) => {
                self.u8(tag::LOCAL_DATE_TIME);
                self.i64(t.seconds);
                self.u32(t.nanos);
            }
            Value::DateTime(t) => {
                self.u8(tag::DATE_TIME);
                self.i64(t.seconds);
                self.u32(t.nanos);
                self.i32(t.offset_seconds);
                self.opt_str(t.zone.as_deref())?;
            }
            Value::Duration(d) => {
                self.u8(tag::DURATION);
                self.i64(d.months);
                self.i64(d.days);
                self.i64(d.seconds);
                self.i32(d.nanos);
            }
            Value::Node(_) | Value::Relationship(_) | Value::Path(_) => {
                return Err(Error::internal(format!("a {} cannot be stored", v.type_name())))
            }
        }
        Ok(())
    }

    fn properties(&mut self, props: &[(String, Value)]) -> Result<()> {
        self.len(props.len())?;
        for (k, v) in props {
            self.str(k)?;
            self.value(v)?;
        }
        Ok(())
    }

    pub fn change_set(&mut self, changes: &ChangeSet) -> Result<()> {
        self.len(changes.len())?;
        for change in &changes.changes {
            match change {
                Change::CreateNode { id, labels, properties, external_id } => {
                    self.u8(tag::CREATE_NODE);
                    self.u64(*id);
                    self.strings(labels)?;
                    self.properties(properties)?;
                    self.opt_str(external_id.as_deref())?;
                }
                Change::CreateRel { id, src, dst, rel_type, properties } => {
                    self.u8(tag::CREATE_REL);
                    self.u64(*id);
                    self.u64(*src);
                    self.u64(*dst);
                    self.str(rel_type)?;
                    self.properties(properties)?;
                }
                Change::SetNodeProperty { id, key, value } | Change::SetRelProperty { id, key, value } => {
                    let node = matches!(change, Change::SetNodeProperty { .. });
                    self.u8(if node { tag::SET_NODE_PROPERTY } else { tag::SET_REL_PROPERTY });
                    self.u64(*id);
                    self.str(key)?;
                    self.value(value)?;
                }
                Change::AddLabel { id, label } | Change::RemoveLabel { id, label } => {
                    let add = matches!(change, Change::AddLabel { .. });
                    self.u8(if add { tag::ADD_LABEL } else { tag::REMOVE_LABEL });
                    self.u64(*id);
                    self.str(label)?;
                }
                Change::DeleteNode { id } => {
                    self.u8(tag::DELETE_NODE);
                    self.u64(*id);
                }
                Change::DeleteRel { id } => {
                    self.u8(tag::DELETE_REL);
                    self.u64(*id);
                }
            }
        }
        Ok(())
    }
}

/// Reads encoded data from a byte slice.
pub struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
}

fn corrupt(what: &str) -> Error {
    Error::io("CorruptData", format!("corrupt encoded data: {what}"))
}

impl<'a> Decoder<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Decoder { bytes, pos: 0 }
    }

    /// True when every byte was consumed.
    pub fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| corrupt("truncated"))?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_le_bytes(self.array()?))
    }

    /// A count of items each at least one byte long: larger than the bytes left is corrupt.
    fn count(&mut self) -> Result<usize> {
        let n = self.u32()? as usize;
        if n > self.bytes.len() - self.pos {
            return Err(corrupt("a count exceeds the data"));
        }
        Ok(n)
    }

    pub fn string(&mut self) -> Result<String> {
        let n = self.u32()? as usize;
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| corrupt("invalid UTF-8"))
    }

    fn strings(&mut self) -> Result<Vec<String>> {
        let n = self.count()?;
        (0..n).map(|_| self.string()).collect()
    }

    fn opt_string(&mut self) -> Result<Option<String>> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.string()?)),
            _ => Err(corrupt("bad option flag")),
        }
    }

    pub fn value(&mut self) -> Result<Value> {
        self.value_at(0)
    }

    fn value_at(&mut self, depth: usize) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(corrupt("values nest too deeply"));
        }
        Ok(match self.u8()? {
            tag::NULL => Value::Null,
            tag::FALSE => Value::Boolean(false),
            tag::TRUE => Value::Boolean(true),
            tag::INTEGER => Value::Integer(self.i64()?),
            tag::FLOAT => Value::Float(f64::from_bits(self.u64()?)),
            tag::STRING => Value::String(self.string()?),
            tag::LIST => {
                let n = self.count()?;
                Value::List((0..n).map(|_| self.value_at(depth + 1)).collect::<Result<_>>()?)
            }
            tag::MAP => {
                let n = self.count()?;
                let mut map = BTreeMap::new();
                for _ in 0..n {
                    let k = self.string()?;
                    map.insert(k, self.value_at(depth + 1)?);
                }
                Value::Map(map)
            }
            tag::DATE => Value::Date(Date { days: self.i64()? }),
            tag::LOCAL_TIME => Value::LocalTime(LocalTime { nanos: self.i64()? }),
            tag::TIME => Value::Time(Time { nanos: self.i64()?, offset_seconds: self.i32()? }),
            tag::LOCAL_DATE_TIME => Value::LocalDateTime(LocalDateTime { seconds: self.i64()?, nanos: self.u32()? }),
            tag::DATE_TIME => Value::DateTime(DateTime {
                seconds: self.i64()?,
                nanos: self.u32()?,
                offset_seconds: self.i32()?,
                zone: self.opt_string()?,
            }),
            tag::DURATION => Value::Duration(Duration {
                months: self.i64()?,
                days: self.i64()?,
                seconds: self.i64()?,
                nanos: self.i32()?,
            }),
            other => return Err(corrupt(&format!("unknown value tag {other}"))),
        })
    }

    fn properties(&mut self) -> Result<Vec<(String, Value)>> {
        let n = self.count()?;
        (0..n).map(|_| Ok((self.string()?, self.value()?))).collect()
    }

    pub fn change_set(&mut self) -> Result<ChangeSet> {
        let n = self.count()?;
        let mut changes = Vec::with_capacity(n);
        for _ in 0..n {
            changes.push(match self.u8()? {
                tag::CREATE_NODE => Change::CreateNode {
                    id: self.u64()?,
                    labels: self.strings()?,
                    properties: self.properties()?,
                    external_id: self.opt_string()?,
                },
                tag::CREATE_REL => Change::CreateRel {
                    id: self.u64()?,
                    src: self.u64()?,
                    dst: self.u64()?,
                    rel_type: self.string()?,
                    properties: self.properties()?,
                },
                tag::SET_NODE_PROPERTY => {
                    Change::SetNodeProperty { id: self.u64()?, key: self.string()?, value: self.value()? }
                }
                tag::SET_REL_PROPERTY => {
                    Change::SetRelProperty { id: self.u64()?, key: self.string()?, value: self.value()? }
                }
                tag::ADD_LABEL => Change::AddLabel { id: self.u64()?, label: self.string()? },
                tag::REMOVE_LABEL => Change::RemoveLabel { id: self.u64()?, label: self.string()? },
                tag::DELETE_NODE => Change::DeleteNode { id: self.u64()? },
                tag::DELETE_REL => Change::DeleteRel { id: self.u64()? },
                other => return Err(corrupt(&format!("unknown change tag {other}"))),
            });
        }
        Ok(ChangeSet { changes })
    }
}

/// Encodes one change set on its own, as a WAL record holds it (a replicated
/// log's entries carry these bytes).
pub fn encode_change_set(changes: &ChangeSet) -> Result<Vec<u8>> {
    let mut e = Encoder::default();
    e.change_set(changes)?;
    Ok(e.buf)
}

/// Decodes a change set written by [`encode_change_set`]; trailing bytes are corruption.
pub fn decode_change_set(bytes: &[u8]) -> Result<ChangeSet> {
    let mut d = Decoder::new(bytes);
    let changes = d.change_set()?;
    if !d.at_end() {
        return Err(corrupt("trailing bytes after a change set"));
    }
    Ok(changes)
}

/// Encodes one value on its own (checkpoint columns of mixed type).
pub fn encode_value(v: &Value) -> Result<Vec<u8>> {
    let mut e = Encoder::default();
    e.value(v)?;
    Ok(e.buf)
}

/// Decodes a value written by [`encode_value`]; trailing bytes are corruption.
pub fn decode_value(bytes: &[u8]) -> Result<Value> {
    let mut d = Decoder::new(bytes);
    let v = d.value()?;
    if !d.at_end() {
        return Err(corrupt("trailing bytes after a value"));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ChangeSet {
        let props = vec![
            ("i".to_string(), Value::Integer(-7)),
            ("f".to_string(), Value::Float(f64::NAN)),
            ("s".to_string(), Value::from("héllo")),
            ("l".to_string(), Value::List(vec![Value::Integer(1), Value::Integer(2)])),
            ("d".to_string(), Value::Date(Date { days: 19000 })),
            (
                "dt".to_string(),
                Value::DateTime(DateTime {
                    seconds: 1,
                    nanos: 2,
                    offset_seconds: 3600,
                    zone: Some("Europe/Paris".into()),
                }),
            ),
            ("du".to_string(), Value::Duration(Duration { months: 1, days: -2, seconds: 3, nanos: -4 })),
            ("t".to_string(), Value::Time(Time { nanos: 5, offset_seconds: -60 })),
            ("lt".to_string(), Value::LocalTime(LocalTime { nanos: 6 })),
            ("ldt".to_string(), Value::LocalDateTime(LocalDateTime { seconds: -1, nanos: 7 })),
            ("b".to_string(), Value::Boolean(true)),
        ];
        ChangeSet {
            changes: vec![
                Change::CreateNode {
                    id: 3,
                    labels: vec!["A".into(), "B".into()],
                    properties: props.clone(),
                    external_id: Some("v3".into()),
                },
                Change::CreateRel { id: 9, src: 3, dst: 4, rel_type: "R".into(), properties: props },
                Change::SetNodeProperty { id: 3, key: "k".into(), value: Value::Null },
                Change::SetRelProperty { id: 9, key: "k".into(), value: Value::Boolean(false) },
                Change::AddLabel { id: 3, label: "C".into() },
                Change::RemoveLabel { id: 3, label: "A".into() },
                Change::DeleteRel { id: 9 },
                Change::DeleteNode { id: 3 },
            ],
        }
    }

    #[test]
    fn change_sets_round_trip() {
        let mut e = Encoder::default();
        e.change_set(&sample()).unwrap();
        let mut d = Decoder::new(&e.buf);
        let back = d.change_set().unwrap();
        assert!(d.at_end());
        // Debug output compares NaN by its text, which is what a round trip must keep.
        assert_eq!(format!("{back:?}"), format!("{:?}", sample()));
    }

    #[test]
    fn every_truncation_and_byte_flip_is_an_error_or_a_value_never_a_panic() {
        let mut e = Encoder::default();
        e.change_set(&sample()).unwrap();
        for len in 0..e.buf.len() {
            assert!(Decoder::new(&e.buf[..len]).change_set().is_err(), "truncated at {len}");
        }
        for i in 0..e.buf.len() {
            let mut bytes = e.buf.clone();
            bytes[i] ^= 0xff;
            let _ = Decoder::new(&bytes).change_set();
        }
    }

    #[test]
    fn graph_elements_are_not_storable() {
        let node = Value::Node(Box::new(crate::value::Node { id: 1, labels: vec![], properties: Default::default() }));
        assert!(encode_value(&node).is_err());
        assert_eq!(decode_value(&encode_value(&Value::from("x")).unwrap()).unwrap(), Value::from("x"));
        assert!(decode_value(&[tag::STRING, 1, 0, 0, 0, b'x', 0]).is_err());
    }
}

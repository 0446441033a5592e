//! Plexus values on the wire: results are encoded straight from `Value` in
//! the session's dialect (struct field counts and DateTime forms differ by
//! version); parameters are decoded from PackStream and checked.

use std::collections::BTreeMap;

use chrono::{Offset, TimeZone};
use plexus_storage::value::{Date, DateTime, Duration, LocalDateTime, LocalTime, Time};
use plexus_storage::{Node, Path, Relationship, Value};

use super::packstream::{
    write_bool, write_float, write_int, write_list_header, write_map_header, write_null, write_string,
    write_struct_header, PackError, PackValue, Structure,
};
use super::version::Dialect;

pub mod tag {
    pub const NODE: u8 = 0x4E;
    pub const RELATIONSHIP: u8 = 0x52;
    pub const UNBOUND_RELATIONSHIP: u8 = 0x72;
    pub const PATH: u8 = 0x50;
    pub const DATE: u8 = 0x44;
    pub const TIME: u8 = 0x54;
    pub const LOCAL_TIME: u8 = 0x74;
    pub const DATE_TIME: u8 = 0x49;
    pub const DATE_TIME_ZONE_ID: u8 = 0x69;
    pub const LEGACY_DATE_TIME: u8 = 0x46;
    pub const LEGACY_DATE_TIME_ZONE_ID: u8 = 0x66;
    pub const LOCAL_DATE_TIME: u8 = 0x64;
    pub const DURATION: u8 = 0x45;
    pub const POINT_2D: u8 = 0x58;
    pub const POINT_3D: u8 = 0x59;
}

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SECOND;
/// About ±999 million years, inside the years Cypher's temporal functions accept.
const MAX_DAYS: i64 = 365_000_000_000;
const MAX_SECONDS: i64 = MAX_DAYS * 86_400;
/// Offsets beyond ±18 hours are not valid anywhere.
const MAX_OFFSET: i64 = 18 * 3600;

// ---------------------------------------------------------------------------
// Value -> wire
// ---------------------------------------------------------------------------

pub fn write_value(out: &mut Vec<u8>, v: &Value, d: Dialect) -> Result<(), PackError> {
    match v {
        Value::Null => write_null(out),
        Value::Boolean(b) => write_bool(out, *b),
        Value::Integer(i) => write_int(out, *i),
        Value::Float(f) => write_float(out, *f),
        Value::String(s) => write_string(out, s)?,
        Value::List(items) => {
            write_list_header(out, items.len())?;
            for item in items {
                write_value(out, item, d)?;
            }
        }
        Value::Map(m) => write_properties(out, m, d)?,
        Value::Node(n) => write_node(out, n, d)?,
        Value::Relationship(r) => write_relationship(out, r, d)?,
        Value::Path(p) => write_path(out, p, d)?,
        Value::Date(x) => {
            write_struct_header(out, tag::DATE, 1)?;
            write_int(out, x.days);
        }
        Value::LocalTime(x) => {
            write_struct_header(out, tag::LOCAL_TIME, 1)?;
            write_int(out, x.nanos);
        }
        Value::Time(x) => {
            write_struct_header(out, tag::TIME, 2)?;
            write_int(out, x.nanos);
            write_int(out, x.offset_seconds as i64);
        }
        Value::LocalDateTime(x) => {
            write_struct_header(out, tag::LOCAL_DATE_TIME, 2)?;
            write_int(out, x.seconds);
            write_int(out, x.nanos as i64);
        }
        Value::DateTime(x) => write_datetime(out, x, d)?,
        Value::Duration(x) => {
            write_struct_header(out, tag::DURATION, 4)?;
            write_int(out, x.months);
            write_int(out, x.days);
            write_int(out, x.seconds);
            write_int(out, x.nanos as i64);
        }
    }
    Ok(())
}

fn write_properties(out: &mut Vec<u8>, m: &BTreeMap<String, Value>, d: Dialect) -> Result<(), PackError> {
    write_map_header(out, m.len())?;
    for (k, v) in m {
        write_string(out, k)?;
        write_value(out, v, d)?;
    }
    Ok(())
}

/// Element ids are the decimal ids, as Cypher's `elementId()` returns them.
fn element_id(out: &mut Vec<u8>, id: u64) -> Result<(), PackError> {
    write_string(out, &id.to_string())
}

fn write_id(out: &mut Vec<u8>, id: u64) -> Result<(), PackError> {
    write_int(out, i64::try_from(id).map_err(|_| PackError::TooLarge)?);
    Ok(())
}

fn write_node(out: &mut Vec<u8>, n: &Node, d: Dialect) -> Result<(), PackError> {
    let ids = d.version.element_ids();
    write_struct_header(out, tag::NODE, if ids { 4 } else { 3 })?;
    write_id(out, n.id)?;
    write_list_header(out, n.labels.len())?;
    for l in &n.labels {
        write_string(out, l)?;
    }
    write_properties(out, &n.properties, d)?;
    if ids {
        element_id(out, n.id)?;
    }
    Ok(())
}

fn write_relationship(out: &mut Vec<u8>, r: &Relationship, d: Dialect) -> Result<(), PackError> {
    let ids = d.version.element_ids();
    write_struct_header(out, tag::RELATIONSHIP, if ids { 8 } else { 5 })?;
    write_id(out, r.id)?;
    write_id(out, r.start)?;
    write_id(out, r.end)?;
    write_string(out, &r.rel_type)?;
    write_properties(out, &r.properties, d)?;
    if ids {
        element_id(out, r.id)?;
        element_id(out, r.start)?;
        element_id(out, r.end)?;
    }
    Ok(())
}

fn write_unbound(out: &mut Vec<u8>, r: &Relationship, d: Dialect) -> Result<(), PackError> {
    let ids = d.version.element_ids();
    write_struct_header(out, tag::UNBOUND_RELATIONSHIP, if ids { 4 } else { 3 })?;
    write_id(out, r.id)?;
    write_string(out, &r.rel_type)?;
    write_properties(out, &r.properties, d)?;
    if ids {
        element_id(out, r.id)?;
    }
    Ok(())
}

/// Distinct nodes and relationships once each, then the walk as indices:
/// 1-based relationship index (negative when traversed against its
/// direction) and 0-based node index, alternating.
fn write_path(out: &mut Vec<u8>, p: &Path, d: Dialect) -> Result<(), PackError> {
    let mut nodes: Vec<&Node> = Vec::new();
    let mut rels: Vec<&Relationship> = Vec::new();
    let mut indices = Vec::with_capacity(p.relationships.len() * 2);
    let same_node = |a: &Node, b: &Node| a.id == b.id;
    if let Some(first) = p.nodes.first() {
        position_or_push(&mut nodes, first, same_node);
    }
    for (i, r) in p.relationships.iter().enumerate() {
        let (Some(from), Some(to)) = (p.nodes.get(i), p.nodes.get(i + 1)) else {
            return Err(PackError::TooLarge);
        };
        let ri = position_or_push(&mut rels, r, |a, b| a.id == b.id) as i64 + 1;
        let forward = r.start == from.id && r.end == to.id;
        indices.push(if forward { ri } else { -ri });
        indices.push(position_or_push(&mut nodes, to, same_node) as i64);
    }
    write_struct_header(out, tag::PATH, 3)?;
    write_list_header(out, nodes.len())?;
    for n in nodes {
        write_node(out, n, d)?;
    }
    write_list_header(out, rels.len())?;
    for r in rels {
        write_unbound(out, r, d)?;
    }
    write_list_header(out, indices.len())?;
    for i in indices {
        write_int(out, i);
    }
    Ok(())
}

fn position_or_push<'a, T>(items: &mut Vec<&'a T>, item: &'a T, same: impl Fn(&T, &T) -> bool) -> usize {
    match items.iter().position(|x| same(x, item)) {
        Some(i) => i,
        None => {
            items.push(item);
            items.len() - 1
        }
    }
}

fn write_datetime(out: &mut Vec<u8>, x: &DateTime, d: Dialect) -> Result<(), PackError> {
    let utc = d.utc_datetime();
    // The legacy 4.x forms carry wall-clock seconds, i.e. UTC plus the offset.
    let seconds = if utc { x.seconds } else { x.seconds.saturating_add(x.offset_seconds as i64) };
    match &x.zone {
        Some(zone) => {
            write_struct_header(out, if utc { tag::DATE_TIME_ZONE_ID } else { tag::LEGACY_DATE_TIME_ZONE_ID }, 3)?;
            write_int(out, seconds);
            write_int(out, x.nanos as i64);
            write_string(out, zone)?;
        }
        None => {
            write_struct_header(out, if utc { tag::DATE_TIME } else { tag::LEGACY_DATE_TIME }, 3)?;
            write_int(out, seconds);
            write_int(out, x.nanos as i64);
            write_int(out, x.offset_seconds as i64);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// wire -> Value (parameters)
// ---------------------------------------------------------------------------

/// Why a parameter value cannot become a Plexus value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError(pub String);

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn bad(msg: impl Into<String>) -> ParamError {
    ParamError(msg.into())
}

/// Parameters arrive as a map; duplicate keys resolve last-wins.
pub fn to_params(entries: Vec<(String, PackValue)>) -> Result<BTreeMap<String, Value>, ParamError> {
    let mut out = BTreeMap::new();
    for (k, v) in entries {
        let value = to_value(v).map_err(|e| bad(format!("parameter `${k}`: {e}")))?;
        out.insert(k, value);
    }
    Ok(out)
}

pub fn to_value(p: PackValue) -> Result<Value, ParamError> {
    Ok(match p {
        PackValue::Null => Value::Null,
        PackValue::Boolean(b) => Value::Boolean(b),
        PackValue::Integer(i) => Value::Integer(i),
        PackValue::Float(f) => Value::Float(f),
        PackValue::String(s) => Value::String(s),
        PackValue::Bytes(_) => return Err(bad("byte arrays are not supported")),
        PackValue::List(items) => Value::List(items.into_iter().map(to_value).collect::<Result<_, _>>()?),
        PackValue::Map(entries) => Value::Map(to_params(entries)?),
        PackValue::Struct(s) => struct_to_value(s)?,
    })
}

fn int_fields<const N: usize>(s: &Structure, name: &str) -> Result<[i64; N], ParamError> {
    let mut out = [0; N];
    if s.fields.len() != N {
        return Err(bad(format!("a {name} needs {N} fields, got {}", s.fields.len())));
    }
    for (slot, f) in out.iter_mut().zip(&s.fields) {
        *slot = f.as_int().ok_or_else(|| bad(format!("a {name} field must be an integer, got {}", f.kind())))?;
    }
    Ok(out)
}

fn in_range(v: i64, lo: i64, hi: i64, what: &str) -> Result<i64, ParamError> {
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(bad(format!("{what} {v} is out of range")))
    }
}

fn struct_to_value(s: Structure) -> Result<Value, ParamError> {
    Ok(match s.tag {
        tag::DATE => {
            let [days] = int_fields(&s, "Date")?;
            Value::Date(Date { days: in_range(days, -MAX_DAYS, MAX_DAYS, "days")? })
        }
        tag::LOCAL_TIME => {
            let [nanos] = int_fields(&s, "LocalTime")?;
            Value::LocalTime(LocalTime { nanos: in_range(nanos, 0, NANOS_PER_DAY - 1, "nanoseconds of day")? })
        }
        tag::TIME => {
            let [nanos, offset] = int_fields(&s, "Time")?;
            Value::Time(Time {
                nanos: in_range(nanos, 0, NANOS_PER_DAY - 1, "nanoseconds of day")?,
                offset_seconds: in_range(offset, -MAX_OFFSET, MAX_OFFSET, "offset")? as i32,
            })
        }
        tag::LOCAL_DATE_TIME => {
            let [seconds, nanos] = int_fields(&s, "LocalDateTime")?;
            Value::LocalDateTime(LocalDateTime {
                seconds: in_range(seconds, -MAX_SECONDS, MAX_SECONDS, "seconds")?,
                nanos: in_range(nanos, 0, NANOS_PER_SECOND - 1, "nanoseconds")? as u32,
            })
        }
        tag::DATE_TIME | tag::LEGACY_DATE_TIME => {
            let [seconds, nanos, offset] = int_fields(&s, "DateTime")?;
            let offset = in_range(offset, -MAX_OFFSET, MAX_OFFSET, "offset")?;
            let seconds = in_range(seconds, -MAX_SECONDS, MAX_SECONDS, "seconds")?;
            Value::DateTime(DateTime {
                seconds: if s.tag == tag::DATE_TIME { seconds } else { seconds - offset },
                nanos: in_range(nanos, 0, NANOS_PER_SECOND - 1, "nanoseconds")? as u32,
                offset_seconds: offset as i32,
                zone: None,
            })
        }
        tag::DATE_TIME_ZONE_ID | tag::LEGACY_DATE_TIME_ZONE_ID => zoned_datetime(&s)?,
        tag::DURATION => {
            let [months, days, seconds, nanos] = int_fields(&s, "Duration")?;
            let seconds = seconds.checked_add(nanos.div_euclid(NANOS_PER_SECOND));
            Value::Duration(Duration {
                months,
                days,
                seconds: seconds.ok_or_else(|| bad("duration seconds overflow"))?,
                nanos: nanos.rem_euclid(NANOS_PER_SECOND) as i32,
            })
        }
        tag::POINT_2D | tag::POINT_3D => return Err(bad("spatial points are not supported")),
        tag::NODE | tag::RELATIONSHIP | tag::UNBOUND_RELATIONSHIP | tag::PATH => {
            return Err(bad("nodes, relationships and paths cannot be parameters"))
        }
        other => return Err(bad(format!("unknown structure tag 0x{other:02X}"))),
    })
}

/// `69` (UTC seconds) or legacy `66` (wall-clock seconds) with a zone name:
/// the offset in force comes from the time-zone database.
fn zoned_datetime(s: &Structure) -> Result<Value, ParamError> {
    let [seconds, nanos, zone] = match s.fields.as_slice() {
        [a, b, c] => [a, b, c],
        f => return Err(bad(format!("a DateTimeZoneId needs 3 fields, got {}", f.len()))),
    };
    let (Some(seconds), Some(nanos), Some(zone)) = (seconds.as_int(), nanos.as_int(), zone.as_str()) else {
        return Err(bad("a DateTimeZoneId holds seconds, nanoseconds and a zone name"));
    };
    let seconds = in_range(seconds, -MAX_SECONDS, MAX_SECONDS, "seconds")?;
    let nanos = in_range(nanos, 0, NANOS_PER_SECOND - 1, "nanoseconds")? as u32;
    let tz: chrono_tz::Tz = zone.parse().map_err(|_| bad(format!("unknown time zone '{zone}'")))?;
    let offset_at_utc = |utc: i64| -> Option<i32> {
        let instant = chrono::DateTime::from_timestamp(utc, 0)?;
        Some(tz.offset_from_utc_datetime(&instant.naive_utc()).fix().local_minus_utc())
    };
    let utc_seconds = if s.tag == tag::DATE_TIME_ZONE_ID {
        seconds
    } else {
        let local = chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.naive_utc());
        let offset = local
            .and_then(|l| tz.from_local_datetime(&l).earliest())
            .map(|t| t.offset().fix().local_minus_utc())
            // In a gap the wall-clock time does not exist; take the offset before it.
            .or_else(|| offset_at_utc(seconds - 86_400));
        seconds - offset.ok_or_else(|| bad("datetime out of range"))? as i64
    };
    let offset = offset_at_utc(utc_seconds).ok_or_else(|| bad("datetime out of range"))?;
    Ok(Value::DateTime(DateTime { seconds: utc_seconds, nanos, offset_seconds: offset, zone: Some(zone.to_string()) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::bolt::packstream::decode;
    use crate::server::bolt::version::BoltVersion;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).expect("hex in test")).collect()
    }

    const V5: Dialect = Dialect { version: BoltVersion::new(5, 4), utc_patch: false };
    const V4: Dialect = Dialect { version: BoltVersion::new(4, 4), utc_patch: false };
    const V4_UTC: Dialect = Dialect { version: BoltVersion::new(4, 4), utc_patch: true };

    fn enc(v: &Value, d: Dialect) -> Vec<u8> {
        let mut out = Vec::new();
        write_value(&mut out, v, d).expect("encodable");
        out
    }

    fn node(id: u64, label: &str, props: &[(&str, Value)]) -> Node {
        Node {
            id,
            labels: vec![label.into()],
            properties: props.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        }
    }

    fn rel(id: u64, start: u64, end: u64) -> Relationship {
        Relationship { id, start, end, rel_type: "KNOWS".into(), properties: BTreeMap::new() }
    }

    #[test]
    fn node_and_relationship_match_protocols_md_in_both_versions() {
        let ann = Value::Node(Box::new(node(1, "Person", &[("name", Value::String("Ann".into()))])));
        assert_eq!(enc(&ann, V5), hex("B4 4E 01 91 86 50 65 72 73 6F 6E A1 84 6E 61 6D 65 83 41 6E 6E 81 31"));
        assert_eq!(enc(&ann, V4), hex("B3 4E 01 91 86 50 65 72 73 6F 6E A1 84 6E 61 6D 65 83 41 6E 6E"));
        let knows = Value::Relationship(Box::new(rel(7, 1, 2)));
        assert_eq!(enc(&knows, V5), hex("B8 52 07 01 02 85 4B 4E 4F 57 53 A0 81 37 81 31 81 32"));
        assert_eq!(enc(&knows, V4), hex("B5 52 07 01 02 85 4B 4E 4F 57 53 A0"));
    }

    #[test]
    fn date_matches_protocols_md() {
        assert_eq!(enc(&Value::Date(Date { days: 19723 }), V5), hex("B1 44 C9 4D 0B"));
    }

    #[test]
    fn path_indices_follow_the_walk_and_direction() {
        // (n0)-[r1]->(n1)<-[r2]-(n2): indices [1, 1, -2, 2] as in PROTOCOLS.md A.5.
        let (a, b, c) = (node(10, "A", &[]), node(11, "B", &[]), node(12, "C", &[]));
        let path = Path { nodes: vec![a, b, c], relationships: vec![rel(20, 10, 11), rel(21, 12, 11)] };
        let bytes = enc(&Value::Path(Box::new(path)), V5);
        let Ok(PackValue::Struct(s)) = decode(&bytes) else { panic!("not a struct") };
        assert_eq!((s.tag, s.fields.len()), (tag::PATH, 3));
        let ints = |v: &PackValue| match v {
            PackValue::List(items) => items.iter().map(|i| i.as_int().expect("int")).collect::<Vec<_>>(),
            _ => panic!("not a list"),
        };
        assert_eq!(ints(&s.fields[2]), vec![1, 1, -2, 2]);
        let PackValue::List(rels) = &s.fields[1] else { panic!("rels") };
        assert!(rels
            .iter()
            .all(|r| matches!(r, PackValue::Struct(s) if s.tag == tag::UNBOUND_RELATIONSHIP && s.fields.len() == 4)));
    }

    #[test]
    fn a_path_revisiting_a_node_lists_it_once() {
        let (a, b) = (node(1, "A", &[]), node(2, "B", &[]));
        let path = Path { nodes: vec![a.clone(), b, a], relationships: vec![rel(5, 1, 2), rel(6, 1, 2)] };
        let Ok(PackValue::Struct(s)) = decode(&enc(&Value::Path(Box::new(path)), V4)) else { panic!() };
        let PackValue::List(nodes) = &s.fields[0] else { panic!() };
        assert_eq!(nodes.len(), 2);
        assert_eq!(s.fields[2], PackValue::List([1, 1, -2, 0].map(PackValue::Integer).to_vec()));
    }

    #[test]
    fn datetimes_use_utc_seconds_in_5x_and_wall_clock_seconds_in_legacy_4x() {
        let dt = DateTime { seconds: 1_000, nanos: 5, offset_seconds: 3600, zone: None };
        let v = Value::DateTime(dt.clone());
        assert_eq!(enc(&v, V5), hex("B3 49 C9 03 E8 05 C9 0E 10"));
        assert_eq!(enc(&v, V4_UTC), enc(&v, V5));
        // 1000 + 3600 = 4600 = 0x11F8
        assert_eq!(enc(&v, V4), hex("B3 46 C9 11 F8 05 C9 0E 10"));
        for d in [V5, V4] {
            let back = to_value(decode(&enc(&v, d)).expect("decodes")).expect("valid");
            assert_eq!(back, v, "{d:?}");
        }
    }

    #[test]
    fn zoned_datetimes_round_trip_with_the_offset_from_the_zone() {
        // 2024-07-01T12:00:00Z in Europe/Berlin is +02:00.
        let v = Value::DateTime(DateTime {
            seconds: 1_719_835_200,
            nanos: 0,
            offset_seconds: 7200,
            zone: Some("Europe/Berlin".into()),
        });
        for d in [V5, V4] {
            let bytes = enc(&v, d);
            assert_eq!(bytes[1], if d == V5 { tag::DATE_TIME_ZONE_ID } else { tag::LEGACY_DATE_TIME_ZONE_ID });
            assert_eq!(to_value(decode(&bytes).expect("decodes")), Ok(v.clone()));
        }
        let unknown = PackValue::Struct(Structure {
            tag: tag::DATE_TIME_ZONE_ID,
            fields: vec![PackValue::Integer(0), PackValue::Integer(0), PackValue::String("Mars/Olympus".into())],
        });
        assert!(to_value(unknown).is_err());
    }

    #[test]
    fn every_temporal_round_trips() {
        let values = [
            Value::Date(Date { days: -719_528 }),
            Value::LocalTime(LocalTime { nanos: 45_296_000_000_123 }),
            Value::Time(Time { nanos: 1, offset_seconds: -18_000 }),
            Value::LocalDateTime(LocalDateTime { seconds: -1, nanos: 999_999_999 }),
            Value::Duration(Duration { months: 14, days: -3, seconds: 7_200, nanos: 500 }),
        ];
        for v in values {
            for d in [V5, V4] {
                assert_eq!(to_value(decode(&enc(&v, d)).expect("decodes")), Ok(v.clone()));
            }
        }
    }

    #[test]
    fn invalid_parameters_are_refused_with_a_reason() {
        let st = |tag, fields: Vec<PackValue>| PackValue::Struct(Structure { tag, fields });
        let cases = [
            PackValue::Bytes(vec![1]),
            st(tag::DATE, vec![]),
            st(tag::DATE, vec![PackValue::String("x".into())]),
            st(tag::DATE, vec![PackValue::Integer(i64::MAX)]),
            st(tag::LOCAL_TIME, vec![PackValue::Integer(NANOS_PER_DAY)]),
            st(tag::DATE_TIME, vec![PackValue::Integer(0), PackValue::Integer(-1), PackValue::Integer(0)]),
            st(tag::TIME, vec![PackValue::Integer(0), PackValue::Integer(100_000)]),
            st(
                tag::DURATION,
                vec![
                    PackValue::Integer(0),
                    PackValue::Integer(0),
                    PackValue::Integer(i64::MAX),
                    PackValue::Integer(NANOS_PER_SECOND),
                ],
            ),
            st(tag::POINT_2D, vec![PackValue::Integer(7203), PackValue::Float(1.0), PackValue::Float(2.0)]),
            st(tag::NODE, vec![]),
            st(0x01, vec![]),
            PackValue::List(vec![PackValue::Bytes(vec![])]),
        ];
        for c in cases {
            assert!(to_value(c.clone()).is_err(), "{c:?}");
        }
    }

    #[test]
    fn duration_nanoseconds_are_normalized_into_seconds() {
        let d =
            PackValue::Struct(Structure { tag: tag::DURATION, fields: [0, 0, 1, -1].map(PackValue::Integer).to_vec() });
        assert_eq!(to_value(d), Ok(Value::Duration(Duration { months: 0, days: 0, seconds: 0, nanos: 999_999_999 })));
    }
}

//! Rendering values as Cypher literals, the form the openCypher TCK uses in
//! result tables, plus ISO-8601 `Display` for every temporal type.

use std::fmt::{self, Write as _};

use super::{Date, DateTime, Duration, LocalDateTime, LocalTime, Node, Relationship, Time, Value};

const NANOS_PER_SECOND: i128 = 1_000_000_000;
const NANOS_PER_DAY: i128 = 86_400 * NANOS_PER_SECOND;

/// Civil (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian).
pub(crate) fn civil_from_days(days: i64) -> (i128, u32, u32) {
    // Howard Hinnant's algorithm, in i128 so no input can overflow.
    let z = days as i128 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn write_year(f: &mut impl fmt::Write, year: i128) -> fmt::Result {
    if year > 9999 {
        write!(f, "+{year}")
    } else if year < 0 {
        write!(f, "-{:04}", -year)
    } else {
        write!(f, "{year:04}")
    }
}

fn write_date(f: &mut impl fmt::Write, days: i64) -> fmt::Result {
    let (y, m, d) = civil_from_days(days);
    write_year(f, y)?;
    write!(f, "-{m:02}-{d:02}")
}

/// `HH:MM[:SS[.fff|.ffffff|.fffffffff]]` like Java's `LocalTime.toString`.
fn write_time_of_day(f: &mut impl fmt::Write, nanos_of_day: i128) -> fmt::Result {
    let n = nanos_of_day.rem_euclid(NANOS_PER_DAY);
    let secs = n / NANOS_PER_SECOND;
    let frac = n % NANOS_PER_SECOND;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    write!(f, "{h:02}:{m:02}")?;
    if s != 0 || frac != 0 {
        write!(f, ":{s:02}")?;
        if frac != 0 {
            if frac % 1_000_000 == 0 {
                write!(f, ".{:03}", frac / 1_000_000)?;
            } else if frac % 1_000 == 0 {
                write!(f, ".{:06}", frac / 1_000)?;
            } else {
                write!(f, ".{frac:09}")?;
            }
        }
    }
    Ok(())
}

/// `Z` for UTC, else `+HH:MM` or `+HH:MM:SS`.
fn write_offset(f: &mut impl fmt::Write, offset_seconds: i32) -> fmt::Result {
    if offset_seconds == 0 {
        return f.write_char('Z');
    }
    let sign = if offset_seconds < 0 { '-' } else { '+' };
    let abs = (offset_seconds as i64).abs();
    let (h, m, s) = (abs / 3600, (abs / 60) % 60, abs % 60);
    write!(f, "{sign}{h:02}:{m:02}")?;
    if s != 0 {
        write!(f, ":{s:02}")?;
    }
    Ok(())
}

fn write_local_datetime(f: &mut impl fmt::Write, seconds: i128, nanos: u32) -> fmt::Result {
    let days = seconds.div_euclid(86_400);
    let secs_of_day = seconds.rem_euclid(86_400);
    let days = i64::try_from(days).unwrap_or(if days < 0 { i64::MIN } else { i64::MAX });
    write_date(f, days)?;
    f.write_char('T')?;
    write_time_of_day(f, secs_of_day * NANOS_PER_SECOND + nanos as i128)
}

impl fmt::Display for Date {
    /// ISO-8601 date, e.g. `2015-07-21`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_date(f, self.days)
    }
}

impl fmt::Display for LocalTime {
    /// ISO-8601 local time, e.g. `12:31:14.645876123`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_time_of_day(f, self.nanos as i128)
    }
}

impl fmt::Display for Time {
    /// ISO-8601 time with offset, e.g. `12:31:14+01:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_time_of_day(f, self.nanos as i128)?;
        write_offset(f, self.offset_seconds)
    }
}

impl fmt::Display for LocalDateTime {
    /// ISO-8601 local date-time, e.g. `2015-07-21T12:31:14`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_local_datetime(f, self.seconds as i128, self.nanos)
    }
}

impl fmt::Display for DateTime {
    /// ISO-8601 date-time with offset and optional zone, e.g. `2015-07-21T12:31:14+01:00[Europe/Stockholm]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_local_datetime(f, self.seconds as i128 + self.offset_seconds as i128, self.nanos)?;
        write_offset(f, self.offset_seconds)?;
        if let Some(zone) = &self.zone {
            write!(f, "[{zone}]")?;
        }
        Ok(())
    }
}

impl fmt::Display for Duration {
    /// ISO-8601 duration, e.g. `P1Y2M3DT4H5M6.5S`; zero is `PT0S`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.seconds as i128 * NANOS_PER_SECOND + self.nanos as i128;
        if self.months == 0 && self.days == 0 && total == 0 {
            return f.write_str("PT0S");
        }
        f.write_char('P')?;
        let years = self.months / 12;
        let months = self.months % 12;
        if years != 0 {
            write!(f, "{years}Y")?;
        }
        if months != 0 {
            write!(f, "{months}M")?;
        }
        if self.days != 0 {
            write!(f, "{}D", self.days)?;
        }
        if total != 0 {
            f.write_char('T')?;
            let sign = if total < 0 { "-" } else { "" };
            let abs = total.abs();
            let secs = abs / NANOS_PER_SECOND;
            let frac = abs % NANOS_PER_SECOND;
            let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
            if h != 0 {
                write!(f, "{sign}{h}H")?;
            }
            if m != 0 {
                write!(f, "{sign}{m}M")?;
            }
            if s != 0 || frac != 0 {
                write!(f, "{sign}{s}")?;
                if frac != 0 {
                    let digits = format!("{frac:09}");
                    write!(f, ".{}", digits.trim_end_matches('0'))?;
                }
                f.write_char('S')?;
            }
        }
        Ok(())
    }
}

/// A float the way Java's `Double.toString` writes it: `1.0`, `-0.5`,
/// `1.0E10`, `1.5E-5`, `NaN`, `Infinity`, `-Infinity`.
pub(crate) fn format_float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let abs = x.abs();
    if abs == 0.0 || (1e-3..1e7).contains(&abs) {
        let s = format!("{x}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        let s = format!("{x:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        if mantissa.contains('.') {
            format!("{mantissa}E{exp}")
        } else {
            format!("{mantissa}.0E{exp}")
        }
    }
}

fn write_string_literal(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}

fn write_props(
    f: &mut fmt::Formatter<'_>,
    props: &std::collections::BTreeMap<String, Value>,
    leading_space: bool,
) -> fmt::Result {
    if props.is_empty() {
        return Ok(());
    }
    if leading_space {
        f.write_char(' ')?;
    }
    f.write_char('{')?;
    for (i, (k, v)) in props.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{k}: {v}")?;
    }
    f.write_char('}')
}

fn write_node(f: &mut fmt::Formatter<'_>, n: &Node) -> fmt::Result {
    f.write_char('(')?;
    for l in &n.labels {
        write!(f, ":{l}")?;
    }
    write_props(f, &n.properties, !n.labels.is_empty())?;
    f.write_char(')')
}

fn write_rel(f: &mut fmt::Formatter<'_>, r: &Relationship) -> fmt::Result {
    write!(f, "[:{}", r.rel_type)?;
    write_props(f, &r.properties, true)?;
    f.write_char(']')
}

impl fmt::Display for Value {
    /// The Cypher literal form used in TCK result tables.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&format_float(*x)),
            Value::String(s) => write_string_literal(f, s),
            Value::List(items) => {
                f.write_char('[')?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_char(']')
            }
            Value::Map(m) => {
                if m.is_empty() {
                    return f.write_str("{}");
                }
                write_props(f, m, false)
            }
            Value::Node(n) => write_node(f, n),
            Value::Relationship(r) => write_rel(f, r),
            Value::Path(p) => {
                f.write_char('<')?;
                let mut prev = None;
                for (i, n) in p.nodes.iter().enumerate() {
                    if i > 0 {
                        if let Some(r) = p.relationships.get(i - 1) {
                            // Forward when the relationship starts at the previous node.
                            if prev == Some(r.start) {
                                f.write_char('-')?;
                                write_rel(f, r)?;
                                f.write_str("->")?;
                            } else {
                                f.write_str("<-")?;
                                write_rel(f, r)?;
                                f.write_char('-')?;
                            }
                        }
                    }
                    write_node(f, n)?;
                    prev = Some(n.id);
                }
                f.write_char('>')
            }
            Value::Date(d) => write!(f, "'{d}'"),
            Value::LocalTime(t) => write!(f, "'{t}'"),
            Value::Time(t) => write!(f, "'{t}'"),
            Value::LocalDateTime(t) => write!(f, "'{t}'"),
            Value::DateTime(t) => write!(f, "'{t}'"),
            Value::Duration(d) => write!(f, "'{d}'"),
        }
    }
}

impl Value {
    /// User-facing text: strings and temporals without quotes, everything else as `Display`.
    pub fn to_display_string(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            Value::Date(d) => d.to_string(),
            Value::LocalTime(t) => t.to_string(),
            Value::Time(t) => t.to_string(),
            Value::LocalDateTime(t) => t.to_string(),
            Value::DateTime(t) => t.to_string(),
            Value::Duration(d) => d.to_string(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Path;
    use std::collections::BTreeMap;

    fn props(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }
    fn node(id: u64, labels: &[&str], p: &[(&str, Value)]) -> Node {
        Node { id, labels: labels.iter().map(|s| s.to_string()).collect(), properties: props(p) }
    }
    fn rel(id: u64, start: u64, end: u64, t: &str, p: &[(&str, Value)]) -> Relationship {
        Relationship { id, start, end, rel_type: t.into(), properties: props(p) }
    }

    #[test]
    fn scalars() {
        assert_eq!(Value::Null.to_string(), "null");
        assert_eq!(Value::Boolean(true).to_string(), "true");
        assert_eq!(Value::Integer(-12).to_string(), "-12");
        assert_eq!(Value::Float(1.0).to_string(), "1.0");
        assert_eq!(Value::Float(-0.5).to_string(), "-0.5");
        assert_eq!(Value::Float(2.3).to_string(), "2.3");
        assert_eq!(Value::Float(1e10).to_string(), "1.0E10");
        assert_eq!(Value::Float(1.2635418652381264e305).to_string(), "1.2635418652381264E305");
        assert_eq!(Value::Float(1.5e-5).to_string(), "1.5E-5");
        assert_eq!(Value::Float(0.001).to_string(), "0.001");
        assert_eq!(Value::Float(1234567.0).to_string(), "1234567.0");
        assert_eq!(Value::Float(0.0).to_string(), "0.0");
        assert_eq!(Value::Float(f64::NAN).to_string(), "NaN");
        assert_eq!(Value::Float(f64::INFINITY).to_string(), "Infinity");
        assert_eq!(Value::Float(f64::NEG_INFINITY).to_string(), "-Infinity");
        assert_eq!(Value::from("it's a \\ test").to_string(), r"'it\'s a \\ test'");
        assert_eq!(Value::from("x").to_display_string(), "x");
        assert_eq!(Value::Integer(3).to_display_string(), "3");
    }

    #[test]
    fn collections() {
        let list = Value::List(vec![Value::Integer(1), Value::from("a"), Value::Null]);
        assert_eq!(list.to_string(), "[1, 'a', null]");
        assert_eq!(Value::List(vec![]).to_string(), "[]");
        let map = Value::Map(props(&[("b", Value::from("x")), ("a", Value::Integer(1))]));
        assert_eq!(map.to_string(), "{a: 1, b: 'x'}");
        assert_eq!(Value::Map(BTreeMap::new()).to_string(), "{}");
        assert_eq!(list.to_display_string(), "[1, 'a', null]");
    }

    #[test]
    fn graph_values() {
        let n = node(1, &["A", "B"], &[("name", Value::from("x"))]);
        assert_eq!(Value::Node(Box::new(n)).to_string(), "(:A:B {name: 'x'})");
        assert_eq!(Value::Node(Box::new(node(1, &[], &[]))).to_string(), "()");
        let bare = node(1, &[], &[("a", Value::Integer(1))]);
        assert_eq!(Value::Node(Box::new(bare)).to_string(), "({a: 1})");
        let r = rel(1, 1, 2, "T", &[("w", Value::Integer(1))]);
        assert_eq!(Value::Relationship(Box::new(r)).to_string(), "[:T {w: 1}]");
        let path = Path {
            nodes: vec![node(1, &["A"], &[]), node(2, &["B"], &[]), node(3, &["C"], &[])],
            relationships: vec![rel(10, 1, 2, "R", &[]), rel(11, 3, 2, "S", &[])],
        };
        assert_eq!(Value::Path(Box::new(path)).to_string(), "<(:A)-[:R]->(:B)<-[:S]-(:C)>");
        let single = Path { nodes: vec![node(1, &["N"], &[])], relationships: vec![] };
        assert_eq!(Value::Path(Box::new(single)).to_string(), "<(:N)>");
    }

    #[test]
    fn temporals() {
        // 2015-07-21 is day 16637 since the epoch.
        assert_eq!(Date { days: 16637 }.to_string(), "2015-07-21");
        assert_eq!(Date { days: 0 }.to_string(), "1970-01-01");
        assert_eq!(Date { days: -1 }.to_string(), "1969-12-31");
        assert_eq!(Date { days: -719_893 }.to_string(), "-0001-01-01");
        assert_eq!(Date { days: -719_528 }.to_string(), "0000-01-01");
        assert_eq!(Date { days: 2_932_897 }.to_string(), "+10000-01-01");
        let _ = Date { days: i64::MAX }.to_string();
        let _ = Date { days: i64::MIN }.to_string();
        let nanos = |h: i64, m: i64, s: i64, n: i64| ((h * 60 + m) * 60 + s) * 1_000_000_000 + n;
        assert_eq!(LocalTime { nanos: nanos(12, 31, 14, 645_876_123) }.to_string(), "12:31:14.645876123");
        assert_eq!(LocalTime { nanos: nanos(12, 31, 14, 645_000_000) }.to_string(), "12:31:14.645");
        assert_eq!(LocalTime { nanos: nanos(12, 31, 14, 645_876_000) }.to_string(), "12:31:14.645876");
        assert_eq!(LocalTime { nanos: nanos(12, 31, 0, 0) }.to_string(), "12:31");
        assert_eq!(LocalTime { nanos: nanos(0, 0, 0, 2) }.to_string(), "00:00:00.000000002");
        assert_eq!(Time { nanos: nanos(12, 31, 14, 0), offset_seconds: 3600 }.to_string(), "12:31:14+01:00");
        assert_eq!(Time { nanos: nanos(12, 0, 0, 0), offset_seconds: -3600 }.to_string(), "12:00-01:00");
        assert_eq!(Time { nanos: nanos(12, 0, 0, 0), offset_seconds: 0 }.to_string(), "12:00Z");
        assert_eq!(Time { nanos: 0, offset_seconds: 2 * 3600 + 5 * 60 + 59 }.to_string(), "00:00+02:05:59");
        let ldt = LocalDateTime { seconds: 16637 * 86400 + 12 * 3600 + 31 * 60 + 14, nanos: 0 };
        assert_eq!(ldt.to_string(), "2015-07-21T12:31:14");
        let dt = DateTime { seconds: ldt.seconds, nanos: 0, offset_seconds: 0, zone: None };
        assert_eq!(dt.to_string(), "2015-07-21T12:31:14Z");
        let dt = DateTime {
            seconds: ldt.seconds - 3600,
            nanos: 0,
            offset_seconds: 3600,
            zone: Some("Europe/Stockholm".into()),
        };
        assert_eq!(dt.to_string(), "2015-07-21T12:31:14+01:00[Europe/Stockholm]");
        assert_eq!(Value::Date(Date { days: 16637 }).to_string(), "'2015-07-21'");
        assert_eq!(Value::Date(Date { days: 16637 }).to_display_string(), "2015-07-21");
    }

    #[test]
    fn durations() {
        let d = |months, days, seconds, nanos| Duration { months, days, seconds, nanos }.to_string();
        assert_eq!(d(14, 3, 4 * 3600 + 5 * 60 + 6, 500_000_000), "P1Y2M3DT4H5M6.5S");
        assert_eq!(d(0, 0, 0, 0), "PT0S");
        assert_eq!(d(12, 0, 0, 0), "P1Y");
        assert_eq!(d(-23, 0, 0, 0), "P-1Y-11M");
        assert_eq!(d(0, -27, 0, 0), "P-27D");
        assert_eq!(d(0, 1, 0, -1_000_000), "P1DT-0.001S");
        assert_eq!(d(0, 14, 70, 1), "P14DT1M10.000000001S");
        assert_eq!(d(0, 0, -(21 * 3600 + 40 * 60 + 32), -142_000_000), "PT-21H-40M-32.142S");
        assert_eq!(d(0, 0, 3600, 0), "PT1H");
        let _ = d(i64::MIN, i64::MIN, i64::MIN, i32::MIN);
    }
}

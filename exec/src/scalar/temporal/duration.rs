//! Durations: ISO-8601 parsing (`P1Y2M3DT4H5M6.5S`, `P2012-02-02T14:37:21.545`),
//! construction from maps, normalization and arithmetic among durations.

use plexus_storage::value::Duration;
use plexus_storage::{Error, ErrorClass, Phase, Result, Value};

use super::{invalid, NANOS_PER_SECOND};

/// Average Gregorian month (365.2425 / 12 days) in nanoseconds.
const AVG_NANOS_PER_MONTH: f64 = 2_629_746_000_000_000.0;
const NANOS_PER_DAY_F: f64 = 86_400_000_000_000.0;
const NANOS_PER_SECOND_F: f64 = 1_000_000_000.0;

fn overflow() -> Error {
    Error::new(ErrorClass::ArithmeticError, "IntegerOverflow", Phase::Runtime, "duration out of range")
}

/// A duration with nanoseconds folded into `0..1e9` and every part checked to fit.
pub(crate) fn normalized(months: i128, days: i128, seconds: i128, nanos: i128) -> Result<Duration> {
    let seconds = seconds + nanos.div_euclid(NANOS_PER_SECOND as i128);
    let nanos = nanos.rem_euclid(NANOS_PER_SECOND as i128);
    Ok(Duration {
        months: i64::try_from(months).map_err(|_| overflow())?,
        days: i64::try_from(days).map_err(|_| overflow())?,
        seconds: i64::try_from(seconds).map_err(|_| overflow())?,
        nanos: nanos as i32,
    })
}

fn to_long(x: f64) -> Result<i64> {
    if x.is_finite() && x.abs() < 9.2e18 {
        Ok(x as i64)
    } else {
        Err(overflow())
    }
}

/// Neo4j's approximation of fractional parts: fractions of months become
/// days (by the average month), fractions of days become seconds, and so on.
pub(crate) fn approximate(months: f64, days: f64, seconds: f64, nanos: f64) -> Result<Duration> {
    let months_l = to_long(months)?;
    let month_diff = AVG_NANOS_PER_MONTH * months - AVG_NANOS_PER_MONTH * months_l as f64;
    let days = days + month_diff / NANOS_PER_DAY_F;
    let days_l = to_long(days)?;
    let day_diff = NANOS_PER_DAY_F * days - NANOS_PER_DAY_F * days_l as f64;
    let seconds = seconds + day_diff / NANOS_PER_SECOND_F;
    let seconds_l = to_long(seconds)?;
    let second_diff = NANOS_PER_SECOND_F * seconds - NANOS_PER_SECOND_F * seconds_l as f64;
    let nanos_l = to_long(nanos + second_diff)?;
    normalized(months_l as i128, days_l as i128, seconds_l as i128, nanos_l as i128)
}

/// A number that may be fractional.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(x) => x,
        }
    }
}

/// Components in the units a user writes.
#[derive(Debug, Default, Clone)]
struct Components {
    years: Option<Num>,
    quarters: Option<Num>,
    months: Option<Num>,
    weeks: Option<Num>,
    days: Option<Num>,
    hours: Option<Num>,
    minutes: Option<Num>,
    seconds: Option<Num>,
    millis: Option<Num>,
    micros: Option<Num>,
    nanos: Option<Num>,
}

impl Components {
    fn all(&self) -> [(Option<Num>, i128); 11] {
        [
            (self.years, 12),
            (self.quarters, 3),
            (self.months, 1),
            (self.weeks, 7),
            (self.days, 1),
            (self.hours, 3600),
            (self.minutes, 60),
            (self.seconds, 1),
            (self.millis, 1_000_000),
            (self.micros, 1_000),
            (self.nanos, 1),
        ]
    }

    fn build(&self) -> Result<Duration> {
        let all = self.all();
        let exact = all.iter().all(|(n, _)| !matches!(n, Some(Num::Float(_))));
        let int = |i: usize| match all[i].0 {
            Some(Num::Int(v)) => v as i128 * all[i].1,
            _ => 0,
        };
        let flt = |i: usize| all[i].0.map_or(0.0, |n| n.f() * all[i].1 as f64);
        if exact {
            normalized(int(0) + int(1) + int(2), int(3) + int(4), int(5) + int(6) + int(7), int(8) + int(9) + int(10))
        } else {
            approximate(flt(0) + flt(1) + flt(2), flt(3) + flt(4), flt(5) + flt(6) + flt(7), flt(8) + flt(9) + flt(10))
        }
    }
}

/// `duration({years: 1, days: 1.5, ...})`.
pub fn from_map(map: &std::collections::BTreeMap<String, Value>) -> Result<Duration> {
    let mut c = Components::default();
    for (k, v) in map {
        let n = match v {
            Value::Integer(i) => Num::Int(*i),
            Value::Float(x) => Num::Float(*x),
            Value::Null => continue,
            other => {
                return Err(invalid(format!("duration component '{k}' must be a number, got {}", other.type_name())))
            }
        };
        let slot = match k.to_ascii_lowercase().as_str() {
            "years" => &mut c.years,
            "quarters" => &mut c.quarters,
            "months" => &mut c.months,
            "weeks" => &mut c.weeks,
            "days" => &mut c.days,
            "hours" => &mut c.hours,
            "minutes" => &mut c.minutes,
            "seconds" => &mut c.seconds,
            "milliseconds" => &mut c.millis,
            "microseconds" => &mut c.micros,
            "nanoseconds" => &mut c.nanos,
            _ => return Err(invalid(format!("no such duration component: '{k}'"))),
        };
        *slot = Some(n);
    }
    c.build()
}

/// Split a signed decimal like `-1.5` into its value; `None` when malformed.
fn parse_number(s: &str) -> Option<Num> {
    let s2 = s.replace(',', ".");
    if s2.is_empty() || s2.starts_with('.') {
        return None;
    }
    let body = s2.strip_prefix(['+', '-']).unwrap_or(&s2);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') || body.matches('.').count() > 1 {
        return None;
    }
    if s2.contains('.') {
        s2.parse::<f64>().ok().map(Num::Float)
    } else {
        s2.parse::<i64>().ok().map(Num::Int)
    }
}

/// Seconds with an exact fraction: (`seconds`, `nanos`) both carrying the sign.
fn parse_seconds(s: &str) -> Option<(i64, i64)> {
    let s2 = s.replace(',', ".");
    let neg = s2.starts_with('-');
    let body = s2.strip_prefix(['+', '-']).unwrap_or(&s2);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 9
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let secs: i64 = int.parse().ok()?;
    let nanos: i64 = if frac.is_empty() { 0 } else { frac.parse::<i64>().ok()? * 10i64.pow(9 - frac.len() as u32) };
    Some(if neg { (-secs, -nanos) } else { (secs, nanos) })
}

/// `P1Y2M3W4DT5H6M7.5S` or `P2012-02-02T14:37:21.545`, optionally negated with a leading `-`.
pub fn parse(s: &str) -> Result<Duration> {
    let bad = || invalid(format!("invalid duration '{s}'"));
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let body = body.strip_prefix(['P', 'p']).ok_or_else(bad)?;
    let d = if body.len() >= 4 && body.as_bytes()[..4].iter().all(u8::is_ascii_digit) && body[4..].starts_with('-') {
        parse_alternative(body).ok_or_else(bad)?
    } else {
        parse_designators(body).ok_or_else(bad)?
    };
    if neg {
        negate(&d)
    } else {
        Ok(d)
    }
}

fn parse_designators(body: &str) -> Option<Duration> {
    let mut c = Components::default();
    let (date, time) = match body.find(['T', 't']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if date.is_empty() && time.is_none_or(str::is_empty) {
        return None;
    }
    let mut rest = date;
    while !rest.is_empty() {
        let i = rest.find(|ch: char| ch.is_ascii_alphabetic())?;
        let n = parse_number(&rest[..i])?;
        let slot = match rest.as_bytes()[i].to_ascii_uppercase() {
            b'Y' => &mut c.years,
            b'M' => &mut c.months,
            b'W' => &mut c.weeks,
            b'D' => &mut c.days,
            _ => return None,
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(n);
        rest = &rest[i + 1..];
    }
    if let Some(time) = time {
        if time.is_empty() {
            return None;
        }
        let mut rest = time;
        while !rest.is_empty() {
            let i = rest.find(|ch: char| ch.is_ascii_alphabetic())?;
            let text = &rest[..i];
            match rest.as_bytes()[i].to_ascii_uppercase() {
                b'H' => c.hours = Some(parse_number(text)?),
                b'M' => c.minutes = Some(parse_number(text)?),
                b'S' => {
                    let (s, n) = parse_seconds(text)?;
                    c.seconds = Some(Num::Int(s));
                    c.nanos = Some(Num::Int(n));
                }
                _ => return None,
            }
            rest = &rest[i + 1..];
        }
    }
    c.build().ok()
}

/// `YYYY-MM-DDThh:mm:ss.fff`.
fn parse_alternative(body: &str) -> Option<Duration> {
    let (date, time) = match body.find(['T', 't']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let dp: Vec<&str> = date.split('-').collect();
    if dp.len() != 3 {
        return None;
    }
    let years: i64 = dp[0].parse().ok()?;
    let months: i64 = dp[1].parse().ok()?;
    let days: i64 = dp[2].parse().ok()?;
    let (mut h, mut m, mut s, mut n) = (0, 0, 0, 0);
    if let Some(t) = time {
        let tp: Vec<&str> = t.split(':').collect();
        if tp.is_empty() || tp.len() > 3 {
            return None;
        }
        h = tp[0].parse().ok()?;
        if let Some(x) = tp.get(1) {
            m = x.parse().ok()?;
        }
        if let Some(x) = tp.get(2) {
            (s, n) = parse_seconds(x)?;
        }
    }
    normalized(
        years as i128 * 12 + months as i128,
        days as i128,
        h as i128 * 3600 + m as i128 * 60 + s as i128,
        n as i128,
    )
    .ok()
}

pub(crate) fn total_nanos(d: &Duration) -> i128 {
    d.seconds as i128 * NANOS_PER_SECOND as i128 + d.nanos as i128
}

pub fn negate(d: &Duration) -> Result<Duration> {
    normalized(-(d.months as i128), -(d.days as i128), 0, -total_nanos(d))
}

pub fn add(a: &Duration, b: &Duration) -> Result<Duration> {
    normalized(a.months as i128 + b.months as i128, a.days as i128 + b.days as i128, 0, total_nanos(a) + total_nanos(b))
}

pub fn sub(a: &Duration, b: &Duration) -> Result<Duration> {
    add(a, &negate(b)?)
}

/// `duration * number`: exact for integers, approximated for floats.
pub fn mul(d: &Duration, factor: &Value) -> Result<Duration> {
    match factor {
        Value::Integer(f) => {
            let f = *f as i128;
            normalized(d.months as i128 * f, d.days as i128 * f, d.seconds as i128 * f, d.nanos as i128 * f)
        }
        Value::Float(f) => {
            approximate(d.months as f64 * f, d.days as f64 * f, d.seconds as f64 * f, d.nanos as f64 * f)
        }
        other => Err(Error::type_error(
            "InvalidArgumentType",
            format!("cannot multiply a duration by {}", other.type_name()),
        )),
    }
}

/// `duration / number`, always approximated.
pub fn div(d: &Duration, divisor: &Value) -> Result<Duration> {
    let x = match divisor {
        Value::Integer(i) => *i as f64,
        Value::Float(f) => *f,
        other => {
            return Err(Error::type_error(
                "InvalidArgumentType",
                format!("cannot divide a duration by {}", other.type_name()),
            ))
        }
    };
    if x == 0.0 {
        return Err(Error::new(ErrorClass::ArithmeticError, "DivisionByZero", Phase::Runtime, "/ by zero"));
    }
    approximate(d.months as f64 / x, d.days as f64 / x, d.seconds as f64 / x, d.nanos as f64 / x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse(s).unwrap().to_string()
    }

    fn m(pairs: &[(&str, Value)]) -> String {
        let map = pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        from_map(&map).unwrap().to_string()
    }

    #[test]
    fn parsing() {
        assert_eq!(p("P14DT16H12M"), "P14DT16H12M");
        assert_eq!(p("P5M1.5D"), "P5M1DT12H");
        assert_eq!(p("P0.75M"), "P22DT19H51M49.5S");
        assert_eq!(p("PT0.75M"), "PT45S");
        assert_eq!(p("P2.5W"), "P17DT12H");
        assert_eq!(p("P12Y5M14DT16H12M70S"), "P12Y5M14DT16H13M10S");
        assert_eq!(p("P2012-02-02T14:37:21.545"), "P2012Y2M2DT14H37M21.545S");
        assert_eq!(p("PT-1.999S"), "PT-1.999S");
        assert_eq!(p("PT-1M-0.001S"), "PT-1M-0.001S");
        assert_eq!(p("P-6M-15DT-17H-45M-3.500000002S"), "P-6M-15DT-17H-45M-3.500000002S");
        assert!(parse("P").is_err());
        assert!(parse("PT").is_err());
        assert!(parse("1D").is_err());
        assert!(parse("P1X").is_err());
    }

    #[test]
    fn maps() {
        assert_eq!(m(&[("months", Value::Float(0.75))]), "P22DT19H51M49.5S");
        assert_eq!(m(&[("minutes", Value::Float(1.5)), ("seconds", Value::Integer(1))]), "PT1M31S");
        assert_eq!(m(&[("seconds", Value::Integer(-2)), ("milliseconds", Value::Integer(1))]), "PT-1.999S");
        assert_eq!(m(&[("days", Value::Integer(1)), ("milliseconds", Value::Integer(-1))]), "P1DT-0.001S");
        assert!(from_map(&[("x".to_string(), Value::Integer(1))].into_iter().collect()).is_err());
    }

    #[test]
    fn arithmetic() {
        let d = from_map(
            &[
                ("years", 12),
                ("months", 5),
                ("days", 14),
                ("hours", 16),
                ("minutes", 12),
                ("seconds", 70),
                ("nanoseconds", 1),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Integer(*v)))
            .collect(),
        )
        .unwrap();
        assert_eq!(div(&d, &Value::Integer(2)).unwrap().to_string(), "P6Y2M22DT13H21M8S");
        assert_eq!(mul(&d, &Value::Float(0.5)).unwrap().to_string(), "P6Y2M22DT13H21M8S");
        assert_eq!(mul(&d, &Value::Integer(2)).unwrap().to_string(), "P24Y10M28DT32H26M20.000000002S");
        assert_eq!(sub(&d, &d).unwrap().to_string(), "PT0S");
        assert!(div(&d, &Value::Integer(0)).is_err());
        assert!(mul(&d, &Value::Integer(i64::MAX)).is_err());
    }
}

//! The temporal constructors `date()`, `localtime()`, `time()`,
//! `localdatetime()`, `datetime()`, `duration()` and their namespaced
//! variants, from nothing (now), strings, other temporals and maps.

use std::collections::BTreeMap;

use plexus_storage::{Result, Value};

use super::parse::{parse_date, parse_datetime, parse_time};
use super::{
    civil_from_days, date_of, datetime_at_instant, day_of_week, days_from_civil, hms_nanos, invalid, iso_week,
    make_date, make_datetime, make_local_datetime, make_local_time, make_time, now, ordinal_date_of, quarter_date_of,
    week_date_of, zone_from_value, Parts, Zone, NANOS_PER_SECOND, SECONDS_PER_DAY,
};
use crate::scalar::functions::arg;

/// Which temporal type to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Date,
    LocalTime,
    Time,
    LocalDateTime,
    DateTime,
}

impl Kind {
    fn has_date(self) -> bool {
        matches!(self, Kind::Date | Kind::LocalDateTime | Kind::DateTime)
    }

    fn has_time(self) -> bool {
        !matches!(self, Kind::Date)
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Date => "date",
            Kind::LocalTime => "localtime",
            Kind::Time => "time",
            Kind::LocalDateTime => "localdatetime",
            Kind::DateTime => "datetime",
        }
    }
}

#[derive(Debug, Default, Clone)]
pub(crate) struct DateFields {
    pub year: Option<i64>,
    pub month: Option<i64>,
    pub day: Option<i64>,
    pub week: Option<i64>,
    pub day_of_week: Option<i64>,
    pub ordinal_day: Option<i64>,
    pub quarter: Option<i64>,
    pub day_of_quarter: Option<i64>,
}

impl DateFields {
    fn any(&self) -> bool {
        [
            self.year,
            self.month,
            self.day,
            self.week,
            self.day_of_week,
            self.ordinal_day,
            self.quarter,
            self.day_of_quarter,
        ]
        .iter()
        .any(Option::is_some)
    }
}

#[derive(Debug, Default, Clone)]
pub(crate) struct TimeFields {
    pub hour: Option<i64>,
    pub minute: Option<i64>,
    pub second: Option<i64>,
    pub millisecond: Option<i64>,
    pub microsecond: Option<i64>,
    pub nanosecond: Option<i64>,
}

impl TimeFields {
    fn any(&self) -> bool {
        [self.hour, self.minute, self.second, self.millisecond, self.microsecond, self.nanosecond]
            .iter()
            .any(Option::is_some)
    }

    fn any_subsecond(&self) -> bool {
        self.millisecond.is_some() || self.microsecond.is_some() || self.nanosecond.is_some()
    }
}

/// Everything a construction needs: base parts (from `date:`/`time:`/
/// `datetime:` selections or a truncated value), field overrides and the
/// requested zone.
#[derive(Debug, Default, Clone)]
pub(crate) struct Input {
    pub date: Option<i64>,
    pub time: Option<i64>,
    pub zone: Option<Zone>,
    pub offset: Option<i32>,
    pub df: DateFields,
    pub tf: TimeFields,
    pub timezone: Option<Zone>,
    /// Truncation adds sub-second fields to the kept fraction instead of replacing it.
    pub add_subsecond: bool,
    /// Attach `timezone` to the local value instead of converting the instant.
    pub attach_zone: bool,
}

fn int_field(key: &str, v: &Value) -> Result<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::Integer(i) => Ok(Some(*i)),
        other => Err(invalid(format!("'{key}' must be an integer, got {}", other.type_name()))),
    }
}

/// Read a construction map.
pub(crate) fn input_from_map(kind: Kind, map: &BTreeMap<String, Value>) -> Result<Input> {
    let mut inp = Input::default();
    let mut date_base: Option<Parts> = None;
    let mut time_base: Option<Parts> = None;
    for (k, v) in map {
        let key = k.to_ascii_lowercase();
        let field = |slot: &mut Option<i64>| -> Result<()> {
            *slot = int_field(k, v)?;
            Ok(())
        };
        match key.as_str() {
            "year" => field(&mut inp.df.year)?,
            "month" => field(&mut inp.df.month)?,
            "day" => field(&mut inp.df.day)?,
            "week" => field(&mut inp.df.week)?,
            "dayofweek" => field(&mut inp.df.day_of_week)?,
            "ordinalday" => field(&mut inp.df.ordinal_day)?,
            "quarter" => field(&mut inp.df.quarter)?,
            "dayofquarter" => field(&mut inp.df.day_of_quarter)?,
            "hour" => field(&mut inp.tf.hour)?,
            "minute" => field(&mut inp.tf.minute)?,
            "second" => field(&mut inp.tf.second)?,
            "millisecond" => field(&mut inp.tf.millisecond)?,
            "microsecond" => field(&mut inp.tf.microsecond)?,
            "nanosecond" => field(&mut inp.tf.nanosecond)?,
            "timezone" => {
                if !v.is_null() {
                    inp.timezone = Some(zone_from_value(v)?);
                }
            }
            "date" | "time" | "datetime" => {
                if v.is_null() {
                    continue;
                }
                let p = Parts::of(v)
                    .ok_or_else(|| invalid(format!("'{k}' must be a temporal value, got {}", v.type_name())))?;
                match key.as_str() {
                    "date" => date_base = Some(p),
                    "time" => time_base = Some(p),
                    _ => {
                        date_base = Some(p.clone());
                        time_base = Some(p);
                    }
                }
            }
            _ => return Err(invalid(format!("{}() does not accept the field '{k}'", kind.name()))),
        }
    }
    if let Some(p) = date_base {
        if p.date.is_none() {
            return Err(invalid("a 'date' selection needs a value with a date"));
        }
        inp.date = p.date;
    }
    if let Some(p) = time_base {
        inp.time = Some(p.time.unwrap_or(0));
        inp.zone = p.zone;
        inp.offset = p.offset;
        if inp.date.is_none() && map.keys().any(|k| k.eq_ignore_ascii_case("datetime")) {
            inp.date = p.date;
        }
    }
    Ok(inp)
}

/// Resolve the date from a base date and field overrides.
pub(crate) fn build_date(base: Option<i64>, f: &DateFields) -> Result<Option<i64>> {
    if !f.any() {
        return Ok(base);
    }
    let civil = base.map(civil_from_days);
    let need_year = |y: Option<i64>| y.ok_or_else(|| invalid("a year is required"));
    if f.week.is_some() || f.day_of_week.is_some() {
        let (bwy, bw) = match base {
            Some(b) => (Some(iso_week(b).0), Some(iso_week(b).1)),
            None => (None, None),
        };
        let wy = need_year(f.year.or(bwy))?;
        let w = f.week.or(bw).unwrap_or(1);
        let dow = f.day_of_week.or(base.map(day_of_week)).unwrap_or(1);
        return week_date_of(wy, w, dow).map(Some);
    }
    if let Some(od) = f.ordinal_day {
        let y = need_year(f.year.or(civil.map(|c| c.0)))?;
        return ordinal_date_of(y, od).map(Some);
    }
    if f.quarter.is_some() || f.day_of_quarter.is_some() {
        let y = need_year(f.year.or(civil.map(|c| c.0)))?;
        let (bq, bdoq) = match civil {
            Some((by, bm, _)) => {
                let q = (bm - 1) / 3 + 1;
                let b = base.unwrap_or(0);
                (Some(q), Some(b - days_from_civil(by, (q - 1) * 3 + 1, 1) + 1))
            }
            None => (None, None),
        };
        let q = f.quarter.or(bq).unwrap_or(1);
        let doq = f.day_of_quarter.or(bdoq).unwrap_or(1);
        return quarter_date_of(y, q, doq).map(Some);
    }
    if f.year.is_none() && civil.is_none() {
        return Err(invalid("a year is required"));
    }
    if f.day.is_some() && f.month.is_none() && civil.is_none() {
        return Err(invalid("a month is required with a day"));
    }
    let y = need_year(f.year.or(civil.map(|c| c.0)))?;
    let m = f.month.or(civil.map(|c| c.1)).unwrap_or(1);
    let d = f.day.or(civil.map(|c| c.2)).unwrap_or(1);
    date_of(y, m, d).map(Some)
}

/// Resolve the local time of day from a base time and field overrides.
pub(crate) fn build_time(base: Option<i64>, f: &TimeFields, add_subsecond: bool) -> Result<Option<i64>> {
    if !f.any() {
        return Ok(base);
    }
    if base.is_none() {
        // Smaller units need the bigger ones.
        if f.hour.is_none() || (f.second.is_some() && f.minute.is_none()) || (f.any_subsecond() && f.second.is_none()) {
            return Err(invalid("time fields must be given from the hour down"));
        }
    }
    let b = base.unwrap_or(0);
    let bsec = b / NANOS_PER_SECOND;
    let h = f.hour.unwrap_or(bsec / 3600);
    let m = f.minute.unwrap_or((bsec / 60) % 60);
    let s = f.second.unwrap_or(bsec % 60);
    let frac = b % NANOS_PER_SECOND;
    let check = |v: Option<i64>, max: i64, what: &str| -> Result<i64> {
        match v {
            Some(x) if !(0..max).contains(&x) => Err(invalid(format!("invalid value for {what}: {x}"))),
            Some(x) => Ok(x),
            None => Ok(0),
        }
    };
    let ms = check(f.millisecond, 1_000, "millisecond")?;
    let us = check(f.microsecond, if f.millisecond.is_some() { 1_000 } else { 1_000_000 }, "microsecond")?;
    let ns = check(
        f.nanosecond,
        if f.microsecond.is_some() {
            1_000
        } else if f.millisecond.is_some() {
            1_000_000
        } else {
            NANOS_PER_SECOND
        },
        "nanosecond",
    )?;
    let sub = ms * 1_000_000 + us * 1_000 + ns;
    let n = if !f.any_subsecond() {
        frac
    } else if add_subsecond {
        frac + sub
    } else {
        sub
    };
    hms_nanos(h, m, s, n).map(Some)
}

/// Build a value of `kind` from an [`Input`].
pub(crate) fn build(kind: Kind, inp: &Input) -> Result<Value> {
    let date = if kind.has_date() { build_date(inp.date, &inp.df)? } else { None };
    let time = if kind.has_time() { build_time(inp.time, &inp.tf, inp.add_subsecond)? } else { None };
    if kind.has_date() && date.is_none() {
        return Err(invalid(format!("{}() needs a date", kind.name())));
    }
    if !kind.has_date() && inp.df.any() {
        return Err(invalid(format!("{}() does not take date fields", kind.name())));
    }
    let date = date.unwrap_or(0);
    let time = time.unwrap_or(0);
    match kind {
        Kind::Date => Ok(make_date(date)),
        Kind::LocalTime => Ok(make_local_time(time)),
        Kind::LocalDateTime => make_local_datetime(date, time),
        Kind::Time => {
            let (now_s, _) = now();
            let target = inp.timezone.as_ref().map(|z| z.offset_at_instant(now_s));
            match (inp.offset, target) {
                (Some(src), Some(tgt)) if !inp.attach_zone => {
                    Ok(make_time(time - src as i64 * NANOS_PER_SECOND + tgt as i64 * NANOS_PER_SECOND, tgt))
                }
                (_, Some(tgt)) => Ok(make_time(time, tgt)),
                (Some(src), None) => Ok(make_time(time, src)),
                (None, None) => Ok(make_time(time, 0)),
            }
        }
        Kind::DateTime => match (&inp.zone, &inp.timezone) {
            (Some(src), Some(tgt)) if !inp.attach_zone => {
                let v = make_datetime(date, time, src, inp.offset)?;
                match v {
                    Value::DateTime(dt) => Ok(datetime_at_instant(dt.seconds, dt.nanos, tgt)),
                    other => Ok(other),
                }
            }
            (_, Some(tgt)) => make_datetime(date, time, tgt, None),
            (Some(src), None) => make_datetime(date, time, src, inp.offset),
            (None, None) => make_datetime(date, time, &Zone::utc(), None),
        },
    }
}

/// The current instant as `kind`, in `zone` (UTC by default).
fn current(kind: Kind, zone: Option<Zone>) -> Result<Value> {
    current_at(kind, zone, now())
}

fn current_at(kind: Kind, zone: Option<Zone>, (s, n): (i64, u32)) -> Result<Value> {
    let zone = zone.unwrap_or_else(Zone::utc);
    let dt = datetime_at_instant(s, n, &zone);
    let Value::DateTime(d) = &dt else { return Ok(dt) };
    let p = Parts::of(&dt).unwrap_or(Parts { date: Some(0), time: Some(0), zone: None, offset: None });
    let (date, time) = (p.date.unwrap_or(0), p.time.unwrap_or(0));
    Ok(match kind {
        Kind::Date => make_date(date),
        Kind::LocalTime => make_local_time(time),
        Kind::Time => make_time(time, d.offset_seconds),
        Kind::LocalDateTime => make_local_datetime(date, time)?,
        Kind::DateTime => dt,
    })
}

/// Convert a temporal value to `kind` (`date(datetime)`, `time(localtime)`, ...).
fn select(kind: Kind, v: &Value) -> Result<Value> {
    let p = Parts::of(v).ok_or_else(|| invalid(format!("{}() cannot take a {}", kind.name(), v.type_name())))?;
    if kind.has_date() && p.date.is_none() {
        return Err(invalid(format!("{}() cannot be built from a {}", kind.name(), v.type_name())));
    }
    if kind == Kind::DateTime {
        if let Value::DateTime(_) = v {
            return Ok(v.clone());
        }
    }
    let inp =
        Input { date: p.date, time: Some(p.time.unwrap_or(0)), zone: p.zone, offset: p.offset, ..Input::default() };
    build(kind, &inp)
}

fn from_string(kind: Kind, s: &str) -> Result<Value> {
    match kind {
        Kind::Date => Ok(make_date(parse_date(s)?)),
        Kind::LocalTime => Ok(make_local_time(parse_time(s)?.nanos)),
        Kind::Time => {
            let t = parse_time(s)?;
            let offset = match (t.offset, &t.zone) {
                (Some(o), _) => o,
                (None, Some(z)) => z.offset_at_instant(now().0),
                (None, None) => 0,
            };
            Ok(make_time(t.nanos, offset))
        }
        Kind::LocalDateTime => {
            let (d, t) = parse_datetime(s)?;
            make_local_datetime(d, t.nanos)
        }
        Kind::DateTime => {
            let (d, t) = parse_datetime(s)?;
            let zone = match (t.zone, t.offset) {
                (Some(z), _) => z,
                (None, Some(o)) => Zone::Offset(o),
                (None, None) => Zone::utc(),
            };
            make_datetime(d, t.nanos, &zone, t.offset)
        }
    }
}

/// The shared body of `date(x)`, `time(x)`, ...
pub(crate) fn construct(kind: Kind, args: &[Value]) -> Result<Value> {
    match args.first() {
        None => current(kind, None),
        Some(Value::Null) => Ok(Value::Null),
        Some(Value::String(s)) => from_string(kind, s),
        Some(Value::Map(m)) => {
            if m.len() == 1 && m.keys().all(|k| k.eq_ignore_ascii_case("timezone")) {
                let z = m.values().next().map(zone_from_value).transpose()?;
                return current(kind, z);
            }
            build(kind, &input_from_map(kind, m)?)
        }
        Some(v) if Parts::of(v).is_some() => select(kind, v),
        Some(v) => Err(invalid(format!("{}() cannot take a {}", kind.name(), v.type_name()))),
    }
}

pub fn date(args: &[Value]) -> Result<Value> {
    construct(Kind::Date, args)
}
pub fn local_time(args: &[Value]) -> Result<Value> {
    construct(Kind::LocalTime, args)
}
pub fn time(args: &[Value]) -> Result<Value> {
    construct(Kind::Time, args)
}
pub fn local_datetime(args: &[Value]) -> Result<Value> {
    construct(Kind::LocalDateTime, args)
}
pub fn datetime(args: &[Value]) -> Result<Value> {
    construct(Kind::DateTime, args)
}

/// `date.statement()`, `datetime.realtime('Europe/Stockholm')`, ...: the current time.
fn current_with(kind: Kind, args: &[Value]) -> Result<Value> {
    match args.first() {
        None => current(kind, None),
        Some(Value::Null) => Ok(Value::Null),
        Some(v) => current(kind, Some(zone_from_value(v)?)),
    }
}
pub fn date_now(args: &[Value]) -> Result<Value> {
    current_with(Kind::Date, args)
}

/// `date.realtime()` and friends: the wall clock, never the statement clock.
fn realtime_with(kind: Kind, args: &[Value]) -> Result<Value> {
    match args.first() {
        None => current_at(kind, None, super::realtime()),
        Some(Value::Null) => Ok(Value::Null),
        Some(v) => current_at(kind, Some(zone_from_value(v)?), super::realtime()),
    }
}
pub fn date_realtime(args: &[Value]) -> Result<Value> {
    realtime_with(Kind::Date, args)
}
pub fn local_time_realtime(args: &[Value]) -> Result<Value> {
    realtime_with(Kind::LocalTime, args)
}
pub fn time_realtime(args: &[Value]) -> Result<Value> {
    realtime_with(Kind::Time, args)
}
pub fn local_datetime_realtime(args: &[Value]) -> Result<Value> {
    realtime_with(Kind::LocalDateTime, args)
}
pub fn datetime_realtime(args: &[Value]) -> Result<Value> {
    realtime_with(Kind::DateTime, args)
}
pub fn local_time_now(args: &[Value]) -> Result<Value> {
    current_with(Kind::LocalTime, args)
}
pub fn time_now(args: &[Value]) -> Result<Value> {
    current_with(Kind::Time, args)
}
pub fn local_datetime_now(args: &[Value]) -> Result<Value> {
    current_with(Kind::LocalDateTime, args)
}
pub fn datetime_now(args: &[Value]) -> Result<Value> {
    current_with(Kind::DateTime, args)
}

/// `timestamp()`: milliseconds since the epoch by the statement clock, as
/// Neo4j answers it (the same instant as `datetime()` in one statement).
pub fn timestamp(_args: &[Value]) -> Result<Value> {
    let (seconds, nanos) = super::now();
    Ok(Value::Integer(seconds * 1000 + i64::from(nanos / 1_000_000)))
}

/// `duration(map | string | duration)`.
pub fn duration(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(Value::Duration(super::duration::parse(s)?)),
        Value::Map(m) => Ok(Value::Duration(super::duration::from_map(m)?)),
        Value::Duration(d) => Ok(Value::Duration(*d)),
        other => Err(invalid(format!("duration() cannot take a {}", other.type_name()))),
    }
}

/// `datetime.fromepoch(seconds, nanos)`.
pub fn from_epoch(args: &[Value]) -> Result<Value> {
    match (arg(args, 0), arg(args, 1)) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::Integer(s), Value::Integer(n)) => {
            let total = *s as i128 * NANOS_PER_SECOND as i128 + *n as i128;
            epoch_nanos(total)
        }
        (a, b) => {
            Err(invalid(format!("datetime.fromepoch() expects integers, got {} and {}", a.type_name(), b.type_name())))
        }
    }
}

/// `datetime.fromepochmillis(millis)`.
pub fn from_epoch_millis(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Integer(ms) => epoch_nanos(*ms as i128 * 1_000_000),
        other => Err(invalid(format!("datetime.fromepochmillis() expects an integer, got {}", other.type_name()))),
    }
}

fn epoch_nanos(total: i128) -> Result<Value> {
    let secs = i64::try_from(total.div_euclid(NANOS_PER_SECOND as i128)).map_err(|_| invalid("epoch out of range"))?;
    let nanos = total.rem_euclid(NANOS_PER_SECOND as i128) as u32;
    let days = secs.div_euclid(SECONDS_PER_DAY);
    super::check_year(civil_from_days(days).0)?;
    Ok(datetime_at_instant(secs, nanos, &Zone::utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn i(v: i64) -> Value {
        Value::Integer(v)
    }

    fn s(v: &str) -> Value {
        Value::from(v)
    }

    #[test]
    fn dates_from_maps() {
        let d = |pairs: &[(&str, Value)]| date(&[map(pairs)]).unwrap().to_display_string();
        assert_eq!(d(&[("year", i(1817)), ("week", i(1))]), "1816-12-30");
        assert_eq!(d(&[("year", i(1984)), ("quarter", i(3)), ("dayOfQuarter", i(45))]), "1984-08-14");
        assert_eq!(d(&[("year", i(1984)), ("ordinalDay", i(202))]), "1984-07-20");
        let base = date(&[s("1984-11-11")]).unwrap();
        assert_eq!(d(&[("date", base.clone()), ("week", i(1))]), "1984-01-08");
        assert_eq!(d(&[("date", base.clone()), ("quarter", i(3))]), "1984-08-11");
        assert_eq!(d(&[("date", base), ("year", i(28))]), "0028-11-11");
        assert!(date(&[map(&[("month", i(2))])]).is_err());
        assert!(date(&[map(&[("year", i(2015)), ("month", i(2)), ("day", i(30))])]).is_err());
        assert!(date(&[map(&[("year", s("x"))])]).is_err());
    }

    #[test]
    fn times_and_zones() {
        let t = time(&[map(&[("hour", i(12)), ("minute", i(31)), ("timezone", s("+01:00"))])]).unwrap();
        assert_eq!(t.to_display_string(), "12:31+01:00");
        let t2 = time(&[map(&[("time", t), ("timezone", s("+05:00"))])]).unwrap();
        assert_eq!(t2.to_display_string(), "16:31+05:00");
        let lt = local_time(&[map(&[
            ("hour", i(12)),
            ("minute", i(31)),
            ("second", i(14)),
            ("nanosecond", i(789)),
            ("millisecond", i(123)),
            ("microsecond", i(456)),
        ])])
        .unwrap();
        assert_eq!(lt.to_display_string(), "12:31:14.123456789");
        let dt = datetime(&[map(&[("year", i(1984)), ("ordinalDay", i(202)), ("timezone", s("Europe/Stockholm"))])])
            .unwrap();
        assert_eq!(dt.to_display_string(), "1984-07-20T00:00+02:00[Europe/Stockholm]");
        let dt = datetime(&[s("1818-07-21T21:40:32.142[Europe/Stockholm]")]).unwrap();
        assert_eq!(dt.to_display_string(), "1818-07-21T21:40:32.142+00:53:28[Europe/Stockholm]");
        let dt = datetime(&[s("2015-07-21T21:40:32.142-04[America/New_York]")]).unwrap();
        assert_eq!(dt.to_display_string(), "2015-07-21T21:40:32.142-04:00[America/New_York]");
        let hon = datetime(&[map(&[("datetime", dt), ("day", i(28)), ("timezone", s("Pacific/Honolulu"))])]).unwrap();
        assert_eq!(hon.to_display_string(), "2015-07-28T15:40:32.142-10:00[Pacific/Honolulu]");
        assert_eq!(
            from_epoch(&[i(416779), i(999999999)]).unwrap().to_display_string(),
            "1970-01-05T19:46:19.999999999Z"
        );
        assert_eq!(from_epoch_millis(&[i(237821673987)]).unwrap().to_display_string(), "1977-07-15T13:34:33.987Z");
        assert!(datetime(&[s("2015-07-21T25:00")]).is_err());
        assert!(datetime(&[map(&[("year", i(1984)), ("timezone", s("Nowhere/City"))])]).is_err());
        assert!(date(&[]).is_ok());
        assert!(datetime(&[map(&[("timezone", s("Europe/Stockholm"))])]).is_ok());
    }
}

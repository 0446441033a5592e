//! `duration.between`, `duration.inMonths`, `duration.inDays`, `duration.inSeconds`.

use plexus_storage::{Result, Value};

use super::{civil_from_days, dur, invalid, plus_months, Parts, Zone, NANOS_PER_DAY, NANOS_PER_SECOND};
use crate::scalar::functions::arg;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    All,
    Months,
    Days,
    Seconds,
}

const DAY: i128 = NANOS_PER_DAY as i128;

/// One side, resolved: local nanoseconds since the epoch and, when zoned, the zone and instant.
struct Side {
    local: i128,
    zone: Option<Zone>,
    instant: i128,
}

fn resolve(date: i64, time: i64, zone: Option<Zone>, offset: Option<i32>) -> Side {
    let local = date as i128 * DAY + time as i128;
    let instant = match &zone {
        Some(z) => {
            let secs = i64::try_from(local.div_euclid(NANOS_PER_SECOND as i128)).unwrap_or(0);
            local - z.offset_for_local(secs, offset) as i128 * NANOS_PER_SECOND as i128
        }
        None => local,
    };
    Side { local, zone, instant }
}

fn split(l: i128) -> (i64, i64) {
    (l.div_euclid(DAY) as i64, l.rem_euclid(DAY) as i64)
}

/// java.time's date-based `until`: the end date steps back a day when its time is earlier.
fn end_date(from: i128, to: i128) -> (i64, i64) {
    let (d1, t1) = split(from);
    let (mut d2, t2) = split(to);
    if d2 > d1 && t2 < t1 {
        d2 -= 1;
    } else if d2 < d1 && t2 > t1 {
        d2 += 1;
    }
    (d1, d2)
}

fn months_until(from: i128, to: i128) -> i64 {
    let (d1, d2) = end_date(from, to);
    let (y1, m1, dd1) = civil_from_days(d1);
    let (y2, m2, dd2) = civil_from_days(d2);
    let p1 = (y1 * 12 + m1 - 1) * 32 + dd1;
    let p2 = (y2 * 12 + m2 - 1) * 32 + dd2;
    (p2 - p1) / 32
}

fn days_until(from: i128, to: i128) -> i64 {
    let (d1, d2) = end_date(from, to);
    d2 - d1
}

fn between(unit: Unit, args: &[Value]) -> Result<Value> {
    let (a, b) = (arg(args, 0), arg(args, 1));
    if a.is_null() || b.is_null() {
        return Ok(Value::Null);
    }
    let pa = Parts::of(a).ok_or_else(|| invalid(format!("duration.between() cannot take a {}", a.type_name())))?;
    let pb = Parts::of(b).ok_or_else(|| invalid(format!("duration.between() cannot take a {}", b.type_name())))?;
    // A side without a date takes the other's; without a zone, the other's zone.
    let da = pa.date.or(pb.date).unwrap_or(0);
    let db = pb.date.or(pa.date).unwrap_or(0);
    let za = pa.zone.clone().or(pb.zone.clone());
    let zb = pb.zone.clone().or(pa.zone.clone());
    let oa = if pa.zone.is_some() { pa.offset } else { None };
    let ob = if pb.zone.is_some() { pb.offset } else { None };
    let sa = resolve(da, pa.time.unwrap_or(0), za, oa);
    let sb = resolve(db, pb.time.unwrap_or(0), zb, ob);
    let both_dated = pa.date.is_some() || pb.date.is_some();
    // The end expressed in the start's zone.
    let to_local = match &sa.zone {
        Some(z) => {
            let secs = i64::try_from(sb.instant.div_euclid(NANOS_PER_SECOND as i128)).unwrap_or(0);
            sb.instant + z.offset_at_instant(secs) as i128 * NANOS_PER_SECOND as i128
        }
        None => sb.local,
    };
    let from = sa.local;
    let d = match unit {
        Unit::Seconds => super::duration::normalized(0, 0, 0, sb.instant - sa.instant)?,
        Unit::Months => dur(if both_dated { months_until(from, to_local) } else { 0 }, 0, 0, 0)?,
        Unit::Days => dur(0, if both_dated { days_until(from, to_local) } else { 0 }, 0, 0)?,
        Unit::All => {
            let months = months_until(from, to_local);
            let (d1, t1) = split(from);
            let shifted = plus_months(d1, months)? as i128 * DAY + t1 as i128;
            let days = days_until(shifted, to_local);
            let shifted = shifted + days as i128 * DAY;
            let rest = match &sa.zone {
                Some(_) => {
                    let (sd, st) = split(shifted);
                    sb.instant - resolve(sd, st, sa.zone.clone(), None).instant
                }
                None => to_local - shifted,
            };
            super::duration::normalized(months as i128, days as i128, 0, rest)?
        }
    };
    Ok(Value::Duration(d))
}

pub fn between_all(args: &[Value]) -> Result<Value> {
    between(Unit::All, args)
}
pub fn in_months(args: &[Value]) -> Result<Value> {
    between(Unit::Months, args)
}
pub fn in_days(args: &[Value]) -> Result<Value> {
    between(Unit::Days, args)
}
pub fn in_seconds(args: &[Value]) -> Result<Value> {
    between(Unit::Seconds, args)
}

#[cfg(test)]
mod tests {
    use super::super::construct::{date, datetime, local_datetime, local_time, time};
    use super::*;

    fn s(v: &str) -> Value {
        Value::from(v)
    }

    fn check(f: fn(&[Value]) -> Result<Value>, a: Value, b: Value, want: &str) {
        assert_eq!(f(&[a, b]).unwrap().to_display_string(), want);
    }

    #[test]
    fn between_units() {
        let d = date(&[s("1984-10-11")]).unwrap();
        check(between_all, d.clone(), date(&[s("2015-06-24")]).unwrap(), "P30Y8M13D");
        check(between_all, d.clone(), local_time(&[s("16:30")]).unwrap(), "PT16H30M");
        check(
            between_all,
            datetime(&[s("2014-07-21T21:40:36.143+0200")]).unwrap(),
            datetime(&[s("2015-07-21T21:40:32.142+0100")]).unwrap(),
            "P1YT59M55.999S",
        );
        check(
            between_all,
            datetime(&[s("2017-10-28T23:00+02:00[Europe/Stockholm]")]).unwrap(),
            datetime(&[s("2017-10-29T04:00+01:00[Europe/Stockholm]")]).unwrap(),
            "PT6H",
        );
        check(in_seconds, time(&[s("14:30")]).unwrap(), time(&[s("16:30+0100")]).unwrap(), "PT1H");
        check(in_months, date(&[s("2018-03-11")]).unwrap(), date(&[s("2016-06-24")]).unwrap(), "P-1Y-8M");
        check(in_days, local_time(&[s("14:30")]).unwrap(), d, "PT0S");
        check(
            between_all,
            date(&[s("-999999999-01-01")]).unwrap(),
            date(&[s("+999999999-12-31")]).unwrap(),
            "P1999999998Y11M30D",
        );
        check(
            in_seconds,
            local_datetime(&[s("-999999999-01-01")]).unwrap(),
            local_datetime(&[s("+999999999-12-31T23:59:59")]).unwrap(),
            "PT17531639991215H59M59S",
        );
        assert_eq!(between_all(&[Value::Null, Value::Null]).unwrap(), Value::Null);
        assert!(between_all(&[Value::Integer(1), Value::Integer(2)]).is_err());
    }
}

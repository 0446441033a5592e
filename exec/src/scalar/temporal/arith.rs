//! Temporal arithmetic: temporal ± duration, duration ± duration,
//! duration * number and duration / number.

use plexus_storage::value::{DateTime, Duration};
use plexus_storage::{Result, Value};

use super::duration::{self as d, total_nanos};
use super::{
    datetime_at_instant, make_date, make_local_datetime, make_time, plus_months, Parts, Zone, NANOS_PER_DAY,
    NANOS_PER_SECOND,
};

fn overflow() -> plexus_storage::Error {
    super::invalid("temporal arithmetic out of range")
}

/// `value + dur` for a temporal `value`; `None` when `value` is not temporal.
pub fn plus(value: &Value, dur: &Duration) -> Option<Result<Value>> {
    Some(match value {
        Value::Date(x) => plus_date(x.days, dur).map(make_date),
        Value::LocalTime(t) => Ok(Value::LocalTime(plexus_storage::value::LocalTime {
            nanos: (t.nanos as i128 + total_nanos(dur)).rem_euclid(NANOS_PER_DAY as i128) as i64,
        })),
        Value::Time(t) => {
            let n = (t.nanos as i128 + total_nanos(dur)).rem_euclid(NANOS_PER_DAY as i128) as i64;
            Ok(make_time(n, t.offset_seconds))
        }
        Value::LocalDateTime(_) => (|| {
            let p = Parts::of(value).ok_or_else(overflow)?;
            let (_, local) = shifted_local(&p, dur)?;
            let days = i64::try_from(local.div_euclid(NANOS_PER_DAY as i128)).map_err(|_| overflow())?;
            make_local_datetime(days, local.rem_euclid(NANOS_PER_DAY as i128) as i64)
        })(),
        Value::DateTime(dt) => plus_datetime(value, dt, dur),
        _ => return None,
    })
}

fn plus_date(days: i64, dur: &Duration) -> Result<i64> {
    let d = plus_months(days, dur.months)?;
    let extra = i64::try_from(total_nanos(dur) / NANOS_PER_DAY as i128).map_err(|_| overflow())?;
    let d = d.checked_add(dur.days).and_then(|x| x.checked_add(extra)).ok_or_else(overflow)?;
    super::check_year(super::civil_from_days(d).0)?;
    Ok(d)
}

/// Local date after months and days, and the local nanoseconds after the time part.
fn shifted_local(p: &Parts, dur: &Duration) -> Result<(i64, i128)> {
    let date = p.date.ok_or_else(overflow)?;
    let d = plus_months(date, dur.months)?.checked_add(dur.days).ok_or_else(overflow)?;
    let local = d as i128 * NANOS_PER_DAY as i128 + p.time.unwrap_or(0) as i128 + total_nanos(dur);
    Ok((d, local))
}

fn plus_datetime(value: &Value, dt: &DateTime, dur: &Duration) -> Result<Value> {
    let p = Parts::of(value).ok_or_else(overflow)?;
    let zone = Zone::of_datetime(dt);
    let date = p.date.ok_or_else(overflow)?;
    let d = plus_months(date, dur.months)?.checked_add(dur.days).ok_or_else(overflow)?;
    let time = p.time.unwrap_or(0);
    let local_secs = d.checked_mul(86_400).ok_or_else(overflow)? + time / NANOS_PER_SECOND;
    let offset = zone.offset_for_local(local_secs, Some(dt.offset_seconds));
    let instant = (local_secs - offset as i64) as i128 * NANOS_PER_SECOND as i128
        + (time % NANOS_PER_SECOND) as i128
        + total_nanos(dur);
    let secs = i64::try_from(instant.div_euclid(NANOS_PER_SECOND as i128)).map_err(|_| overflow())?;
    let nanos = instant.rem_euclid(NANOS_PER_SECOND as i128) as u32;
    super::check_year(super::civil_from_days(secs.div_euclid(86_400)).0)?;
    Ok(datetime_at_instant(secs, nanos, &zone))
}

/// `a + b` when either side is temporal; `None` to fall through to other types.
pub fn add(a: &Value, b: &Value) -> Option<Result<Value>> {
    match (a, b) {
        (Value::Duration(x), Value::Duration(y)) => Some(d::add(x, y).map(Value::Duration)),
        (v, Value::Duration(x)) | (Value::Duration(x), v) => plus(v, x),
        _ => None,
    }
}

/// `a - b` when either side is temporal.
pub fn sub(a: &Value, b: &Value) -> Option<Result<Value>> {
    match (a, b) {
        (Value::Duration(x), Value::Duration(y)) => Some(d::sub(x, y).map(Value::Duration)),
        (v, Value::Duration(x)) => match d::negate(x) {
            Ok(n) => plus(v, &n),
            Err(e) => Some(Err(e)),
        },
        _ => None,
    }
}

/// `a * b` for a duration and a number.
pub fn mul(a: &Value, b: &Value) -> Option<Result<Value>> {
    match (a, b) {
        (Value::Duration(x), n @ (Value::Integer(_) | Value::Float(_)))
        | (n @ (Value::Integer(_) | Value::Float(_)), Value::Duration(x)) => Some(d::mul(x, n).map(Value::Duration)),
        _ => None,
    }
}

/// `a / b` for a duration and a number.
pub fn div(a: &Value, b: &Value) -> Option<Result<Value>> {
    match (a, b) {
        (Value::Duration(x), n @ (Value::Integer(_) | Value::Float(_))) => Some(d::div(x, n).map(Value::Duration)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::construct::{date, datetime, duration, local_datetime, local_time, time};
    use super::*;

    fn s(v: &str) -> Value {
        Value::from(v)
    }

    #[test]
    fn temporal_plus_duration() {
        let dur = duration(&[s("P12Y5M14DT16H12M70.000000002S")]).unwrap();
        let cases = [
            (date(&[s("1984-10-11")]).unwrap(), "1997-03-25", "1972-04-27"),
            (local_time(&[s("12:31:14.000000001")]).unwrap(), "04:44:24.000000003", "20:18:03.999999999"),
            (time(&[s("12:31:14.000000001+01:00")]).unwrap(), "04:44:24.000000003+01:00", "20:18:03.999999999+01:00"),
            (
                local_datetime(&[s("1984-10-11T12:31:14.000000001")]).unwrap(),
                "1997-03-26T04:44:24.000000003",
                "1972-04-26T20:18:03.999999999",
            ),
            (
                datetime(&[s("1984-10-11T12:31:14.000000001+01:00")]).unwrap(),
                "1997-03-26T04:44:24.000000003+01:00",
                "1972-04-26T20:18:03.999999999+01:00",
            ),
        ];
        for (v, sum, diff) in cases {
            assert_eq!(add(&v, &dur).unwrap().unwrap().to_display_string(), sum);
            assert_eq!(sub(&v, &dur).unwrap().unwrap().to_display_string(), diff);
        }
        let frac = duration(&[Value::Map(
            [("years", 12.5), ("months", 5.5), ("days", 14.5), ("hours", 16.5), ("minutes", 12.5), ("seconds", 70.5)]
                .iter()
                .map(|(k, v)| (k.to_string(), Value::Float(*v)))
                .collect(),
        )])
        .unwrap();
        let d = date(&[s("1984-10-11")]).unwrap();
        assert_eq!(add(&d, &frac).unwrap().unwrap().to_display_string(), "1997-10-11");
        assert_eq!(sub(&d, &frac).unwrap().unwrap().to_display_string(), "1971-10-12");
        assert!(add(&Value::Integer(1), &Value::Integer(1)).is_none());
        let huge = duration(&[s("P999999999Y")]).unwrap();
        assert!(add(&d, &huge).unwrap().is_err());
    }
}

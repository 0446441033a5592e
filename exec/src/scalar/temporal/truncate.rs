//! `date.truncate(unit, temporal, map?)` and its siblings for every temporal type.

use plexus_storage::{Result, Value};

use super::construct::{build, input_from_map, Input, Kind};
use super::{
    civil_from_days, day_of_week, days_from_civil, invalid, iso_week, week_one_monday, Parts, NANOS_PER_SECOND,
};
use crate::scalar::functions::arg;

/// Truncate (date, time) to `unit`; time units need a time.
fn truncate_parts(unit: &str, date: Option<i64>, time: Option<i64>) -> Result<(Option<i64>, Option<i64>)> {
    let unit_l = unit.to_ascii_lowercase();
    let date_unit = |d: i64| -> Option<i64> {
        let (y, m, _) = civil_from_days(d);
        Some(match unit_l.as_str() {
            "millennium" => days_from_civil(y.div_euclid(1000) * 1000, 1, 1),
            "century" => days_from_civil(y.div_euclid(100) * 100, 1, 1),
            "decade" => days_from_civil(y.div_euclid(10) * 10, 1, 1),
            "year" => days_from_civil(y, 1, 1),
            "weekyear" => week_one_monday(iso_week(d).0),
            "quarter" => days_from_civil(y, (m - 1) / 3 * 3 + 1, 1),
            "month" => days_from_civil(y, m, 1),
            "week" => d - (day_of_week(d) - 1),
            "day" => d,
            _ => return None,
        })
    };
    let time_step: Option<i64> = match unit_l.as_str() {
        "hour" => Some(3600 * NANOS_PER_SECOND),
        "minute" => Some(60 * NANOS_PER_SECOND),
        "second" => Some(NANOS_PER_SECOND),
        "millisecond" => Some(1_000_000),
        "microsecond" => Some(1_000),
        "nanosecond" => Some(1),
        _ => None,
    };
    if let Some(step) = time_step {
        let t = time.ok_or_else(|| invalid(format!("cannot truncate a value without a time to '{unit}'")))?;
        return Ok((date, Some(t - t.rem_euclid(step))));
    }
    match date {
        Some(d) => match date_unit(d) {
            Some(nd) => Ok((Some(nd), time.map(|_| 0))),
            None => Err(invalid(format!("unknown truncation unit '{unit}'"))),
        },
        None => Err(invalid(format!("cannot truncate a value without a date to '{unit}'"))),
    }
}

fn truncate(kind: Kind, args: &[Value]) -> Result<Value> {
    let (unit, value, map) = (arg(args, 0), arg(args, 1), arg(args, 2));
    if value.is_null() || unit.is_null() {
        return Ok(Value::Null);
    }
    let Value::String(unit) = unit else {
        return Err(invalid(format!("truncation unit must be a string, got {}", unit.type_name())));
    };
    let p = Parts::of(value).ok_or_else(|| invalid(format!("cannot truncate a {}", value.type_name())))?;
    let (date, time) = truncate_parts(unit, p.date, Some(p.time.unwrap_or(0)))?;
    let mut inp = match map {
        Value::Map(m) => input_from_map(kind, m)?,
        Value::Null => Input::default(),
        other => return Err(invalid(format!("truncation fields must be a map, got {}", other.type_name()))),
    };
    inp.date = date;
    inp.time = time;
    inp.zone = p.zone;
    inp.offset = p.offset;
    inp.add_subsecond = true;
    inp.attach_zone = true;
    build(kind, &inp)
}

pub fn date(args: &[Value]) -> Result<Value> {
    truncate(Kind::Date, args)
}
pub fn local_time(args: &[Value]) -> Result<Value> {
    truncate(Kind::LocalTime, args)
}
pub fn time(args: &[Value]) -> Result<Value> {
    truncate(Kind::Time, args)
}
pub fn local_datetime(args: &[Value]) -> Result<Value> {
    truncate(Kind::LocalDateTime, args)
}
pub fn datetime(args: &[Value]) -> Result<Value> {
    truncate(Kind::DateTime, args)
}

#[cfg(test)]
mod tests {
    use super::super::construct;
    use super::*;

    fn m(pairs: &[(&str, Value)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn truncation() {
        let d = construct::date(&[Value::from("1984-02-01")]).unwrap();
        let r = date(&[Value::from("weekYear"), d.clone(), m(&[("day", Value::Integer(5))])]).unwrap();
        assert_eq!(r.to_display_string(), "1984-01-05");
        let r = datetime(&[Value::from("millennium"), d, m(&[("timezone", Value::from("Europe/Stockholm"))])]).unwrap();
        assert_eq!(r.to_display_string(), "1000-01-01T00:00+00:53:28[Europe/Stockholm]");
        let t = construct::time(&[Value::from("12:31:14.645876123+01:00")]).unwrap();
        let r = time(&[Value::from("microsecond"), t.clone(), m(&[("nanosecond", Value::Integer(2))])]).unwrap();
        assert_eq!(r.to_display_string(), "12:31:14.645876002+01:00");
        assert!(date(&[Value::from("hour"), Value::Integer(1)]).is_err());
        assert!(date(&[Value::from("fortnight"), t]).is_err());
    }
}

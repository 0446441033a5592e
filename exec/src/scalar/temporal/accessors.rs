//! Component accessors: `d.year`, `t.timezone`, `dur.minutesOfHour`, ...

use plexus_storage::value::Duration;
use plexus_storage::{Result, Value};

use super::{civil_from_days, day_of_week, days_from_civil, format_offset, invalid, iso_week, Parts, NANOS_PER_SECOND};

/// `value.key` for a temporal value; `None` when `value` is not temporal.
pub fn property(value: &Value, key: &str) -> Option<Result<Value>> {
    if let Value::Duration(d) = value {
        return Some(duration_field(d, key));
    }
    let p = Parts::of(value)?;
    Some(temporal_field(value, &p, key))
}

fn no_field(value: &Value, key: &str) -> plexus_storage::Error {
    invalid(format!("{} has no field '{key}'", value.type_name()))
}

fn temporal_field(value: &Value, p: &Parts, key: &str) -> Result<Value> {
    let k = key.to_ascii_lowercase();
    if let Some(days) = p.date {
        let (y, m, d) = civil_from_days(days);
        let q = (m - 1) / 3 + 1;
        let v = match k.as_str() {
            "year" => Some(y),
            "quarter" => Some(q),
            "month" => Some(m),
            "week" => Some(iso_week(days).1),
            "weekyear" => Some(iso_week(days).0),
            "day" => Some(d),
            "ordinalday" => Some(days - days_from_civil(y, 1, 1) + 1),
            "weekday" | "dayofweek" => Some(day_of_week(days)),
            "dayofquarter" => Some(days - days_from_civil(y, (q - 1) * 3 + 1, 1) + 1),
            _ => None,
        };
        if let Some(v) = v {
            return Ok(Value::Integer(v));
        }
    }
    if let Some(t) = p.time {
        let secs = t / NANOS_PER_SECOND;
        let frac = t % NANOS_PER_SECOND;
        let v = match k.as_str() {
            "hour" => Some(secs / 3600),
            "minute" => Some((secs / 60) % 60),
            "second" => Some(secs % 60),
            "millisecond" => Some(frac / 1_000_000),
            "microsecond" => Some(frac / 1_000),
            "nanosecond" => Some(frac),
            _ => None,
        };
        if let Some(v) = v {
            return Ok(Value::Integer(v));
        }
    }
    if let (Some(zone), Some(offset)) = (&p.zone, p.offset) {
        match k.as_str() {
            "timezone" => return Ok(Value::String(zone.name().unwrap_or_else(|| format_offset(offset)))),
            "offset" => return Ok(Value::String(format_offset(offset))),
            "offsetminutes" => return Ok(Value::Integer(offset as i64 / 60)),
            "offsetseconds" => return Ok(Value::Integer(offset as i64)),
            _ => {}
        }
    }
    if let Value::DateTime(dt) = value {
        match k.as_str() {
            "epochseconds" => return Ok(Value::Integer(dt.seconds)),
            "epochmillis" => {
                let ms = dt.seconds as i128 * 1000 + dt.nanos as i128 / 1_000_000;
                return i64::try_from(ms).map(Value::Integer).map_err(|_| invalid("epochMillis out of range"));
            }
            _ => {}
        }
    }
    Err(no_field(value, key))
}

fn duration_field(d: &Duration, key: &str) -> Result<Value> {
    let total = d.seconds as i128 * NANOS_PER_SECOND as i128 + d.nanos as i128;
    let v: i128 = match key.to_ascii_lowercase().as_str() {
        "years" => (d.months / 12) as i128,
        "quarters" => (d.months / 3) as i128,
        "months" => d.months as i128,
        "weeks" => (d.days / 7) as i128,
        "days" => d.days as i128,
        "hours" => (d.seconds / 3600) as i128,
        "minutes" => (d.seconds / 60) as i128,
        "seconds" => d.seconds as i128,
        "milliseconds" => total.div_euclid(1_000_000),
        "microseconds" => total.div_euclid(1_000),
        "nanoseconds" => total,
        "quartersofyear" => ((d.months % 12) / 3) as i128,
        "monthsofquarter" => (d.months % 3) as i128,
        "monthsofyear" => (d.months % 12) as i128,
        "daysofweek" => (d.days % 7) as i128,
        "minutesofhour" => ((d.seconds / 60) % 60) as i128,
        "secondsofminute" => (d.seconds % 60) as i128,
        "millisecondsofsecond" => (d.nanos / 1_000_000) as i128,
        "microsecondsofsecond" => (d.nanos / 1_000) as i128,
        "nanosecondsofsecond" => d.nanos as i128,
        _ => return Err(invalid(format!("DURATION has no field '{key}'"))),
    };
    i64::try_from(v).map(Value::Integer).map_err(|_| invalid(format!("duration field '{key}' out of range")))
}

#[cfg(test)]
mod tests {
    use super::super::construct::{date, datetime, duration};
    use super::*;

    fn get(v: &Value, k: &str) -> Value {
        property(v, k).unwrap().unwrap()
    }

    #[test]
    fn date_and_datetime_fields() {
        let d = date(&[Value::from("1984-10-11")]).unwrap();
        assert_eq!(get(&d, "week"), Value::Integer(41));
        assert_eq!(get(&d, "ordinalDay"), Value::Integer(285));
        assert_eq!(get(&d, "weekDay"), Value::Integer(4));
        assert_eq!(get(&d, "dayOfQuarter"), Value::Integer(11));
        assert!(property(&d, "hour").unwrap().is_err());
        let dt = datetime(&[Value::from("1984-11-11T12:31:14.645876123[Europe/Stockholm]")]).unwrap();
        assert_eq!(get(&dt, "timezone"), Value::from("Europe/Stockholm"));
        assert_eq!(get(&dt, "offset"), Value::from("+01:00"));
        assert_eq!(get(&dt, "epochSeconds"), Value::Integer(469020674));
        assert_eq!(get(&dt, "epochMillis"), Value::Integer(469020674645));
        assert_eq!(get(&dt, "microsecond"), Value::Integer(645876));
        assert!(property(&Value::Integer(1), "year").is_none());
    }

    #[test]
    fn duration_fields() {
        let d = duration(&[Value::from("P1Y4M10DT1H1M1.111111111S")]).unwrap();
        assert_eq!(get(&d, "quarters"), Value::Integer(5));
        assert_eq!(get(&d, "minutes"), Value::Integer(61));
        assert_eq!(get(&d, "milliseconds"), Value::Integer(3661111));
        assert_eq!(get(&d, "daysOfWeek"), Value::Integer(3));
        assert_eq!(get(&d, "nanosecondsOfSecond"), Value::Integer(111111111));
    }
}

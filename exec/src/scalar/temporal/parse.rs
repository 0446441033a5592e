//! ISO-8601 parsing of dates, times, date-times (with offsets and
//! `[Region/City]` zones).

use plexus_storage::Result;

use super::{date_of, hms_nanos, invalid, ordinal_date_of, parse_zone, week_date_of, Zone};

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str) -> Result<i64> {
    if !all_digits(s) {
        return Err(invalid(format!("expected digits, got '{s}'")));
    }
    s.parse::<i64>().map_err(|_| invalid(format!("number out of range: '{s}'")))
}

/// A date: `2015-07-21`, `20150721`, `2015-07`, `201507`, `2015-W30-2`,
/// `2015W302`, `2015-W30`, `2015W30`, `2015-202`, `2015202`, `2015`,
/// `+999999999-12-31`.
pub fn parse_date(s: &str) -> Result<i64> {
    let bad = || invalid(format!("invalid date '{s}'"));
    if !s.is_ascii() {
        return Err(bad());
    }
    let (sign, body) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => (0, s),
    };
    let year_len =
        if sign == 0 { 4.min(body.len()) } else { body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len()) };
    if !body.is_char_boundary(year_len) {
        return Err(bad());
    }
    let (ys, rest) = body.split_at(year_len);
    if ys.len() < 4 {
        return Err(bad());
    }
    let year = num(ys)? * if sign < 0 { -1 } else { 1 };
    let extended = rest.starts_with('-');
    let rest = if extended { &rest[1..] } else { rest };
    if rest.is_empty() {
        if extended {
            return Err(bad());
        }
        return date_of(year, 1, 1);
    }
    if let Some(w) = rest.strip_prefix('W') {
        let (ws, ds) = if extended {
            match w.split_once('-') {
                Some((a, b)) => (a, Some(b)),
                None => (w, None),
            }
        } else if w.len() == 3 {
            (&w[..2], Some(&w[2..]))
        } else {
            (w, None)
        };
        if ws.len() != 2 || ds.is_some_and(|d| d.len() != 1) {
            return Err(bad());
        }
        let dow = match ds {
            Some(d) => num(d)?,
            None => 1,
        };
        return week_date_of(year, num(ws)?, dow);
    }
    if extended {
        match rest.split_once('-') {
            Some((m, d)) if m.len() == 2 && d.len() == 2 => date_of(year, num(m)?, num(d)?),
            None if rest.len() == 2 => date_of(year, num(rest)?, 1),
            None if rest.len() == 3 => ordinal_date_of(year, num(rest)?),
            _ => Err(bad()),
        }
    } else {
        if !all_digits(rest) {
            return Err(bad());
        }
        match rest.len() {
            2 => date_of(year, num(rest)?, 1),
            3 => ordinal_date_of(year, num(rest)?),
            4 => date_of(year, num(&rest[..2])?, num(&rest[2..])?),
            _ => Err(bad()),
        }
    }
}

/// An offset: `Z`, `±HH`, `±HHMM`, `±HH:MM`, `±HH:MM:SS`, `±HHMMSS`.
pub fn parse_offset(s: &str) -> Option<i32> {
    if s == "Z" || s == "z" {
        return Some(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = &s[1..];
    let parts: Vec<&str> = if body.contains(':') {
        body.split(':').collect()
    } else {
        if !body.is_ascii() || !body.len().is_multiple_of(2) {
            return None;
        }
        (0..body.len() / 2).map(|i| &body[i * 2..i * 2 + 2]).collect()
    };
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.len() != 2 || !all_digits(p)) {
        return None;
    }
    let n: Vec<i32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    let (h, m, sec) = (n[0], n.get(1).copied().unwrap_or(0), n.get(2).copied().unwrap_or(0));
    if h > 18 || m > 59 || sec > 59 {
        return None;
    }
    let total = h * 3600 + m * 60 + sec;
    if total > 18 * 3600 {
        return None;
    }
    Some(sign * total)
}

/// A local time: `21:40:32.142`, `214032.142`, `21:40`, `2140`, `21`.
pub fn parse_local_time(s: &str) -> Result<i64> {
    let bad = || invalid(format!("invalid time '{s}'"));
    if !s.is_ascii() {
        return Err(bad());
    }
    let (main, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let fields: Vec<&str> = if main.contains(':') {
        main.split(':').collect()
    } else {
        if !main.is_ascii() || !main.len().is_multiple_of(2) {
            return Err(bad());
        }
        (0..main.len() / 2).map(|i| &main[i * 2..i * 2 + 2]).collect()
    };
    if fields.is_empty() || fields.len() > 3 || fields.iter().any(|f| f.len() != 2) {
        return Err(bad());
    }
    let h = num(fields[0])?;
    let m = fields.get(1).map_or(Ok(0), |f| num(f))?;
    let sec = fields.get(2).map_or(Ok(0), |f| num(f))?;
    let nanos = match frac {
        Some(f) => {
            if fields.len() != 3 || f.is_empty() || f.len() > 9 || !all_digits(f) {
                return Err(bad());
            }
            num(f)? * 10i64.pow(9 - f.len() as u32)
        }
        None => 0,
    };
    hms_nanos(h, m, sec, nanos)
}

/// A time with optional offset and zone suffix.
pub struct ParsedTime {
    pub nanos: i64,
    pub offset: Option<i32>,
    pub zone: Option<Zone>,
}

/// `21:40:32.142+01:00`, `2140-02`, `12:00[Europe/Stockholm]`, ...
pub fn parse_time(s: &str) -> Result<ParsedTime> {
    let (s, zone) = match s.find('[') {
        Some(i) if s.ends_with(']') => (&s[..i], Some(parse_zone(&s[i + 1..s.len() - 1])?)),
        Some(_) => return Err(invalid(format!("invalid time '{s}'"))),
        None => (s, None),
    };
    let (t, offset) = match s.find(['Z', 'z', '+', '-']) {
        Some(i) => (&s[..i], Some(parse_offset(&s[i..]).ok_or_else(|| invalid(format!("invalid offset in '{s}'")))?)),
        None => (s, None),
    };
    Ok(ParsedTime { nanos: parse_local_time(t)?, offset, zone })
}

/// A date-time: `<date>T<time>` (the time optional).
pub fn parse_datetime(s: &str) -> Result<(i64, ParsedTime)> {
    match s.find(['T', 't']) {
        Some(i) => Ok((parse_date(&s[..i])?, parse_time(&s[i + 1..])?)),
        None => Ok((parse_date(s)?, ParsedTime { nanos: 0, offset: None, zone: None })),
    }
}

/// Nanoseconds from a fraction string of up to 9 digits (`"5"` → 500000000).
pub fn fraction_nanos(f: &str) -> Result<i64> {
    if f.is_empty() || f.len() > 9 || !all_digits(f) {
        return Err(invalid(format!("invalid fraction '{f}'")));
    }
    Ok(num(f)? * 10i64.pow(9 - f.len() as u32))
}

#[cfg(test)]
mod tests {
    use super::super::days_from_civil;
    use super::*;

    #[test]
    fn dates() {
        let d = days_from_civil(2015, 7, 21);
        for s in ["2015-07-21", "20150721", "2015-W30-2", "2015W302", "2015-202", "2015202"] {
            assert_eq!(parse_date(s).unwrap(), d, "{s}");
        }
        assert_eq!(parse_date("2015-07").unwrap(), days_from_civil(2015, 7, 1));
        assert_eq!(parse_date("201507").unwrap(), days_from_civil(2015, 7, 1));
        assert_eq!(parse_date("2015-W30").unwrap(), days_from_civil(2015, 7, 20));
        assert_eq!(parse_date("2015").unwrap(), days_from_civil(2015, 1, 1));
        assert_eq!(parse_date("-999999999-01-01").unwrap(), days_from_civil(-999_999_999, 1, 1));
        assert!(parse_date("2015-13-01").is_err());
        assert!(parse_date("x").is_err());
        assert!(parse_date("").is_err());
        assert!(parse_date("2015-ü").is_err());
    }

    #[test]
    fn times() {
        assert_eq!(parse_local_time("21:40:32.142").unwrap(), hms_nanos(21, 40, 32, 142_000_000).unwrap());
        assert_eq!(parse_local_time("214032.142").unwrap(), hms_nanos(21, 40, 32, 142_000_000).unwrap());
        assert_eq!(parse_local_time("21").unwrap(), hms_nanos(21, 0, 0, 0).unwrap());
        assert!(parse_local_time("25").is_err());
        let t = parse_time("2140-02").unwrap();
        assert_eq!(t.offset, Some(-7200));
        let t = parse_time("21:40:32.142+0845[Australia/Eucla]").unwrap();
        assert_eq!(t.offset, Some(8 * 3600 + 45 * 60));
        assert!(t.zone.is_some());
        assert_eq!(parse_offset("-00:00"), Some(0));
        assert_eq!(parse_offset("+18:00"), Some(18 * 3600));
        assert_eq!(parse_offset("+19:00"), None);
        let (d, t) = parse_datetime("2015-W30T2140-02").unwrap();
        assert_eq!(d, days_from_civil(2015, 7, 20));
        assert_eq!(t.offset, Some(-7200));
    }
}

//! Decoding of number and string tokens into values, as gremlin-language types them.

use super::ast::GValue;

/// Decodes a number token (digits, optional fraction/exponent, optional type suffix).
/// An unsuffixed integer is an Int if it fits, else a Long, else a BigInteger; an unsuffixed
/// decimal is a Double.
pub fn number(raw: &str, negative: bool) -> Result<GValue, String> {
    let (digits, suffix) = match raw.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&raw[..i], Some(c.to_ascii_lowercase())),
        _ => (raw, None),
    };
    let text = if negative { format!("-{digits}") } else { digits.to_string() };
    let integral = !digits.contains(['.', 'e', 'E']);
    let out_of_range = || format!("number {text} is out of range for its type");
    let value = match suffix {
        None if integral => match text.parse::<i64>() {
            Ok(n) => i32::try_from(n).map_or(GValue::Long(n), GValue::Int),
            Err(_) => GValue::BigInteger(text),
        },
        None | Some('d') => GValue::Double(text.parse().map_err(|_| out_of_range())?),
        Some('f') => GValue::Float(text.parse().map_err(|_| out_of_range())?),
        Some('m') => GValue::BigDecimal(text),
        Some(c) if !integral => return Err(format!("suffix '{c}' needs an integer, found {text}")),
        Some('b') => GValue::Byte(text.parse().map_err(|_| out_of_range())?),
        Some('s') => GValue::Short(text.parse().map_err(|_| out_of_range())?),
        Some('i') => GValue::Int(text.parse().map_err(|_| out_of_range())?),
        Some('l') => GValue::Long(text.parse().map_err(|_| out_of_range())?),
        Some('n') => GValue::BigInteger(text),
        Some(c) => return Err(format!("unknown number suffix '{c}'")),
    };
    Ok(value)
}

/// Strips the quotes of a string token and resolves Java-style escapes.
pub fn string(raw: &str) -> Result<String, String> {
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('0') => out.push('\0'),
            Some('u') => out.push(unicode_escape(&mut chars)?),
            Some(c @ ('\\' | '"' | '\'' | '/' | '$')) => out.push(c),
            Some(c) => return Err(format!("unknown escape sequence '\\{c}'")),
            None => return Err("string ends in a lone backslash".to_string()),
        }
    }
    Ok(out)
}

/// Reads the four hex digits after `\u` (a surrogate pair takes two escapes).
fn unicode_escape(chars: &mut std::str::Chars<'_>) -> Result<char, String> {
    let first = hex4(chars)?;
    let code = if (0xD800..0xDC00).contains(&first) {
        let rest: String = chars.by_ref().take(2).collect();
        let low = if rest == "\\u" { hex4(chars)? } else { 0 };
        if !(0xDC00..0xE000).contains(&low) {
            return Err("unpaired surrogate in unicode escape".to_string());
        }
        0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)
    } else {
        first
    };
    char::from_u32(code).ok_or_else(|| "invalid unicode escape".to_string())
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Result<u32, String> {
    let hex: String = chars.by_ref().take(4).collect();
    u32::from_str_radix(&hex, 16)
        .ok()
        .filter(|_| hex.len() == 4 && hex.chars().all(|c| c.is_ascii_hexdigit()))
        .ok_or_else(|| format!("invalid unicode escape '\\u{hex}'"))
}

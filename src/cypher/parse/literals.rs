//! Literals: numbers (with overflow checks), strings (with escapes), booleans, null.

use plexus_storage::{Error, Value};

use super::{pos, Res, P};
use crate::cypher::ast::{Expr, ExprKind};
use crate::cypher::parser::Rule;

/// Build a `literal` node.
pub(super) fn literal(p: P<'_>) -> Res<Expr> {
    let at = pos(&p);
    let inner = p.into_inner().next().ok_or_else(|| Error::syntax("UnexpectedSyntax", "expected a literal", at))?;
    let value = match inner.as_rule() {
        Rule::number => number(inner, false)?,
        Rule::string_lit => Value::String(string(inner)?),
        Rule::K_TRUE => Value::Boolean(true),
        Rule::K_FALSE => Value::Boolean(false),
        Rule::K_NULL => Value::Null,
        _ => {
            let msg = format!("invalid number literal '{}'", inner.as_str());
            return Err(Error::syntax("InvalidNumberLiteral", msg, at));
        }
    };
    Ok(Expr { kind: ExprKind::Literal(value), pos: at })
}

/// Build a `number` node; `negative` when a unary minus is folded into it.
pub(super) fn number(p: P<'_>, negative: bool) -> Res<Value> {
    let at = pos(&p);
    let Some(inner) = p.into_inner().next() else {
        return Err(Error::syntax("InvalidNumberLiteral", "expected a number", at));
    };
    let text = inner.as_str();
    let magnitude = match inner.as_rule() {
        Rule::float_lit => return float(text, negative, at),
        Rule::hex_int => u128::from_str_radix(&text[2..], 16).ok(),
        Rule::oct_int => u128::from_str_radix(&text[2..], 8).ok(),
        _ => text.parse::<u128>().ok(),
    };
    integer(magnitude, negative)
        .map(Value::Integer)
        .ok_or_else(|| Error::syntax("IntegerOverflow", format!("integer literal '{text}' is out of range"), at))
}

/// An integer from its magnitude and sign, if it fits an i64.
fn integer(magnitude: Option<u128>, negative: bool) -> Option<i64> {
    let m = i128::try_from(magnitude?).ok()?;
    i64::try_from(if negative { -m } else { m }).ok()
}

/// A float literal; out of range is a FloatingPointOverflow.
fn float(text: &str, negative: bool, at: usize) -> Res<Value> {
    let v: f64 = text
        .parse()
        .map_err(|_| Error::syntax("InvalidNumberLiteral", format!("invalid float literal '{text}'"), at))?;
    if v.is_infinite() {
        return Err(Error::syntax("FloatingPointOverflow", format!("float literal '{text}' is out of range"), at));
    }
    Ok(Value::Float(if negative { -v } else { v }))
}

/// Is this number node an integer of magnitude exactly 2^63 (only valid negated)?
pub(super) fn is_min_magnitude(p: &P<'_>) -> bool {
    let Some(inner) = p.clone().into_inner().next() else {
        return false;
    };
    let text = inner.as_str();
    let magnitude = match inner.as_rule() {
        Rule::hex_int => u128::from_str_radix(&text[2..], 16).ok(),
        Rule::oct_int => u128::from_str_radix(&text[2..], 8).ok(),
        Rule::dec_int => text.parse::<u128>().ok(),
        _ => None,
    };
    magnitude == Some(1u128 << 63)
}

/// Decode a `string_lit` node (quotes stripped, escapes resolved).
pub(super) fn string(p: P<'_>) -> Res<String> {
    let at = pos(&p);
    match p.into_inner().next() {
        Some(inner) => unescape(inner.as_str(), pos(&inner)),
        None => Ok(String::new()),
    }
    .map_err(|e| e.at(at))
}

/// Resolve the backslash escapes of a string literal's body starting at `start`.
fn unescape(body: &str, start: usize) -> Res<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return Err(Error::syntax("UnexpectedSyntax", "unterminated escape sequence", start + i));
        };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            '\\' | '\'' | '"' | '/' | '`' => out.push(e),
            'u' | 'U' => out.push(unicode_escape(&mut chars, if e == 'u' { 4 } else { 8 }, start + i)?),
            _ => {
                let msg = format!("invalid escape sequence '\\{e}'");
                return Err(Error::syntax("UnexpectedSyntax", msg, start + i));
            }
        }
    }
    Ok(out)
}

/// The character of a `\uXXXX` / `\UXXXXXXXX` escape, its hex digits read from `chars`.
fn unicode_escape(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, digits: usize, at: usize) -> Res<char> {
    let mut hex = String::new();
    for _ in 0..digits {
        match chars.peek() {
            Some(&(_, c)) if c.is_ascii_hexdigit() => {
                hex.push(c);
                chars.next();
            }
            _ => break,
        }
    }
    let bad = || Error::syntax("InvalidUnicodeLiteral", format!("invalid unicode escape '\\u{hex}'"), at);
    if hex.len() != digits {
        return Err(bad());
    }
    u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).ok_or_else(bad)
}

//! Error rendering: the message, then the offending line of the query with a
//! caret under the column the error points at.

use plexus_storage::Error;
use unicode_width::UnicodeWidthChar;

/// Where a byte offset falls in a text: 1-based line and column (in chars).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in chars.
    pub column: usize,
}

/// Render `err` raised by running `query`: `Class.Detail: message`, and when
/// the error has a position, the line it is on with a caret under it.
pub fn render_error(err: &Error, query: &str) -> String {
    let mut out = format!("{}: {}", err.code(), err.message);
    if let Some(pos) = err.pos {
        out.push('\n');
        out.push_str(&render_caret(query, pos));
    }
    out
}

/// `line L, column C:` then the line holding byte `pos` of `text`, then a
/// caret under that position. Out-of-range offsets point at the end.
pub fn render_caret(text: &str, pos: usize) -> String {
    let pos = floor_char_boundary(text, pos);
    let loc = locate(text, pos);
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    // Pad with tabs where the line has tabs and by display width elsewhere,
    // so the caret lines up under wide and combining characters too.
    let pad: String = text[line_start..pos]
        .chars()
        .map(|c| if c == '\t' { "\t".to_string() } else { " ".repeat(c.width().unwrap_or(0)) })
        .collect();
    format!("line {}, column {}:\n  {line}\n  {pad}^", loc.line, loc.column)
}

/// The line and column of byte offset `pos` in `text` (clamped to the text).
pub fn locate(text: &str, pos: usize) -> Location {
    let before = &text[..floor_char_boundary(text, pos)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Location { line, column: before[line_start..].chars().count() + 1 }
}

/// The largest char boundary of `text` at or before `pos`.
fn floor_char_boundary(text: &str, pos: usize) -> usize {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use plexus_storage::ErrorClass;
    use plexus_storage::Phase;

    use super::*;

    #[test]
    fn caret_under_single_line_position() {
        assert_eq!(render_caret("RETURN 1 +", 10), "line 1, column 11:\n  RETURN 1 +\n            ^");
        assert_eq!(render_caret("RETURN x", 7), "line 1, column 8:\n  RETURN x\n         ^");
    }

    #[test]
    fn caret_on_the_right_line_of_multi_line_query() {
        let query = "MATCH (n)\nRETRN n\nLIMIT 1";
        assert_eq!(render_caret(query, 10), "line 2, column 1:\n  RETRN n\n  ^");
        assert_eq!(render_caret(query, 16), "line 2, column 7:\n  RETRN n\n        ^");
    }

    #[test]
    fn columns_count_chars_and_caret_uses_display_width() {
        let query = "RETURN 'é日' + x";
        let pos = query.find('x').unwrap();
        assert_eq!(locate(query, pos), Location { line: 1, column: 15 });
        // 'é' is one column wide, '日' two.
        assert_eq!(render_caret(query, pos), format!("line 1, column 15:\n  {query}\n  {}^", " ".repeat(15)));
    }

    #[test]
    fn tabs_are_kept_in_the_padding() {
        assert_eq!(render_caret("\tRETURN ?", 8), "line 1, column 9:\n  \tRETURN ?\n  \t       ^");
    }

    #[test]
    fn offsets_out_of_range_or_inside_a_char_are_clamped() {
        assert_eq!(locate("RETURN 1", 99), Location { line: 1, column: 9 });
        // Byte 9 is inside 'é' (bytes 8..10): points at 'é' itself.
        assert_eq!(locate("RETURN 'é'", 9), Location { line: 1, column: 9 });
        assert_eq!(locate("", 3), Location { line: 1, column: 1 });
    }

    #[test]
    fn error_rendering_has_code_message_and_caret() {
        let err = Error::syntax("UnexpectedEnd", "unexpected end of input", 10);
        assert_eq!(
            render_error(&err, "RETURN 1 +"),
            "SyntaxError.UnexpectedEnd: unexpected end of input\nline 1, column 11:\n  RETURN 1 +\n            ^"
        );
        let err = Error::new(ErrorClass::TypeError, "InvalidArgumentType", Phase::Runtime, "no");
        assert_eq!(render_error(&err, "RETURN 1"), "TypeError.InvalidArgumentType: no");
    }
}

//! Splits Cypher input into statements at `;`, skipping the `;` inside string
//! literals, backtick identifiers and comments.

/// The outcome of splitting some input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// Each `;`-terminated statement, trimmed, without its `;`. Statements with
    /// nothing but whitespace and comments are dropped.
    pub statements: Vec<&'a str>,
    /// The text after the last `;` with leading whitespace trimmed, kept
    /// verbatim so more input can be appended; empty when it holds only
    /// whitespace and finished comments.
    pub rest: &'a str,
    /// True when `rest` is unfinished: it has content, or a string, identifier
    /// or block comment is still open.
    pub incomplete: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    /// Inside a string or backtick identifier closed by this byte.
    Quoted(u8),
    /// Just after a backslash inside a string.
    Escaped(u8),
    LineComment,
    BlockComment,
}

/// Split `input` into complete statements and an unfinished rest.
pub fn split(input: &str) -> Split<'_> {
    let bytes = input.as_bytes();
    let mut statements = Vec::new();
    let mut state = State::Code;
    let mut start = 0;
    // Whether the current statement has anything besides whitespace and comments.
    let mut has_content = false;
    let mut i = 0;
    // Every delimiter is ASCII and UTF-8 continuation bytes never look like
    // ASCII, so scanning bytes is safe and every split lands on a char boundary.
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        state = match state {
            State::Code => match b {
                b';' => {
                    if has_content {
                        statements.push(input[start..i].trim());
                    }
                    start = i + 1;
                    has_content = false;
                    State::Code
                }
                b'/' if next == Some(b'/') => {
                    i += 1;
                    State::LineComment
                }
                b'/' if next == Some(b'*') => {
                    i += 1;
                    State::BlockComment
                }
                b'\'' | b'"' | b'`' => {
                    has_content = true;
                    State::Quoted(b)
                }
                _ => {
                    has_content |= !b.is_ascii_whitespace();
                    State::Code
                }
            },
            // Backticks escape themselves by doubling, which scans as close
            // then reopen; only strings have backslash escapes.
            State::Quoted(q) if b == b'\\' && q != b'`' => State::Escaped(q),
            State::Quoted(q) if b == q => State::Code,
            State::Quoted(q) | State::Escaped(q) => State::Quoted(q),
            State::LineComment if b == b'\n' => State::Code,
            State::LineComment => State::LineComment,
            State::BlockComment if b == b'*' && next == Some(b'/') => {
                i += 1;
                State::Code
            }
            State::BlockComment => State::BlockComment,
        };
        i += 1;
    }
    let open = matches!(state, State::Quoted(_) | State::Escaped(_) | State::BlockComment);
    let incomplete = has_content || open;
    let rest = if incomplete { input[start..].trim_start() } else { "" };
    Split { statements, rest, incomplete }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statements(input: &str) -> Vec<&str> {
        split(input).statements
    }

    #[test]
    fn splits_at_semicolons_and_trims() {
        let s = split("RETURN 1;  RETURN 2 ;\nRETURN 3");
        assert_eq!(s.statements, vec!["RETURN 1", "RETURN 2"]);
        assert_eq!(s.rest, "RETURN 3");
        assert!(s.incomplete);
    }

    #[test]
    fn complete_input_has_no_rest() {
        let s = split("RETURN 1;\n");
        assert_eq!(s.statements, vec!["RETURN 1"]);
        assert_eq!(s.rest, "");
        assert!(!s.incomplete);
    }

    #[test]
    fn semicolons_in_strings_do_not_split() {
        assert_eq!(statements("RETURN 'a;b' AS s; RETURN \"c;d\";"), vec!["RETURN 'a;b' AS s", "RETURN \"c;d\""]);
    }

    #[test]
    fn escaped_quotes_stay_inside_the_string() {
        assert_eq!(statements(r"RETURN 'it\'s;' AS s; RETURN 2;"), vec![r"RETURN 'it\'s;' AS s", "RETURN 2"]);
        assert_eq!(statements(r#"RETURN "\\"; RETURN 2;"#), vec![r#"RETURN "\\""#, "RETURN 2"]);
    }

    #[test]
    fn semicolons_in_backticks_and_comments_do_not_split() {
        assert_eq!(statements("RETURN 1 AS `a;b`; RETURN 2;"), vec!["RETURN 1 AS `a;b`", "RETURN 2"]);
        assert_eq!(statements("RETURN 1 AS `a``;`; RETURN 2;"), vec!["RETURN 1 AS `a``;`", "RETURN 2"]);
        assert_eq!(statements("RETURN 1 // no; split\n;"), vec!["RETURN 1 // no; split"]);
        assert_eq!(statements("RETURN /* ; */ 1;"), vec!["RETURN /* ; */ 1"]);
    }

    #[test]
    fn comment_only_and_empty_statements_are_dropped() {
        let s = split(";; // just a comment\n/* and; another */ ;");
        assert!(s.statements.is_empty());
        assert!(!s.incomplete);
        assert!(!split("// trailing comment\n").incomplete);
    }

    #[test]
    fn unterminated_strings_and_comments_are_incomplete() {
        for input in ["RETURN 'abc;", "RETURN \"a\\\";", "RETURN `x;", "RETURN 1 /* open;"] {
            let s = split(input);
            assert!(s.statements.is_empty(), "{input}");
            assert!(s.incomplete, "{input}");
        }
        assert_eq!(split("/* open\n").rest, "/* open\n");
    }

    #[test]
    fn rest_keeps_newlines_inside_open_strings() {
        let s = split("RETURN 1; RETURN 'a\n");
        assert_eq!(s.rest, "RETURN 'a\n");
        let joined = format!("{}b';\n", s.rest);
        assert_eq!(statements(&joined), vec!["RETURN 'a\nb'"]);
    }

    #[test]
    fn multibyte_text_splits_on_char_boundaries() {
        assert_eq!(statements("RETURN 'é;ü' AS ß; RETURN '日本';"), vec!["RETURN 'é;ü' AS ß", "RETURN '日本'"]);
    }

    #[test]
    fn slash_alone_is_division() {
        assert_eq!(statements("RETURN 4 / 2;"), vec!["RETURN 4 / 2"]);
    }
}

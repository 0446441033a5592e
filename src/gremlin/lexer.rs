//! Tokens of Gremlin traversal text (logos). Literals stay as source slices; the parser
//! decodes them so that a bad number or escape is reported where it stands.

use std::fmt;

use logos::Logos;
use plexus_storage::Error;

/// One token; strings and numbers keep their raw text (quotes and suffix included).
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\n\f]+")]
#[logos(skip(r"//[^\n]*", allow_greedy = true))]
pub enum Token<'a> {
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token(":")]
    Colon,
    #[token("-")]
    Minus,
    #[token("+")]
    Plus,
    #[regex(r#""([^"\\]|\\.)*""#, |lex| lex.slice())]
    #[regex(r"'([^'\\]|\\.)*'", |lex| lex.slice())]
    Str(&'a str),
    #[regex(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?[a-zA-Z]?", |lex| lex.slice())]
    Num(&'a str),
    #[regex(r"[A-Za-z_$][A-Za-z0-9_$]*", |lex| lex.slice())]
    Ident(&'a str),
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::Comma => ",",
            Token::Dot => ".",
            Token::Colon => ":",
            Token::Minus => "-",
            Token::Plus => "+",
            Token::Str(s) | Token::Num(s) | Token::Ident(s) => s,
        };
        f.write_str(text)
    }
}

/// Splits `text` into tokens with their byte ranges, or reports the first character no token starts with.
pub fn lex(text: &str) -> Result<Vec<(Token<'_>, std::ops::Range<usize>)>, Error> {
    let mut tokens = Vec::new();
    for (token, span) in Token::lexer(text).spanned() {
        match token {
            Ok(token) => tokens.push((token, span)),
            Err(()) => {
                let found = text[span.start..].chars().next().unwrap_or(' ');
                let message = match found {
                    '"' | '\'' => "unterminated string literal".to_string(),
                    _ => format!("unexpected character '{found}'"),
                };
                return Err(Error::syntax("UnexpectedSyntax", message, span.start));
            }
        }
    }
    Ok(tokens)
}

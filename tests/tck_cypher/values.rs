//! The TCK value notation: Cypher literals plus node, relationship and path
//! shapes, as written in result tables and `parameters are:` steps.

use std::collections::BTreeMap;

use plexus::Value;

/// An expected value. Entities carry no ids: the TCK compares them by shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Expected>),
    Map(BTreeMap<String, Expected>),
    Node(NodeShape),
    Rel(RelShape),
    Path(PathShape),
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeShape {
    pub labels: Vec<String>,
    pub props: BTreeMap<String, Expected>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelShape {
    pub rel_type: String,
    pub props: BTreeMap<String, Expected>,
}

/// `start`, then (relationship, points forward, next node) hops.
#[derive(Debug, Clone, PartialEq)]
pub struct PathShape {
    pub start: NodeShape,
    pub hops: Vec<(RelShape, bool, NodeShape)>,
}

impl Expected {
    /// The engine value of a parameter (plain literals only).
    pub fn to_value(&self) -> Result<Value, String> {
        Ok(match self {
            Expected::Null => Value::Null,
            Expected::Bool(b) => Value::Boolean(*b),
            Expected::Int(i) => Value::Integer(*i),
            Expected::Float(f) => Value::Float(*f),
            Expected::String(s) => Value::String(s.clone()),
            Expected::List(items) => Value::List(items.iter().map(Expected::to_value).collect::<Result<_, _>>()?),
            Expected::Map(m) => {
                Value::Map(m.iter().map(|(k, v)| Ok((k.clone(), v.to_value()?))).collect::<Result<_, String>>()?)
            }
            other => return Err(format!("an entity cannot be a parameter: {other:?}")),
        })
    }
}

/// Parse one table cell.
pub fn parse(text: &str) -> Result<Expected, String> {
    let mut p = Parser { s: text.as_bytes(), i: 0, text };
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("trailing input"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    text: &'a str,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> String {
        format!("{what} at {} in `{}`", self.i, self.text)
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, token: &str) -> bool {
        self.ws();
        if self.s[self.i..].starts_with(token.as_bytes()) {
            self.i += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(self.err(&format!("expected `{token}`")))
        }
    }

    fn value(&mut self) -> Result<Expected, String> {
        match self.peek() {
            None => Err(self.err("expected a value")),
            Some(b'\'' | b'"') => self.string().map(Expected::String),
            Some(b'[') if self.is_rel() => self.rel().map(Expected::Rel),
            Some(b'[') => self.list(),
            Some(b'{') => self.map().map(Expected::Map),
            Some(b'(') => self.node().map(Expected::Node),
            Some(b'<') => self.path(),
            Some(c) if c == b'-' || c == b'+' || c == b'.' || c.is_ascii_digit() => self.number(),
            Some(_) => {
                let word = self.ident()?;
                match word.to_ascii_lowercase().as_str() {
                    "null" => Ok(Expected::Null),
                    "true" => Ok(Expected::Bool(true)),
                    "false" => Ok(Expected::Bool(false)),
                    "nan" => Ok(Expected::Float(f64::NAN)),
                    "infinity" => Ok(Expected::Float(f64::INFINITY)),
                    _ => Err(self.err(&format!("unknown word `{word}`"))),
                }
            }
        }
    }

    fn number(&mut self) -> Result<Expected, String> {
        let start = self.i;
        let negative = self.eat("-");
        if !negative {
            self.eat("+");
        }
        if self.eat("Infinity") {
            return Ok(Expected::Float(if negative { f64::NEG_INFINITY } else { f64::INFINITY }));
        }
        if self.eat("NaN") {
            return Ok(Expected::Float(f64::NAN));
        }
        let digits_start = self.i;
        if self.s[self.i..].starts_with(b"0x") || self.s[self.i..].starts_with(b"0X") {
            self.i += 2;
            let hex_start = self.i;
            while self.i < self.s.len() && self.s[self.i].is_ascii_hexdigit() {
                self.i += 1;
            }
            let v = i64::from_str_radix(&self.text[hex_start..self.i], 16).map_err(|e| self.err(&e.to_string()))?;
            return Ok(Expected::Int(if negative { -v } else { v }));
        }
        let mut float = false;
        while self.i < self.s.len() {
            match self.s[self.i] {
                b'0'..=b'9' => {}
                b'.' if self.s.get(self.i + 1).is_some_and(u8::is_ascii_digit) => float = true,
                b'e' | b'E' => {
                    float = true;
                    if matches!(self.s.get(self.i + 1), Some(b'-' | b'+')) {
                        self.i += 1;
                    }
                }
                _ => break,
            }
            self.i += 1;
        }
        if self.i == digits_start {
            return Err(self.err("expected a number"));
        }
        let text = &self.text[start..self.i];
        if float {
            text.parse::<f64>().map(Expected::Float).map_err(|e| self.err(&e.to_string()))
        } else {
            text.parse::<i64>().map(Expected::Int).map_err(|e| self.err(&e.to_string()))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.ws();
        let quote = self.s[self.i];
        self.i += 1;
        let mut out = String::new();
        let rest = &self.text[self.i..];
        let mut chars = rest.char_indices();
        while let Some((off, c)) = chars.next() {
            if c == quote as char {
                self.i += off + 1;
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else { break };
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                    let code = u32::from_str_radix(&hex, 16).map_err(|e| self.err(&e.to_string()))?;
                    out.push(char::from_u32(code).ok_or_else(|| self.err("bad \\u escape"))?);
                }
                other => out.push(other),
            }
        }
        Err(self.err("unterminated string"))
    }

    /// A name: plain or in backquotes.
    fn ident(&mut self) -> Result<String, String> {
        self.ws();
        if self.eat("`") {
            let end = self.text[self.i..].find('`').ok_or_else(|| self.err("unterminated `name`"))?;
            let name = self.text[self.i..self.i + end].to_string();
            self.i += end + 1;
            return Ok(name);
        }
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_') {
            self.i += 1;
        }
        if self.i == start {
            return Err(self.err("expected a name"));
        }
        Ok(self.text[start..self.i].to_string())
    }

    /// `[:T ...]` is a relationship, not a list.
    fn is_rel(&self) -> bool {
        self.s[self.i + 1..].iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':')
    }

    fn list(&mut self) -> Result<Expected, String> {
        self.expect("[")?;
        let mut items = Vec::new();
        if self.eat("]") {
            return Ok(Expected::List(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat("]") {
                return Ok(Expected::List(items));
            }
            self.expect(",")?;
        }
    }

    fn map(&mut self) -> Result<BTreeMap<String, Expected>, String> {
        self.expect("{")?;
        let mut map = BTreeMap::new();
        if self.eat("}") {
            return Ok(map);
        }
        loop {
            let key = self.ident()?;
            self.expect(":")?;
            map.insert(key, self.value()?);
            if self.eat("}") {
                return Ok(map);
            }
            self.expect(",")?;
        }
    }

    fn props(&mut self) -> Result<BTreeMap<String, Expected>, String> {
        if self.peek() == Some(b'{') {
            self.map()
        } else {
            Ok(BTreeMap::new())
        }
    }

    fn node(&mut self) -> Result<NodeShape, String> {
        self.expect("(")?;
        let mut labels = Vec::new();
        while self.eat(":") {
            labels.push(self.ident()?);
        }
        let props = self.props()?;
        self.expect(")")?;
        Ok(NodeShape { labels, props })
    }

    fn rel(&mut self) -> Result<RelShape, String> {
        self.expect("[")?;
        self.expect(":")?;
        let rel_type = self.ident()?;
        let props = self.props()?;
        self.expect("]")?;
        Ok(RelShape { rel_type, props })
    }

    fn path(&mut self) -> Result<Expected, String> {
        self.expect("<")?;
        let start = self.node()?;
        let mut hops = Vec::new();
        while !self.eat(">") {
            let backward = self.eat("<-");
            if !backward {
                self.expect("-")?;
            }
            let rel = self.rel()?;
            let forward = self.eat("->");
            if !forward {
                self.expect("-")?;
            }
            if forward == backward {
                return Err(self.err("a path hop needs exactly one direction"));
            }
            hops.push((rel, forward, self.node()?));
        }
        Ok(Expected::Path(PathShape { start, hops }))
    }
}

//! Bolt request messages (parsed from PackStream structures) and the
//! response messages a server writes.

use plexus_storage::Value;

use super::chunking::write_chunked;
use super::packstream::{
    self, map_get, write_list_header, write_map_header, write_string, write_struct_header, write_value, PackError,
    PackValue, Structure,
};
use super::structures;
use super::version::Dialect;

pub type Extra = Vec<(String, PackValue)>;

pub mod sig {
    pub const HELLO: u8 = 0x01;
    pub const GOODBYE: u8 = 0x02;
    pub const RESET: u8 = 0x0F;
    pub const RUN: u8 = 0x10;
    pub const BEGIN: u8 = 0x11;
    pub const COMMIT: u8 = 0x12;
    pub const ROLLBACK: u8 = 0x13;
    pub const DISCARD: u8 = 0x2F;
    pub const PULL: u8 = 0x3F;
    pub const TELEMETRY: u8 = 0x54;
    pub const ROUTE: u8 = 0x66;
    pub const LOGON: u8 = 0x6A;
    pub const LOGOFF: u8 = 0x6B;
    pub const SUCCESS: u8 = 0x70;
    pub const RECORD: u8 = 0x71;
    pub const IGNORED: u8 = 0x7E;
    pub const FAILURE: u8 = 0x7F;
}

#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Hello {
        extra: Extra,
    },
    Logon {
        auth: Extra,
    },
    Logoff,
    Goodbye,
    Reset,
    Run {
        query: String,
        parameters: Extra,
        extra: Extra,
    },
    /// `n = -1` means all; `qid = -1` the last statement.
    Pull {
        n: i64,
        qid: i64,
    },
    Discard {
        n: i64,
        qid: i64,
    },
    Begin {
        extra: Extra,
    },
    Commit,
    Rollback,
    Route {
        routing: Extra,
        bookmarks: Vec<String>,
        db: Option<String>,
    },
    Telemetry {
        api: i64,
    },
}

impl Request {
    pub fn name(&self) -> &'static str {
        match self {
            Request::Hello { .. } => "HELLO",
            Request::Logon { .. } => "LOGON",
            Request::Logoff => "LOGOFF",
            Request::Goodbye => "GOODBYE",
            Request::Reset => "RESET",
            Request::Run { .. } => "RUN",
            Request::Pull { .. } => "PULL",
            Request::Discard { .. } => "DISCARD",
            Request::Begin { .. } => "BEGIN",
            Request::Commit => "COMMIT",
            Request::Rollback => "ROLLBACK",
            Request::Route { .. } => "ROUTE",
            Request::Telemetry { .. } => "TELEMETRY",
        }
    }

    /// A request from the bytes of one reassembled message (PackStream, then
    /// `parse`); the error says what is wrong, for the FAILURE that closes the connection.
    pub fn decode(message: &[u8]) -> Result<Request, String> {
        let value = packstream::decode(message).map_err(|e| format!("undecodable message: {e}"))?;
        Request::parse(value).map_err(|e| format!("invalid message: {e}"))
    }

    /// A request from a decoded message; the error says what is wrong with it.
    pub fn parse(message: PackValue) -> Result<Request, String> {
        let PackValue::Struct(Structure { tag, fields }) = message else {
            return Err(format!("a message must be a structure, got a {}", message.kind()));
        };
        let mut fields = Fields { name: tag_name(tag), items: fields.into_iter() };
        let request = match tag {
            sig::HELLO => Request::Hello { extra: fields.map()? },
            sig::LOGON => Request::Logon { auth: fields.map()? },
            sig::LOGOFF => Request::Logoff,
            sig::GOODBYE => Request::Goodbye,
            sig::RESET => Request::Reset,
            sig::RUN => Request::Run {
                query: fields.string()?,
                parameters: fields.map()?,
                // Tolerated when missing: nothing in it is required.
                extra: fields.optional_map()?,
            },
            sig::PULL | sig::DISCARD => {
                let extra = fields.optional_map()?;
                let int = |key: &str| match map_get(&extra, key) {
                    None | Some(PackValue::Null) => Ok(-1),
                    Some(PackValue::Integer(i)) => Ok(*i),
                    Some(other) => Err(format!("`{key}` must be an integer, got a {}", other.kind())),
                };
                let (n, qid) = (int("n")?, int("qid")?);
                if n == 0 || n < -1 {
                    return Err(format!("`n` must be positive or -1, got {n}"));
                }
                if tag == sig::PULL {
                    Request::Pull { n, qid }
                } else {
                    Request::Discard { n, qid }
                }
            }
            sig::BEGIN => Request::Begin { extra: fields.optional_map()? },
            sig::COMMIT => Request::Commit,
            sig::ROLLBACK => Request::Rollback,
            sig::ROUTE => {
                let routing = fields.map()?;
                let bookmarks = match fields.next() {
                    None | Some(PackValue::Null) => Vec::new(),
                    Some(PackValue::List(items)) => {
                        items.into_iter().filter_map(|b| b.as_str().map(str::to_owned)).collect()
                    }
                    Some(other) => return Err(format!("ROUTE bookmarks must be a list, got a {}", other.kind())),
                };
                // 4.3 sends the database name itself; 4.4+ a map `{db, imp_user}`.
                let db = match fields.next() {
                    None | Some(PackValue::Null) => None,
                    Some(PackValue::String(s)) => Some(s),
                    Some(PackValue::Map(extra)) => map_get(&extra, "db").and_then(|d| d.as_str()).map(str::to_owned),
                    Some(other) => return Err(format!("ROUTE's third field cannot be a {}", other.kind())),
                };
                Request::Route { routing, bookmarks, db }
            }
            sig::TELEMETRY => match fields.next() {
                Some(PackValue::Integer(api)) => Request::Telemetry { api },
                other => return Err(format!("TELEMETRY needs an integer api, got {other:?}")),
            },
            other => return Err(format!("unknown message signature 0x{other:02X}")),
        };
        fields.finish()?;
        Ok(request)
    }
}

fn tag_name(tag: u8) -> &'static str {
    match tag {
        sig::HELLO => "HELLO",
        sig::LOGON => "LOGON",
        sig::RUN => "RUN",
        sig::PULL => "PULL",
        sig::DISCARD => "DISCARD",
        sig::BEGIN => "BEGIN",
        sig::ROUTE => "ROUTE",
        sig::TELEMETRY => "TELEMETRY",
        _ => "message",
    }
}

/// The fields of a request, taken in order with type checks.
struct Fields {
    name: &'static str,
    items: std::vec::IntoIter<PackValue>,
}

impl Fields {
    fn next(&mut self) -> Option<PackValue> {
        self.items.next()
    }

    fn map(&mut self) -> Result<Extra, String> {
        match self.items.next() {
            Some(PackValue::Map(m)) => Ok(m),
            Some(other) => Err(format!("{}: expected a map, got a {}", self.name, other.kind())),
            None => Err(format!("{}: a field is missing", self.name)),
        }
    }

    fn optional_map(&mut self) -> Result<Extra, String> {
        match self.items.next() {
            None | Some(PackValue::Null) => Ok(Vec::new()),
            Some(PackValue::Map(m)) => Ok(m),
            Some(other) => Err(format!("{}: expected a map, got a {}", self.name, other.kind())),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        match self.items.next() {
            Some(PackValue::String(s)) => Ok(s),
            Some(other) => Err(format!("{}: expected a string, got a {}", self.name, other.kind())),
            None => Err(format!("{}: a field is missing", self.name)),
        }
    }

    fn finish(mut self) -> Result<(), String> {
        match self.items.next() {
            None => Ok(()),
            Some(_) => Err(format!("{}: too many fields", self.name)),
        }
    }
}

// ---------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------

/// Build a metadata map in a fixed key order.
pub fn meta<const N: usize>(entries: [(&str, PackValue); N]) -> Extra {
    entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

pub fn string(s: impl Into<String>) -> PackValue {
    PackValue::String(s.into())
}

/// Where large outputs go before the batch ends; `false` once the peer is gone.
pub type Sink = Box<dyn FnMut(Vec<u8>) -> bool + Send>;

/// Above this many buffered bytes, records are handed to the sink so a big
/// PULL streams with backpressure instead of piling up in memory.
const FLUSH_AT: usize = 256 * 1024;

/// Appends chunked response messages to an output buffer.
pub struct Responses {
    pub out: Vec<u8>,
    scratch: Vec<u8>,
    sink: Option<Sink>,
    closed: bool,
}

impl Default for Responses {
    fn default() -> Self {
        Self::new()
    }
}

impl Responses {
    pub fn new() -> Self {
        Responses { out: Vec::new(), scratch: Vec::new(), sink: None, closed: false }
    }

    /// Responses that hand full buffers to `sink` as they grow.
    pub fn with_sink(sink: Sink) -> Self {
        Responses { sink: Some(sink), ..Responses::new() }
    }

    /// Whether the peer stopped taking output (the producer should stop).
    pub fn closed(&self) -> bool {
        self.closed
    }

    fn maybe_flush(&mut self) {
        if self.out.len() < FLUSH_AT || self.closed {
            return;
        }
        if let Some(sink) = &mut self.sink {
            if !sink(std::mem::take(&mut self.out)) {
                self.closed = true;
            }
        }
    }

    fn summary(&mut self, signature: u8, metadata: &Extra) {
        self.scratch.clear();
        let encoded = (|| {
            write_struct_header(&mut self.scratch, signature, 1)?;
            write_map_header(&mut self.scratch, metadata.len())?;
            for (k, v) in metadata {
                write_string(&mut self.scratch, k)?;
                write_value(&mut self.scratch, v)?;
            }
            Ok::<_, PackError>(())
        })();
        if encoded.is_err() {
            // Only a gigantic string can fail to encode; say so in few bytes instead.
            self.scratch.clear();
            self.scratch.extend_from_slice(&[0xB1, signature, 0xA0]);
        }
        write_chunked(&mut self.out, &self.scratch);
    }

    pub fn success(&mut self, metadata: Extra) {
        self.summary(sig::SUCCESS, &metadata);
    }

    pub fn failure(&mut self, metadata: Extra) {
        self.summary(sig::FAILURE, &metadata);
    }

    pub fn ignored(&mut self) {
        write_chunked(&mut self.out, &[0xB0, sig::IGNORED]);
    }

    /// A RECORD; on an encoding error nothing is written.
    pub fn record(&mut self, row: &[Value], dialect: Dialect) -> Result<(), PackError> {
        self.scratch.clear();
        write_struct_header(&mut self.scratch, sig::RECORD, 1)?;
        write_list_header(&mut self.scratch, row.len())?;
        for v in row {
            structures::write_value(&mut self.scratch, v, dialect)?;
        }
        write_chunked(&mut self.out, &self.scratch);
        self.maybe_flush();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::bolt::packstream::decode;
    use crate::server::bolt::version::BoltVersion;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).expect("hex in test")).collect()
    }

    /// The message inside a single chunk plus end marker.
    fn unchunk(wire: &[u8]) -> &[u8] {
        let len = u16::from_be_bytes([wire[0], wire[1]]) as usize;
        assert_eq!(&wire[2 + len..], &[0, 0]);
        &wire[2..2 + len]
    }

    fn parse_wire(h: &str) -> Result<Request, String> {
        Request::parse(decode(unchunk(&hex(h))).expect("valid PackStream"))
    }

    #[test]
    fn requests_from_protocols_md_parse() {
        let logon = parse_wire(
            "00 2F B1 6A A3 86 73 63 68 65 6D 65 85 62 61 73 69 63 89 70 72 69 6E 63 69 70 61 6C \
             85 6E 65 6F 34 6A 8B 63 72 65 64 65 6E 74 69 61 6C 73 82 70 77 00 00",
        );
        assert_eq!(
            logon,
            Ok(Request::Logon {
                auth: meta([
                    ("scheme", string("basic")),
                    ("principal", string("neo4j")),
                    ("credentials", string("pw"))
                ])
            })
        );
        assert_eq!(parse_wire("00 08 B1 3F A1 81 6E C9 03 E8 00 00"), Ok(Request::Pull { n: 1000, qid: -1 }));
        assert_eq!(parse_wire("00 06 B1 3F A1 81 6E FF 00 00"), Ok(Request::Pull { n: -1, qid: -1 }));
        assert_eq!(parse_wire("00 03 B1 11 A0 00 00"), Ok(Request::Begin { extra: vec![] }));
        assert_eq!(parse_wire("00 03 B1 54 03 00 00"), Ok(Request::Telemetry { api: 3 }));
        for (h, r) in [
            ("00 02 B0 12 00 00", Request::Commit),
            ("00 02 B0 13 00 00", Request::Rollback),
            ("00 02 B0 0F 00 00", Request::Reset),
            ("00 02 B0 02 00 00", Request::Goodbye),
        ] {
            assert_eq!(parse_wire(h), Ok(r));
        }
        let run = parse_wire(
            "00 26 B3 10 8E 52 45 54 55 52 4E 20 24 78 20 41 53 20 78 A1 81 78 01 A2 84 6D 6F 64 65 \
             81 72 82 64 62 85 6E 65 6F 34 6A 00 00",
        );
        let Ok(Request::Run { query, parameters, extra }) = run else { panic!("{run:?}") };
        assert_eq!(query, "RETURN $x AS x");
        assert_eq!(parameters, meta([("x", PackValue::Integer(1))]));
        assert_eq!(map_get(&extra, "db"), Some(&string("neo4j")));
    }

    #[test]
    fn route_accepts_the_4_3_and_4_4_forms() {
        let routing = meta([("address", string("localhost:7687"))]);
        let msg = |third: PackValue| {
            PackValue::Struct(Structure {
                tag: sig::ROUTE,
                fields: vec![PackValue::Map(routing.clone()), PackValue::List(vec![string("bm:1")]), third],
            })
        };
        let expected = |db: Option<&str>| Request::Route {
            routing: routing.clone(),
            bookmarks: vec!["bm:1".into()],
            db: db.map(str::to_owned),
        };
        assert_eq!(Request::parse(msg(string("neo4j"))), Ok(expected(Some("neo4j"))));
        assert_eq!(Request::parse(msg(PackValue::Map(meta([("db", string("neo4j"))])))), Ok(expected(Some("neo4j"))));
        assert_eq!(Request::parse(msg(PackValue::Map(vec![]))), Ok(expected(None)));
        assert_eq!(Request::parse(msg(PackValue::Null)), Ok(expected(None)));
    }

    #[test]
    fn malformed_requests_say_what_is_wrong() {
        let st = |tag, fields| PackValue::Struct(Structure { tag, fields });
        for bad in [
            PackValue::Integer(1),
            st(0x55, vec![]),
            st(sig::RUN, vec![]),
            st(sig::RUN, vec![PackValue::Integer(1), PackValue::Map(vec![])]),
            st(sig::HELLO, vec![PackValue::List(vec![])]),
            st(sig::PULL, vec![PackValue::Map(meta([("n", PackValue::Integer(0))]))]),
            st(sig::PULL, vec![PackValue::Map(meta([("n", string("all"))]))]),
            st(sig::COMMIT, vec![PackValue::Null]),
            st(sig::TELEMETRY, vec![]),
        ] {
            assert!(Request::parse(bad.clone()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn large_outputs_go_to_the_sink_in_order() {
        use std::sync::{Arc, Mutex};
        let taken = Arc::new(Mutex::new(Vec::new()));
        let into = taken.clone();
        let mut r = Responses::with_sink(Box::new(move |bytes| {
            into.lock().expect("lock").extend_from_slice(&bytes);
            true
        }));
        let row = [Value::String("x".repeat(1000))];
        let dialect = Dialect::new(BoltVersion::new(5, 0));
        let mut expected = Responses::new();
        for _ in 0..600 {
            r.record(&row, dialect).expect("encodes");
            expected.record(&row, dialect).expect("encodes");
        }
        let flushed = taken.lock().expect("lock").clone();
        assert!(!flushed.is_empty() && r.out.len() < FLUSH_AT);
        assert_eq!([flushed, r.out.clone()].concat(), expected.out);
        assert!(!r.closed());
    }

    #[test]
    fn responses_match_protocols_md() {
        let mut r = Responses::new();
        r.success(meta([("server", string("Neo4j/5.26.0")), ("connection_id", string("bolt-1"))]));
        assert_eq!(
            r.out,
            hex("00 2C B1 70 A2 86 73 65 72 76 65 72 8C 4E 65 6F 34 6A 2F 35 2E 32 36 2E 30 8D 63 6F 6E \
                 6E 65 63 74 69 6F 6E 5F 69 64 86 62 6F 6C 74 2D 31 00 00")
        );
        let mut r = Responses::new();
        r.success(meta([("fields", PackValue::List(vec![string("x")])), ("t_first", PackValue::Integer(0))]));
        r.record(&[Value::Integer(1)], Dialect::new(BoltVersion::new(5, 4))).expect("encodes");
        r.success(meta([("type", string("r")), ("t_last", PackValue::Integer(0)), ("db", string("neo4j"))]));
        r.success(vec![]);
        r.ignored();
        let expected = hex("00 16 B1 70 A2 86 66 69 65 6C 64 73 91 81 78 87 74 5F 66 69 72 73 74 00 00 00 \
             00 04 B1 71 91 01 00 00 \
             00 1B B1 70 A3 84 74 79 70 65 81 72 86 74 5F 6C 61 73 74 00 82 64 62 85 6E 65 6F 34 6A 00 00 \
             00 03 B1 70 A0 00 00 \
             00 02 B0 7E 00 00");
        assert_eq!(r.out, expected);
        let mut r = Responses::new();
        r.failure(meta([("code", string("Neo.ClientError.Statement.SyntaxError")), ("message", string("bad"))]));
        assert_eq!(
            r.out,
            hex("00 3B B1 7F A2 84 63 6F 64 65 D0 25 4E 65 6F 2E 43 6C 69 65 6E 74 45 72 72 6F 72 2E 53 \
                 74 61 74 65 6D 65 6E 74 2E 53 79 6E 74 61 78 45 72 72 6F 72 87 6D 65 73 73 61 67 65 83 \
                 62 61 64 00 00")
        );
    }
}

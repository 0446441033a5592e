//! A raw Bolt client for the server tests: PackValue builders, the reply
//! signatures, and a blocking client that speaks chunked messages, so the
//! tests can send exactly the bytes a driver would (or bad ones).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use plexus::server::bolt::chunking::{write_chunked, Dechunker};
use plexus::server::bolt::packstream::{decode, map_get, write_value, PackValue, Structure};

pub const SUCCESS: u8 = 0x70;
pub const RECORD: u8 = 0x71;
pub const IGNORED: u8 = 0x7E;
pub const FAILURE: u8 = 0x7F;

/// The Python driver 6.x's proposals: a manifest, then 5.8..5.0, 4.4..4.2.
pub const PYTHON_6X: [u8; 16] = [0, 0, 1, 0xFF, 0, 8, 8, 5, 0, 2, 4, 4, 0, 0, 0, 3];

pub fn s(x: &str) -> PackValue {
    PackValue::String(x.into())
}

pub fn int(i: i64) -> PackValue {
    PackValue::Integer(i)
}

pub fn map(entries: &[(&str, PackValue)]) -> PackValue {
    PackValue::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

pub fn msg(tag: u8, fields: Vec<PackValue>) -> PackValue {
    PackValue::Struct(Structure { tag, fields })
}

pub fn run(query: &str, params: PackValue) -> PackValue {
    msg(0x10, vec![s(query), params, map(&[])])
}

pub fn pull(n: i64) -> PackValue {
    msg(0x3F, vec![map(&[("n", int(n))])])
}

/// A response message: its signature and metadata (or record fields).
#[derive(Debug, Clone)]
pub struct Reply {
    pub tag: u8,
    pub fields: Vec<PackValue>,
}

impl Reply {
    pub fn meta(&self, key: &str) -> Option<&PackValue> {
        match self.fields.first() {
            Some(PackValue::Map(m)) => map_get(m, key),
            _ => None,
        }
    }

    /// A metadata string, or "" without one.
    pub fn text(&self, key: &str) -> String {
        self.meta(key).and_then(PackValue::as_str).unwrap_or_default().to_string()
    }

    pub fn record(&self) -> &[PackValue] {
        assert_eq!(self.tag, RECORD, "{self:?}");
        match self.fields.first() {
            Some(PackValue::List(items)) => items,
            other => panic!("record without a list: {other:?}"),
        }
    }
}

pub struct Client {
    /// The connection itself, for tests that write bad bytes or half-close it.
    pub socket: TcpStream,
    dechunker: Dechunker,
}

impl Client {
    /// Magic and `proposals`; the version the server chose.
    pub fn connect(addr: SocketAddr, proposals: [u8; 16]) -> (Client, [u8; 4]) {
        let mut socket = TcpStream::connect(addr).expect("connect");
        socket.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        socket.write_all(&[0x60, 0x60, 0xB0, 0x17]).expect("magic");
        socket.write_all(&proposals).expect("proposals");
        let mut version = [0u8; 4];
        socket.read_exact(&mut version).expect("version");
        (Client { socket, dechunker: Dechunker::new(1 << 26) }, version)
    }

    /// Connected with Bolt 5.8, HELLO and LOGON (basic neo4j/pw) done.
    pub fn ready(addr: SocketAddr) -> Client {
        Client::ready_with(addr, &[("scheme", s("basic")), ("principal", s("neo4j")), ("credentials", s("pw"))])
    }

    /// Connected with Bolt 5.8, HELLO and LOGON with `auth` done.
    pub fn ready_with(addr: SocketAddr, auth: &[(&str, PackValue)]) -> Client {
        let (mut c, v) = Client::connect(addr, PYTHON_6X);
        assert_eq!(v, [0, 0, 8, 5]);
        c.send(&msg(0x01, vec![map(&[("user_agent", s("raw-test/1.0"))])]));
        c.send(&msg(0x6A, vec![map(auth)]));
        assert_eq!(c.recv().tag, SUCCESS, "HELLO");
        let logon = c.recv();
        assert_eq!(logon.tag, SUCCESS, "LOGON: {logon:?}");
        c
    }

    pub fn send(&mut self, m: &PackValue) {
        assert!(self.try_send(m), "send");
    }

    /// Send unless the server has closed the connection.
    pub fn try_send(&mut self, m: &PackValue) -> bool {
        let mut body = Vec::new();
        write_value(&mut body, m).expect("encode");
        let mut wire = Vec::new();
        write_chunked(&mut wire, &body);
        self.socket.write_all(&wire).is_ok()
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.socket.write_all(bytes).expect("send");
    }

    pub fn try_recv(&mut self) -> Option<Reply> {
        let mut buf = [0u8; 8192];
        loop {
            if let Some(m) = self.dechunker.next_message().expect("message size") {
                let Ok(PackValue::Struct(Structure { tag, fields })) = decode(&m) else { panic!("bad reply {m:?}") };
                return Some(Reply { tag, fields });
            }
            match self.socket.read(&mut buf) {
                Ok(0) => return None,
                Ok(n) => self.dechunker.feed(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return None,
                Err(e) => panic!("read: {e}"),
            }
        }
    }

    pub fn recv(&mut self) -> Reply {
        self.try_recv().expect("a reply before the connection closed")
    }

    pub fn expect_closed(&mut self) {
        assert!(self.try_recv().is_none(), "the server should have closed the connection");
    }

    /// RUN + PULL all: the records' values, then the final summary.
    pub fn query(&mut self, query: &str, params: PackValue) -> (Vec<Vec<PackValue>>, Reply) {
        self.send(&run(query, params));
        self.send(&pull(-1));
        let first = self.recv();
        assert_eq!(first.tag, SUCCESS, "RUN {query}: {first:?}");
        self.rows_until_summary()
    }

    /// RUN (with `extra`) + PULL: the rows and summary, or the FAILURE
    /// (after which the connection is RESET and usable again).
    pub fn try_query(&mut self, query: &str, extra: PackValue) -> Result<(Vec<Vec<PackValue>>, Reply), Reply> {
        self.send(&msg(0x10, vec![s(query), map(&[]), extra]));
        self.send(&pull(-1));
        let first = self.recv();
        if first.tag == FAILURE {
            assert_eq!(self.recv().tag, IGNORED, "PULL after a FAILURE");
            self.send(&msg(0x0F, vec![]));
            assert_eq!(self.recv().tag, SUCCESS, "RESET");
            return Err(first);
        }
        assert_eq!(first.tag, SUCCESS, "RUN {query}: {first:?}");
        Ok(self.rows_until_summary())
    }

    fn rows_until_summary(&mut self) -> (Vec<Vec<PackValue>>, Reply) {
        let mut rows = Vec::new();
        loop {
            let r = self.recv();
            if r.tag != RECORD {
                return (rows, r);
            }
            rows.push(r.record().to_vec());
        }
    }

    /// The one value of a one-row, one-column query.
    pub fn single(&mut self, query: &str, params: PackValue) -> PackValue {
        let (rows, summary) = self.query(query, params);
        assert_eq!(summary.tag, SUCCESS, "{summary:?}");
        assert_eq!(rows.len(), 1, "{rows:?}");
        rows[0][0].clone()
    }
}

//! A blocking Bolt client (5.0–5.4 and 4.4) built on the server's own codec:
//! handshake, HELLO (+LOGON from 5.1), RUN+PULL of a whole result,
//! BEGIN/COMMIT/ROLLBACK, and RESET after a FAILURE so the connection stays
//! usable. Used by `plexus shell --connect`.

use std::io::{self, Read, Write};
use std::net::TcpStream;

use plexus_storage::Value;

use super::address::Target;
use super::values::from_wire;
use crate::db::Params;
use crate::server::bolt::chunking::{write_chunked, Dechunker};
use crate::server::bolt::handshake::MAGIC;
use crate::server::bolt::messages::sig;
use crate::server::bolt::packstream::{
    decode, map_get, write_map_header, write_string, write_struct_header, write_value, PackValue,
};
use crate::server::bolt::structures;
use crate::server::bolt::version::{BoltVersion, Dialect};

/// 5.4 down to 5.0, then 4.4 (the newest of each line that this client speaks).
const PROPOSALS: [u8; 16] = [0, 4, 4, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0];

/// Results larger than this are refused (a runaway query should not take all memory).
const MAX_MESSAGE: usize = 1 << 30;

/// Metadata of a SUCCESS or FAILURE.
pub type Metadata = Vec<(String, PackValue)>;

/// Why a request did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server refused the request; the connection is still usable.
    #[error("{code}: {message}")]
    Server { code: String, message: String },
    /// The connection failed or the server broke the protocol; reconnect.
    #[error("{0}")]
    Connection(String),
}

impl From<io::Error> for ClientError {
    fn from(e: io::Error) -> Self {
        ClientError::Connection(format!("connection lost: {e}"))
    }
}

/// Everything one statement returned.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// The summary of the last PULL: `stats`, `plan`/`profile`, `bookmark`...
    pub summary: Metadata,
}

/// One server response.
enum Response {
    Success(Metadata),
    Record(Vec<PackValue>),
    Failure { code: String, message: String },
    Ignored,
}

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// An authenticated Bolt connection.
pub struct BoltClient {
    stream: Box<dyn Stream>,
    dechunker: Dechunker,
    version: BoltVersion,
    server_agent: String,
}

impl BoltClient {
    /// Connect, negotiate a version and log in (basic auth when a user is given).
    pub fn connect(target: &Target, user_agent: &str) -> Result<BoltClient, ClientError> {
        let address = target.socket_address();
        let socket = TcpStream::connect(&address)
            .map_err(|e| ClientError::Connection(format!("cannot connect to {address}: {e}")))?;
        let _ = socket.set_nodelay(true);
        let config = super::tls::client_config(target.security).map_err(ClientError::Connection)?;
        let mut stream: Box<dyn Stream> = match config {
            Some(config) => {
                Box::new(super::tls::connect(socket, &target.host, config).map_err(ClientError::Connection)?)
            }
            None => Box::new(socket),
        };
        stream.write_all(&MAGIC)?;
        stream.write_all(&PROPOSALS)?;
        stream.flush()?;
        let mut chosen = [0u8; 4];
        stream.read_exact(&mut chosen).map_err(|e| {
            ClientError::Connection(format!("{address} did not answer the Bolt handshake (is it a Bolt port?): {e}"))
        })?;
        let version = match chosen {
            [0, 0, minor, major] if (major == 5 && minor <= 4) || (major, minor) == (4, 4) => {
                BoltVersion::new(major, minor)
            }
            [0, 0, 0, 0] => return Err(ClientError::Connection(format!("{address} speaks no Bolt version we do"))),
            other => return Err(ClientError::Connection(format!("{address} chose an unknown version {other:?}"))),
        };
        let mut client =
            BoltClient { stream, dechunker: Dechunker::new(MAX_MESSAGE), version, server_agent: String::new() };
        client.log_in(target, user_agent)?;
        Ok(client)
    }

    pub fn version(&self) -> BoltVersion {
        self.version
    }

    /// What the server calls itself (`Neo4j/5.26.0` for Plexus, for the drivers' sake).
    pub fn server_agent(&self) -> &str {
        &self.server_agent
    }

    fn log_in(&mut self, target: &Target, user_agent: &str) -> Result<(), ClientError> {
        let auth: Metadata = match &target.user {
            Some(user) => vec![
                ("scheme".into(), PackValue::String("basic".into())),
                ("principal".into(), PackValue::String(user.clone())),
                ("credentials".into(), PackValue::String(target.password.clone().unwrap_or_default())),
            ],
            None => vec![("scheme".into(), PackValue::String("none".into()))],
        };
        let mut hello: Metadata = vec![("user_agent".into(), PackValue::String(user_agent.into()))];
        if self.version >= BoltVersion::new(5, 3) {
            let agent = vec![("product".to_string(), PackValue::String(user_agent.into()))];
            hello.push(("bolt_agent".into(), PackValue::Map(agent)));
        }
        if !self.version.logon() {
            hello.extend(auth.clone());
        }
        let mut out = Vec::new();
        encode(&mut out, sig::HELLO, &[PackValue::Map(hello)])?;
        if self.version.logon() {
            encode(&mut out, sig::LOGON, &[PackValue::Map(auth)])?;
        }
        self.send(&out)?;
        let metadata = self.expect_success()?;
        if self.version.logon() {
            self.expect_success()?;
        }
        self.server_agent = map_get(&metadata, "server").and_then(PackValue::as_str).unwrap_or_default().to_string();
        Ok(())
    }

    /// Run `query` with `params` and read its whole result. After a FAILURE
    /// the connection is RESET (an open transaction is rolled back).
    pub fn run(&mut self, query: &str, params: &Params) -> Result<StatementResult, ClientError> {
        let mut out = Vec::new();
        let mut run = Vec::new();
        write_struct_header(&mut run, sig::RUN, 3).map_err(protocol)?;
        write_string(&mut run, query).map_err(protocol)?;
        write_map_header(&mut run, params.len()).map_err(protocol)?;
        for (name, value) in params {
            write_string(&mut run, name).map_err(protocol)?;
            structures::write_value(&mut run, value, Dialect::new(self.version)).map_err(protocol)?;
        }
        write_map_header(&mut run, 0).map_err(protocol)?;
        write_chunked(&mut out, &run);
        encode(&mut out, sig::PULL, &[PackValue::Map(vec![("n".into(), PackValue::Integer(-1))])])?;
        self.send(&out)?;
        let header = self.response()?;
        let columns = match header {
            Response::Success(metadata) => match map_get(&metadata, "fields") {
                Some(PackValue::List(fields)) => fields.iter().filter_map(|f| f.as_str().map(str::to_string)).collect(),
                _ => Vec::new(),
            },
            Response::Failure { code, message } => {
                // The PULL behind it is IGNORED.
                self.response()?;
                return Err(self.recover(code, message));
            }
            _ => return Err(protocol("RUN was not answered with SUCCESS or FAILURE")),
        };
        let mut rows = Vec::new();
        loop {
            match self.response()? {
                Response::Record(values) => {
                    let row = values.into_iter().map(from_wire).collect::<Result<Vec<_>, _>>().map_err(protocol)?;
                    rows.push(row);
                }
                Response::Success(summary) => return Ok(StatementResult { columns, rows, summary }),
                Response::Failure { code, message } => return Err(self.recover(code, message)),
                Response::Ignored => return Err(protocol("PULL was IGNORED")),
            }
        }
    }

    /// Open an explicit transaction.
    pub fn begin(&mut self) -> Result<(), ClientError> {
        self.simple(sig::BEGIN, &[PackValue::Map(vec![])]).map(drop)
    }

    /// Commit the open transaction; the bookmark the server returned, if any.
    pub fn commit(&mut self) -> Result<Option<String>, ClientError> {
        let metadata = self.simple(sig::COMMIT, &[])?;
        Ok(map_get(&metadata, "bookmark").and_then(PackValue::as_str).map(str::to_string))
    }

    /// Roll the open transaction back.
    pub fn rollback(&mut self) -> Result<(), ClientError> {
        self.simple(sig::ROLLBACK, &[]).map(drop)
    }

    /// Say GOODBYE and close (errors do not matter any more).
    pub fn close(mut self) {
        let mut out = Vec::new();
        if encode(&mut out, sig::GOODBYE, &[]).is_ok() {
            let _ = self.send(&out);
        }
    }

    fn simple(&mut self, tag: u8, fields: &[PackValue]) -> Result<Metadata, ClientError> {
        let mut out = Vec::new();
        encode(&mut out, tag, fields)?;
        self.send(&out)?;
        match self.response()? {
            Response::Success(metadata) => Ok(metadata),
            Response::Failure { code, message } => Err(self.recover(code, message)),
            _ => Err(protocol("the request was not answered with SUCCESS or FAILURE")),
        }
    }

    /// RESET after a FAILURE, then hand back the server's error.
    fn recover(&mut self, code: String, message: String) -> ClientError {
        let mut out = Vec::new();
        let reset = encode(&mut out, sig::RESET, &[]).and_then(|()| {
            self.send(&out)?;
            self.expect_success().map(drop)
        });
        match reset {
            Ok(()) => ClientError::Server { code, message },
            Err(e) => ClientError::Connection(format!("{code}: {message} (and the connection is lost: {e})")),
        }
    }

    fn expect_success(&mut self) -> Result<Metadata, ClientError> {
        match self.response()? {
            Response::Success(metadata) => Ok(metadata),
            Response::Failure { code, message } => Err(ClientError::Server { code, message }),
            _ => Err(protocol("expected SUCCESS")),
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        self.stream.write_all(bytes)?;
        self.stream.flush()?;
        Ok(())
    }

    fn response(&mut self) -> Result<Response, ClientError> {
        let bytes = loop {
            if let Some(m) = self.dechunker.next_message().map_err(|e| protocol(e.to_string()))? {
                break m;
            }
            let mut buf = [0u8; 16 * 1024];
            let n = self.stream.read(&mut buf)?;
            if n == 0 {
                return Err(ClientError::Connection("the server closed the connection".into()));
            }
            self.dechunker.feed(&buf[..n]);
        };
        let PackValue::Struct(s) = decode(&bytes).map_err(|e| protocol(format!("undecodable response: {e}")))? else {
            return Err(protocol("a response must be a structure"));
        };
        let mut fields = s.fields.into_iter();
        Ok(match (s.tag, fields.next()) {
            (sig::SUCCESS, Some(PackValue::Map(metadata))) => Response::Success(metadata),
            (sig::RECORD, Some(PackValue::List(values))) => Response::Record(values),
            (sig::IGNORED, _) => Response::Ignored,
            (sig::FAILURE, Some(PackValue::Map(metadata))) => {
                let text =
                    |key: &str| map_get(&metadata, key).and_then(PackValue::as_str).unwrap_or_default().to_string();
                Response::Failure { code: text("code"), message: text("message") }
            }
            (tag, _) => return Err(protocol(format!("unexpected response 0x{tag:02X}"))),
        })
    }
}

fn protocol(reason: impl std::fmt::Display) -> ClientError {
    ClientError::Connection(format!("protocol error: {reason}"))
}

/// Append the chunked message `tag(fields...)` to `out`.
fn encode(out: &mut Vec<u8>, tag: u8, fields: &[PackValue]) -> Result<(), ClientError> {
    let mut body = Vec::new();
    write_struct_header(&mut body, tag, fields.len()).map_err(protocol)?;
    for field in fields {
        write_value(&mut body, field).map_err(protocol)?;
    }
    write_chunked(out, &body);
    Ok(())
}

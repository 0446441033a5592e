//! One WebSocket connection's requests (PROTOCOLS.md B.2, B.7): the ops
//! `eval`, `bytecode`, `authentication` and `close`, for the standard,
//! `traversal` and `session` processors. Each request gets its answers as a
//! list of ResponseMessages (several when results come in batches).

use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::{debug, info};

use super::auth;
use super::bytecode::{translate, BytecodeRequest};
use super::errors::query_error;
use super::execute::{self, Failure, Work, WorkKind};
use super::request::RequestMessage;
use super::response::{batches, status, ResponseMessage, DEFAULT_BATCH_SIZE};
use super::session::Sessions;
use super::value::{Uuid, WireValue};
use crate::db::Params;
use crate::server::http::HttpState;
use crate::server::metrics::{Language, Protocol};
use crate::QueryGuard;

pub struct Connection {
    state: Arc<HttpState>,
    /// For the logs.
    pub id: u64,
    user: Option<String>,
    /// The request a `407` asked credentials for; it runs once they are good.
    pending: Option<RequestMessage>,
    sessions: Sessions,
}

fn invalid(id: Uuid, message: impl Into<String>) -> Vec<ResponseMessage> {
    vec![ResponseMessage::error(Some(id), status::INVALID_REQUEST_ARGUMENTS, message, "InvalidRequestArguments")]
}

fn no_content(id: Uuid) -> Vec<ResponseMessage> {
    vec![ResponseMessage::new(Some(id), status::NO_CONTENT, WireValue::List(Vec::new()))]
}

/// Options a request may set in its args or through `g.with_(…)`.
struct Options {
    batch_size: usize,
    timeout_ms: Option<u64>,
    /// `materializeProperties: tokens`: elements without their properties.
    tokens_only: bool,
}

impl Options {
    fn read(request: &RequestMessage, from_strategy: &[(String, WireValue)]) -> Options {
        let find =
            |name: &str| from_strategy.iter().find(|(k, _)| k == name).map(|(_, v)| v).or_else(|| request.arg(name));
        let positive = |v: Option<&WireValue>| v.and_then(WireValue::as_i64).filter(|n| *n > 0);
        Options {
            batch_size: positive(find("batchSize")).map_or(DEFAULT_BATCH_SIZE, |n| n as usize),
            timeout_ms: positive(find("evaluationTimeout"))
                .or_else(|| positive(find("scriptEvaluationTimeout")))
                .map(|n| n as u64),
            tokens_only: find("materializeProperties").and_then(WireValue::as_str) == Some("tokens"),
        }
    }
}

impl Connection {
    pub fn new(state: Arc<HttpState>, id: u64) -> Self {
        Connection { state, id, user: None, pending: None, sessions: Sessions::default() }
    }

    pub async fn handle(&mut self, request: RequestMessage) -> Vec<ResponseMessage> {
        if request.op == "authentication" {
            return self.authenticate(&request).await;
        }
        if self.state.authenticator.required() && self.user.is_none() {
            let id = request.request_id;
            self.pending = Some(request);
            return vec![ResponseMessage::new(Some(id), status::AUTHENTICATE, WireValue::Null)];
        }
        self.dispatch(request).await
    }

    /// When an idle session transaction is due to be rolled back (with a server time limit).
    pub fn next_expiry(&self) -> Option<Instant> {
        self.state.query_timeout.and_then(|limit| self.sessions.next_expiry(limit))
    }

    /// Roll back session transactions idle past the server's time limit: they may hold the writer.
    pub fn expire_idle(&mut self) {
        let Some(limit) = self.state.query_timeout else { return };
        for session in self.sessions.expire_idle(limit) {
            info!(conn = self.id, %session, "rolled back an idle session transaction");
        }
    }

    /// The connection is closing: what its sessions left open is rolled back.
    pub fn close(&mut self) {
        let rolled_back = self.sessions.close_all();
        if rolled_back > 0 {
            info!(conn = self.id, rolled_back, "rolled back the open session transactions of a closed connection");
        }
    }

    async fn authenticate(&mut self, request: &RequestMessage) -> Vec<ResponseMessage> {
        let authenticator = self.state.authenticator.as_ref();
        match auth::authenticate(authenticator, request.arg("sasl"), request.arg("saslMechanism")) {
            Ok(user) => {
                debug!(conn = self.id, %user, "authenticated");
                self.user = Some(user);
                match self.pending.take() {
                    Some(pending) => self.dispatch(pending).await,
                    None => no_content(request.request_id),
                }
            }
            Err(reason) => {
                info!(conn = self.id, %reason, "authentication refused");
                self.pending = None;
                vec![ResponseMessage::error(Some(request.request_id), status::UNAUTHORIZED, reason, "Unauthorized")]
            }
        }
    }

    async fn dispatch(&mut self, request: RequestMessage) -> Vec<ResponseMessage> {
        let id = request.request_id;
        let session = match (request.processor.as_str(), request.arg("session")) {
            ("session", Some(WireValue::String(s))) => Some(s.clone()),
            ("session", Some(WireValue::Uuid(u))) => Some(u.to_string()),
            ("session", _) => return invalid(id, "the session processor needs a `session` argument"),
            _ => None,
        };
        match request.op.as_str() {
            "eval" => self.eval(&request, session).await,
            "bytecode" => self.bytecode(&request, session).await,
            "close" => {
                if let Some(Ok(Some(tx))) = session.as_deref().map(|s| self.sessions.finish(s)) {
                    tx.rollback();
                }
                no_content(id)
            }
            other => invalid(id, format!("unsupported op `{other}`: use eval, bytecode, authentication or close")),
        }
    }

    async fn eval(&mut self, request: &RequestMessage, session: Option<String>) -> Vec<ResponseMessage> {
        let id = request.request_id;
        let Some(WireValue::String(text)) = request.arg("gremlin") else {
            return invalid(id, "eval needs a `gremlin` script");
        };
        let mut bindings = Params::new();
        match request.arg("bindings") {
            None => {}
            Some(WireValue::Map(entries)) => {
                for (k, v) in entries {
                    let Some(name) = k.as_str() else { return invalid(id, "binding names must be strings") };
                    match execute::parameter(v) {
                        Ok(value) => bindings.insert(name.to_string(), value),
                        Err(e) => return invalid(id, format!("binding `{name}`: {e}")),
                    };
                }
            }
            Some(_) => return invalid(id, "`bindings` must be a map"),
        }
        // A script session ends its transaction the way a Groovy script would.
        match (session.as_deref(), text.split_whitespace().collect::<String>().as_str()) {
            (Some(s), "g.tx().commit()") => return self.commit(id, s).await,
            (Some(s), "g.tx().rollback()") => return self.rollback(id, s),
            _ => {}
        }
        let options = Options::read(request, &[]);
        let work = Work { kind: WorkKind::Script { text: text.clone(), bindings }, tokens_only: options.tokens_only };
        self.run(id, work, session, options).await
    }

    async fn bytecode(&mut self, request: &RequestMessage, session: Option<String>) -> Vec<ResponseMessage> {
        let id = request.request_id;
        let Some(WireValue::Bytecode(bytecode)) = request.arg("gremlin") else {
            return invalid(id, "bytecode needs Bytecode in `gremlin`");
        };
        match translate(bytecode) {
            Err(e) => invalid(id, e.0),
            Ok(BytecodeRequest::Commit | BytecodeRequest::Rollback) if session.is_none() => {
                invalid(id, "commit and rollback need a session (g.tx())")
            }
            Ok(BytecodeRequest::Commit) => self.commit(id, session.as_deref().unwrap_or_default()).await,
            Ok(BytecodeRequest::Rollback) => self.rollback(id, session.as_deref().unwrap_or_default()),
            Ok(BytecodeRequest::Traversal { traversal, step_names, options }) => {
                let options = Options::read(request, &options);
                let work =
                    Work { kind: WorkKind::Bytecode { traversal, step_names }, tokens_only: options.tokens_only };
                self.run(id, work, session, options).await
            }
        }
    }

    async fn commit(&mut self, id: Uuid, session: &str) -> Vec<ResponseMessage> {
        let tx = match self.sessions.finish(session) {
            Ok(Some(tx)) => tx,
            Ok(None) => return no_content(id),
            Err(reason) => {
                return vec![ResponseMessage::error(
                    Some(id),
                    status::SCRIPT_EVALUATION_ERROR,
                    reason,
                    "TransactionLost",
                )]
            }
        };
        // A commit waits for the WAL's fsync: not on the connection's thread.
        match tokio::task::spawn_blocking(move || tx.commit()).await {
            Ok(Ok(seq)) => {
                debug!(conn = self.id, session, seq, "session transaction committed");
                no_content(id)
            }
            Ok(Err(e)) => vec![query_error(id, &e)],
            Err(e) => vec![ResponseMessage::error(Some(id), status::SERVER_ERROR, e.to_string(), "Internal")],
        }
    }

    fn rollback(&mut self, id: Uuid, session: &str) -> Vec<ResponseMessage> {
        if let Ok(Some(tx)) = self.sessions.finish(session) {
            tx.rollback();
            debug!(conn = self.id, session, "session transaction rolled back");
        }
        no_content(id)
    }

    /// The limit for one request: the server's, or the client's when shorter.
    fn limit(&self, options: &Options) -> Option<Duration> {
        let client = options.timeout_ms.map(Duration::from_millis);
        match (self.state.query_timeout, client) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    async fn run(&mut self, id: Uuid, work: Work, session: Option<String>, options: Options) -> Vec<ResponseMessage> {
        let started = Instant::now();
        let limit = self.limit(&options);
        let memory_limit = self.state.query_memory_limit;
        let (tx, guard) = match session.as_deref().map(|s| self.sessions.take(&self.state.db, s, memory_limit)) {
            None => (None, QueryGuard::new(limit, memory_limit)),
            Some(Ok((tx, guard))) => (Some(tx), guard),
            Some(Err(reason)) => {
                return vec![ResponseMessage::error(
                    Some(id),
                    status::SCRIPT_EVALUATION_ERROR,
                    reason,
                    "TransactionLost",
                )]
            }
        };
        let (outcome, tx) = execute::run(&self.state.db, tx, guard.clone(), work, limit).await;
        match (session.as_deref(), tx) {
            (Some(s), Some(tx)) => self.sessions.keep(s, tx, guard),
            (Some(s), None) if matches!(outcome, Err(Failure::TimedOut(_))) => self
                .sessions
                .mark_lost(s, format!("the transaction of session {s} was rolled back: a traversal timed out")),
            _ => {}
        }
        let took = started.elapsed();
        self.state.metrics.query(Language::Gremlin, Protocol::WebSocket, outcome.is_ok(), took);
        let responses = match outcome {
            Ok(items) => {
                debug!(conn = self.id, request = %id, results = items.len(), ms = took.as_millis() as u64, "traversal done");
                return batches(id, items, options.batch_size);
            }
            Err(Failure::Query(e)) => query_error(id, &e),
            Err(Failure::TimedOut(limit)) => {
                let mut message = format!("Operation terminated (deadline of {} ms exceeded)", limit.as_millis());
                if let Some(s) = &session {
                    message += &format!("; the transaction of session {s} was rolled back");
                }
                ResponseMessage::error(Some(id), status::SERVER_TIMEOUT, message, "TimeLimitExceeded")
            }
            Err(Failure::Crashed(reason)) => ResponseMessage::error(
                Some(id),
                status::SERVER_ERROR,
                format!("the traversal failed: {reason}"),
                "Internal",
            ),
        };
        info!(conn = self.id, request = %id, code = responses.code, error = %responses.message, "traversal failed");
        vec![responses]
    }
}

//! One connection's server state machine (PROTOCOLS.md A.8): HELLO and
//! LOGON, auto-commit and explicit transactions over `Database`, results
//! streamed to PULL in `n`-sized pieces, FAILED until RESET. It runs on a
//! blocking thread: query execution uses rayon and may take a while.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plexus_storage::Value;

use super::auth::{Authenticator, Credentials};
use super::errors::Failure;
use super::legacy_routing;
use super::messages::{meta, string, Extra, Request, Responses};
use super::packstream::{map_get, PackValue};
use super::structures::to_params;
use super::version::{BoltVersion, Dialect};
use crate::db::{Database, QueryResult, QueryStats, Transaction};
use crate::server::cluster::{ClusterMember, RoutingTable};
use crate::server::metrics::{Language, Metrics, Protocol};
use crate::QueryGuard;

/// What every session of a server shares.
pub struct SessionConfig {
    /// The one database's name (what ROUTE answers and `db` may name).
    pub database_name: String,
    /// The agent string of HELLO SUCCESS; 5.x Python drivers require `Neo4j/`.
    pub server_agent: String,
    /// `host:port` for ROUTE when the client did not say how it reached us.
    pub advertised_address: String,
    pub route_ttl_seconds: i64,
    /// A limit on each transaction (and on each auto-commit read).
    pub query_timeout: Option<Duration>,
    /// What one query may hold in memory, in bytes (none by default).
    pub query_memory_limit: Option<usize>,
    pub authenticator: Arc<dyn Authenticator>,
    pub metrics: Arc<Metrics>,
    /// Set when the server is a cluster member: ROUTE names the leader as
    /// writer, and bookmarks make reads wait for their commit.
    pub cluster: Option<Arc<ClusterMember>>,
}

/// Whether the connection goes on after a batch of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for HELLO.
    Connected,
    /// 5.1+: HELLO done, waiting for LOGON.
    Authentication,
    Ready,
    /// A request failed: everything but RESET and GOODBYE is IGNORED.
    Failed,
}

/// How a request went wrong.
enum Fail {
    /// Answer FAILURE and enter FAILED.
    Query(Failure),
    /// Answer FAILURE and close the connection (bad auth, protocol violations).
    Fatal(Failure),
}

impl From<Failure> for Fail {
    fn from(f: Failure) -> Self {
        Fail::Query(f)
    }
}

impl From<&plexus_storage::Error> for Fail {
    fn from(e: &plexus_storage::Error) -> Self {
        Fail::Query(Failure::from(e))
    }
}

/// An open result: its rows are pulled on demand.
struct Stream {
    result: QueryResult,
    peeked: Option<plexus_storage::Result<Vec<Value>>>,
    has_columns: bool,
    started: Instant,
    /// When an unfinished read must give up, and the limit that set it.
    deadline: Option<(Instant, Duration)>,
    /// PROFILE (the plan goes in `profile`, not `plan`).
    profiled: bool,
}

impl Stream {
    fn next_row(&mut self) -> Option<plexus_storage::Result<Vec<Value>>> {
        self.peeked.take().or_else(|| self.result.next())
    }

    fn has_more(&mut self) -> bool {
        if self.peeked.is_none() {
            self.peeked = self.result.next();
        }
        self.peeked.is_some()
    }
}

struct OpenTx {
    txn: Transaction,
    streams: BTreeMap<i64, Stream>,
    next_qid: i64,
    last_qid: i64,
    deadline: Option<(Instant, Duration)>,
    /// BEGIN said `mode: "r"`: a statement that changes anything fails it.
    read_only: bool,
}

/// The guard of the query or transaction a session is running, reachable
/// from the connection's async task: a RESET read while a query runs, or a
/// server shutting down, cancels it.
#[derive(Clone, Default)]
pub struct CancelHandle(Arc<Mutex<Option<Arc<QueryGuard>>>>);

impl CancelHandle {
    pub fn cancel(&self) {
        if let Some(guard) = self.0.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            guard.cancel();
        }
    }

    fn set(&self, guard: Option<Arc<QueryGuard>>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = guard;
    }
}

pub struct Session {
    db: Database,
    running: CancelHandle,
    config: Arc<SessionConfig>,
    dialect: Dialect,
    connection_id: String,
    phase: Phase,
    auto: Option<Stream>,
    tx: Option<OpenTx>,
    /// The address the client dialled (HELLO `routing.address`), echoed by ROUTE.
    routing_address: Option<String>,
    user: Option<String>,
    /// A transaction was rolled back for running past its limit while the
    /// client was idle; its next request in it hears about that.
    expired: Option<Duration>,
}

impl Session {
    pub fn new(db: Database, config: Arc<SessionConfig>, version: BoltVersion, connection_id: String) -> Self {
        Session {
            db,
            config,
            dialect: Dialect::new(version),
            connection_id,
            running: CancelHandle::default(),
            phase: Phase::Connected,
            auto: None,
            tx: None,
            routing_address: None,
            user: None,
            expired: None,
        }
    }

    /// When the open transaction runs out of time, if it has a limit.
    pub fn transaction_deadline(&self) -> Option<Instant> {
        self.tx.as_ref().and_then(|tx| tx.deadline).map(|(at, _)| at)
    }

    /// Roll back a transaction past its deadline, so that an idle client
    /// does not hold the writer lock for ever.
    pub fn expire_transaction(&mut self) {
        let Some((at, limit)) = self.tx.as_ref().and_then(|tx| tx.deadline) else { return };
        if Instant::now() >= at {
            self.abort_work();
            self.expired = Some(limit);
        }
    }

    /// Cancels whatever the session is running, from another thread.
    pub fn cancel_handle(&self) -> CancelHandle {
        self.running.clone()
    }

    /// A guard for a query or transaction that starts now.
    fn new_guard(&self, limit: Option<Duration>) -> Arc<QueryGuard> {
        let guard = QueryGuard::new(limit, self.config.query_memory_limit);
        self.running.set(Some(guard.clone()));
        guard
    }

    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// Handle one request, appending its responses.
    pub fn handle(&mut self, request: Request, out: &mut Responses) -> Flow {
        let outcome = match (self.phase, request) {
            (_, Request::Goodbye) => {
                self.abort_work();
                return Flow::Close;
            }
            (Phase::Connected, Request::Hello { extra }) => self.hello(extra, out),
            (Phase::Connected, other) => {
                Err(Fail::Fatal(Failure::request_invalid(format!("{} before HELLO", other.name()))))
            }
            (_, Request::Reset) => {
                self.abort_work();
                self.expired = None;
                if self.phase == Phase::Failed {
                    self.phase = Phase::Ready;
                }
                out.success(vec![]);
                Ok(())
            }
            (Phase::Failed, _) => {
                out.ignored();
                Ok(())
            }
            (Phase::Authentication, Request::Logon { auth }) => self.logon(&auth, out),
            (Phase::Authentication, other) => {
                Err(Fail::Fatal(Failure::request_invalid(format!("{} before LOGON", other.name()))))
            }
            (Phase::Ready, request) => self.ready(request, out),
        };
        match outcome {
            Ok(()) => Flow::Continue,
            Err(Fail::Query(f)) => {
                out.failure(f.metadata());
                self.auto = None;
                self.phase = Phase::Failed;
                Flow::Continue
            }
            Err(Fail::Fatal(f)) => {
                out.failure(f.metadata());
                self.abort_work();
                Flow::Close
            }
        }
    }

    /// A request that closes the connection with a reason (a malformed message).
    pub fn fatal(&mut self, failure: Failure, out: &mut Responses) -> Flow {
        out.failure(failure.metadata());
        self.abort_work();
        Flow::Close
    }

    fn ready(&mut self, request: Request, out: &mut Responses) -> Result<(), Fail> {
        if let Some(limit) = self.expired.take() {
            let in_tx = matches!(
                request,
                Request::Run { .. }
                    | Request::Pull { .. }
                    | Request::Discard { .. }
                    | Request::Commit
                    | Request::Rollback
            );
            if in_tx {
                return Err(Failure::timed_out(limit).into());
            }
        }
        match request {
            Request::Run { query, parameters, extra } => {
                let started = Instant::now();
                let ran = self.run(&query, parameters, &extra, out);
                self.config.metrics.query(Language::Cypher, Protocol::Bolt, ran.is_ok(), started.elapsed());
                ran
            }
            Request::Pull { n, qid } => self.pull(n, qid, false, out),
            Request::Discard { n, qid } => self.pull(n, qid, true, out),
            Request::Begin { extra } => self.begin(&extra, out),
            Request::Commit => self.commit(out),
            Request::Rollback => {
                let tx = self.tx.take().ok_or_else(|| Failure::request_invalid("ROLLBACK without a transaction"))?;
                tx.txn.rollback();
                out.success(vec![]);
                Ok(())
            }
            Request::Route { routing, db, .. } => self.route(&routing, db.as_deref(), out),
            Request::Telemetry { .. } => {
                out.success(vec![]);
                Ok(())
            }
            Request::Logoff if self.dialect.version.logon() => {
                self.abort_work();
                self.user = None;
                self.phase = Phase::Authentication;
                out.success(vec![]);
                Ok(())
            }
            other => Err(Fail::Fatal(Failure::request_invalid(format!(
                "{} is not allowed in this state (Bolt {})",
                other.name(),
                self.dialect.version
            )))),
        }
    }

    fn abort_work(&mut self) {
        self.auto = None;
        if let Some(tx) = self.tx.take() {
            tx.txn.rollback();
        }
    }

    // --- connection setup -------------------------------------------------

    fn hello(&mut self, extra: Extra, out: &mut Responses) -> Result<(), Fail> {
        if let Some(PackValue::Map(routing)) = map_get(&extra, "routing") {
            self.routing_address = map_get(routing, "address").and_then(PackValue::as_str).map(str::to_owned);
        }
        let asks_utc = matches!(map_get(&extra, "patch_bolt"),
            Some(PackValue::List(p)) if p.iter().any(|x| x.as_str() == Some("utc")));
        self.dialect.utc_patch = asks_utc && self.dialect.version.utc_patchable();
        if self.dialect.version.logon() {
            self.phase = Phase::Authentication;
        } else {
            self.authenticate(&extra)?;
            self.phase = Phase::Ready;
        }
        let mut metadata =
            meta([("server", string(&*self.config.server_agent)), ("connection_id", string(&*self.connection_id))]);
        if self.dialect.version.hints() {
            metadata.push(("hints".into(), PackValue::Map(vec![])));
        }
        if self.dialect.utc_patch {
            metadata.push(("patch_bolt".into(), PackValue::List(vec![string("utc")])));
        }
        out.success(metadata);
        Ok(())
    }

    fn logon(&mut self, auth: &Extra, out: &mut Responses) -> Result<(), Fail> {
        self.authenticate(auth)?;
        self.phase = Phase::Ready;
        out.success(vec![]);
        Ok(())
    }

    fn authenticate(&mut self, auth: &Extra) -> Result<(), Fail> {
        let text = |key| map_get(auth, key).and_then(PackValue::as_str);
        let creds = Credentials {
            scheme: text("scheme").unwrap_or("none"),
            principal: text("principal"),
            credentials: text("credentials"),
        };
        match self.config.authenticator.authenticate(&creds) {
            Ok(user) => {
                self.user = Some(user);
                Ok(())
            }
            Err(reason) => Err(Fail::Fatal(Failure::unauthorized(reason))),
        }
    }

    // --- statements ---------------------------------------------------------

    /// `db`, `imp_user` and `tx_timeout` of RUN/BEGIN extras; the time limit that applies.
    fn check_extra(&self, extra: &Extra, query: Option<&str>) -> Result<Option<Duration>, Fail> {
        // 4.1/4.2 drivers ask the `system` database for the routing table.
        let routing_call = query.is_some_and(legacy_routing::is_routing_call);
        match map_get(extra, "db") {
            None | Some(PackValue::Null) => {}
            Some(PackValue::String(name)) if routing_call && name == "system" => {}
            Some(PackValue::String(name)) if name.is_empty() || *name == self.config.database_name => {}
            Some(PackValue::String(name)) => return Err(Failure::database_not_found(name).into()),
            Some(other) => {
                return Err(Failure::request_invalid(format!("`db` must be a string, got a {}", other.kind())).into())
            }
        }
        if let Some(PackValue::String(user)) = map_get(extra, "imp_user") {
            return Err(Failure::forbidden(format!("impersonating {user} is not supported")).into());
        }
        // A positive client timeout tightens the server's; 0 or none keeps it.
        let client = match map_get(extra, "tx_timeout") {
            Some(PackValue::Integer(ms)) if *ms > 0 => Some(Duration::from_millis(*ms as u64)),
            _ => None,
        };
        Ok(match (client, self.config.query_timeout) {
            (Some(c), Some(s)) => Some(c.min(s)),
            (c, s) => c.or(s),
        })
    }

    fn run(&mut self, query: &str, parameters: Extra, extra: &Extra, out: &mut Responses) -> Result<(), Fail> {
        let params = to_params(parameters).map_err(|e| Failure::invalid_parameter(e.0))?;
        let started = Instant::now();
        let mut metadata;
        if let Some(tx) = &mut self.tx {
            // Drivers put `db`/`mode` here too (neo4rs); the transaction's settings rule.
            if let Some((deadline, limit)) = tx.deadline {
                if Instant::now() > deadline {
                    return Err(Failure::timed_out(limit).into());
                }
            }
            let result = tx.txn.execute(query, &params).map_err(|e| Fail::from(&e))?;
            // Its changes stay uncommitted: the failed transaction is rolled back at RESET.
            if tx.read_only && contains_updates(result.stats()) {
                return Err(Failure::access_mode().into());
            }
            if let Some((deadline, limit)) = tx.deadline {
                if Instant::now() > deadline {
                    return Err(Failure::timed_out(limit).into());
                }
            }
            let qid = tx.next_qid;
            tx.next_qid += 1;
            tx.last_qid = qid;
            metadata = fields_and_time(&result, started);
            metadata.push(("qid".into(), PackValue::Integer(qid)));
            tx.streams.insert(qid, new_stream(query, result, started, None));
        } else {
            let limit = self.check_extra(extra, Some(query))?;
            let result = if legacy_routing::is_routing_call(query) {
                legacy_routing::check_database(&params, &self.config.database_name)?;
                let table = self.routing_table(legacy_routing::context_address(&params));
                legacy_routing::routing_table(&table, self.config.route_ttl_seconds)
            } else {
                self.wait_for_bookmarks(extra)?;
                let mut db = self.db.guarded(self.new_guard(limit));
                // A driver routing a query as a read must not change anything.
                if matches!(map_get(extra, "mode"), Some(PackValue::String(m)) if m == "r") {
                    db = db.read_only();
                }
                db.execute(query, &params).map_err(|e| Fail::from(&e))?
            };
            metadata = fields_and_time(&result, started);
            let deadline = deadline_after(started, limit);
            self.auto = Some(new_stream(query, result, started, deadline));
        }
        if self.dialect.version >= BoltVersion::new(5, 8) && map_get(extra, "db").is_none() {
            metadata.push(("db".into(), string(&*self.config.database_name)));
        }
        out.success(metadata);
        Ok(())
    }

    fn pull(&mut self, n: i64, qid: i64, discard: bool, out: &mut Responses) -> Result<(), Fail> {
        let dialect = self.dialect;
        let (stream, in_tx) = match &mut self.tx {
            Some(tx) => {
                let qid = if qid == -1 { tx.last_qid } else { qid };
                let stream = tx.streams.get_mut(&qid);
                (stream.ok_or_else(|| Failure::request_invalid(format!("no open result with qid {qid}")))?, true)
            }
            None => (self.auto.as_mut().ok_or_else(|| Failure::request_invalid("nothing to PULL or DISCARD"))?, false),
        };
        let mut sent = 0i64;
        while n == -1 || sent < n {
            let Some(row) = stream.next_row() else { break };
            let row = row.map_err(|e| Fail::from(&e))?;
            sent += 1;
            if let Some((deadline, limit)) = stream.deadline {
                if Instant::now() > deadline {
                    return Err(Failure::timed_out(limit).into());
                }
            }
            if !discard {
                out.record(&row, dialect).map_err(|e| Failure::internal(format!("cannot encode a record: {e}")))?;
                if out.closed() {
                    // The client is gone; the connection closes after this batch.
                    return Ok(());
                }
            }
        }
        if stream.has_more() {
            out.success(meta([("has_more", PackValue::Boolean(true))]));
            return Ok(());
        }
        // Done: the stream closes with its summary.
        let stream = if in_tx {
            let tx = self.tx.as_mut().ok_or_else(|| Failure::internal("transaction vanished"))?;
            let qid = if qid == -1 { tx.last_qid } else { qid };
            tx.streams.remove(&qid)
        } else {
            self.auto.take()
        };
        let stream = stream.ok_or_else(|| Failure::internal("stream vanished"))?;
        let mut metadata = Vec::new();
        if !in_tx {
            metadata.push(("bookmark".into(), string(bookmark(self.db.graph().seq()))));
        }
        metadata.extend(summary(&stream, &self.config.database_name));
        out.success(metadata);
        Ok(())
    }

    fn begin(&mut self, extra: &Extra, out: &mut Responses) -> Result<(), Fail> {
        if self.tx.is_some() {
            return Err(Failure::request_invalid("a transaction is already open").into());
        }
        let limit = self.check_extra(extra, None)?;
        self.auto = None;
        self.wait_for_bookmarks(extra)?;
        let started = Instant::now();
        let read_only = matches!(map_get(extra, "mode"), Some(PackValue::String(m)) if m == "r");
        let db = self.db.guarded(self.new_guard(limit));
        self.tx = Some(OpenTx {
            txn: if read_only { db.read_only().begin() } else { db.begin() },
            streams: BTreeMap::new(),
            next_qid: 0,
            last_qid: -1,
            deadline: deadline_after(started, limit),
            read_only,
        });
        let mut metadata = Vec::new();
        if self.dialect.version >= BoltVersion::new(5, 8) {
            metadata.push(("db".into(), string(&*self.config.database_name)));
        }
        out.success(metadata);
        Ok(())
    }

    fn commit(&mut self, out: &mut Responses) -> Result<(), Fail> {
        let tx = self.tx.take().ok_or_else(|| Failure::request_invalid("COMMIT without a transaction"))?;
        if let Some((deadline, limit)) = tx.deadline {
            if Instant::now() > deadline {
                tx.txn.rollback();
                return Err(Failure::timed_out(limit).into());
            }
        }
        let seq = tx.txn.commit().map_err(|e| Fail::from(&e))?;
        out.success(meta([("bookmark", string(bookmark(seq)))]));
        Ok(())
    }

    /// A single server is writer, reader and router for its one database;
    /// a cluster member names the leader as writer (`ClusterMember::routing_table`).
    fn route(&mut self, routing: &Extra, db: Option<&str>, out: &mut Responses) -> Result<(), Fail> {
        if let Some(name) = db.filter(|n| !n.is_empty() && *n != self.config.database_name) {
            return Err(Failure::database_not_found(name).into());
        }
        let dialled = map_get(routing, "address").and_then(PackValue::as_str).map(str::to_owned);
        let table = self.routing_table(dialled.as_deref());
        let server = |role: &str, addresses: &[String]| {
            PackValue::Map(meta([
                ("addresses", PackValue::List(addresses.iter().map(string).collect())),
                ("role", string(role)),
            ]))
        };
        let mut rt = meta([("ttl", PackValue::Integer(self.config.route_ttl_seconds))]);
        if self.dialect.version.route_extra_map() {
            rt.push(("db".into(), string(&*self.config.database_name)));
        }
        let servers =
            vec![server("WRITE", &table.writers), server("READ", &table.readers), server("ROUTE", &table.routers)];
        rt.push(("servers".into(), PackValue::List(servers)));
        out.success(meta([("rt", PackValue::Map(rt))]));
        Ok(())
    }

    /// The cluster's table, or this server for every role at the address
    /// the client dialled (so routing works behind NAT and port maps).
    fn routing_table(&self, dialled: Option<&str>) -> RoutingTable {
        if let Some(cluster) = &self.config.cluster {
            return cluster.routing_table();
        }
        let address = dialled
            .map(str::to_owned)
            .or_else(|| self.routing_address.clone())
            .unwrap_or_else(|| self.config.advertised_address.clone());
        RoutingTable { writers: vec![address.clone()], readers: vec![address.clone()], routers: vec![address] }
    }

    /// On a cluster member, waits until the commits that BEGIN's or RUN's
    /// `bookmarks` name are applied here (read-your-writes on a replica).
    fn wait_for_bookmarks(&self, extra: &Extra) -> Result<(), Fail> {
        let (Some(cluster), Some(PackValue::List(bookmarks))) = (&self.config.cluster, map_get(extra, "bookmarks"))
        else {
            return Ok(());
        };
        cluster.wait_for_bookmarks(bookmarks.iter().filter_map(PackValue::as_str)).map_err(|e| Fail::from(&e))
    }
}

/// `start + limit`; a limit too far out to represent is no limit.
fn deadline_after(start: Instant, limit: Option<Duration>) -> Option<(Instant, Duration)> {
    limit.and_then(|l| start.checked_add(l).map(|at| (at, l)))
}

/// Bookmarks carry the commit sequence number.
pub fn bookmark(seq: u64) -> String {
    format!("plexus:{seq}")
}

fn new_stream(query: &str, result: QueryResult, started: Instant, deadline: Option<(Instant, Duration)>) -> Stream {
    let has_columns = !result.columns().is_empty();
    // A write has committed by now: a time limit can no longer undo it.
    let deadline = deadline.filter(|_| !contains_updates(result.stats()));
    let profiled = query.trim_start().get(..7).is_some_and(|w| w.eq_ignore_ascii_case("PROFILE"));
    Stream { result, peeked: None, has_columns, started, deadline, profiled }
}

fn fields_and_time(result: &QueryResult, started: Instant) -> Extra {
    meta([
        ("fields", PackValue::List(result.columns().iter().map(string).collect())),
        ("t_first", PackValue::Integer(started.elapsed().as_millis() as i64)),
    ])
}

fn contains_updates(s: &QueryStats) -> bool {
    *s != QueryStats::default()
}

/// `type`, `t_last`, `db` and `stats` of a finished result.
fn summary(stream: &Stream, db: &str) -> Extra {
    let stats = stream.result.stats();
    let updates = contains_updates(stats);
    let kind = match (updates, stream.has_columns) {
        (false, _) => "r",
        (true, true) => "rw",
        (true, false) => "w",
    };
    let mut metadata = meta([
        ("type", string(kind)),
        ("t_last", PackValue::Integer(stream.started.elapsed().as_millis() as i64)),
        ("db", string(db)),
    ]);
    if let Some(text) = stream.result.plan() {
        // Drivers hand the plan map to the user; Neo4j puts the readable tree
        // under `string-representation`.
        let mut plan = meta([
            ("operatorType", string("Plan")),
            (
                "args",
                PackValue::Map(meta([
                    ("string-representation", string(text)),
                    ("planner", string("COST")),
                    ("runtime", string("PLEXUS")),
                ])),
            ),
            ("identifiers", PackValue::List(stream.result.columns().iter().map(string).collect())),
            ("children", PackValue::List(vec![])),
        ]);
        if stream.profiled {
            plan.push(("dbHits".into(), PackValue::Integer(0)));
            plan.push(("rows".into(), PackValue::Integer(0)));
        }
        metadata.push((if stream.profiled { "profile" } else { "plan" }.into(), PackValue::Map(plan)));
    }
    if updates {
        let counters = [
            ("nodes-created", stats.nodes_created),
            ("nodes-deleted", stats.nodes_deleted),
            ("relationships-created", stats.relationships_created),
            ("relationships-deleted", stats.relationships_deleted),
            ("properties-set", stats.properties_set),
            ("labels-added", stats.labels_added),
            ("labels-removed", stats.labels_removed),
        ];
        let mut map: Extra = counters
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (k.to_string(), PackValue::Integer(n.min(i64::MAX as u64) as i64)))
            .collect();
        map.push(("contains-updates".into(), PackValue::Boolean(true)));
        metadata.push(("stats".into(), PackValue::Map(map)));
    }
    metadata
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::bolt::auth::AcceptAll;
    use crate::server::bolt::chunking::Dechunker;
    use crate::server::bolt::packstream::{decode, Structure};

    fn session(version: BoltVersion) -> Session {
        let config = SessionConfig {
            database_name: "neo4j".into(),
            server_agent: "Neo4j/5.26.0".into(),
            advertised_address: "localhost:7687".into(),
            route_ttl_seconds: 300,
            query_timeout: None,
            query_memory_limit: None,
            authenticator: Arc::new(AcceptAll),
            metrics: Arc::new(Metrics::new().expect("metrics")),
            cluster: None,
        };
        Session::new(Database::in_memory(), Arc::new(config), version, "bolt-1".into())
    }

    /// Send requests; the responses' signatures and metadata, and whether the connection goes on.
    fn exchange(s: &mut Session, requests: Vec<Request>) -> (Vec<(u8, Option<PackValue>)>, Flow) {
        let mut out = Responses::new();
        let mut flow = Flow::Continue;
        for r in requests {
            flow = s.handle(r, &mut out);
            if flow == Flow::Close {
                break;
            }
        }
        let mut d = Dechunker::new(usize::MAX);
        d.feed(&out.out);
        let mut replies = Vec::new();
        while let Some(m) = d.next_message().expect("no limit") {
            let Ok(PackValue::Struct(Structure { tag, fields })) = decode(&m) else { panic!("bad response") };
            replies.push((tag, fields.into_iter().next()));
        }
        (replies, flow)
    }

    fn tags(replies: &[(u8, Option<PackValue>)]) -> Vec<u8> {
        replies.iter().map(|(t, _)| *t).collect()
    }

    fn code(reply: &(u8, Option<PackValue>)) -> Option<String> {
        match &reply.1 {
            Some(PackValue::Map(m)) => map_get(m, "code").and_then(PackValue::as_str).map(str::to_owned),
            _ => None,
        }
    }

    fn run(query: &str) -> Request {
        Request::Run { query: query.into(), parameters: vec![], extra: vec![] }
    }

    const S: u8 = 0x70;
    const R: u8 = 0x71;
    const I: u8 = 0x7E;
    const F: u8 = 0x7F;

    fn ready(version: BoltVersion) -> Session {
        let mut s = session(version);
        let mut reqs = vec![Request::Hello { extra: vec![] }];
        if version.logon() {
            reqs.push(Request::Logon { auth: meta([("scheme", string("none"))]) });
        }
        let (replies, _) = exchange(&mut s, reqs);
        assert!(replies.iter().all(|r| r.0 == S));
        s
    }

    #[test]
    fn logoff_returns_to_authentication_and_logon_to_ready() {
        let mut s = ready(BoltVersion::new(5, 4));
        let (replies, flow) = exchange(
            &mut s,
            vec![
                Request::Logoff,
                Request::Logon { auth: meta([("scheme", string("basic")), ("principal", string("bob"))]) },
                run("RETURN 1"),
            ],
        );
        assert_eq!((tags(&replies), flow), (vec![S, S, S], Flow::Continue));
        assert_eq!(s.user(), Some("bob"));
        let (replies, flow) = exchange(&mut s, vec![Request::Logoff, run("RETURN 1")]);
        assert_eq!((tags(&replies), flow), (vec![S, F], Flow::Close), "RUN while unauthenticated");
    }

    #[test]
    fn requests_out_of_place() {
        // PULL with nothing open, COMMIT without a transaction: FAILURE, then IGNORED until RESET.
        let mut s = ready(BoltVersion::new(5, 0));
        let (replies, flow) = exchange(&mut s, vec![Request::Pull { n: -1, qid: -1 }, Request::Commit, Request::Reset]);
        assert_eq!((tags(&replies), flow), (vec![F, I, S], Flow::Continue));
        assert_eq!(code(&replies[0]).as_deref(), Some("Neo.ClientError.Request.Invalid"));
        // BEGIN inside a transaction; PULL of an unknown qid.
        let (replies, _) =
            exchange(&mut s, vec![Request::Begin { extra: vec![] }, Request::Begin { extra: vec![] }, Request::Reset]);
        assert_eq!(tags(&replies), vec![S, F, S]);
        let (replies, _) =
            exchange(&mut s, vec![Request::Begin { extra: vec![] }, run("RETURN 1"), Request::Pull { n: -1, qid: 5 }]);
        assert_eq!(tags(&replies), vec![S, S, F]);
        // A second HELLO is a protocol violation: the connection closes.
        let mut s = ready(BoltVersion::new(5, 0));
        let (replies, flow) = exchange(&mut s, vec![Request::Hello { extra: vec![] }]);
        assert_eq!((tags(&replies), flow), (vec![F], Flow::Close));
        // LOGOFF does not exist before 5.1.
        let mut s = ready(BoltVersion::new(4, 4));
        let (_, flow) = exchange(&mut s, vec![Request::Logoff]);
        assert_eq!(flow, Flow::Close);
    }

    #[test]
    fn goodbye_closes_and_rolls_back() {
        let db = Database::in_memory();
        let mut s = ready(BoltVersion::new(5, 0));
        s.db = db.clone();
        let (replies, flow) =
            exchange(&mut s, vec![Request::Begin { extra: vec![] }, run("CREATE (:Gone)"), Request::Goodbye]);
        assert_eq!((tags(&replies), flow), (vec![S, S], Flow::Close));
        let count =
            db.execute("MATCH (n:Gone) RETURN count(n) AS c", &Default::default()).and_then(|r| r.collect_rows());
        assert_eq!(count, Ok(vec![vec![Value::Integer(0)]]));
    }

    #[test]
    fn qids_address_results_of_one_transaction() {
        let mut s = ready(BoltVersion::new(5, 0));
        let (replies, _) = exchange(
            &mut s,
            vec![
                Request::Begin { extra: vec![] },
                run("UNWIND [1, 2] AS x RETURN x"),
                run("RETURN 'b' AS y"),
                Request::Pull { n: 1, qid: 0 },
                Request::Pull { n: -1, qid: -1 },
                Request::Pull { n: -1, qid: 0 },
                Request::Commit,
            ],
        );
        assert_eq!(tags(&replies), vec![S, S, S, R, S, R, S, R, S, S]);
        let has_more = |r: &(u8, Option<PackValue>)| match &r.1 {
            Some(PackValue::Map(m)) => map_get(m, "has_more").cloned(),
            _ => None,
        };
        assert_eq!(has_more(&replies[4]), Some(PackValue::Boolean(true)));
        assert_eq!(has_more(&replies[6]), None);
    }

    #[test]
    fn read_transactions_refuse_writes() {
        let mut s = ready(BoltVersion::new(5, 0));
        let begin_read = || Request::Begin { extra: meta([("mode", string("r"))]) };
        let (replies, _) = exchange(
            &mut s,
            vec![begin_read(), run("MATCH (n) RETURN count(n)"), run("CREATE (:W)"), Request::Commit, Request::Reset],
        );
        assert_eq!(tags(&replies), vec![S, S, F, I, S]);
        assert_eq!(code(&replies[2]).as_deref(), Some("Neo.ClientError.Statement.AccessMode"));
        let (replies, _) =
            exchange(&mut s, vec![run("MATCH (n:W) RETURN count(n) AS c"), Request::Pull { n: -1, qid: -1 }]);
        assert_eq!(replies[1].1, Some(PackValue::List(vec![PackValue::Integer(0)])));
    }

    #[test]
    fn huge_client_timeouts_mean_no_limit() {
        let mut s = ready(BoltVersion::new(5, 0));
        let begin = Request::Begin { extra: meta([("tx_timeout", PackValue::Integer(i64::MAX))]) };
        let (replies, _) = exchange(&mut s, vec![begin, run("RETURN 1"), Request::Commit]);
        assert_eq!(tags(&replies), vec![S, S, S]);
        let run_with = Request::Run {
            query: "RETURN 1".into(),
            parameters: vec![],
            extra: meta([("tx_timeout", PackValue::Integer(i64::MAX))]),
        };
        let (replies, _) = exchange(&mut s, vec![run_with, Request::Pull { n: -1, qid: -1 }]);
        assert_eq!(tags(&replies), vec![S, R, S]);
    }

    #[test]
    fn explain_and_profile_summaries_carry_the_plan() {
        let mut s = ready(BoltVersion::new(5, 0));
        for (query, key) in [("EXPLAIN MATCH (n) RETURN n", "plan"), ("profile MATCH (n) RETURN n", "profile")] {
            let (replies, _) = exchange(&mut s, vec![run(query), Request::Pull { n: -1, qid: -1 }]);
            let Some(PackValue::Map(summary)) = &replies.last().expect("summary").1 else { panic!() };
            let Some(PackValue::Map(plan)) = map_get(summary, key) else { panic!("{key}: {summary:?}") };
            let Some(PackValue::Map(args)) = map_get(plan, "args") else { panic!() };
            let text = map_get(args, "string-representation").and_then(PackValue::as_str).unwrap_or("");
            assert!(!text.is_empty(), "{query}");
        }
    }

    #[test]
    fn telemetry_and_route_in_ready() {
        let mut s = ready(BoltVersion::new(5, 4));
        let (replies, _) = exchange(
            &mut s,
            vec![Request::Telemetry { api: 2 }, Request::Route { routing: vec![], bookmarks: vec![], db: None }],
        );
        assert_eq!(tags(&replies), vec![S, S]);
        let Some(PackValue::Map(m)) = &replies[1].1 else { panic!() };
        let Some(PackValue::Map(rt)) = map_get(m, "rt") else { panic!() };
        let Some(PackValue::List(servers)) = map_get(rt, "servers") else { panic!() };
        assert!(servers.iter().all(|s| matches!(s, PackValue::Map(e)
            if map_get(e, "addresses") == Some(&PackValue::List(vec![string("localhost:7687")])))));
    }

    #[test]
    fn the_utc_patch_only_applies_to_4_3_and_4_4() {
        let patch = || Request::Hello { extra: meta([("patch_bolt", PackValue::List(vec![string("utc")]))]) };
        for (version, patched) in [(BoltVersion::new(4, 4), true), (BoltVersion::new(4, 1), false)] {
            let mut s = session(version);
            let (replies, _) = exchange(&mut s, vec![patch()]);
            let Some(PackValue::Map(m)) = &replies[0].1 else { panic!() };
            assert_eq!(map_get(m, "patch_bolt").is_some(), patched, "{version}");
            assert_eq!(s.dialect.utc_datetime(), patched);
        }
    }
}

//! Server mode: Plexus over the network. One tokio runtime; Bolt for the
//! Neo4j drivers and HTTP in Neptune's forms: `/openCypher`, `/gremlin`
//! (Gremlin scripts answered in GraphSON 3, as TinkerPop's HTTP endpoint
//! does), `/status` and `/metrics` (Prometheus; `metrics.rs` holds the one
//! registry, shared through `SessionConfig` and `HttpState`). The Gremlin
//! Server WebSocket (`gremlin_ws/`: GraphBinary v1 and GraphSON 3, bytecode,
//! scripts, sessions, SASL) upgrades GETs of `/gremlin` on the same router.
//!
//! How a Bolt connection runs (`bolt/connection.rs`): the async task reads
//! bytes and reassembles every complete request; the batch goes to the
//! connection's `Session` on a blocking thread (queries use rayon and may
//! wait for the writer lock), whose responses reach the socket through a
//! bounded channel while it works, so a large PULL streams with
//! backpressure. Requests are handled strictly in order, RESET included
//! (nothing can interrupt a running query yet). An explicit transaction with a
//! time limit (`query_timeout`, or the client's `tx_timeout`) that sits idle
//! past it is rolled back by a timer, freeing the single writer.
//!
//! Errors map to protocol codes in one place per protocol:
//! `bolt/errors.rs` (Neo4j status codes plus GQL fields) and
//! `http/errors.rs` (Neptune exception names).

pub mod bolt;
pub mod cluster;
pub mod fuzz_entry;
pub mod gremlin_ws;
pub mod http;
pub mod metrics;
pub mod tls;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tracing::{info, warn};

use crate::db::Database;
use bolt::auth::{AcceptAll, Authenticator};
use bolt::connection::{serve_connection, ConnectionContext};
use bolt::session::SessionConfig;
use bolt::version::BoltVersion;

/// How long drivers may keep a routing table.
const ROUTE_TTL_SECONDS: i64 = 300;
/// A cluster's table changes at a failover: drivers ask again soon.
const CLUSTER_ROUTE_TTL_SECONDS: i64 = 10;

/// How the server listens and what it allows.
#[derive(Clone)]
pub struct ServerConfig {
    /// Where Bolt listens (Neo4j's default port is 7687).
    pub bolt_addr: SocketAddr,
    /// Where HTTP listens (Neptune's port 8182: `/openCypher`, `/gremlin`, `/status`, `/metrics`); `None` turns it off.
    pub http_addr: Option<SocketAddr>,
    /// `host:port` that ROUTE advertises when a client did not say how it
    /// reached the server; defaults to the bound Bolt address.
    pub advertised_address: Option<String>,
    /// The name clients use for the one database.
    pub database_name: String,
    /// A limit on each transaction and each auto-commit read (none by default).
    pub query_timeout: Option<Duration>,
    /// What one query may hold in memory, in bytes (none by default).
    pub query_memory_limit: Option<usize>,
    /// Connections beyond this are closed as soon as they are accepted.
    pub max_connections: usize,
    /// The largest Bolt message or HTTP body accepted (a Bolt client sending more is disconnected).
    pub max_message_size: usize,
    /// A client that has not completed the handshake by then is disconnected.
    pub handshake_timeout: Duration,
    /// The Bolt versions offered, best first (default: all of `bolt::handshake::SUPPORTED`).
    pub bolt_versions: Vec<BoltVersion>,
    /// How long open connections get to finish their current work at shutdown.
    pub shutdown_grace: Duration,
    pub authenticator: Arc<dyn Authenticator>,
    /// When set, both ports speak only TLS (Bolt drivers use `bolt+s://` or `neo4j+s://`, HTTP is https).
    pub tls: Option<tls::Tls>,
    /// When set, the server is this cluster member (serve its `database()`).
    pub cluster: Option<Arc<cluster::ClusterMember>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bolt_addr: SocketAddr::from(([127, 0, 0, 1], 7687)),
            http_addr: Some(SocketAddr::from(([127, 0, 0, 1], 8182))),
            advertised_address: None,
            database_name: "neo4j".into(),
            query_timeout: None,
            query_memory_limit: None,
            max_connections: 1000,
            max_message_size: 64 * 1024 * 1024,
            handshake_timeout: Duration::from_secs(10),
            bolt_versions: bolt::handshake::SUPPORTED.to_vec(),
            shutdown_grace: Duration::from_secs(5),
            authenticator: Arc::new(AcceptAll),
            tls: None,
            cluster: None,
        }
    }
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("bolt_addr", &self.bolt_addr)
            .field("http_addr", &self.http_addr)
            .field("advertised_address", &self.advertised_address)
            .field("database_name", &self.database_name)
            .field("query_timeout", &self.query_timeout)
            .field("query_memory_limit", &self.query_memory_limit)
            .field("max_connections", &self.max_connections)
            .field("max_message_size", &self.max_message_size)
            .field("bolt_versions", &self.bolt_versions)
            .field("tls", &self.tls.is_some())
            .field("cluster", &self.cluster.as_ref().map(|c| c.node().id()))
            .finish_non_exhaustive()
    }
}

/// A server whose listeners are bound (so the real port is known) but not yet serving.
pub struct Server {
    db: Database,
    config: ServerConfig,
    bolt: TcpListener,
    http: Option<TcpListener>,
}

impl Server {
    pub async fn bind(db: Database, config: ServerConfig) -> io::Result<Server> {
        let bolt = TcpListener::bind(config.bolt_addr)
            .await
            .map_err(|e| io::Error::new(e.kind(), format!("cannot listen for Bolt on {}: {e}", config.bolt_addr)))?;
        let http = match config.http_addr {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .map_err(|e| io::Error::new(e.kind(), format!("cannot listen for HTTP on {addr}: {e}")))?,
            ),
            None => None,
        };
        Ok(Server { db, config, bolt, http })
    }

    /// The address HTTP listens on, if it does.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// The address Bolt listens on (with the port the OS chose for port 0).
    pub fn bolt_addr(&self) -> io::Result<SocketAddr> {
        self.bolt.local_addr()
    }

    /// Serve until `shutdown` completes, then give open connections
    /// `shutdown_grace` to finish what they are doing.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        let bolt_addr = self.bolt_addr()?;
        let (stop, stopped) = watch::channel(false);
        let metrics =
            Arc::new(metrics::Metrics::new().map_err(|e| io::Error::other(format!("cannot set up the metrics: {e}")))?);
        let http = self.http.map(|listener| {
            let mut state = http::HttpState::new(
                self.db.clone(),
                self.config.query_timeout,
                self.config.authenticator.clone(),
                metrics.clone(),
            );
            state.query_memory_limit = self.config.query_memory_limit;
            state.cluster = self.config.cluster.clone();
            let state = Arc::new(state);
            let router = http::router(state, self.config.max_message_size);
            let mut stopped = stopped.clone();
            if let Ok(addr) = listener.local_addr() {
                info!(address = %addr, tls = self.config.tls.is_some(), "HTTP server listening");
            }
            let tls = self.config.tls.clone().map(|tls| (tls, self.config.handshake_timeout));
            tokio::spawn(http::serve(listener, router, tls, async move {
                let _ = stopped.changed().await;
            }))
        });
        let advertised = self.config.advertised_address.clone().unwrap_or_else(|| bolt_addr.to_string());
        let ctx = Arc::new(ConnectionContext {
            db: self.db,
            session: Arc::new(SessionConfig {
                database_name: self.config.database_name.clone(),
                server_agent: "Neo4j/5.26.0".into(),
                advertised_address: advertised,
                route_ttl_seconds: if self.config.cluster.is_some() {
                    CLUSTER_ROUTE_TTL_SECONDS
                } else {
                    ROUTE_TTL_SECONDS
                },
                query_timeout: self.config.query_timeout,
                query_memory_limit: self.config.query_memory_limit,
                authenticator: self.config.authenticator.clone(),
                metrics,
                cluster: self.config.cluster.clone(),
            }),
            max_message_size: self.config.max_message_size,
            handshake_timeout: self.config.handshake_timeout,
            versions: self.config.bolt_versions.clone(),
        });
        let slots = Arc::new(Semaphore::new(self.config.max_connections));
        let mut connections = JoinSet::new();
        let next_id = AtomicU64::new(1);
        info!(address = %bolt_addr, tls = self.config.tls.is_some(), "Bolt server listening");
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                accepted = self.bolt.accept() => match accepted {
                    Ok((socket, peer)) => match slots.clone().try_acquire_owned() {
                        Ok(permit) => {
                            let id = next_id.fetch_add(1, Ordering::Relaxed);
                            let (ctx, stopped, tls) = (ctx.clone(), stopped.clone(), self.config.tls.clone());
                            connections.spawn(async move {
                                let _ = socket.set_nodelay(true);
                                match tls {
                                    None => serve_connection(socket, peer, id, ctx, stopped).await,
                                    Some(tls) => match tls.accept(socket, ctx.handshake_timeout).await {
                                        Ok(stream) => serve_connection(stream, peer, id, ctx, stopped).await,
                                        Err(reason) => warn!(conn = id, %peer, %reason, "closing: TLS handshake failed"),
                                    },
                                }
                                drop(permit);
                            });
                        }
                        Err(_) => warn!(%peer, limit = self.config.max_connections, "refusing a connection: too many open"),
                    },
                    // Out of file descriptors and the like: wait a little rather than spin.
                    Err(e) => {
                        warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
        info!(open = connections.len(), "Bolt server stopping");
        let _ = stop.send(true);
        let http_abort = http.as_ref().map(|h| h.abort_handle());
        let drained = tokio::time::timeout(self.config.shutdown_grace, async {
            while connections.join_next().await.is_some() {}
            if let Some(http) = http {
                match http.await {
                    Ok(Err(e)) => warn!(error = %e, "HTTP server failed"),
                    Err(e) => warn!(error = %e, "HTTP server task failed"),
                    Ok(Ok(())) => {}
                }
            }
        })
        .await;
        if drained.is_err() {
            warn!(open = connections.len(), "closing connections still busy after the grace period");
            connections.abort_all();
            // HTTP keep-alive connections would otherwise hold the HTTP task open.
            if let Some(h) = http_abort {
                h.abort();
            }
        }
        Ok(())
    }
}

/// Bind and serve until `shutdown` completes.
pub async fn serve(db: Database, config: ServerConfig, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    Server::bind(db, config).await?.run(shutdown).await
}

/// Run the server on a new tokio runtime until ctrl-c or SIGTERM. Logs go to
/// stderr, filtered by `RUST_LOG` (default `info`) unless the program set up
/// its own subscriber.
pub fn run(db: Database, config: ServerConfig) -> io::Result<()> {
    init_logging();
    let grace = config.shutdown_grace;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let outcome = runtime.block_on(serve(db, config, termination()));
    // Queries still running on blocking threads get the grace period, no more.
    runtime.shutdown_timeout(grace);
    outcome
}

/// Structured logs to stderr; a subscriber set by the embedding program wins.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&io::stderr());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(io::stderr).with_ansi(ansi).try_init();
}

/// Completes on ctrl-c, or on SIGTERM where there are signals.
async fn termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(e) => {
                warn!(error = %e, "cannot watch SIGTERM; stopping on ctrl-c only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    info!("termination signal received");
}

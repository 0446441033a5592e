//! HTTP on Neptune's port (8182): `POST|GET /openCypher` and `POST|GET
//! /gremlin` (HTTP Basic auth when the server's authenticator requires
//! credentials), `GET /status` and `GET /metrics` (Prometheus text). A GET
//! of `/gremlin` with `Upgrade: websocket` is the Gremlin Server WebSocket
//! (`server/gremlin_ws/`).
//!
//! On a cluster member (`server/cluster/`): `/cluster/...` admin endpoints,
//! `/status` with the member's role and positions, and read-your-writes on
//! the query endpoints: a request header `x-plexus-min-seq: N` makes the
//! member wait until it has applied commit N, and every answer carries the
//! commit sequence it saw in `x-plexus-commit-seq`.

pub mod auth;
pub mod errors;
pub mod graphson;
pub mod gremlin;
pub mod json;
pub mod opencypher;
pub mod status;

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

use crate::db::Database;
use crate::server::bolt::auth::Authenticator;
use crate::server::cluster::ClusterMember;
use crate::server::metrics::{self, Metrics};
use crate::server::tls::{Tls, TlsListener};
use crate::QueryGuard;
use errors::HttpError;

/// What every HTTP request shares.
pub struct HttpState {
    pub db: Database,
    pub authenticator: Arc<dyn Authenticator>,
    pub started: SystemTime,
    pub query_timeout: Option<Duration>,
    /// What one query may hold in memory, in bytes (none by default).
    pub query_memory_limit: Option<usize>,
    pub metrics: Arc<Metrics>,
    /// Set when the server is a cluster member.
    pub cluster: Option<Arc<ClusterMember>>,
    next_request: AtomicU64,
    seed: u64,
}

impl HttpState {
    pub fn new(
        db: Database,
        query_timeout: Option<Duration>,
        authenticator: Arc<dyn Authenticator>,
        metrics: Arc<Metrics>,
    ) -> Self {
        let started = SystemTime::now();
        let seed =
            started.duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0) ^ std::process::id() as u64;
        HttpState {
            db,
            authenticator,
            started,
            query_timeout,
            query_memory_limit: None,
            metrics,
            cluster: None,
            next_request: AtomicU64::new(0),
            seed,
        }
    }

    /// The limits of a request's query, whose time starts now.
    pub fn new_guard(&self) -> Arc<QueryGuard> {
        QueryGuard::new(self.query_timeout, self.query_memory_limit)
    }

    /// A UUID-shaped id, unique per request of this process.
    pub fn request_id(&self) -> String {
        let n = self.next_request.fetch_add(1, Ordering::Relaxed);
        let (a, b) = (splitmix(self.seed ^ n), splitmix(self.seed.wrapping_add(n).rotate_left(17)));
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0x0FFF,
            0x8000 | (b >> 48) & 0x3FFF,
            b & 0xFFFF_FFFF_FFFF
        )
    }
}

/// Cancels a request's query when the handler is dropped: axum drops it
/// when the client goes away, and the blocking thread should stop too.
pub struct CancelOnDrop(pub Arc<QueryGuard>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The request header asking a member to have applied this commit first.
pub const MIN_SEQ_HEADER: &str = "x-plexus-min-seq";
/// The response header with the commit sequence the request saw (after its own write).
pub const COMMIT_SEQ_HEADER: &str = "x-plexus-commit-seq";

pub fn router(state: Arc<HttpState>, max_body: usize) -> Router {
    let queries = Router::new()
        .route("/openCypher", get(opencypher::handle).post(opencypher::handle))
        .route("/opencypher", get(opencypher::handle).post(opencypher::handle))
        .route("/gremlin", crate::server::gremlin_ws::route(max_body))
        .route_layer(from_fn_with_state(state.clone(), read_your_writes));
    queries
        .merge(crate::server::cluster::admin::routes())
        .route("/status", get(status_handler))
        .route("/metrics", get(metrics_handler))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

/// Waits for `x-plexus-min-seq` on a cluster member, then runs the request
/// and reports the commit sequence in `x-plexus-commit-seq`.
async fn read_your_writes(State(state): State<Arc<HttpState>>, request: Request, next: Next) -> Response {
    if let (Some(member), Some(value)) = (state.cluster.clone(), request.headers().get(MIN_SEQ_HEADER)) {
        let request_id = state.request_id();
        let Some(seq) = value.to_str().ok().and_then(|v| v.trim().parse::<u64>().ok()) else {
            let message = format!("{MIN_SEQ_HEADER} must be a commit sequence number");
            return HttpError::bad_request(message, &request_id).into_response();
        };
        match tokio::task::spawn_blocking(move || member.wait_for_seq(seq)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return HttpError::from_query(&e, &request_id).into_response(),
            Err(e) => {
                return HttpError::internal(format!("waiting for commit {seq} failed: {e}"), &request_id)
                    .into_response()
            }
        }
    }
    let mut response = next.run(request).await;
    response.headers_mut().insert(COMMIT_SEQ_HEADER, HeaderValue::from(state.db.graph().seq()));
    response
}

async fn status_handler(State(state): State<Arc<HttpState>>) -> impl IntoResponse {
    let mut body = status::status(state.started, state.db.graph().seq());
    if let Some(member) = &state.cluster {
        status::add_cluster(&mut body, member.status_json());
    }
    ([(header::CONTENT_TYPE, "application/json")], body.to_string())
}

/// With authentication on, the metrics need credentials too (they name the
/// store's size and traffic); `/status` stays open for health checks.
async fn metrics_handler(State(state): State<Arc<HttpState>>, headers: axum::http::HeaderMap) -> Response {
    if let Err(reason) = auth::check(state.authenticator.as_ref(), &headers) {
        return HttpError::unauthorized(reason, &state.request_id()).into_response();
    }
    if let Some(member) = &state.cluster {
        state.metrics.observe_cluster(&member.status());
    }
    match state.metrics.render(&state.db) {
        Ok(text) => ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text).into_response(),
        Err(e) => HttpError::internal(format!("cannot render the metrics: {e}"), &state.request_id()).into_response(),
    }
}

/// Serve HTTP on `listener` until `shutdown` completes (open requests finish
/// first); with `tls`, https only, each handshake bounded by its timeout.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<(Tls, Duration)>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    match tls {
        None => axum::serve(listener, router).with_graceful_shutdown(shutdown).await,
        Some((tls, handshake_timeout)) => {
            let listener = TlsListener::new(listener, tls, handshake_timeout)?;
            axum::serve(listener, router).with_graceful_shutdown(shutdown).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_distinct_and_uuid_shaped() {
        let state = HttpState::new(
            Database::in_memory(),
            None,
            Arc::new(crate::server::bolt::auth::AcceptAll),
            Arc::new(Metrics::new().expect("metrics")),
        );
        let ids: std::collections::BTreeSet<String> = (0..1000).map(|_| state.request_id()).collect();
        assert_eq!(ids.len(), 1000);
        for id in ids.iter().take(20) {
            let parts: Vec<usize> = id.split('-').map(str::len).collect();
            assert_eq!(parts, vec![8, 4, 4, 4, 12], "{id}");
            assert_eq!(&id[14..15], "4");
        }
    }
}

//! The admin endpoints `plexus cluster` calls on a member's HTTP port. They
//! need credentials when the server authenticates. Membership changes must
//! reach the leader (a follower answers `ReadOnlyViolationException` naming
//! it); `plexus cluster` finds the leader through `GET /cluster/status`.
//!
//! - `GET /cluster/status`: this member's view (role, term, leader, positions, members).
//! - `POST /cluster/init {"seed"?}`: the cluster file's voters become the
//!   first membership; with `seed` (a data directory on the member's machine)
//!   the member takes the lead and writes the seed's graph as the first commit.
//! - `POST /cluster/add-replica {"id", "raft"?, "bolt"?, "http"?}`: a read
//!   replica (a learner), addresses from the body or the cluster file; answers
//!   once it has caught up.
//! - `POST /cluster/add-voter {...}`: the same, then promoted to a voter.
//! - `POST /cluster/remove {"id"}`: the member leaves the cluster.
//! - `POST /cluster/campaign`: this member stands for election now (how
//!   `plexus cluster transfer-leader` works: openraft 0.9 has no transfer).
//! - `POST /cluster/snapshot`: build a snapshot (a checkpoint) now; answers once it is written.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use plexus_cluster::{Member, NodeId};
use plexus_storage::Result;
use serde::Deserialize;

use super::member::ClusterMember;
use crate::server::http::errors::HttpError;
use crate::server::http::{auth, HttpState};

pub fn routes() -> Router<Arc<HttpState>> {
    Router::new()
        .route("/cluster/status", get(status))
        .route("/cluster/init", post(init))
        .route("/cluster/add-replica", post(add_replica))
        .route("/cluster/add-voter", post(add_voter))
        .route("/cluster/remove", post(remove))
        .route("/cluster/campaign", post(campaign))
        .route("/cluster/snapshot", post(snapshot))
}

/// Which member a request is about, with addresses for one that is new.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Target {
    id: Option<NodeId>,
    raft: Option<String>,
    bolt: Option<String>,
    http: Option<String>,
    /// `init` only: a data directory to seed the new cluster from.
    seed: Option<std::path::PathBuf>,
}

impl Target {
    fn id(&self) -> std::result::Result<NodeId, String> {
        self.id.ok_or_else(|| "the request needs the member's `id`".to_string())
    }

    /// The member's addresses: all three from the request, else the cluster file's.
    fn member(&self, member: &ClusterMember) -> std::result::Result<(NodeId, Member), String> {
        let id = self.id()?;
        if let (Some(raft), Some(bolt), Some(http)) = (&self.raft, &self.bolt, &self.http) {
            return Ok((id, Member { raft_addr: raft.clone(), bolt_addr: bolt.clone(), http_addr: http.clone() }));
        }
        match member.file().member(id) {
            Some(m) => Ok((id, m.member())),
            None => Err(format!("member {id} is not in the cluster file: give its raft, bolt and http addresses")),
        }
    }
}

/// The cluster member behind a request, once its credentials pass.
fn authorized(state: &HttpState, headers: &HeaderMap) -> std::result::Result<Arc<ClusterMember>, HttpError> {
    if let Err(reason) = auth::check(state.authenticator.as_ref(), headers) {
        return Err(HttpError::unauthorized(reason, &state.request_id()));
    }
    state.cluster.clone().ok_or_else(|| {
        HttpError::bad_request("this server is not a cluster member (plexus serve --cluster)", &state.request_id())
    })
}

fn parse_target(body: &[u8]) -> std::result::Result<Target, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Target::default());
    }
    serde_json::from_slice(body).map_err(|e| format!("the body must be a JSON object like {{\"id\": 4}}: {e}"))
}

/// Runs a blocking membership call and answers with this member's status after it.
async fn change(
    state: Arc<HttpState>,
    headers: HeaderMap,
    body: Bytes,
    call: impl FnOnce(&ClusterMember, Target) -> std::result::Result<Result<()>, String> + Send + 'static,
) -> Response {
    let member = match authorized(&state, &headers) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let request_id = state.request_id();
    let target = match parse_target(&body) {
        Ok(t) => t,
        Err(message) => return HttpError::bad_request(message, &request_id).into_response(),
    };
    let worker = member.clone();
    let outcome = tokio::task::spawn_blocking(move || call(&worker, target)).await;
    match outcome {
        Ok(Ok(Ok(()))) => json_response(StatusCode::OK, member.status_json()),
        Ok(Ok(Err(e))) => HttpError::from_query(&e, &request_id).into_response(),
        Ok(Err(message)) => HttpError::bad_request(message, &request_id).into_response(),
        Err(e) => HttpError::internal(format!("the request failed: {e}"), &request_id).into_response(),
    }
}

fn json_response(status: StatusCode, body: serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn status(State(state): State<Arc<HttpState>>, headers: HeaderMap) -> Response {
    match authorized(&state, &headers) {
        Ok(member) => json_response(StatusCode::OK, member.status_json()),
        Err(e) => e.into_response(),
    }
}

async fn init(State(state): State<Arc<HttpState>>, headers: HeaderMap, body: Bytes) -> Response {
    change(state, headers, body, |m, target| Ok(m.initialize(target.seed.as_deref()))).await
}

async fn add_replica(State(state): State<Arc<HttpState>>, headers: HeaderMap, body: Bytes) -> Response {
    change(state, headers, body, |m, target| {
        let (id, member) = target.member(m)?;
        Ok(m.node().add_learner(id, member))
    })
    .await
}

async fn add_voter(State(state): State<Arc<HttpState>>, headers: HeaderMap, body: Bytes) -> Response {
    change(state, headers, body, |m, target| {
        let id = target.id()?;
        let status = m.status();
        if !status.members.contains_key(&id) {
            let (id, member) = target.member(m)?;
            if let Err(e) = m.node().add_learner(id, member) {
                return Ok(Err(e));
            }
        }
        let voters: BTreeSet<NodeId> = status.voters.iter().copied().chain([id]).collect();
        Ok(m.node().set_voters(voters))
    })
    .await
}

async fn remove(State(state): State<Arc<HttpState>>, headers: HeaderMap, body: Bytes) -> Response {
    change(state, headers, body, |m, target| Ok(m.node().remove_member(target.id()?))).await
}

async fn campaign(State(state): State<Arc<HttpState>>, headers: HeaderMap, body: Bytes) -> Response {
    change(state, headers, body, |m, _| Ok(m.node().campaign())).await
}

async fn snapshot(State(state): State<Arc<HttpState>>, headers: HeaderMap, body: Bytes) -> Response {
    change(state, headers, body, |m, _| Ok(m.snapshot())).await
}

//! `GET /status`: health in the shape of Neptune's status endpoint.

use std::time::SystemTime;

use serde_json::{json, Value as Json};

pub fn status(started: SystemTime, seq: u64) -> Json {
    let start: chrono::DateTime<chrono::Utc> = started.into();
    json!({
        "status": "healthy",
        "startTime": start.to_rfc2822(),
        "dbEngineVersion": concat!("plexus-", env!("CARGO_PKG_VERSION")),
        "role": "writer",
        "features": {"lastCommitSequence": seq},
        "opencypher": {"version": "Neptune-9.0.20190305-1.0"},
        "gremlin": {"version": "tinkerpop-3.8.0"},
    })
}

/// A cluster member's status: `role` becomes `writer` or `reader`, and
/// `cluster` holds its term, leader, commit and applied sequences and members.
pub fn add_cluster(status: &mut Json, cluster: Json) {
    if let (Some(fields), Some(role)) = (status.as_object_mut(), cluster.get("role").cloned()) {
        fields.insert("role".into(), role);
        fields.insert("cluster".into(), cluster);
    }
}

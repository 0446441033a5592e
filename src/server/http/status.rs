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

//! Prometheus metrics for `GET /metrics`: one registry per server. Queries are
//! counted where they run (Bolt RUN, `/openCypher`, `/gremlin`); the store's
//! figures (commits, WAL bytes, counts, checkpoint) are read at scrape time.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use crate::db::Database;

/// The query language a request used (`language` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Cypher,
    Gremlin,
}

/// The protocol a request came in on (`protocol` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Bolt,
    Http,
    /// The Gremlin Server WebSocket on the HTTP port.
    WebSocket,
}

impl Language {
    fn label(self) -> &'static str {
        match self {
            Language::Cypher => "cypher",
            Language::Gremlin => "gremlin",
        }
    }
}

impl Protocol {
    fn label(self) -> &'static str {
        match self {
            Protocol::Bolt => "bolt",
            Protocol::Http => "http",
            Protocol::WebSocket => "websocket",
        }
    }
}

pub struct Metrics {
    registry: Registry,
    started: Instant,
    queries: IntCounterVec,
    duration: HistogramVec,
    connections: IntGaugeVec,
    commits: IntCounter,
    wal_bytes: IntCounter,
    nodes: IntGauge,
    relationships: IntGauge,
    checkpoint_seq: IntGauge,
    uptime: Gauge,
    /// Scrapes bring the scrape-time counters up to date one at a time.
    scrape: Mutex<()>,
}

impl Metrics {
    pub fn new() -> prometheus::Result<Metrics> {
        let registry = Registry::new();
        let queries = IntCounterVec::new(
            Opts::new("plexus_queries_total", "Queries run, by language, protocol and outcome"),
            &["language", "protocol", "outcome"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new("plexus_query_duration_seconds", "Time to run a query (Bolt: until RUN answers)")
                .buckets(vec![0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0]),
            &["language", "protocol"],
        )?;
        let connections =
            IntGaugeVec::new(Opts::new("plexus_connections_active", "Open client connections"), &["protocol"])?;
        let commits = IntCounter::new("plexus_commits_total", "The graph's commit sequence number")?;
        let wal_bytes = IntCounter::new("plexus_wal_bytes_total", "Bytes of WAL written since the store was opened")?;
        let nodes = IntGauge::new("plexus_store_nodes", "Nodes in the current version")?;
        let relationships = IntGauge::new("plexus_store_relationships", "Relationships in the current version")?;
        let checkpoint_seq = IntGauge::new("plexus_checkpoint_seq", "Sequence number of the newest checkpoint")?;
        let uptime = Gauge::new("plexus_uptime_seconds", "Seconds since the server started")?;
        registry.register(Box::new(queries.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(connections.clone()))?;
        registry.register(Box::new(commits.clone()))?;
        registry.register(Box::new(wal_bytes.clone()))?;
        registry.register(Box::new(nodes.clone()))?;
        registry.register(Box::new(relationships.clone()))?;
        registry.register(Box::new(checkpoint_seq.clone()))?;
        registry.register(Box::new(uptime.clone()))?;
        // Present from the first scrape, at zero, so rates start from a known value.
        connections.with_label_values(&["bolt"]).set(0);
        connections.with_label_values(&["websocket"]).set(0);
        for (language, protocol) in [("cypher", "bolt"), ("cypher", "http"), ("gremlin", "http"), ("gremlin", "websocket")]
        {
            for outcome in ["ok", "error"] {
                queries.with_label_values(&[language, protocol, outcome]);
            }
            duration.with_label_values(&[language, protocol]);
        }
        Ok(Metrics {
            registry,
            started: Instant::now(),
            queries,
            duration,
            connections,
            commits,
            wal_bytes,
            nodes,
            relationships,
            checkpoint_seq,
            uptime,
            scrape: Mutex::new(()),
        })
    }

    /// Count one query and its duration.
    pub fn query(&self, language: Language, protocol: Protocol, ok: bool, took: Duration) {
        let outcome = if ok { "ok" } else { "error" };
        self.queries.with_label_values(&[language.label(), protocol.label(), outcome]).inc();
        self.duration.with_label_values(&[language.label(), protocol.label()]).observe(took.as_secs_f64());
    }

    /// A connection opened; the gauge goes down when the guard is dropped.
    pub fn connection(&self, protocol: Protocol) -> ConnectionGuard {
        let gauge = self.connections.with_label_values(&[protocol.label()]);
        gauge.inc();
        ConnectionGuard { gauge }
    }

    /// Everything in Prometheus' text exposition format (0.0.4).
    pub fn render(&self, db: &Database) -> Result<String, String> {
        {
            let _one = self.scrape.lock().unwrap_or_else(|e| e.into_inner());
            let snapshot = db.graph().snapshot();
            catch_up(&self.commits, db.graph().seq());
            if let Some(store) = db.store() {
                catch_up(&self.wal_bytes, store.wal_bytes());
                self.checkpoint_seq.set(clamp(store.checkpoint_seq()));
            }
            self.nodes.set(clamp(snapshot.node_count()));
            self.relationships.set(clamp(snapshot.rel_count()));
            self.uptime.set(self.started.elapsed().as_secs_f64());
        }
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out).map_err(|e| e.to_string())?;
        String::from_utf8(out).map_err(|e| e.to_string())
    }
}

/// Content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Counters only go up: add what a monotonic source gained since the last scrape.
fn catch_up(counter: &IntCounter, now: u64) {
    let seen = counter.get();
    if now > seen {
        counter.inc_by(now - seen);
    }
}

fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Holds a connection in `plexus_connections_active`.
pub struct ConnectionGuard {
    gauge: IntGauge,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.gauge.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_labels_and_scrape_time_figures() {
        let metrics = Metrics::new().expect("metrics");
        let db = Database::in_memory();
        db.execute("CREATE (:A)-[:R]->(:B)", &Default::default()).and_then(|r| r.collect_rows()).expect("create");
        metrics.query(Language::Gremlin, Protocol::Http, true, Duration::from_millis(2));
        metrics.query(Language::Cypher, Protocol::Bolt, false, Duration::from_millis(1));
        let guard = metrics.connection(Protocol::Bolt);
        let text = metrics.render(&db).expect("render");
        for line in [
            "plexus_queries_total{language=\"cypher\",outcome=\"ok\",protocol=\"http\"} 0",
            "plexus_queries_total{language=\"gremlin\",outcome=\"ok\",protocol=\"http\"} 1",
            "plexus_queries_total{language=\"cypher\",outcome=\"error\",protocol=\"bolt\"} 1",
            "plexus_query_duration_seconds_count{language=\"gremlin\",protocol=\"http\"} 1",
            "plexus_connections_active{protocol=\"bolt\"} 1",
            "plexus_store_nodes 2",
            "plexus_store_relationships 1",
            "# TYPE plexus_commits_total counter",
        ] {
            assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
        }
        let commits = db.graph().seq();
        assert!(commits >= 1);
        assert!(text.lines().any(|l| l == format!("plexus_commits_total {commits}")), "{text}");
        drop(guard);
        let text = metrics.render(&db).expect("render");
        assert!(text.lines().any(|l| l == "plexus_connections_active{protocol=\"bolt\"} 0"), "{text}");
        // A second scrape does not count the commits twice.
        assert!(text.lines().any(|l| l == format!("plexus_commits_total {commits}")), "{text}");
    }
}

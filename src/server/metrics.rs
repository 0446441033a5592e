//! Prometheus metrics for `GET /metrics`: one registry per server. Queries are
//! counted where they run (Bolt RUN, `/openCypher`, `/gremlin`); the store's
//! figures (commits, WAL bytes, counts, checkpoint) are read at scrape time,
//! and so are a cluster member's (`plexus_cluster_*`: role, term, positions,
//! replication lag per member, elections, leader changes, snapshots).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use plexus_cluster::{ClusterStatus, Role};

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
    cluster: ClusterMetrics,
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
        let cluster = ClusterMetrics::new(&registry)?;
        // Present from the first scrape, at zero, so rates start from a known value.
        connections.with_label_values(&["bolt"]).set(0);
        connections.with_label_values(&["websocket"]).set(0);
        for (language, protocol) in
            [("cypher", "bolt"), ("cypher", "http"), ("gremlin", "http"), ("gremlin", "websocket")]
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
            cluster,
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

    /// A cluster member's figures, as of now (call before `render`).
    pub fn observe_cluster(&self, status: &ClusterStatus) {
        let _one = self.scrape.lock().unwrap_or_else(|e| e.into_inner());
        self.cluster.observe(status);
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

/// The `plexus_cluster_*` series (registered only once a member reports).
struct ClusterMetrics {
    registry: Registry,
    registered: std::sync::atomic::AtomicBool,
    leader: IntGauge,
    term: IntGauge,
    committed_seq: IntGauge,
    applied_seq: IntGauge,
    lag: IntGaugeVec,
    elections: IntCounter,
    leader_changes: IntCounter,
    snapshots_built: IntCounter,
    snapshots_installed: IntCounter,
}

impl ClusterMetrics {
    fn new(registry: &Registry) -> prometheus::Result<ClusterMetrics> {
        Ok(ClusterMetrics {
            registry: registry.clone(),
            registered: Default::default(),
            leader: IntGauge::new("plexus_cluster_is_leader", "1 on the member that takes writes, else 0")?,
            term: IntGauge::new("plexus_cluster_term", "The Raft term this member is in")?,
            committed_seq: IntGauge::new("plexus_cluster_commit_seq", "The newest commit sequence applied here")?,
            applied_seq: IntGauge::new("plexus_cluster_visible_seq", "The newest commit sequence readers here see")?,
            lag: IntGaugeVec::new(
                Opts::new(
                    "plexus_cluster_replication_lag_entries",
                    "On the leader: Raft log entries each member still lacks",
                ),
                &["member"],
            )?,
            elections: IntCounter::new("plexus_cluster_elections_total", "Terms this member has seen begin")?,
            leader_changes: IntCounter::new(
                "plexus_cluster_leader_changes_total",
                "Leader changes this member has seen",
            )?,
            snapshots_built: IntCounter::new("plexus_cluster_snapshots_built_total", "Snapshots built here")?,
            snapshots_installed: IntCounter::new(
                "plexus_cluster_snapshots_installed_total",
                "Snapshots received from the leader and installed here",
            )?,
        })
    }

    fn observe(&self, s: &ClusterStatus) {
        use std::sync::atomic::Ordering;
        if !self.registered.swap(true, Ordering::Relaxed) {
            let series: [Box<dyn prometheus::core::Collector>; 9] = [
                Box::new(self.leader.clone()),
                Box::new(self.term.clone()),
                Box::new(self.committed_seq.clone()),
                Box::new(self.applied_seq.clone()),
                Box::new(self.lag.clone()),
                Box::new(self.elections.clone()),
                Box::new(self.leader_changes.clone()),
                Box::new(self.snapshots_built.clone()),
                Box::new(self.snapshots_installed.clone()),
            ];
            for collector in series {
                if let Err(e) = self.registry.register(collector) {
                    tracing::warn!(error = %e, "cannot register a cluster metric");
                }
            }
        }
        self.leader.set(i64::from(s.role == Role::Leader));
        self.term.set(clamp(s.term));
        self.committed_seq.set(clamp(s.committed_seq));
        self.applied_seq.set(clamp(s.visible_seq));
        // Only the leader knows the others' progress; members that left drop out.
        self.lag.reset();
        for (id, lag) in &s.lag {
            self.lag.with_label_values(&[&id.to_string()]).set(clamp(*lag));
        }
        catch_up(&self.elections, s.elections);
        catch_up(&self.leader_changes, s.leader_changes);
        catch_up(&self.snapshots_built, s.snapshots_built);
        catch_up(&self.snapshots_installed, s.snapshots_installed);
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

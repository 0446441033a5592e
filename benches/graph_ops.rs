//! Micro-benchmarks of the engine's core operations on a generated graph:
//! label scan, filter, 1-hop and 2-hop expansion, aggregation.
//!
//! The graph: `PLEXUS_BENCH_NODES` nodes (default 1M) labelled `Person`
//! (every tenth also `Vip`) with integer `age` and float `score`, and ten
//! `KNOWS` relationships per node (10M by default) to skewed random targets.
//! Run with `cargo bench --bench graph_ops`; throughput is reported in
//! relationships (or rows) per second.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use plexus::{Database, Params, Value};
use plexus_storage::GraphBuilder;

const DEGREE: u64 = 10;

/// xorshift64*: small, fast and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn node_count() -> u64 {
    std::env::var("PLEXUS_BENCH_NODES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000)
}

fn build_graph(nodes: u64) -> Database {
    let mut b = GraphBuilder::new();
    let people = b.add_nodes(nodes, &["Person"]);
    for id in people.clone() {
        if id % 10 == 0 {
            b.add_label(id, "Vip").expect("node exists");
        }
        b.set_node_property(id, "age", Value::Integer((id * 7 % 100) as i64)).expect("node exists");
        b.set_node_property(id, "score", Value::Float((id % 1000) as f64 / 10.0)).expect("node exists");
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut edges = Vec::with_capacity((nodes * DEGREE) as usize);
    for src in people {
        for _ in 0..DEGREE {
            // Squaring a uniform draw skews targets towards low ids (popular nodes).
            let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
            edges.push((src, ((u * u) * nodes as f64) as u64));
        }
    }
    b.add_relationships("KNOWS", &edges).expect("endpoints exist");
    Database::from_graph(b.finish())
}

fn count(db: &Database, query: &str) -> i64 {
    let rows = db.execute(query, &Params::new()).and_then(|r| r.collect_rows()).expect("benchmark query runs");
    match rows.first().and_then(|r| r.first()) {
        Some(Value::Integer(n)) => *n,
        other => panic!("expected a count, got {other:?}"),
    }
}

fn bench(c: &mut Criterion) {
    let nodes = node_count();
    let db = build_graph(nodes);
    let vip = nodes / 10;
    let mut group = c.benchmark_group("graph_ops");
    group.sample_size(10).measurement_time(Duration::from_secs(10));

    let cases: [(&str, &str, u64); 6] = [
        ("label_scan", "MATCH (n:Vip) RETURN count(n)", vip),
        ("filter", "MATCH (n:Person) WHERE n.age > 50 RETURN count(*)", nodes),
        ("expand_1hop", "MATCH (a:Vip)-[:KNOWS]->(b) RETURN count(*)", vip * DEGREE),
        ("expand_1hop_filter_target", "MATCH (a:Vip)-[:KNOWS]->(b) WHERE b.age < 10 RETURN count(*)", vip * DEGREE),
        (
            "expand_2hop",
            "MATCH (a:Vip)-[:KNOWS]->(b)-[:KNOWS]->(c) WHERE a.age < 10 RETURN count(*)",
            // a.age < 10 keeps a tenth of the VIPs; each contributes DEGREE + DEGREE^2 traversals.
            vip / 10 * (DEGREE + DEGREE * DEGREE),
        ),
        ("aggregate", "MATCH (n:Person) RETURN n.age % 10 AS bucket, count(*), avg(n.score)", nodes),
    ];
    for (name, query, elements) in cases {
        // Fails loudly if a query stops answering sensibly.
        if name != "aggregate" {
            assert!(count(&db, query) > 0, "{name} returned nothing");
        }
        group.throughput(Throughput::Elements(elements));
        group.bench_function(name, |b| {
            b.iter(|| {
                let rows = db.execute(query, &Params::new()).and_then(|r| r.collect_rows()).expect("runs");
                black_box(rows)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

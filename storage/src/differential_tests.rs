//! Randomized differential test: random writes go both to the store and to a
//! plain HashMap model; every read of the store must agree with the model,
//! across commits, rollbacks, automatic and explicit compactions.

use std::collections::{BTreeMap, BTreeSet};

use crate::builder::GraphBuilder;
use crate::graph::{Graph, GraphConfig};
use crate::snapshot::{Direction, Snapshot};
use crate::test_util::{dump, NodeDump, RelDump};
use crate::value::Value;
use crate::write_txn::WriteTxn;
use crate::ErrorClass;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[derive(Clone, Default, Debug)]
struct MNode {
    labels: BTreeSet<String>,
    props: BTreeMap<String, Value>,
}

#[derive(Clone, Debug)]
struct MRel {
    src: u64,
    dst: u64,
    t: String,
    props: BTreeMap<String, Value>,
}

#[derive(Clone, Default)]
struct Model {
    nodes: BTreeMap<u64, MNode>,
    rels: BTreeMap<u64, MRel>,
    next_node: u64,
    next_rel: u64,
}

const LABELS: [&str; 3] = ["A", "B", "C"];
const TYPES: [&str; 3] = ["KNOWS", "LIKES", "SELF"];
const KEYS: [&str; 4] = ["a", "b", "c", "d"];

fn random_value(rng: &mut XorShift) -> Value {
    match rng.below(10) {
        0 => Value::Null,
        1..=3 => Value::Integer(rng.below(100) as i64 - 50),
        4 => Value::Float(rng.below(1000) as f64 / 8.0),
        5..=6 => Value::String(format!("s{}", rng.below(50))),
        7 => Value::Boolean(rng.chance(50)),
        8 => Value::List(vec![Value::Integer(rng.below(5) as i64), Value::Integer(7)]),
        _ => Value::Integer(7),
    }
}

fn random_props(rng: &mut XorShift, percent: u64) -> Vec<(String, Value)> {
    let mut props = Vec::new();
    for k in KEYS {
        if rng.chance(percent) {
            props.push((k.to_string(), random_value(rng)));
        }
    }
    props
}

fn check(s: &Snapshot, m: &Model) {
    let d = dump(s);
    assert_eq!(d.node_capacity, m.next_node);
    assert_eq!(d.rel_capacity, m.next_rel);
    assert_eq!(d.node_count, m.nodes.len() as u64);
    assert_eq!(d.rel_count, m.rels.len() as u64);
    let want_nodes: BTreeMap<u64, NodeDump> = m
        .nodes
        .iter()
        .map(|(&id, n)| {
            let props = n.props.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            (id, (n.labels.iter().cloned().collect(), props, None))
        })
        .collect();
    assert_eq!(d.nodes, want_nodes);
    let want_rels: BTreeMap<u64, RelDump> = m
        .rels
        .iter()
        .map(|(&id, r)| {
            (id, (r.src, r.dst, r.t.clone(), r.props.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
        })
        .collect();
    assert_eq!(d.rels, want_rels);
    for (label, ids) in &d.label_scans {
        let want: Vec<u64> = m.nodes.iter().filter(|(_, n)| n.labels.contains(label)).map(|(&id, _)| id).collect();
        assert_eq!(ids, &want, "label scan {label}");
        assert_eq!(d.label_counts.get(label).copied().unwrap_or(0), want.len() as u64, "label count {label}");
        // A sub-range scan agrees with the full one.
        let (lo, hi) = (m.next_node / 3, m.next_node * 2 / 3 + 1);
        let mut part = Vec::new();
        s.scan_nodes(lo..hi, s.label_id(label), &mut part);
        let want_part: Vec<u64> = want.iter().copied().filter(|&id| id >= lo && id < hi).collect();
        assert_eq!(part, want_part);
    }
    for (key, (node_col, rel_col)) in &d.columns {
        for (id, v) in node_col.iter().enumerate() {
            let want = m.nodes.get(&(id as u64)).and_then(|n| n.props.get(key)).cloned().unwrap_or(Value::Null);
            assert_eq!(v, &want, "node {id} column {key}");
        }
        for (id, v) in rel_col.iter().enumerate() {
            let want = m.rels.get(&(id as u64)).and_then(|r| r.props.get(key)).cloned().unwrap_or(Value::Null);
            assert_eq!(v, &want, "rel {id} column {key}");
        }
    }
    // Adjacency from the model.
    let mut want_adj: BTreeMap<(u64, u8, String), Vec<(u64, u64)>> = BTreeMap::new();
    for (&r, rel) in &m.rels {
        for t in [rel.t.clone(), String::new()] {
            want_adj.entry((rel.src, 0, t.clone())).or_default().push((r, rel.dst));
            want_adj.entry((rel.dst, 1, t.clone())).or_default().push((r, rel.src));
            want_adj.entry((rel.src, 2, t.clone())).or_default().push((r, rel.dst));
            if rel.src != rel.dst {
                want_adj.entry((rel.dst, 2, t)).or_default().push((r, rel.src));
            }
        }
    }
    for v in want_adj.values_mut() {
        v.sort_unstable();
    }
    assert_eq!(d.adjacency, want_adj);
    let mut type_counts: BTreeMap<String, u64> = BTreeMap::new();
    for r in m.rels.values() {
        *type_counts.entry(r.t.clone()).or_default() += 1;
    }
    for (t, c) in &d.type_counts {
        assert_eq!(*c, type_counts.get(t).copied().unwrap_or(0), "type count {t}");
    }
}

fn random_op(rng: &mut XorShift, txn: &mut WriteTxn, m: &mut Model) {
    let pick_node = |rng: &mut XorShift, m: &Model| rng.below(m.next_node + 1);
    let pick_rel = |rng: &mut XorShift, m: &Model| rng.below(m.next_rel + 1);
    match rng.below(100) {
        0..=14 => {
            let labels: Vec<String> = LABELS.iter().filter(|_| rng.chance(40)).map(|l| l.to_string()).collect();
            let props: Vec<(String, Value)> = random_props(rng, 50);
            let id = txn.create_node(&labels, props.clone()).expect("create node");
            assert_eq!(id, m.next_node);
            m.next_node += 1;
            let mut n = MNode { labels: labels.into_iter().collect(), ..Default::default() };
            for (k, v) in props {
                if v.is_null() {
                    n.props.remove(&k);
                } else {
                    n.props.insert(k, v);
                }
            }
            m.nodes.insert(id, n);
        }
        15..=34 => {
            let (a, b) = (pick_node(rng, m), pick_node(rng, m));
            let b = if rng.chance(10) { a } else { b };
            let t = TYPES[rng.below(3) as usize];
            let props: Vec<(String, Value)> = random_props(rng, 30);
            let res = txn.create_relationship(a, b, t, props.clone());
            if m.nodes.contains_key(&a) && m.nodes.contains_key(&b) {
                let id = res.expect("create rel");
                assert_eq!(id, m.next_rel);
                m.next_rel += 1;
                let props = props.into_iter().filter(|(_, v)| !v.is_null()).collect();
                m.rels.insert(id, MRel { src: a, dst: b, t: t.to_string(), props });
            } else {
                assert_eq!(res.map_err(|e| e.class), Err(ErrorClass::EntityNotFound));
            }
        }
        35..=49 => {
            let id = pick_node(rng, m);
            let k = KEYS[rng.below(4) as usize];
            let v = random_value(rng);
            let res = txn.set_node_property(id, k, v.clone());
            match m.nodes.get_mut(&id) {
                Some(n) => {
                    res.expect("set prop");
                    if v.is_null() {
                        n.props.remove(k);
                    } else {
                        n.props.insert(k.to_string(), v);
                    }
                }
                None => assert!(res.is_err()),
            }
        }
        50..=59 => {
            let id = pick_rel(rng, m);
            let k = KEYS[rng.below(4) as usize];
            let v = random_value(rng);
            let res = txn.set_rel_property(id, k, v.clone());
            match m.rels.get_mut(&id) {
                Some(r) => {
                    res.expect("set rel prop");
                    if v.is_null() {
                        r.props.remove(k);
                    } else {
                        r.props.insert(k.to_string(), v);
                    }
                }
                None => assert!(res.is_err()),
            }
        }
        60..=69 => {
            let id = pick_node(rng, m);
            let l = LABELS[rng.below(3) as usize];
            let add = rng.chance(50);
            let res = if add { txn.add_label(id, l) } else { txn.remove_label(id, l) };
            match m.nodes.get_mut(&id) {
                Some(n) => {
                    let changed = if add { n.labels.insert(l.to_string()) } else { n.labels.remove(l) };
                    assert_eq!(res.expect("label"), changed);
                }
                None => assert!(res.is_err()),
            }
        }
        70..=79 => {
            let id = pick_node(rng, m);
            let detach = rng.chance(50);
            let res = txn.delete_node(id, detach);
            let attached: Vec<u64> =
                m.rels.iter().filter(|(_, r)| r.src == id || r.dst == id).map(|(&r, _)| r).collect();
            if !m.nodes.contains_key(&id) {
                res.expect("no-op delete");
            } else if !attached.is_empty() && !detach {
                let e = res.expect_err("connected");
                assert_eq!(e.detail, "DeleteConnectedNode");
            } else {
                res.expect("delete");
                for r in attached {
                    m.rels.remove(&r);
                }
                m.nodes.remove(&id);
            }
        }
        _ => {
            let id = pick_rel(rng, m);
            txn.delete_relationship(id).expect("delete rel");
            m.rels.remove(&id);
        }
    }
}

fn run(seed: u64, graph: Graph, mut committed: Model, rounds: usize) {
    let mut rng = XorShift(seed);
    for round in 0..rounds {
        let before = graph.snapshot();
        let before_dump = dump(&before);
        let mut txn = graph.begin_write().expect("begin");
        let mut working = committed.clone();
        let ops = 1 + rng.below(40);
        for i in 0..ops {
            random_op(&mut rng, &mut txn, &mut working);
            if i % 13 == 0 {
                check(&txn.view(), &working);
            }
        }
        check(&txn.view(), &working);
        match rng.below(10) {
            0 => txn.rollback(),
            1 => drop(txn),
            _ => {
                let wrote = !txn.changes().is_empty();
                let seq = txn.commit().expect("commit");
                assert_eq!(seq, before.seq() + u64::from(wrote));
                committed = working;
            }
        }
        // The old snapshot is untouched by whatever happened.
        assert_eq!(dump(&before), before_dump, "seed {seed} round {round}: snapshot changed");
        let now = graph.snapshot();
        check(&now, &committed);
        if rng.chance(10) {
            graph.compact().expect("compact");
            let after = graph.snapshot();
            assert_eq!(after.seq(), now.seq());
            assert_eq!(after.delta_changes(), 0);
            check(&after, &committed);
        }
    }
}

#[test]
fn random_ops_on_empty_graph_agree_with_model() {
    for seed in 1..=6u64 {
        let config = GraphConfig { compact_threshold: if seed % 2 == 0 { 40 } else { u64::MAX } };
        run(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), Graph::with_config(config), Model::default(), 40);
    }
}

#[test]
fn random_ops_on_built_graph_spanning_chunks_agree_with_model() {
    let mut rng = XorShift(0xDEAD_BEEF);
    let mut b = GraphBuilder::new().with_config(GraphConfig { compact_threshold: 60 });
    let mut m = Model::default();
    let n = 2 * crate::CHUNK_ROWS as u64 + 100;
    for id in 0..n {
        let labels: Vec<String> = LABELS.iter().filter(|_| rng.chance(30)).map(|l| l.to_string()).collect();
        // Key "a" is integers in the first chunk, strings in the second, mixed in the third.
        let mut props = Vec::new();
        if rng.chance(70) {
            let v = match id / crate::CHUNK_ROWS as u64 {
                0 => Value::Integer(id as i64),
                1 => Value::String(format!("n{id}")),
                _ if id % 2 == 0 => Value::Float(id as f64),
                _ => Value::Boolean(true),
            };
            props.push(("a".to_string(), v));
        }
        assert_eq!(b.add_node(&labels, props.clone()).expect("node"), id);
        m.nodes.insert(id, MNode { labels: labels.into_iter().collect(), props: props.into_iter().collect() });
    }
    m.next_node = n;
    // Sparse random edges, plus a self-loop.
    for _ in 0..300 {
        let (s, d) = (rng.below(n), rng.below(n));
        let t = TYPES[rng.below(2) as usize];
        let id = b.add_relationship(s, d, t, vec![("b".into(), Value::Integer(s as i64))]).expect("rel");
        m.rels.insert(
            id,
            MRel { src: s, dst: d, t: t.into(), props: [("b".to_string(), Value::Integer(s as i64))].into() },
        );
    }
    let id = b.add_relationship(5, 5, "SELF", vec![]).expect("self loop");
    m.rels.insert(id, MRel { src: 5, dst: 5, t: "SELF".into(), props: BTreeMap::new() });
    m.next_rel = id + 1;
    let g = b.finish();
    check(&g.snapshot(), &m);
    // Ops concentrate on the low ids through pick ranges covering all chunks.
    run(0x1234_5678, g, m, 12);
}

#[test]
fn expand_both_lists_self_loop_once() {
    let g = Graph::new();
    let mut t = g.begin_write().expect("begin");
    let a = t.create_node(&[], vec![]).expect("node");
    let r = t.create_relationship(a, a, "SELF", vec![]).expect("rel");
    let v = t.view();
    let mut out = Vec::new();
    v.expand(a, Direction::Both, &[], &mut out);
    assert_eq!(out, vec![(r, a)]);
    out.clear();
    v.expand(a, Direction::Outgoing, &[], &mut out);
    v.expand(a, Direction::Incoming, &[], &mut out);
    assert_eq!(out, vec![(r, a), (r, a)]);
}

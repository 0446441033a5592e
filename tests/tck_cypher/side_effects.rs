//! Side effects as the openCypher TCK defines them: the difference of two
//! graph states, each a set of node ids, relationship ids, distinct label
//! names and (entity, key, value) property triples. So overwriting a property
//! counts as one `-properties` and one `+properties`, and `+labels` counts
//! label names new to the graph, not (node, label) pairs.
//!
//! The state is read from a storage snapshot, not through Cypher, so a broken
//! MATCH cannot hide a write.

use std::collections::{BTreeMap, BTreeSet};

use plexus::{Database, Value};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GraphState {
    nodes: BTreeSet<u64>,
    rels: BTreeSet<u64>,
    labels: BTreeSet<String>,
    /// (is relationship, id, key, value rendered with `{:?}`).
    props: BTreeSet<(bool, u64, String, String)>,
}

/// Counts keyed like the TCK table: `+nodes`, `-properties`, ...
pub type Effects = BTreeMap<String, i64>;

pub fn measure(db: &Database) -> GraphState {
    let snap = db.graph().snapshot();
    let mut state = GraphState::default();
    let mut ids = Vec::new();
    snap.scan_nodes(0..snap.node_capacity(), None, &mut ids);
    for id in ids {
        if let Value::Node(node) = snap.node_value(id) {
            state.nodes.insert(id);
            state.labels.extend(node.labels.iter().cloned());
            for (k, v) in &node.properties {
                state.props.insert((false, id, k.clone(), format!("{v:?}")));
            }
        }
    }
    let mut ids = Vec::new();
    snap.scan_rels(0..snap.rel_capacity(), &mut ids);
    for id in ids {
        if let Value::Relationship(rel) = snap.rel_value(id) {
            state.rels.insert(id);
            for (k, v) in &rel.properties {
                state.props.insert((true, id, k.clone(), format!("{v:?}")));
            }
        }
    }
    state
}

fn diff<T: Ord>(before: &BTreeSet<T>, after: &BTreeSet<T>) -> (i64, i64) {
    (after.difference(before).count() as i64, before.difference(after).count() as i64)
}

/// The non-zero effects of going from `before` to `after`.
pub fn effects(before: &GraphState, after: &GraphState) -> Effects {
    let mut out = Effects::new();
    let mut put = |name: &str, (added, removed): (i64, i64)| {
        for (sign, n) in [("+", added), ("-", removed)] {
            if n != 0 {
                out.insert(format!("{sign}{name}"), n);
            }
        }
    };
    put("nodes", diff(&before.nodes, &after.nodes));
    put("relationships", diff(&before.rels, &after.rels));
    put("labels", diff(&before.labels, &after.labels));
    put("properties", diff(&before.props, &after.props));
    out
}

/// The effects a `side effects should be:` table asks for (zeros dropped).
pub fn expected(table: &[Vec<String>]) -> Result<Effects, String> {
    let mut out = Effects::new();
    for row in table {
        let [key, count] = row.as_slice() else { return Err(format!("bad side effect row {row:?}")) };
        let n: i64 = count.trim().parse().map_err(|_| format!("bad side effect count {count:?}"))?;
        if n != 0 {
            out.insert(key.trim().to_string(), n);
        }
    }
    Ok(out)
}

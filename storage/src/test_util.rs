//! Test helpers: a name-based dump of every read a snapshot answers, so two
//! versions (e.g. before and after compaction) can be compared wholesale.

use std::collections::BTreeMap;

use crate::snapshot::{Direction, Snapshot};
use crate::value::Value;

/// Labels (sorted), properties and external id of a node.
pub(crate) type NodeDump = (Vec<String>, Vec<(String, Value)>, Option<String>);
/// Start, end, type name and properties of a relationship.
pub(crate) type RelDump = (u64, u64, String, Vec<(String, Value)>);

/// Everything observable about a snapshot, keyed by names rather than interned ids.
#[derive(Debug, PartialEq)]
pub(crate) struct Dump {
    pub node_capacity: u64,
    pub rel_capacity: u64,
    pub node_count: u64,
    pub rel_count: u64,
    pub nodes: BTreeMap<u64, NodeDump>,
    pub rels: BTreeMap<u64, RelDump>,
    pub label_scans: BTreeMap<String, Vec<u64>>,
    pub columns: BTreeMap<String, (Vec<Value>, Vec<Value>)>,
    pub adjacency: BTreeMap<(u64, u8, String), Vec<(u64, u64)>>,
    pub label_counts: BTreeMap<String, u64>,
    pub type_counts: BTreeMap<String, u64>,
}

pub(crate) fn dump(s: &Snapshot) -> Dump {
    let names = |props: Vec<(u32, Value)>| -> Vec<(String, Value)> {
        props.into_iter().map(|(k, v)| (s.key_name(k).to_string(), v)).collect()
    };
    let mut live = Vec::new();
    s.scan_nodes(0..u64::MAX, None, &mut live);
    let mut nodes = BTreeMap::new();
    for &id in &live {
        let mut labels: Vec<String> = s.node_labels(id).into_iter().map(|l| s.label_name(l).to_string()).collect();
        labels.sort();
        nodes.insert(id, (labels, names(s.node_properties(id)), s.external_id(id).map(str::to_string)));
    }
    let mut live_rels = Vec::new();
    s.scan_rels(0..u64::MAX, &mut live_rels);
    let mut rels = BTreeMap::new();
    for &r in &live_rels {
        if let Some((a, b, t)) = s.rel_endpoints(r) {
            rels.insert(r, (a, b, s.type_name(t).to_string(), names(s.rel_properties(r))));
        }
    }
    let mut label_scans = BTreeMap::new();
    for name in s.labels() {
        let mut out = Vec::new();
        if let Some(l) = s.label_id(&name) {
            s.scan_nodes(0..s.node_capacity(), Some(l), &mut out);
        }
        label_scans.insert(name, out);
    }
    let all_nodes: Vec<u64> = (0..s.node_capacity() + 2).collect();
    let all_rels: Vec<u64> = (0..s.rel_capacity() + 2).collect();
    let mut columns = BTreeMap::new();
    for name in s.keys() {
        if let Some(k) = s.key_id(&name) {
            columns.insert(
                name,
                (s.node_property_column(&all_nodes, k).to_values(), s.rel_property_column(&all_rels, k).to_values()),
            );
        }
    }
    let mut adjacency = BTreeMap::new();
    let mut type_names = s.types();
    type_names.push(String::new());
    for &id in &live {
        for (d, dir) in [Direction::Outgoing, Direction::Incoming, Direction::Both].into_iter().enumerate() {
            for t in &type_names {
                let types: Vec<u32> = if t.is_empty() { vec![] } else { s.type_id(t).into_iter().collect() };
                let mut out = Vec::new();
                s.expand(id, dir, &types, &mut out);
                assert_eq!(s.degree(id, dir, &types), out.len());
                out.sort_unstable();
                if !out.is_empty() {
                    adjacency.insert((id, d as u8, t.clone()), out);
                }
            }
        }
    }
    let st = s.statistics();
    Dump {
        node_capacity: s.node_capacity(),
        rel_capacity: s.rel_capacity(),
        node_count: s.node_count(),
        rel_count: s.rel_count(),
        nodes,
        rels,
        label_scans,
        columns,
        adjacency,
        label_counts: st.label_counts.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        type_counts: st.type_counts.iter().map(|(k, v)| (k.clone(), *v)).collect(),
    }
}

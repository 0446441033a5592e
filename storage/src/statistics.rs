//! Counts the planner uses to pick scans and expand directions. Computed once
//! per version on first use (O(delta) on top of per-base counts cached with
//! the base), so calling `statistics()` repeatedly is cheap.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::catalog::TypeId;
use crate::snapshot::Snapshot;

/// Per relationship type counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeStatistics {
    /// Live relationships of the type.
    pub count: u64,
    /// Nodes with at least one outgoing relationship of the type (estimate after deletes).
    pub distinct_sources: u64,
    /// Nodes with at least one incoming relationship of the type (estimate after deletes).
    pub distinct_targets: u64,
    /// `count / distinct_sources`: expected fan-out of an outgoing expand from a source.
    pub avg_out_degree: f64,
    /// `count / distinct_targets`: expected fan-out of an incoming expand from a target.
    pub avg_in_degree: f64,
}

/// Whole-graph counts for the planner.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statistics {
    /// Live nodes.
    pub node_count: u64,
    /// Live relationships.
    pub rel_count: u64,
    /// Live nodes per label name.
    pub label_counts: HashMap<String, u64>,
    /// Live relationships per type name.
    pub type_counts: HashMap<String, u64>,
    /// Degree statistics per type name.
    pub type_stats: HashMap<String, TypeStatistics>,
}

impl Snapshot {
    /// Statistics of this version (computed once, then shared).
    pub fn statistics(&self) -> Arc<Statistics> {
        self.stats.get_or_init(|| Arc::new(compute(self))).clone()
    }
}

fn compute(s: &Snapshot) -> Statistics {
    let base = &s.base;
    let base_cap = base.nodes.capacity;
    let mut labels = vec![0i64; s.catalog.labels.len()];
    for (l, b) in base.nodes.labels.iter().enumerate() {
        if let Some(c) = labels.get_mut(l) {
            *c += b.len() as i64;
        }
    }
    for (&id, set) in s.delta.node_labels.iter() {
        if id < base_cap {
            for l in base.nodes.labels_of(id) {
                labels[l as usize] -= 1;
            }
        }
        for &l in set {
            if let Some(c) = labels.get_mut(l as usize) {
                *c += 1;
            }
        }
    }

    let ntypes = s.catalog.types.len();
    let mut counts = vec![0i64; ntypes];
    let mut sources = vec![0i64; ntypes];
    let mut targets = vec![0i64; ntypes];
    let degrees = base.type_degrees.get_or_init(|| {
        base.rels.out.iter().zip(&base.rels.inc).map(|(o, i)| (o.distinct_nodes(), i.distinct_nodes())).collect()
    });
    for t in 0..ntypes.min(base.rels.out.len()) {
        counts[t] = base.rels.out[t].len() as i64;
        sources[t] = degrees.get(t).map_or(0, |d| d.0) as i64;
        targets[t] = degrees.get(t).map_or(0, |d| d.1) as i64;
    }
    let base_rel_cap = base.rels.capacity;
    let mut new_src: HashSet<(TypeId, u64)> = HashSet::new();
    let mut new_dst: HashSet<(TypeId, u64)> = HashSet::new();
    for (i, &(src, dst, t)) in s.delta.rels.iter().enumerate() {
        if s.delta.deleted_rels.contains(&(base_rel_cap + i as u64)) {
            continue;
        }
        counts[t as usize] += 1;
        // A delta source is new unless the base already lists it for this type.
        let seen_out = base.rels.out(t).is_some_and(|c| c.degree(src) > 0);
        if !seen_out && new_src.insert((t, src)) {
            sources[t as usize] += 1;
        }
        let seen_in = base.rels.inc(t).is_some_and(|c| c.degree(dst) > 0);
        if !seen_in && new_dst.insert((t, dst)) {
            targets[t as usize] += 1;
        }
    }
    for &r in s.delta.deleted_rels.iter() {
        if r < base_rel_cap {
            if let Some((_, _, t)) = base.rels.endpoints(r) {
                counts[t as usize] -= 1;
            }
        }
    }

    let mut st = Statistics { node_count: s.live_nodes, rel_count: s.live_rels, ..Default::default() };
    for (l, &c) in labels.iter().enumerate() {
        st.label_counts.insert(s.catalog.labels.name(l as u32).to_string(), c.max(0) as u64);
    }
    for t in 0..ntypes {
        let name = s.catalog.types.name(t as u32).to_string();
        let count = counts[t].max(0) as u64;
        let (src, dst) = (sources[t].max(0) as u64, targets[t].max(0) as u64);
        let avg = |d: u64| if d == 0 { 0.0 } else { count as f64 / d as f64 };
        st.type_counts.insert(name.clone(), count);
        st.type_stats.insert(
            name,
            TypeStatistics {
                count,
                distinct_sources: src,
                distinct_targets: dst,
                avg_out_degree: avg(src),
                avg_in_degree: avg(dst),
            },
        );
    }
    st
}

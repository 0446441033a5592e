//! One committed (or, inside a write transaction, working) version of the
//! graph: the immutable base merged with the delta layer. Cloning is O(1);
//! a reader holding an `Arc<Snapshot>` sees exactly that version forever.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::catalog::{Catalog, KeyId, LabelId, TypeId};
use crate::delta::Delta;
use crate::node_store::NodeStore;
use crate::property_column::{gather, PropertyArray};
use crate::rel_store::RelStore;
use crate::statistics::Statistics;
use crate::value::{Node, NodeId, RelId, Relationship, Value};

/// Which relationships of a node to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the node to its neighbour.
    Outgoing,
    /// From the neighbour to the node.
    Incoming,
    /// Either; a self-loop is listed once (Cypher matches an undirected self-loop once).
    Both,
}

/// The compacted part of a version, shared by every version until the next compaction.
#[derive(Debug, Default)]
pub(crate) struct Base {
    pub nodes: NodeStore,
    pub rels: RelStore,
    /// Per type: nodes with outgoing / incoming relationships (for statistics; O(nodes) once per base).
    pub type_degrees: OnceLock<Vec<(u64, u64)>>,
}

/// A consistent, immutable view of the graph at one commit sequence number.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub(crate) seq: u64,
    pub(crate) catalog: Catalog,
    pub(crate) base: Arc<Base>,
    pub(crate) delta: Delta,
    pub(crate) node_capacity: u64,
    pub(crate) rel_capacity: u64,
    pub(crate) live_nodes: u64,
    pub(crate) live_rels: u64,
    /// Computed on first use; reset by every write to a working copy.
    pub(crate) stats: OnceLock<Arc<Statistics>>,
}

impl Snapshot {
    /// Builds a snapshot whose delta is empty.
    pub(crate) fn from_base(seq: u64, catalog: Catalog, base: Base) -> Snapshot {
        Snapshot {
            seq,
            catalog,
            node_capacity: base.nodes.capacity,
            rel_capacity: base.rels.capacity,
            live_nodes: base.nodes.live_count(),
            live_rels: base.rels.live_count(),
            base: Arc::new(base),
            delta: Delta::default(),
            stats: OnceLock::new(),
        }
    }

    /// Commit sequence number of this version (0 for the empty graph).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The interned names of this version.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Number of changes in the delta layer (what compaction would fold).
    pub fn delta_changes(&self) -> u64 {
        self.delta.changes
    }

    // ---- nodes -------------------------------------------------------------

    /// One past the highest node id ever handed out (deleted ids included).
    pub fn node_capacity(&self) -> u64 {
        self.node_capacity
    }

    /// Number of live nodes.
    pub fn node_count(&self) -> u64 {
        self.live_nodes
    }

    /// True when node `id` exists in this version.
    pub fn node_exists(&self, id: NodeId) -> bool {
        id < self.node_capacity
            && !(id < self.base.nodes.capacity && self.base.nodes.deleted.contains(id))
            && !self.delta.deleted_nodes.contains(&id)
    }

    fn any_node_deleted(&self) -> bool {
        !self.base.nodes.deleted.is_empty() || !self.delta.deleted_nodes.is_empty()
    }

    /// Appends the live nodes with ids in `range` (and `label`, if given) to `out`, ascending.
    pub fn scan_nodes(&self, range: Range<NodeId>, label: Option<LabelId>, out: &mut Vec<NodeId>) {
        let lo = range.start;
        let hi = range.end.min(self.node_capacity);
        if lo >= hi {
            return;
        }
        let Some(label) = label else {
            if self.any_node_deleted() {
                out.extend((lo..hi).filter(|&id| self.node_exists(id)));
            } else {
                out.extend(lo..hi);
            }
            return;
        };
        // Base members not overridden by the delta, merged with delta nodes having the label.
        let mut base_ids = Vec::new();
        if let Some(bitmap) = self.base.nodes.label(label) {
            NodeStore::bitmap_range(bitmap, lo..hi.min(self.base.nodes.capacity), &mut base_ids);
        }
        // Deleted nodes carry an empty label set in the delta, so they drop out here.
        let has = |labels: &Vec<LabelId>| labels.binary_search(&label).is_ok();
        let mut delta_it = self.delta.node_labels.range(lo..hi).peekable();
        for id in base_ids {
            while let Some(&(&d, labels)) = delta_it.peek() {
                if d >= id {
                    break;
                }
                if has(labels) {
                    out.push(d);
                }
                delta_it.next();
            }
            match delta_it.peek() {
                Some(&(&d, labels)) if d == id => {
                    if has(labels) {
                        out.push(d);
                    }
                    delta_it.next();
                }
                _ => out.push(id),
            }
        }
        for (&d, labels) in delta_it {
            if has(labels) {
                out.push(d);
            }
        }
    }

    /// Labels of node `id`, ascending by id (empty for a missing node).
    pub fn node_labels(&self, id: NodeId) -> Vec<LabelId> {
        if !self.node_exists(id) {
            return Vec::new();
        }
        match self.delta.node_labels.get(&id) {
            Some(l) => l.clone(),
            None => self.base.nodes.labels_of(id),
        }
    }

    /// True when node `id` exists and has `label`.
    pub fn has_label(&self, id: NodeId, label: LabelId) -> bool {
        match self.delta.node_labels.get(&id) {
            Some(l) => l.binary_search(&label).is_ok(),
            None => self.node_exists(id) && self.base.nodes.has_label(id, label),
        }
    }

    /// Property `key` of node `id` (Null when unset or the node is missing).
    pub fn node_property(&self, id: NodeId, key: KeyId) -> Value {
        if !self.node_exists(id) {
            return Value::Null;
        }
        match Delta::prop(&self.delta.node_props, key, id) {
            Some(v) => v.clone(),
            None => self.base.nodes.column(key).map_or(Value::Null, |c| c.get(id)),
        }
    }

    /// All non-null properties of node `id`, sorted by key name.
    pub fn node_properties(&self, id: NodeId) -> Vec<(KeyId, Value)> {
        if !self.node_exists(id) {
            return Vec::new();
        }
        let mut props: Vec<(KeyId, Value)> = (0..self.catalog.keys.len() as KeyId)
            .filter_map(|k| {
                let v = self.node_property(id, k);
                (!v.is_null()).then_some((k, v))
            })
            .collect();
        props.sort_by(|a, b| self.key_name(a.0).cmp(self.key_name(b.0)));
        props
    }

    /// Property `key` of every node in `ids` (Null for missing nodes): typed
    /// when all values share one Arrow type.
    pub fn node_property_column(&self, ids: &[NodeId], key: KeyId) -> PropertyArray {
        let hidden = |id: NodeId| !self.node_exists(id);
        gather(
            self.base.nodes.column(key),
            ids,
            self.delta.node_props.get(&key),
            self.any_node_deleted().then_some(&hidden as &dyn Fn(u64) -> bool),
        )
    }

    /// External id (Neptune `~id`) → live node.
    pub fn node_by_external_id(&self, external: &str) -> Option<NodeId> {
        let live = |id: &NodeId| self.node_exists(*id);
        self.delta
            .external
            .get(external)
            .copied()
            .filter(live)
            .or_else(|| self.base.nodes.external.get(external).copied().filter(live))
    }

    /// The external id of node `id`, if it has one.
    pub fn external_id(&self, id: NodeId) -> Option<&str> {
        if !self.node_exists(id) {
            return None;
        }
        self.delta.external_of.get(&id).or_else(|| self.base.nodes.external_of.get(&id)).map(|s| &**s)
    }

    /// Node `id` as a `Value::Node` with labels and properties (Null when missing).
    pub fn node_value(&self, id: NodeId) -> Value {
        if !self.node_exists(id) {
            return Value::Null;
        }
        let labels = self.node_labels(id).into_iter().map(|l| self.label_name(l).to_string()).collect();
        let properties: BTreeMap<String, Value> =
            self.node_properties(id).into_iter().map(|(k, v)| (self.key_name(k).to_string(), v)).collect();
        Value::Node(Box::new(Node { id, labels, properties }))
    }

    // ---- relationships -----------------------------------------------------

    /// One past the highest relationship id ever handed out.
    pub fn rel_capacity(&self) -> u64 {
        self.rel_capacity
    }

    /// Number of live relationships.
    pub fn rel_count(&self) -> u64 {
        self.live_rels
    }

    /// True when relationship `id` exists in this version.
    pub fn rel_exists(&self, id: RelId) -> bool {
        id < self.rel_capacity
            && !(id < self.base.rels.capacity && self.base.rels.deleted.contains(id))
            && !self.delta.deleted_rels.contains(&id)
    }

    fn any_rel_deleted(&self) -> bool {
        !self.base.rels.deleted.is_empty() || !self.delta.deleted_rels.is_empty()
    }

    /// Appends the live relationships with ids in `range` to `out`, ascending.
    pub fn scan_rels(&self, range: Range<RelId>, out: &mut Vec<RelId>) {
        let hi = range.end.min(self.rel_capacity);
        if range.start >= hi {
            return;
        }
        if self.any_rel_deleted() {
            out.extend((range.start..hi).filter(|&id| self.rel_exists(id)));
        } else {
            out.extend(range.start..hi);
        }
    }

    /// Start node, end node and type of relationship `id`; None when it does not exist.
    pub fn rel_endpoints(&self, id: RelId) -> Option<(NodeId, NodeId, TypeId)> {
        if !self.rel_exists(id) {
            return None;
        }
        let base_cap = self.base.rels.capacity;
        if id < base_cap {
            self.base.rels.endpoints(id)
        } else {
            self.delta.rels.get((id - base_cap) as usize).copied()
        }
    }

    /// Property `key` of relationship `id` (Null when unset or missing).
    pub fn rel_property(&self, id: RelId, key: KeyId) -> Value {
        if !self.rel_exists(id) {
            return Value::Null;
        }
        match Delta::prop(&self.delta.rel_props, key, id) {
            Some(v) => v.clone(),
            None => self.base.rels.column(key).map_or(Value::Null, |c| c.get(id)),
        }
    }

    /// All non-null properties of relationship `id`, sorted by key name.
    pub fn rel_properties(&self, id: RelId) -> Vec<(KeyId, Value)> {
        if !self.rel_exists(id) {
            return Vec::new();
        }
        let mut props: Vec<(KeyId, Value)> = (0..self.catalog.keys.len() as KeyId)
            .filter_map(|k| {
                let v = self.rel_property(id, k);
                (!v.is_null()).then_some((k, v))
            })
            .collect();
        props.sort_by(|a, b| self.key_name(a.0).cmp(self.key_name(b.0)));
        props
    }

    /// Property `key` of every relationship in `ids`, typed when possible.
    pub fn rel_property_column(&self, ids: &[RelId], key: KeyId) -> PropertyArray {
        let hidden = |id: RelId| !self.rel_exists(id);
        gather(
            self.base.rels.column(key),
            ids,
            self.delta.rel_props.get(&key),
            self.any_rel_deleted().then_some(&hidden as &dyn Fn(u64) -> bool),
        )
    }

    /// Relationship `id` as a `Value::Relationship` (Null when missing).
    pub fn rel_value(&self, id: RelId) -> Value {
        let Some((start, end, t)) = self.rel_endpoints(id) else {
            return Value::Null;
        };
        let properties: BTreeMap<String, Value> =
            self.rel_properties(id).into_iter().map(|(k, v)| (self.key_name(k).to_string(), v)).collect();
        Value::Relationship(Box::new(Relationship {
            id,
            start,
            end,
            rel_type: self.type_name(t).to_string(),
            properties,
        }))
    }

    /// Appends `(relationship, neighbour)` for every live relationship of
    /// `node` in `dir` whose type is in `types` (empty = all). Base entries come
    /// first (by type, then rel id), then delta entries in creation order.
    pub fn expand(&self, node: NodeId, dir: Direction, types: &[TypeId], out: &mut Vec<(RelId, NodeId)>) {
        self.visit(node, dir, types, |r, n| out.push((r, n)));
    }

    /// Number of entries `expand` would produce.
    pub fn degree(&self, node: NodeId, dir: Direction, types: &[TypeId]) -> usize {
        if self.delta.deleted_rels.is_empty() && dir != Direction::Both {
            // Fast path: CSR degrees plus delta entries, no per-entry work on the base.
            if !self.node_exists(node) {
                return 0;
            }
            let rels = &self.base.rels;
            let mut n = 0;
            for t in self.type_list(types) {
                let csr = if dir == Direction::Outgoing { rels.out(t) } else { rels.inc(t) };
                n += csr.map_or(0, |c| c.degree(node));
            }
            if let Some(list) = self.delta.adjacency.get(&node) {
                n += list
                    .iter()
                    .filter(|e| e.outgoing == (dir == Direction::Outgoing))
                    .filter(|e| types.is_empty() || types.contains(&e.rel_type))
                    .count();
            }
            return n;
        }
        let mut n = 0;
        self.visit(node, dir, types, |_, _| n += 1);
        n
    }

    /// The base types to visit: `types`, or every base type when empty (no allocation).
    fn type_list<'a>(&self, types: &'a [TypeId]) -> impl Iterator<Item = TypeId> + 'a {
        let all = if types.is_empty() { self.base.rels.out.len() as TypeId } else { 0 };
        types.iter().copied().chain(0..all)
    }

    fn visit(&self, node: NodeId, dir: Direction, types: &[TypeId], mut f: impl FnMut(RelId, NodeId)) {
        if !self.node_exists(node) {
            return;
        }
        let deleted = &self.delta.deleted_rels;
        let check = !deleted.is_empty();
        let rels = &self.base.rels;
        if dir != Direction::Incoming {
            for t in self.type_list(types) {
                if let Some(csr) = rels.out(t) {
                    let (nbrs, ids) = csr.entries(node);
                    for (&n, &r) in nbrs.iter().zip(ids) {
                        if !check || !deleted.contains(&r) {
                            f(r, n);
                        }
                    }
                }
            }
        }
        if dir != Direction::Outgoing {
            let both = dir == Direction::Both;
            for t in self.type_list(types) {
                if let Some(csr) = rels.inc(t) {
                    let (nbrs, ids) = csr.entries(node);
                    for (&n, &r) in nbrs.iter().zip(ids) {
                        if !(both && n == node || check && deleted.contains(&r)) {
                            f(r, n);
                        }
                    }
                }
            }
        }
        if let Some(list) = self.delta.adjacency.get(&node) {
            for e in list.iter() {
                if !types.is_empty() && !types.contains(&e.rel_type) {
                    continue;
                }
                if check && deleted.contains(&e.rel) {
                    continue;
                }
                let take = match dir {
                    Direction::Outgoing => e.outgoing,
                    Direction::Incoming => !e.outgoing,
                    Direction::Both => e.outgoing || e.other != node,
                };
                if take {
                    f(e.rel, e.other);
                }
            }
        }
    }

    // ---- catalog -----------------------------------------------------------

    /// Id of label `name`, if it exists.
    pub fn label_id(&self, name: &str) -> Option<LabelId> {
        self.catalog.labels.get(name)
    }

    /// Name of label `id` ("" when unknown).
    pub fn label_name(&self, id: LabelId) -> &str {
        self.catalog.labels.name(id)
    }

    /// Id of relationship type `name`, if it exists.
    pub fn type_id(&self, name: &str) -> Option<TypeId> {
        self.catalog.types.get(name)
    }

    /// Name of relationship type `id` ("" when unknown).
    pub fn type_name(&self, id: TypeId) -> &str {
        self.catalog.types.name(id)
    }

    /// Id of property key `name`, if it exists.
    pub fn key_id(&self, name: &str) -> Option<KeyId> {
        self.catalog.keys.get(name)
    }

    /// Name of property key `id` ("" when unknown).
    pub fn key_name(&self, id: KeyId) -> &str {
        self.catalog.keys.name(id)
    }

    /// All label names, in id order.
    pub fn labels(&self) -> Vec<String> {
        self.catalog.labels.names()
    }

    /// All relationship type names, in id order.
    pub fn types(&self) -> Vec<String> {
        self.catalog.types.names()
    }

    /// All property key names, in id order.
    pub fn keys(&self) -> Vec<String> {
        self.catalog.keys.names()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_and_handles_cross_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Snapshot>();
        assert_send_sync::<Arc<Snapshot>>();
        assert_send_sync::<crate::graph::Graph>();
        fn assert_send<T: Send>() {}
        assert_send::<crate::write_txn::WriteTxn>();
    }

    #[test]
    fn label_scan_merges_base_and_delta() {
        let mut b = crate::builder::GraphBuilder::new();
        b.add_nodes(10, &["A"]);
        let g = b.finish();
        let mut t = g.begin_write().unwrap();
        t.remove_label(3, "A").unwrap();
        t.delete_node(5, false).unwrap();
        let n = t.create_node(&["A".to_string()], vec![]).unwrap();
        t.create_node(&["B".to_string()], vec![]).unwrap();
        t.add_label(7, "B").unwrap();
        let v = t.view();
        let (a, bl) = (v.label_id("A").unwrap(), v.label_id("B").unwrap());
        let mut out = Vec::new();
        v.scan_nodes(0..100, Some(a), &mut out);
        assert_eq!(out, vec![0, 1, 2, 4, 6, 7, 8, 9, n]);
        out.clear();
        v.scan_nodes(2..8, Some(a), &mut out);
        assert_eq!(out, vec![2, 4, 6, 7]);
        out.clear();
        v.scan_nodes(0..100, Some(bl), &mut out);
        assert_eq!(out, vec![7, 11]);
        out.clear();
        v.scan_nodes(4..7, None, &mut out);
        assert_eq!(out, vec![4, 6]);
        assert!(v.has_label(7, a) && v.has_label(7, bl) && !v.has_label(5, a));
        assert_eq!(v.node_labels(5), Vec::<LabelId>::new());
    }
}

//! The MVCC delta layer: everything written since the last compaction, kept
//! in persistent (`imbl`) structures so cloning a version is O(1) and a write
//! transaction mutates its own copy. Readers merge it over the base.

use std::sync::Arc;

use crate::catalog::{KeyId, LabelId, TypeId};
use crate::value::{NodeId, RelId, Value};

/// One adjacency entry of a relationship created in the delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AdjEntry {
    pub rel: RelId,
    pub other: NodeId,
    pub rel_type: TypeId,
    /// True in the start node's list, false in the end node's list.
    pub outgoing: bool,
}

/// Property overrides of one key: row → value, where Null means removed.
pub(crate) type Overrides = imbl::HashMap<u64, Value>;

/// Writes not yet folded into the base.
#[derive(Debug, Clone, Default)]
pub(crate) struct Delta {
    /// Number of changes recorded, to decide when to compact.
    pub changes: u64,
    /// Full (sorted) label set of every node whose labels differ from the
    /// base: created, relabelled, or deleted (then empty).
    pub node_labels: imbl::OrdMap<NodeId, Vec<LabelId>>,
    /// Nodes deleted since the base (base or delta-created).
    pub deleted_nodes: imbl::OrdSet<NodeId>,
    /// Node property overrides per key.
    pub node_props: imbl::HashMap<KeyId, Overrides>,
    /// External ids given to delta-created nodes.
    pub external: imbl::HashMap<Arc<str>, NodeId>,
    /// Reverse of `external`.
    pub external_of: imbl::HashMap<NodeId, Arc<str>>,
    /// Relationships created since the base: id = base capacity + index.
    pub rels: imbl::Vector<(NodeId, NodeId, TypeId)>,
    /// Relationships deleted since the base.
    pub deleted_rels: imbl::OrdSet<RelId>,
    /// Relationship property overrides per key.
    pub rel_props: imbl::HashMap<KeyId, Overrides>,
    /// Adjacency of delta-created relationships, per node.
    pub adjacency: imbl::HashMap<NodeId, imbl::Vector<AdjEntry>>,
}

impl Delta {
    /// Sets (or with Null removes) an override in a per-key map.
    pub fn set_prop(map: &mut imbl::HashMap<KeyId, Overrides>, key: KeyId, row: u64, value: Value) {
        map.entry(key).or_default().insert(row, value);
    }

    /// The override of `row` for `key`, if any (Null = removed).
    pub fn prop(map: &imbl::HashMap<KeyId, Overrides>, key: KeyId, row: u64) -> Option<&Value> {
        map.get(&key).and_then(|m| m.get(&row))
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.changes == 0
    }
}

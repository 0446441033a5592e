//! The base (compacted) node store: dense ids with tombstones, one bitmap per
//! label, one chunked column per property key and the external-id index.
//! Immutable once built; the delta layer holds everything written since.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use roaring::RoaringTreemap;

use crate::catalog::{KeyId, LabelId};
use crate::property_column::PropertyColumn;
use crate::value::NodeId;

/// Compacted nodes: ids `0..capacity`, minus the tombstones in `deleted`.
#[derive(Debug, Clone, Default)]
pub struct NodeStore {
    /// One past the highest id ever handed out in the base.
    pub(crate) capacity: u64,
    /// Tombstones: ids that were deleted (never reused).
    pub(crate) deleted: RoaringTreemap,
    /// Members per label, indexed by `LabelId`; deleted nodes are never members.
    pub(crate) labels: Vec<Arc<RoaringTreemap>>,
    /// Property columns, indexed by `KeyId`.
    pub(crate) properties: Vec<Arc<PropertyColumn>>,
    /// External id (Neptune `~id`) → node. May name deleted nodes; readers check liveness.
    pub(crate) external: Arc<HashMap<Arc<str>, NodeId>>,
    /// Node → external id, for the nodes that have one.
    pub(crate) external_of: Arc<HashMap<NodeId, Arc<str>>>,
}

impl NodeStore {
    /// True when `id` is a live base node.
    pub fn exists(&self, id: NodeId) -> bool {
        id < self.capacity && !self.deleted.contains(id)
    }

    /// Number of live base nodes.
    pub fn live_count(&self) -> u64 {
        self.capacity - self.deleted.len()
    }

    /// The bitmap of `label`, if any node ever had it.
    pub fn label(&self, label: LabelId) -> Option<&RoaringTreemap> {
        self.labels.get(label as usize).map(|b| &**b)
    }

    /// True when base node `id` has `label`.
    pub fn has_label(&self, id: NodeId, label: LabelId) -> bool {
        self.label(label).is_some_and(|b| b.contains(id))
    }

    /// Base labels of `id`, ascending.
    pub fn labels_of(&self, id: NodeId) -> Vec<LabelId> {
        (0..self.labels.len() as LabelId).filter(|&l| self.has_label(id, l)).collect()
    }

    /// The column of `key`, if any base node has it.
    pub fn column(&self, key: KeyId) -> Option<&PropertyColumn> {
        self.properties.get(key as usize).map(|c| &**c)
    }

    /// Appends the members of `bitmap` within `range` to `out`, ascending.
    pub fn bitmap_range(bitmap: &RoaringTreemap, range: Range<NodeId>, out: &mut Vec<NodeId>) {
        let mut it = bitmap.iter();
        it.advance_to(range.start);
        out.extend(it.take_while(|&id| id < range.end));
    }
}

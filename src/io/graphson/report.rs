//! What an import did, and what it could not keep.

use std::collections::BTreeMap;

use plexus_storage::RelId;

/// Counts and losses of one GraphSON import.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    /// Vertices read (nodes created).
    pub vertices: u64,
    /// Distinct edges read (relationships created).
    pub edges: u64,
    /// Per vertex-property key: meta-property values dropped (we have no properties on properties).
    pub dropped_meta_properties: BTreeMap<String, u64>,
    /// Per vertex-property key: vertices where it had several values, stored as one List.
    pub multi_properties: BTreeMap<String, u64>,
    /// The GraphSON id of each edge (as a string) and the relationship it became, in file order.
    pub edge_ids: Vec<(String, RelId)>,
}

impl ImportReport {
    /// True when nothing was dropped or reshaped.
    pub fn is_lossless(&self) -> bool {
        self.dropped_meta_properties.is_empty() && self.multi_properties.is_empty()
    }

    /// The relationship a GraphSON edge id became.
    pub fn rel_id(&self, graphson_id: &str) -> Option<RelId> {
        self.edge_ids.iter().find(|(id, _)| id == graphson_id).map(|&(_, r)| r)
    }
}

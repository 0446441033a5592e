//! The logical record of one transaction's writes. Names (not interned ids)
//! make a logged change set self-describing, so a WAL or a Raft log can replay
//! it into any store.

use crate::value::{NodeId, RelId, Value};

/// One write. Ids are those the transaction handed out, so replay is deterministic.
#[derive(Debug, Clone)]
pub enum Change {
    /// A node was created.
    CreateNode {
        /// Its id.
        id: NodeId,
        /// Its labels.
        labels: Vec<String>,
        /// Its non-null properties.
        properties: Vec<(String, Value)>,
        /// Its external (Neptune `~id`) id, if any.
        external_id: Option<String>,
    },
    /// A relationship was created.
    CreateRel {
        /// Its id.
        id: RelId,
        /// Start node.
        src: NodeId,
        /// End node.
        dst: NodeId,
        /// Its type.
        rel_type: String,
        /// Its non-null properties.
        properties: Vec<(String, Value)>,
    },
    /// A node property was set (Null removes it).
    SetNodeProperty {
        /// The node.
        id: NodeId,
        /// Property key.
        key: String,
        /// New value.
        value: Value,
    },
    /// A relationship property was set (Null removes it).
    SetRelProperty {
        /// The relationship.
        id: RelId,
        /// Property key.
        key: String,
        /// New value.
        value: Value,
    },
    /// A label was added to a node.
    AddLabel {
        /// The node.
        id: NodeId,
        /// The label.
        label: String,
    },
    /// A label was removed from a node.
    RemoveLabel {
        /// The node.
        id: NodeId,
        /// The label.
        label: String,
    },
    /// A node without relationships was deleted.
    DeleteNode {
        /// The node.
        id: NodeId,
    },
    /// A relationship was deleted.
    DeleteRel {
        /// The relationship.
        id: RelId,
    },
}

/// The ordered writes of one transaction.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    /// Changes in the order they were made.
    pub changes: Vec<Change>,
}

impl ChangeSet {
    /// Number of changes.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// True when the transaction wrote nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Appends a change.
    pub fn push(&mut self, change: Change) {
        self.changes.push(change);
    }
}

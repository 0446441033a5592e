//! A write transaction: the one writer's private working version plus the
//! change set it will log. Its writes are visible through `view()` at once and
//! to everyone else only after `commit()`.

use std::sync::{Arc, OnceLock};

use crate::catalog::LabelId;
use crate::changeset::{Change, ChangeSet};
use crate::delta::{AdjEntry, Delta};
use crate::error::{Error, ErrorClass, Phase, Result};
use crate::graph::Graph;
use crate::snapshot::{Direction, Snapshot};
use crate::value::{NodeId, RelId, Value};

/// The single active writer. Holds the writer lock until committed, rolled back or dropped.
pub struct WriteTxn {
    graph: Graph,
    working: Arc<Snapshot>,
    changes: ChangeSet,
}

/// Rejects values that cannot be stored as properties: maps, graph elements,
/// and lists holding anything but primitive (or temporal) values.
pub fn check_property_value(value: &Value) -> Result<()> {
    let bad = |v: &Value| {
        Err(Error::type_error(
            "InvalidPropertyType",
            format!("a property cannot hold a value of type {}", v.type_name()),
        ))
    };
    match value {
        Value::Map(_) | Value::Node(_) | Value::Relationship(_) | Value::Path(_) => bad(value),
        Value::List(items) => {
            // A list property holds values of one primitive type, and no nulls.
            let mut kind = None;
            for item in items {
                if matches!(
                    item,
                    Value::Null
                        | Value::List(_)
                        | Value::Map(_)
                        | Value::Node(_)
                        | Value::Relationship(_)
                        | Value::Path(_)
                ) {
                    return bad(item);
                }
                let this = std::mem::discriminant(item);
                if *kind.get_or_insert(this) != this {
                    return Err(Error::type_error(
                        "InvalidPropertyType",
                        "a list property must hold values of a single type",
                    ));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn node_not_found(id: NodeId) -> Error {
    Error::new(ErrorClass::EntityNotFound, "NodeNotFound", Phase::Runtime, format!("node {id} does not exist"))
}

fn rel_not_found(id: RelId) -> Error {
    Error::new(
        ErrorClass::EntityNotFound,
        "RelationshipNotFound",
        Phase::Runtime,
        format!("relationship {id} does not exist"),
    )
}

impl WriteTxn {
    pub(crate) fn new(graph: Graph, working: Arc<Snapshot>) -> WriteTxn {
        WriteTxn { graph, working, changes: ChangeSet::default() }
    }

    /// The working version including this transaction's writes (O(1)).
    pub fn view(&self) -> Arc<Snapshot> {
        self.working.clone()
    }

    /// The changes made so far.
    pub fn changes(&self) -> &ChangeSet {
        &self.changes
    }

    /// Mutable working copy; copies (O(1), persistent structures) if a view is outstanding.
    fn snap(&mut self) -> &mut Snapshot {
        let s = Arc::make_mut(&mut self.working);
        s.stats = OnceLock::new();
        s
    }

    fn require_node(&self, id: NodeId) -> Result<()> {
        if self.working.node_exists(id) {
            Ok(())
        } else {
            Err(node_not_found(id))
        }
    }

    /// Creates a node with `labels` and `props` (nulls skipped) and returns its id.
    pub fn create_node(&mut self, labels: &[String], props: Vec<(String, Value)>) -> Result<NodeId> {
        self.create_node_with_external_id(None, labels, props)
    }

    /// Creates a node that also answers to `external_id` (Neptune `~id`); the
    /// external id must not belong to another live node.
    pub fn create_node_with_external_id(
        &mut self,
        external_id: Option<&str>,
        labels: &[String],
        props: Vec<(String, Value)>,
    ) -> Result<NodeId> {
        for (_, v) in &props {
            check_property_value(v)?;
        }
        if let Some(ext) = external_id {
            if let Some(other) = self.working.node_by_external_id(ext) {
                return Err(Error::new(
                    ErrorClass::ConstraintVerificationFailed,
                    "DuplicateExternalId",
                    Phase::Runtime,
                    format!("external id {ext:?} already belongs to node {other}"),
                ));
            }
        }
        let props: Vec<(String, Value)> = props.into_iter().filter(|(_, v)| !v.is_null()).collect();
        let s = self.snap();
        let id = s.node_capacity;
        s.node_capacity += 1;
        s.live_nodes += 1;
        let mut set: Vec<LabelId> = labels.iter().map(|l| s.catalog.labels.intern(l)).collect();
        set.sort_unstable();
        set.dedup();
        s.delta.node_labels.insert(id, set);
        for (k, v) in &props {
            let key = s.catalog.keys.intern(k);
            Delta::set_prop(&mut s.delta.node_props, key, id, v.clone());
        }
        if let Some(ext) = external_id {
            let ext: Arc<str> = Arc::from(ext);
            s.delta.external.insert(ext.clone(), id);
            s.delta.external_of.insert(id, ext);
        }
        s.delta.changes += 1 + props.len() as u64;
        self.changes.push(Change::CreateNode {
            id,
            labels: labels.to_vec(),
            properties: props,
            external_id: external_id.map(str::to_string),
        });
        Ok(id)
    }

    /// Creates a relationship `src -[rel_type]-> dst`; both nodes must exist.
    pub fn create_relationship(
        &mut self,
        src: NodeId,
        dst: NodeId,
        rel_type: &str,
        props: Vec<(String, Value)>,
    ) -> Result<RelId> {
        self.require_node(src)?;
        self.require_node(dst)?;
        for (_, v) in &props {
            check_property_value(v)?;
        }
        let props: Vec<(String, Value)> = props.into_iter().filter(|(_, v)| !v.is_null()).collect();
        let s = self.snap();
        let id = s.rel_capacity;
        s.rel_capacity += 1;
        s.live_rels += 1;
        let t = s.catalog.types.intern(rel_type);
        s.delta.rels.push_back((src, dst, t));
        s.delta.adjacency.entry(src).or_default().push_back(AdjEntry {
            rel: id,
            other: dst,
            rel_type: t,
            outgoing: true,
        });
        s.delta.adjacency.entry(dst).or_default().push_back(AdjEntry {
            rel: id,
            other: src,
            rel_type: t,
            outgoing: false,
        });
        for (k, v) in &props {
            let key = s.catalog.keys.intern(k);
            Delta::set_prop(&mut s.delta.rel_props, key, id, v.clone());
        }
        s.delta.changes += 1 + props.len() as u64;
        self.changes.push(Change::CreateRel { id, src, dst, rel_type: rel_type.to_string(), properties: props });
        Ok(id)
    }

    /// Sets property `key` of node `id`; Null removes it.
    pub fn set_node_property(&mut self, id: NodeId, key: &str, value: Value) -> Result<()> {
        self.require_node(id)?;
        check_property_value(&value)?;
        let s = self.snap();
        let k = s.catalog.keys.intern(key);
        Delta::set_prop(&mut s.delta.node_props, k, id, value.clone());
        s.delta.changes += 1;
        self.changes.push(Change::SetNodeProperty { id, key: key.to_string(), value });
        Ok(())
    }

    /// Sets property `key` of relationship `id`; Null removes it.
    pub fn set_rel_property(&mut self, id: RelId, key: &str, value: Value) -> Result<()> {
        if !self.working.rel_exists(id) {
            return Err(rel_not_found(id));
        }
        check_property_value(&value)?;
        let s = self.snap();
        let k = s.catalog.keys.intern(key);
        Delta::set_prop(&mut s.delta.rel_props, k, id, value.clone());
        s.delta.changes += 1;
        self.changes.push(Change::SetRelProperty { id, key: key.to_string(), value });
        Ok(())
    }

    /// Adds `label` to node `id`; false when it already had it.
    pub fn add_label(&mut self, id: NodeId, label: &str) -> Result<bool> {
        self.require_node(id)?;
        let mut set = self.working.node_labels(id);
        let s = self.snap();
        let l = s.catalog.labels.intern(label);
        let Err(pos) = set.binary_search(&l) else {
            return Ok(false);
        };
        set.insert(pos, l);
        s.delta.node_labels.insert(id, set);
        s.delta.changes += 1;
        self.changes.push(Change::AddLabel { id, label: label.to_string() });
        Ok(true)
    }

    /// Removes `label` from node `id`; false when it did not have it.
    pub fn remove_label(&mut self, id: NodeId, label: &str) -> Result<bool> {
        self.require_node(id)?;
        let Some(l) = self.working.label_id(label) else {
            return Ok(false);
        };
        let mut set = self.working.node_labels(id);
        let Ok(pos) = set.binary_search(&l) else {
            return Ok(false);
        };
        set.remove(pos);
        let s = self.snap();
        s.delta.node_labels.insert(id, set);
        s.delta.changes += 1;
        self.changes.push(Change::RemoveLabel { id, label: label.to_string() });
        Ok(true)
    }

    /// Deletes node `id`. With `detach` its relationships go too; without, a
    /// node that still has relationships is an error. Deleting a missing node is a no-op.
    pub fn delete_node(&mut self, id: NodeId, detach: bool) -> Result<()> {
        if !self.working.node_exists(id) {
            return Ok(());
        }
        let mut rels = Vec::new();
        self.working.expand(id, Direction::Both, &[], &mut rels);
        if !rels.is_empty() && !detach {
            return Err(Error::new(
                ErrorClass::ConstraintVerificationFailed,
                "DeleteConnectedNode",
                Phase::Runtime,
                format!("cannot delete node {id}: it still has {} relationship(s); use DETACH DELETE", rels.len()),
            ));
        }
        for (r, _) in rels {
            self.delete_relationship(r)?;
        }
        let s = self.snap();
        s.delta.deleted_nodes.insert(id);
        // An empty label set keeps label scans from seeing the node.
        s.delta.node_labels.insert(id, Vec::new());
        s.live_nodes -= 1;
        s.delta.changes += 1;
        self.changes.push(Change::DeleteNode { id });
        Ok(())
    }

    /// Deletes relationship `id`; a missing relationship is a no-op.
    pub fn delete_relationship(&mut self, id: RelId) -> Result<()> {
        if !self.working.rel_exists(id) {
            return Ok(());
        }
        let s = self.snap();
        s.delta.deleted_rels.insert(id);
        s.live_rels -= 1;
        s.delta.changes += 1;
        self.changes.push(Change::DeleteRel { id });
        Ok(())
    }

    /// Replays one logged change (ids must match those this store would hand out).
    pub fn apply_change(&mut self, change: &Change) -> Result<()> {
        let mismatch = |what: &str, want: u64, got: u64| {
            Error::new(
                ErrorClass::TransactionError,
                "ReplayIdMismatch",
                Phase::Runtime,
                format!("replayed {what} id {want} but the store would assign {got}"),
            )
        };
        match change {
            Change::CreateNode { id, labels, properties, external_id } => {
                let next = self.working.node_capacity();
                if *id != next {
                    return Err(mismatch("node", *id, next));
                }
                self.create_node_with_external_id(external_id.as_deref(), labels, properties.clone())?;
            }
            Change::CreateRel { id, src, dst, rel_type, properties } => {
                let next = self.working.rel_capacity();
                if *id != next {
                    return Err(mismatch("relationship", *id, next));
                }
                self.create_relationship(*src, *dst, rel_type, properties.clone())?;
            }
            Change::SetNodeProperty { id, key, value } => self.set_node_property(*id, key, value.clone())?,
            Change::SetRelProperty { id, key, value } => self.set_rel_property(*id, key, value.clone())?,
            Change::AddLabel { id, label } => {
                self.add_label(*id, label)?;
            }
            Change::RemoveLabel { id, label } => {
                self.remove_label(*id, label)?;
            }
            Change::DeleteNode { id } => self.delete_node(*id, false)?,
            Change::DeleteRel { id } => self.delete_relationship(*id)?,
        }
        Ok(())
    }

    /// Publishes the writes as the next version and returns its sequence
    /// number. A transaction that wrote nothing publishes nothing and returns
    /// the current sequence number.
    pub fn commit(mut self) -> Result<u64> {
        let working = std::mem::take(&mut self.working);
        let changes = std::mem::take(&mut self.changes);
        let graph = self.graph.clone();
        let (seq, epoch) = graph.publish(working, &changes)?;
        // Release the writer lock before waiting for durability, so the next
        // writer's commit can join the same fsync.
        drop(self);
        graph.await_visible(seq, epoch)
    }

    /// Discards the writes.
    pub fn rollback(self) {}
}

impl Drop for WriteTxn {
    fn drop(&mut self) {
        self.graph.release_writer();
    }
}

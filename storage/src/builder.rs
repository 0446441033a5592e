//! Bulk construction of a base without transactions: nodes and edge lists go
//! straight into columns, label bitmaps and counting-sorted CSRs. Used by the
//! bulk loader and by benchmarks.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use roaring::RoaringTreemap;

use crate::catalog::Catalog;
use crate::error::{Error, ErrorClass, Phase, Result};
use crate::graph::{Graph, GraphConfig};
use crate::node_store::NodeStore;
use crate::property_column::PropertyColumn;
use crate::rel_store::RelStore;
use crate::snapshot::{Base, Snapshot};
use crate::value::{NodeId, RelId, Value};
use crate::write_txn::check_property_value;

/// Builds a graph's base directly; `finish()` turns it into a `Graph` at sequence 0.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    catalog: Catalog,
    config: GraphConfig,
    nodes: u64,
    labels: Vec<RoaringTreemap>,
    node_props: Vec<Vec<(u64, Value)>>,
    external: HashMap<Arc<str>, NodeId>,
    external_of: HashMap<NodeId, Arc<str>>,
    src: Vec<NodeId>,
    dst: Vec<NodeId>,
    types: Vec<u32>,
    rel_props: Vec<Vec<(u64, Value)>>,
}

impl GraphBuilder {
    /// An empty builder with the default config.
    pub fn new() -> GraphBuilder {
        GraphBuilder::default()
    }

    /// Uses `config` for the built graph.
    pub fn with_config(mut self, config: GraphConfig) -> GraphBuilder {
        self.config = config;
        self
    }

    /// Nodes added so far.
    pub fn node_count(&self) -> u64 {
        self.nodes
    }

    /// Relationships added so far.
    pub fn rel_count(&self) -> u64 {
        self.src.len() as u64
    }

    fn label_bitmap(&mut self, label: &str) -> &mut RoaringTreemap {
        let l = self.catalog.labels.intern(label) as usize;
        if self.labels.len() <= l {
            self.labels.resize_with(l + 1, RoaringTreemap::new);
        }
        &mut self.labels[l]
    }

    /// Adds `count` nodes with `labels` and no properties; returns their ids.
    pub fn add_nodes<S: AsRef<str>>(&mut self, count: u64, labels: &[S]) -> Range<NodeId> {
        let ids = self.nodes..self.nodes + count;
        for l in labels {
            self.label_bitmap(l.as_ref()).insert_range(ids.clone());
        }
        self.nodes += count;
        ids
    }

    /// Adds one node.
    pub fn add_node<S: AsRef<str>>(
        &mut self,
        labels: &[S],
        props: Vec<(String, Value)>,
    ) -> Result<NodeId> {
        for (_, v) in &props {
            check_property_value(v)?;
        }
        let id = self.add_nodes(1, labels).start;
        for (k, v) in props {
            self.push_node_prop(id, &k, v);
        }
        Ok(id)
    }

    /// Adds one node that answers to `external_id`, which must be new.
    pub fn add_node_with_external_id<S: AsRef<str>>(
        &mut self,
        external_id: &str,
        labels: &[S],
        props: Vec<(String, Value)>,
    ) -> Result<NodeId> {
        if self.external.contains_key(external_id) {
            return Err(Error::new(
                ErrorClass::ConstraintVerificationFailed,
                "DuplicateExternalId",
                Phase::Runtime,
                format!("duplicate external id {external_id:?}"),
            ));
        }
        let id = self.add_node(labels, props)?;
        let ext: Arc<str> = Arc::from(external_id);
        self.external.insert(ext.clone(), id);
        self.external_of.insert(id, ext);
        Ok(id)
    }

    /// Node id of an external id added so far.
    pub fn node_by_external_id(&self, external_id: &str) -> Option<NodeId> {
        self.external.get(external_id).copied()
    }

    fn push_node_prop(&mut self, id: NodeId, key: &str, value: Value) {
        let k = self.catalog.keys.intern(key) as usize;
        if self.node_props.len() <= k {
            self.node_props.resize_with(k + 1, Vec::new);
        }
        self.node_props[k].push((id, value));
    }

    /// Sets a property of an added node (the last value set wins).
    pub fn set_node_property(&mut self, id: NodeId, key: &str, value: Value) -> Result<()> {
        if id >= self.nodes {
            return Err(Error::new(
                ErrorClass::EntityNotFound,
                "NodeNotFound",
                Phase::Runtime,
                format!("node {id}"),
            ));
        }
        check_property_value(&value)?;
        self.push_node_prop(id, key, value);
        Ok(())
    }

    /// Adds a label to an added node.
    pub fn add_label(&mut self, id: NodeId, label: &str) -> Result<()> {
        if id >= self.nodes {
            return Err(Error::new(
                ErrorClass::EntityNotFound,
                "NodeNotFound",
                Phase::Runtime,
                format!("node {id}"),
            ));
        }
        self.label_bitmap(label).insert(id);
        Ok(())
    }

    fn check_endpoint(&self, id: NodeId) -> Result<()> {
        if id < self.nodes {
            Ok(())
        } else {
            Err(Error::new(
                ErrorClass::EntityNotFound,
                "NodeNotFound",
                Phase::Runtime,
                format!("node {id}"),
            ))
        }
    }

    /// Adds one relationship.
    pub fn add_relationship(
        &mut self,
        src: NodeId,
        dst: NodeId,
        rel_type: &str,
        props: Vec<(String, Value)>,
    ) -> Result<RelId> {
        self.check_endpoint(src)?;
        self.check_endpoint(dst)?;
        for (_, v) in &props {
            check_property_value(v)?;
        }
        let id = self.rel_count();
        let t = self.catalog.types.intern(rel_type);
        self.src.push(src);
        self.dst.push(dst);
        self.types.push(t);
        for (k, v) in props {
            self.push_rel_prop(id, &k, v);
        }
        Ok(id)
    }

    /// Adds many relationships of one type; returns their (contiguous) ids.
    pub fn add_relationships(
        &mut self,
        rel_type: &str,
        edges: &[(NodeId, NodeId)],
    ) -> Result<Range<RelId>> {
        if let Some(&(s, d)) = edges
            .iter()
            .find(|(s, d)| *s >= self.nodes || *d >= self.nodes)
        {
            self.check_endpoint(s)?;
            self.check_endpoint(d)?;
        }
        let start = self.rel_count();
        let t = self.catalog.types.intern(rel_type);
        self.src.extend(edges.iter().map(|e| e.0));
        self.dst.extend(edges.iter().map(|e| e.1));
        self.types.resize(self.types.len() + edges.len(), t);
        Ok(start..self.rel_count())
    }

    fn push_rel_prop(&mut self, id: RelId, key: &str, value: Value) {
        let k = self.catalog.keys.intern(key) as usize;
        if self.rel_props.len() <= k {
            self.rel_props.resize_with(k + 1, Vec::new);
        }
        self.rel_props[k].push((id, value));
    }

    /// Sets a property of an added relationship.
    pub fn set_rel_property(&mut self, id: RelId, key: &str, value: Value) -> Result<()> {
        if id >= self.rel_count() {
            return Err(Error::new(
                ErrorClass::EntityNotFound,
                "RelationshipNotFound",
                Phase::Runtime,
                format!("relationship {id}"),
            ));
        }
        check_property_value(&value)?;
        self.push_rel_prop(id, key, value);
        Ok(())
    }

    /// Builds columns and CSRs (in parallel) and returns the graph.
    pub fn finish(self) -> Graph {
        let nkeys = self.catalog.keys.len();
        let ntypes = self.catalog.types.len();
        let build_cols = |mut props: Vec<Vec<(u64, Value)>>| -> Vec<Arc<PropertyColumn>> {
            props.resize_with(nkeys, Vec::new);
            props
                .into_par_iter()
                .map(|cells| Arc::new(PropertyColumn::from_sparse(cells)))
                .collect()
        };
        let nodes = NodeStore {
            capacity: self.nodes,
            deleted: RoaringTreemap::new(),
            labels: self.labels.into_iter().map(Arc::new).collect(),
            properties: build_cols(self.node_props),
            external: Arc::new(self.external),
            external_of: Arc::new(self.external_of),
        };
        let mut rels = RelStore {
            capacity: self.src.len() as u64,
            src: Arc::new(self.src),
            dst: Arc::new(self.dst),
            types: Arc::new(self.types),
            properties: build_cols(self.rel_props),
            ..RelStore::default()
        };
        rels.build_csrs(ntypes, None);
        let mut nodes = nodes;
        nodes
            .labels
            .resize(self.catalog.labels.len(), Arc::default());
        Graph::from_snapshot(
            Snapshot::from_base(0, self.catalog, Base { nodes, rels }),
            self.config,
        )
    }
}

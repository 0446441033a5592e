//! Bulk construction of a base without transactions: nodes and edge lists go
//! straight into columns, label bitmaps and counting-sorted CSRs. Used by the
//! bulk loader and by benchmarks.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

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
    pub fn add_node<S: AsRef<str>>(&mut self, labels: &[S], props: Vec<(String, Value)>) -> Result<NodeId> {
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
            return Err(Error::new(ErrorClass::EntityNotFound, "NodeNotFound", Phase::Runtime, format!("node {id}")));
        }
        check_property_value(&value)?;
        self.push_node_prop(id, key, value);
        Ok(())
    }

    /// Adds a label to an added node.
    pub fn add_label(&mut self, id: NodeId, label: &str) -> Result<()> {
        if id >= self.nodes {
            return Err(Error::new(ErrorClass::EntityNotFound, "NodeNotFound", Phase::Runtime, format!("node {id}")));
        }
        self.label_bitmap(label).insert(id);
        Ok(())
    }

    fn check_endpoint(&self, id: NodeId) -> Result<()> {
        if id < self.nodes {
            Ok(())
        } else {
            Err(Error::new(ErrorClass::EntityNotFound, "NodeNotFound", Phase::Runtime, format!("node {id}")))
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
    pub fn add_relationships(&mut self, rel_type: &str, edges: &[(NodeId, NodeId)]) -> Result<Range<RelId>> {
        if let Some(&(s, d)) = edges.iter().find(|(s, d)| *s >= self.nodes || *d >= self.nodes) {
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
            props.into_par_iter().map(|cells| Arc::new(PropertyColumn::from_sparse(cells))).collect()
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
        nodes.labels.resize(self.catalog.labels.len(), Arc::default());
        Graph::from_snapshot(
            Snapshot::from_base(0, self.catalog, Base { nodes, rels, type_degrees: OnceLock::new() }),
            self.config,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::property_column::PropertyArray;
    use crate::snapshot::Direction;
    use arrow_schema::DataType;

    #[test]
    fn built_graph_reads() {
        let mut b = GraphBuilder::new();
        let people = b.add_nodes(3000, &["Person"]);
        let city = b.add_node_with_external_id("c1", &["City"], vec![("name".into(), "Oslo".into())]).unwrap();
        assert!(b.add_node_with_external_id("c1", &["City"], vec![]).is_err());
        for id in people.clone() {
            b.set_node_property(id, "age", Value::Integer(id as i64 % 90)).unwrap();
        }
        b.add_label(0, "Admin").unwrap();
        let knows: Vec<(u64, u64)> = people.clone().map(|i| (i, (i + 1) % 3000)).collect();
        let rels = b.add_relationships("KNOWS", &knows).unwrap();
        let lives = b.add_relationship(5, city, "LIVES_IN", vec![("since".into(), 2020.into())]).unwrap();
        let self_loop = b.add_relationship(7, 7, "KNOWS", vec![]).unwrap();
        assert!(b.add_relationship(5, 99_999, "X", vec![]).is_err());
        assert!(b.add_relationships("X", &[(0, 99_999)]).is_err());
        assert!(b.set_node_property(0, "bad", Value::Map(Default::default())).is_err());
        let g = b.finish();
        let s = g.snapshot();
        assert_eq!((s.seq(), s.node_count(), s.rel_count()), (0, 3001, 3002));
        let person = s.label_id("Person").unwrap();
        let mut out = Vec::new();
        s.scan_nodes(2040..2060, Some(person), &mut out);
        assert_eq!(out, (2040..2060).collect::<Vec<_>>());
        out.clear();
        s.scan_nodes(2990..4000, Some(s.label_id("City").unwrap()), &mut out);
        assert_eq!(out, vec![city]);
        assert_eq!(s.node_labels(0).len(), 2);
        assert_eq!(s.node_by_external_id("c1"), Some(city));
        assert_eq!(s.external_id(city), Some("c1"));
        assert_eq!(s.external_id(0), None);
        let age = s.key_id("age").unwrap();
        let ids: Vec<u64> = (0..3001).step_by(7).collect();
        match s.node_property_column(&ids, age) {
            PropertyArray::Typed(a) => {
                assert_eq!((a.data_type(), a.len(), a.null_count()), (&DataType::Int64, ids.len(), 0))
            }
            other => panic!("expected typed, got {other:?}"),
        }
        assert_eq!(s.node_property(100, age), Value::Integer(10));
        let knows_t = s.type_id("KNOWS").unwrap();
        let mut adj = Vec::new();
        s.expand(5, Direction::Outgoing, &[knows_t], &mut adj);
        assert_eq!(adj, vec![(rels.start + 5, 6)]);
        adj.clear();
        s.expand(5, Direction::Both, &[], &mut adj);
        adj.sort_unstable();
        assert_eq!(adj, vec![(4, 4), (5, 6), (lives, city)]);
        adj.clear();
        s.expand(7, Direction::Both, &[knows_t], &mut adj);
        adj.sort_unstable();
        assert_eq!(adj, vec![(6, 6), (7, 8), (self_loop, 7)]);
        assert_eq!(s.rel_endpoints(lives), Some((5, city, s.type_id("LIVES_IN").unwrap())));
        assert_eq!(s.rel_endpoints(999_999), None);
        assert_eq!(s.rel_property(lives, s.key_id("since").unwrap()), Value::Integer(2020));
        let st = s.statistics();
        assert_eq!(st.label_counts["Person"], 3000);
        assert_eq!(st.type_counts["KNOWS"], 3001);
        assert_eq!(st.type_stats["LIVES_IN"].distinct_sources, 1);
        assert_eq!(st.type_stats["KNOWS"].distinct_targets, 3000);
        // Writes on top of a built base.
        let mut t = g.begin_write().unwrap();
        t.delete_node(city, true).unwrap();
        t.commit().unwrap();
        let st = g.snapshot().statistics();
        assert_eq!((st.label_counts["City"], st.type_counts["LIVES_IN"]), (0, 0));
    }

    #[test]
    fn node_and_rel_values_materialize() {
        let mut b = GraphBuilder::new();
        let a = b.add_node(&["A"], vec![("x".into(), 1.into())]).unwrap();
        let r = b.add_relationship(a, a, "R", vec![("y".into(), "z".into())]).unwrap();
        let s = b.finish().snapshot();
        match s.node_value(a) {
            Value::Node(n) => assert_eq!((n.labels, n.properties["x"].clone()), (vec!["A".to_string()], 1.into())),
            other => panic!("{other:?}"),
        }
        match s.rel_value(r) {
            Value::Relationship(rel) => {
                assert_eq!((rel.start, rel.end, rel.rel_type.as_str()), (a, a, "R"));
                assert_eq!(rel.properties["y"], Value::from("z"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.node_value(9), Value::Null);
        assert_eq!(s.rel_value(9), Value::Null);
    }
}

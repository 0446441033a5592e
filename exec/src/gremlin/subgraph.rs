//! `SubgraphStrategy`: the traversal sees only the vertices, edges and vertex
//! properties its filter traversals accept. The filters themselves see the whole graph.

use plexus_planner::gremlin::{GArg, GTraversal};
use plexus_storage::{NodeId, RelId, Result, Value};

use super::machine::Machine;
use super::object::GObj;
use super::traverser::Traverser;

#[derive(Debug, Clone, Default)]
pub struct Subgraph {
    pub vertices: Option<GTraversal>,
    pub edges: Option<GTraversal>,
    pub vertex_properties: Option<GTraversal>,
    /// `PartitionStrategy`: the partition key and the partitions this traversal reads.
    pub partition: Option<ReadPartitions>,
    /// Whether an edge also needs both its vertices visible (`checkAdjacentVertices`, default true).
    pub check_adjacent: bool,
}

/// The partition key and the partitions a traversal reads.
pub type ReadPartitions = (String, Vec<Value>);

impl Subgraph {
    pub fn from_config(config: &[(String, GArg)]) -> Subgraph {
        let get = |key: &str| {
            config.iter().find_map(|(k, v)| match v {
                GArg::Traversal(t) if k == key => Some(t.clone()),
                _ => None,
            })
        };
        Subgraph {
            vertices: get("vertices"),
            edges: get("edges"),
            vertex_properties: get("vertexProperties"),
            partition: None,
            check_adjacent: !config
                .iter()
                .any(|(k, v)| k == "checkAdjacentVertices" && matches!(v, GArg::Value(Value::Boolean(false)))),
        }
    }

    /// The read side of a `PartitionStrategy` configuration, and the (key, partition) new elements get.
    pub fn partition(config: &[(String, GArg)]) -> (Option<ReadPartitions>, Option<(String, Value)>) {
        let value = |key: &str| {
            config.iter().find_map(|(k, v)| match v {
                GArg::Value(v) if k == key => Some(v.clone()),
                _ => None,
            })
        };
        let Some(Value::String(key)) = value("partitionKey") else { return (None, None) };
        let read = match value("readPartitions") {
            Some(Value::List(items)) => items,
            Some(v) => vec![v],
            None => Vec::new(),
        };
        let write = value("writePartition").map(|w| (key.clone(), w));
        (Some((key, read)), write)
    }
}

impl Machine<'_> {
    /// Runs a strategy filter over `obj` with the strategy itself switched off.
    fn passes(&mut self, filter: &GTraversal, obj: GObj) -> Result<bool> {
        let saved = self.subgraph.take();
        let result = self.exists(filter, &Traverser::start(obj));
        self.subgraph = saved;
        result
    }

    /// Whether an element lies in one of the partitions read.
    fn in_partition(&self, obj: &GObj) -> bool {
        match self.subgraph.as_ref().and_then(|s| s.partition.as_ref()) {
            Some((key, read)) => {
                let v = self.property(obj, key);
                read.contains(&v)
            }
            None => true,
        }
    }

    pub fn keep_vertex(&mut self, v: NodeId) -> Result<bool> {
        if !self.in_partition(&GObj::Vertex(v)) {
            return Ok(false);
        }
        match self.subgraph.as_ref().and_then(|s| s.vertices.clone()) {
            Some(f) => self.passes(&f, GObj::Vertex(v)),
            None => Ok(true),
        }
    }

    /// An edge is visible when it passes the edge filter and both its ends are visible.
    pub fn keep_edge(&mut self, e: RelId) -> Result<bool> {
        if self.subgraph.is_none() {
            return Ok(true);
        }
        if !self.in_partition(&GObj::Edge(e)) {
            return Ok(false);
        }
        if let Some(f) = self.subgraph.as_ref().and_then(|s| s.edges.clone()) {
            if !self.passes(&f, GObj::Edge(e))? {
                return Ok(false);
            }
        }
        let Some((s, d, _)) = self.snapshot().rel_endpoints(e) else { return Ok(false) };
        if !self.subgraph.as_ref().is_some_and(|sg| sg.check_adjacent) {
            return Ok(true);
        }
        Ok(self.keep_vertex(s)? && self.keep_vertex(d)?)
    }

    /// Whether a vertex property is visible.
    pub fn keep_property(&mut self, prop: &GObj) -> Result<bool> {
        match self.subgraph.as_ref().and_then(|s| s.vertex_properties.clone()) {
            Some(f) if matches!(prop, GObj::Prop { owner, .. } if matches!(**owner, GObj::Vertex(_))) => {
                self.passes(&f, prop.clone())
            }
            _ => Ok(true),
        }
    }

    /// Keeps the objects the subgraph shows.
    pub fn visible(&mut self, objs: Vec<GObj>) -> Result<Vec<GObj>> {
        if self.subgraph.is_none() {
            return Ok(objs);
        }
        let mut out = Vec::with_capacity(objs.len());
        for o in objs {
            let keep = match &o {
                GObj::Vertex(v) => self.keep_vertex(*v)?,
                GObj::Edge(e) => self.keep_edge(*e)?,
                GObj::Prop { .. } => self.keep_property(&o)?,
                _ => true,
            };
            if keep {
                out.push(o);
            }
        }
        Ok(out)
    }
}

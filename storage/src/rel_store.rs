//! The base (compacted) relationship store: endpoint and type columns aligned
//! to relationship ids, a CSR per type in each direction and chunked property
//! columns. Immutable once built; the delta layer holds newer writes.

use std::sync::Arc;

use roaring::RoaringTreemap;

use crate::catalog::{KeyId, TypeId};
use crate::csr::Csr;
use crate::property_column::PropertyColumn;
use crate::value::{NodeId, RelId};

/// Compacted relationships: ids `0..capacity` minus the tombstones. The CSRs
/// hold only live relationships.
#[derive(Debug, Clone, Default)]
pub struct RelStore {
    /// One past the highest id ever handed out in the base.
    pub(crate) capacity: u64,
    /// Tombstones.
    pub(crate) deleted: RoaringTreemap,
    /// Start node per relationship id.
    pub(crate) src: Arc<Vec<NodeId>>,
    /// End node per relationship id.
    pub(crate) dst: Arc<Vec<NodeId>>,
    /// Type per relationship id.
    pub(crate) types: Arc<Vec<TypeId>>,
    /// Outgoing adjacency per type (keyed by the start node).
    pub(crate) out: Vec<Arc<Csr>>,
    /// Incoming adjacency per type (keyed by the end node).
    pub(crate) inc: Vec<Arc<Csr>>,
    /// Property columns, indexed by `KeyId`.
    pub(crate) properties: Vec<Arc<PropertyColumn>>,
}

impl RelStore {
    /// True when `id` is a live base relationship.
    pub fn exists(&self, id: RelId) -> bool {
        id < self.capacity && !self.deleted.contains(id)
    }

    /// Start, end and type of base relationship `id` (live or not).
    pub fn endpoints(&self, id: RelId) -> Option<(NodeId, NodeId, TypeId)> {
        let i = usize::try_from(id).ok()?;
        Some((*self.src.get(i)?, *self.dst.get(i)?, *self.types.get(i)?))
    }

    /// Number of live base relationships.
    pub fn live_count(&self) -> u64 {
        self.capacity - self.deleted.len()
    }

    /// The outgoing CSR of `t`.
    pub fn out(&self, t: TypeId) -> Option<&Csr> {
        self.out.get(t as usize).map(|c| &**c)
    }

    /// The incoming CSR of `t`.
    pub fn inc(&self, t: TypeId) -> Option<&Csr> {
        self.inc.get(t as usize).map(|c| &**c)
    }

    /// The column of `key`, if any base relationship has it.
    pub fn column(&self, key: KeyId) -> Option<&PropertyColumn> {
        self.properties.get(key as usize).map(|c| &**c)
    }

    /// Builds both CSRs of every type from the endpoint columns, skipping
    /// tombstones; types run in parallel.
    pub(crate) fn build_csrs(&mut self, type_count: usize, only: Option<&[bool]>) {
        use rayon::prelude::*;
        let rebuild: Vec<bool> = (0..type_count)
            .map(|t| only.is_none_or(|o| o.get(t).copied().unwrap_or(true)) || t >= self.out.len())
            .collect();
        // Partition live rel ids by type once (ascending ids keep CSR order stable).
        let mut by_type: Vec<Vec<RelId>> = vec![Vec::new(); type_count];
        let no_deleted = self.deleted.is_empty();
        for (i, &t) in self.types.iter().enumerate() {
            let t = t as usize;
            if t < type_count && rebuild[t] && (no_deleted || !self.deleted.contains(i as u64)) {
                by_type[t].push(i as RelId);
            }
        }
        let (src, dst) = (&self.src, &self.dst);
        let built: Vec<Option<(Arc<Csr>, Arc<Csr>)>> = by_type
            .into_par_iter()
            .enumerate()
            .map(|(t, rels)| {
                if !rebuild[t] {
                    return None;
                }
                let s: Vec<NodeId> = rels.iter().map(|&r| src[r as usize]).collect();
                let d: Vec<NodeId> = rels.iter().map(|&r| dst[r as usize]).collect();
                let (o, i) = rayon::join(|| Csr::build(&s, &d, &rels), || Csr::build(&d, &s, &rels));
                Some((Arc::new(o), Arc::new(i)))
            })
            .collect();
        self.out.resize(type_count, Arc::default());
        self.inc.resize(type_count, Arc::default());
        for (t, b) in built.into_iter().enumerate() {
            if let Some((o, i)) = b {
                self.out[t] = o;
                self.inc[t] = i;
            }
        }
    }
}

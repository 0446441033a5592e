//! Compaction folds the delta layer into a new base: label bitmaps, property
//! chunks touched by the delta, endpoint columns and the CSRs of the types that
//! changed. Ids are stable; untouched columns and CSRs are shared, not copied.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::catalog::KeyId;
use crate::delta::Overrides;
use crate::node_store::NodeStore;
use crate::property_column::{split, Chunk, PropertyColumn, CHUNK_ROWS};
use crate::rel_store::RelStore;
use crate::snapshot::{Base, Snapshot};
use crate::value::Value;

/// A version equal to `s` (same reads, same sequence number) with an empty delta.
pub(crate) fn compact(s: &Snapshot) -> Snapshot {
    let base = &s.base;
    let delta = &s.delta;

    // Nodes.
    let mut nodes = NodeStore { capacity: s.node_capacity, ..NodeStore::default() };
    nodes.deleted = base.nodes.deleted.clone();
    nodes.deleted.extend(delta.deleted_nodes.iter().copied());
    let nlabels = s.catalog.labels.len();
    nodes.labels = base.nodes.labels.clone();
    nodes.labels.resize(nlabels, Arc::default());
    for (&id, set) in delta.node_labels.iter() {
        for (l, bitmap) in nodes.labels.iter_mut().enumerate() {
            let want = set.binary_search(&(l as u32)).is_ok();
            if want != bitmap.contains(id) {
                let b = Arc::make_mut(bitmap);
                if want {
                    b.insert(id);
                } else {
                    b.remove(id);
                }
            }
        }
    }
    let nkeys = s.catalog.keys.len();
    let deleted_nodes: Vec<u64> = delta.deleted_nodes.iter().copied().collect();
    nodes.properties = fold_columns(&base.nodes.properties, nkeys, &delta.node_props, &deleted_nodes);
    if delta.external.is_empty() && delta.deleted_nodes.is_empty() {
        nodes.external = base.nodes.external.clone();
        nodes.external_of = base.nodes.external_of.clone();
    } else {
        let mut ext: HashMap<Arc<str>, u64> = (*base.nodes.external).clone();
        let mut ext_of: HashMap<u64, Arc<str>> = (*base.nodes.external_of).clone();
        for (name, &id) in delta.external.iter() {
            ext.insert(name.clone(), id);
            ext_of.insert(id, name.clone());
        }
        for id in &deleted_nodes {
            if let Some(name) = ext_of.remove(id) {
                if ext.get(&name) == Some(id) {
                    ext.remove(&name);
                }
            }
        }
        nodes.external = Arc::new(ext);
        nodes.external_of = Arc::new(ext_of);
    }

    // Relationships.
    let ntypes = s.catalog.types.len();
    let mut rels = RelStore { capacity: s.rel_capacity, ..RelStore::default() };
    rels.deleted = base.rels.deleted.clone();
    rels.deleted.extend(delta.deleted_rels.iter().copied());
    let mut touched = vec![false; ntypes];
    if delta.rels.is_empty() {
        rels.src = base.rels.src.clone();
        rels.dst = base.rels.dst.clone();
        rels.types = base.rels.types.clone();
    } else {
        let (mut src, mut dst, mut types) =
            ((*base.rels.src).clone(), (*base.rels.dst).clone(), (*base.rels.types).clone());
        for &(a, b, t) in delta.rels.iter() {
            src.push(a);
            dst.push(b);
            types.push(t);
            touched[t as usize] = true;
        }
        rels.src = Arc::new(src);
        rels.dst = Arc::new(dst);
        rels.types = Arc::new(types);
    }
    for &r in delta.deleted_rels.iter() {
        if let Some(&t) = rels.types.get(r as usize) {
            touched[t as usize] = true;
        }
    }
    rels.out = base.rels.out.clone();
    rels.inc = base.rels.inc.clone();
    rels.build_csrs(ntypes, Some(&touched));
    let deleted_rels: Vec<u64> = delta.deleted_rels.iter().copied().collect();
    rels.properties = fold_columns(&base.rels.properties, nkeys, &delta.rel_props, &deleted_rels);

    Snapshot::from_base(s.seq, s.catalog.clone(), Base { nodes, rels, type_degrees: OnceLock::new() })
}

/// New columns for keys `0..nkeys`: each chunk touched by an override or by a
/// deleted row (whose values are dropped) is rebuilt; the rest are shared.
fn fold_columns(
    base: &[Arc<PropertyColumn>],
    nkeys: usize,
    overrides: &imbl::HashMap<KeyId, Overrides>,
    deleted: &[u64],
) -> Vec<Arc<PropertyColumn>> {
    (0..nkeys)
        .into_par_iter()
        .map(|k| {
            let old = base.get(k).cloned().unwrap_or_default();
            let mut dirty: BTreeMap<usize, Vec<(usize, Value)>> = BTreeMap::new();
            if let Some(map) = overrides.get(&(k as KeyId)) {
                for (&row, v) in map.iter() {
                    let (c, i) = split(row);
                    dirty.entry(c).or_default().push((i, v.clone()));
                }
            }
            for &row in deleted {
                if old.is_set(row) || dirty.contains_key(&split(row).0) {
                    let (c, i) = split(row);
                    dirty.entry(c).or_default().push((i, Value::Null));
                }
            }
            if dirty.is_empty() {
                return old;
            }
            let mut col = (*old).clone();
            for (c, cells) in dirty {
                // Deletions were pushed after overrides, so they win.
                let mut values = col.chunk(c).map_or_else(|| vec![Value::Null; CHUNK_ROWS], Chunk::to_values);
                for (i, v) in cells {
                    values[i] = v;
                }
                col.set_chunk(c, Chunk::from_values(values));
            }
            Arc::new(col)
        })
        .collect()
}

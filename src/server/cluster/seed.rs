//! Seeding a new cluster from a data directory: a `plexus restore` of a
//! snapshot, a single server's directory, or a member's directory of another
//! cluster after `POST /cluster/snapshot`. The seed's graph becomes the new
//! cluster's first commit, made on its leader and replicated like any other,
//! so every member (replicas added later too) holds the same state. Node and
//! relationship ids are kept: a hole (a deleted id) is re-created and
//! deleted in the same commit. The commit holds the whole graph, so a seed
//! must fit in memory a few times over.

use std::path::Path;

use plexus_storage::durable::recovery::recover;
use plexus_storage::durable::replay::TornTail;
use plexus_storage::{Error, ErrorClass, Graph, GraphConfig, Phase, Result, Snapshot, Value, WriteTxn};

/// The graph of the data directory `dir` (read, never changed).
pub fn read(dir: &Path) -> Result<Graph> {
    if !dir.join("checkpoints").is_dir() && !dir.join("wal").is_dir() {
        return Err(seed_error(format!("{} is not a Plexus data directory", dir.display())));
    }
    let (graph, _) = recover(dir, GraphConfig::default(), TornTail::Ignore)?;
    if graph.seq() == 0 {
        return Err(seed_error(format!("{} holds no commit to seed a cluster with", dir.display())));
    }
    Ok(graph)
}

fn seed_error(message: String) -> Error {
    Error::new(ErrorClass::TransactionError, "InvalidSeed", Phase::Runtime, message)
}

/// Writes everything in `source` into `graph`, which must be empty, as one
/// commit with the same ids; returns the commit's sequence number.
pub fn copy(source: &Snapshot, graph: &Graph) -> Result<u64> {
    if graph.seq() != 0 || graph.snapshot().node_capacity() != 0 {
        return Err(seed_error("the cluster already holds data: a seed goes only into a new cluster".into()));
    }
    let mut txn = graph.begin_write()?;
    let mut holes = Vec::new();
    for id in 0..source.node_capacity() {
        if !source.node_exists(id) {
            holes.push(txn.create_node(&[], Vec::new())?);
            continue;
        }
        let labels: Vec<String> =
            source.node_labels(id).into_iter().map(|l| source.label_name(l).to_string()).collect();
        let props = named(source, source.node_properties(id));
        let created = txn.create_node_with_external_id(source.external_id(id), &labels, props)?;
        debug_assert_eq!(created, id);
    }
    let rel_holes = copy_relationships(source, &mut txn, &holes)?;
    for rel in rel_holes.rels {
        txn.delete_relationship(rel)?;
    }
    for node in holes.into_iter().chain(rel_holes.extra_node) {
        txn.delete_node(node, false)?;
    }
    txn.commit()
}

/// Relationship ids that stand for holes, and the node made to hang them on
/// when the source has no node to spare.
struct RelHoles {
    rels: Vec<u64>,
    extra_node: Option<u64>,
}

fn copy_relationships(source: &Snapshot, txn: &mut WriteTxn, node_holes: &[u64]) -> Result<RelHoles> {
    let mut holes = RelHoles { rels: Vec::new(), extra_node: None };
    // A type the graph has anyway, so that holes add no name to the catalog.
    let filler_type = source.types().into_iter().next().unwrap_or_else(|| "_hole".to_string());
    for id in 0..source.rel_capacity() {
        let Some((src, dst, rel_type)) = source.rel_endpoints(id).filter(|_| source.rel_exists(id)) else {
            let anchor = match node_holes.first().copied().or(holes.extra_node) {
                Some(n) => n,
                None => {
                    let n = txn.create_node(&[], Vec::new())?;
                    holes.extra_node = Some(n);
                    n
                }
            };
            holes.rels.push(txn.create_relationship(anchor, anchor, &filler_type, Vec::new())?);
            continue;
        };
        let props = named(source, source.rel_properties(id));
        txn.create_relationship(src, dst, source.type_name(rel_type), props)?;
    }
    Ok(holes)
}

fn named(source: &Snapshot, props: Vec<(plexus_storage::KeyId, Value)>) -> Vec<(String, Value)> {
    props.into_iter().map(|(k, v)| (source.key_name(k).to_string(), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(graph: &Graph) -> Vec<Vec<Value>> {
        let db = crate::Database::from_graph(graph.clone());
        let query = "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) \
                     RETURN id(n), labels(n), properties(n), id(r), type(r), properties(r), id(m) ORDER BY id(n), id(r)";
        db.execute(query, &Default::default()).and_then(|r| r.collect_rows()).expect("rows")
    }

    #[test]
    fn a_copy_keeps_ids_across_deleted_nodes_and_relationships() {
        let source = Graph::new();
        let db = crate::Database::from_graph(source.clone());
        for q in [
            "CREATE (:Gone)",
            "CREATE (a:A {n: 1})-[:Gone]->(b:B), (a)-[:R {w: 2}]->(b)",
            "MATCH ()-[r:Gone]->() DELETE r",
            "MATCH (g:Gone) DELETE g",
            "CREATE (:C)-[:S]->(:C)",
        ] {
            db.execute(q, &Default::default()).and_then(|r| r.collect_rows()).expect(q);
        }
        let target = Graph::new();
        assert_eq!(copy(&source.snapshot(), &target).ok(), Some(1));
        assert_eq!(rows(&target), rows(&source));
        assert_eq!(target.snapshot().types(), source.snapshot().types());
        assert!(copy(&source.snapshot(), &target).is_err(), "a second seed is refused");
    }
}

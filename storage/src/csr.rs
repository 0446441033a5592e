//! Compressed sparse rows: for one relationship type and one direction, the
//! neighbours and relationship ids of every node, contiguous per node.

use crate::value::{NodeId, RelId};

/// Adjacency of one relationship type in one direction.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    /// `offsets[n]..offsets[n + 1]` indexes node `n`'s entries; nodes past the
    /// end have none (so the CSR need not grow when nodes are added).
    offsets: Vec<u64>,
    neighbours: Vec<NodeId>,
    rels: Vec<RelId>,
}

impl Csr {
    /// Builds by counting sort: entry `i` is relationship `rels[i]` from
    /// `keys[i]` to `others[i]`. Entries of a node keep their input order.
    pub fn build(keys: &[NodeId], others: &[NodeId], rels: &[RelId]) -> Csr {
        let n = keys.len().min(others.len()).min(rels.len());
        let Some(max) = keys[..n].iter().max() else {
            return Csr::default();
        };
        let nodes = *max as usize + 1;
        let mut offsets = vec![0u64; nodes + 1];
        for &k in &keys[..n] {
            offsets[k as usize + 1] += 1;
        }
        for i in 0..nodes {
            offsets[i + 1] += offsets[i];
        }
        let mut cursor: Vec<u64> = offsets[..nodes].to_vec();
        let mut neighbours = vec![0; n];
        let mut rel_ids = vec![0; n];
        for i in 0..n {
            let slot = &mut cursor[keys[i] as usize];
            neighbours[*slot as usize] = others[i];
            rel_ids[*slot as usize] = rels[i];
            *slot += 1;
        }
        Csr { offsets, neighbours, rels: rel_ids }
    }

    fn span(&self, node: NodeId) -> (usize, usize) {
        let n = node as usize;
        if node >= usize::MAX as u64 || n + 1 >= self.offsets.len() {
            return (0, 0);
        }
        (self.offsets[n] as usize, self.offsets[n + 1] as usize)
    }

    /// Neighbours of `node` and the relationships leading to them.
    pub fn entries(&self, node: NodeId) -> (&[NodeId], &[RelId]) {
        let (a, b) = self.span(node);
        (&self.neighbours[a..b], &self.rels[a..b])
    }

    /// Number of entries of `node`.
    pub fn degree(&self, node: NodeId) -> usize {
        let (a, b) = self.span(node);
        b - a
    }

    /// Total number of entries.
    pub fn len(&self) -> usize {
        self.rels.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.rels.is_empty()
    }

    /// Number of nodes with at least one entry.
    pub fn distinct_nodes(&self) -> u64 {
        self.offsets.windows(2).filter(|w| w[1] > w[0]).count() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_sort_groups_by_node_in_input_order() {
        let csr = Csr::build(&[2, 0, 2, 5], &[1, 3, 4, 5], &[10, 11, 12, 13]);
        assert_eq!(csr.entries(2), (&[1u64, 4][..], &[10u64, 12][..]));
        assert_eq!(csr.entries(0), (&[3u64][..], &[11u64][..]));
        assert_eq!(csr.degree(1), 0);
        assert_eq!(csr.degree(5), 1);
        assert_eq!(csr.degree(6), 0);
        assert_eq!(csr.degree(u64::MAX), 0);
        assert_eq!(csr.distinct_nodes(), 3);
        assert_eq!(csr.len(), 4);
        assert!(Csr::build(&[], &[], &[]).is_empty());
    }
}

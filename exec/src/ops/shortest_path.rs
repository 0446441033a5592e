//! `shortestPath` / `allShortestPaths` between two bound nodes. From each
//! start, a breadth-first search records every way each node was first
//! reached; the shortest paths to the target are read back from those
//! predecessors. A lower bound above one hop, or a path from a node back to
//! itself, is searched by iterative deepening over trails instead.

use std::collections::HashMap;

use arrow_array::{Array, UInt32Array};
use plexus_planner::Direction;
use plexus_storage::{NodeId, RelId, Result, Snapshot, TypeId, Value};

use super::expand::{node_ids, resolve_types, store_direction};
use super::Operator;
use crate::batch::{Batch, Column};
use crate::context::ExecContext;

pub struct ShortestPathSpec {
    pub from: String,
    pub rel: String,
    pub to: String,
    pub types: Vec<String>,
    pub direction: Direction,
    pub min: u64,
    pub max: Option<u64>,
    pub all: bool,
}

pub struct ShortestPathOp {
    input: Box<dyn Operator>,
    spec: ShortestPathSpec,
}

impl ShortestPathOp {
    pub fn new(input: Box<dyn Operator>, spec: ShortestPathSpec) -> Self {
        ShortestPathOp { input, spec }
    }
}

struct Search<'a> {
    snapshot: &'a Snapshot,
    types: &'a [TypeId],
    direction: plexus_storage::Direction,
    min: u64,
    max: u64,
    all: bool,
}

impl Search<'_> {
    fn neighbours(&self, node: NodeId) -> Vec<(RelId, NodeId)> {
        let mut out = Vec::new();
        self.snapshot.expand(node, self.direction, self.types, &mut out);
        out
    }

    /// The shortest paths (as relationship lists) from `from` to `to`.
    fn paths(&self, from: NodeId, to: NodeId) -> Vec<Vec<RelId>> {
        if self.min == 0 && from == to {
            return vec![Vec::new()];
        }
        if self.min > 1 || from == to {
            return self.deepening(from, to);
        }
        self.breadth_first(from, to)
    }

    fn breadth_first(&self, from: NodeId, to: NodeId) -> Vec<Vec<RelId>> {
        let mut depth: HashMap<NodeId, u64> = HashMap::from([(from, 0)]);
        let mut preds: HashMap<NodeId, Vec<(RelId, NodeId)>> = HashMap::new();
        let mut frontier = vec![from];
        let mut level = 0;
        while !frontier.is_empty() && level < self.max && !depth.contains_key(&to) {
            level += 1;
            let mut next = Vec::new();
            for &node in &frontier {
                for (rel, nbr) in self.neighbours(node) {
                    match depth.get(&nbr) {
                        None => {
                            depth.insert(nbr, level);
                            preds.entry(nbr).or_default().push((rel, node));
                            next.push(nbr);
                        }
                        // Another way to reach a node of this level: keep it for allShortestPaths.
                        Some(&d) if d == level => preds.entry(nbr).or_default().push((rel, node)),
                        Some(_) => {}
                    }
                }
            }
            frontier = next;
        }
        if !depth.contains_key(&to) {
            return Vec::new();
        }
        let mut out = Vec::new();
        self.unwind(to, from, &preds, &mut Vec::new(), &mut out);
        out
    }

    /// Walk predecessors back from `node` to `from`, emitting paths in forward order.
    fn unwind(
        &self,
        node: NodeId,
        from: NodeId,
        preds: &HashMap<NodeId, Vec<(RelId, NodeId)>>,
        suffix: &mut Vec<RelId>,
        out: &mut Vec<Vec<RelId>>,
    ) {
        if node == from {
            out.push(suffix.iter().rev().copied().collect());
            return;
        }
        for &(rel, prev) in preds.get(&node).map(Vec::as_slice).unwrap_or(&[]) {
            if !self.all && !out.is_empty() {
                return;
            }
            suffix.push(rel);
            self.unwind(prev, from, preds, suffix, out);
            suffix.pop();
        }
    }

    /// Trails of exactly `len` hops for `len = min, min + 1, ...` until some reach `to`.
    fn deepening(&self, from: NodeId, to: NodeId) -> Vec<Vec<RelId>> {
        let mut len = self.min.max(1);
        while len <= self.max {
            let mut out = Vec::new();
            self.trails(from, to, len, &mut Vec::new(), &mut out);
            if !out.is_empty() {
                if !self.all {
                    out.truncate(1);
                }
                return out;
            }
            len += 1;
            // Past the number of relationships there is no longer trail to find.
            if len > self.snapshot.rel_count().max(1) {
                break;
            }
        }
        Vec::new()
    }

    fn trails(&self, node: NodeId, to: NodeId, left: u64, path: &mut Vec<RelId>, out: &mut Vec<Vec<RelId>>) {
        if left == 0 {
            if node == to {
                out.push(path.clone());
            }
            return;
        }
        for (rel, nbr) in self.neighbours(node) {
            if path.contains(&rel) {
                continue;
            }
            path.push(rel);
            self.trails(nbr, to, left - 1, path, out);
            path.pop();
        }
    }
}

impl Operator for ShortestPathOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        let snapshot = ctx.snapshot();
        let from = node_ids(&batch, &self.spec.from)?;
        let to = node_ids(&batch, &self.spec.to)?;
        let mut rows = Vec::new();
        let mut lists = Vec::new();
        if let Some(types) = resolve_types(&snapshot, &self.spec.types) {
            let search = Search {
                snapshot: &snapshot,
                types: &types,
                direction: store_direction(self.spec.direction),
                min: self.spec.min,
                max: self.spec.max.unwrap_or(u64::MAX),
                all: self.spec.all,
            };
            for i in 0..batch.len {
                if from.is_null(i) || to.is_null(i) {
                    continue;
                }
                ctx.guard().check()?;
                for path in search.paths(from.value(i), to.value(i)) {
                    rows.push(i as u32);
                    lists.push(Value::List(path.into_iter().map(|r| snapshot.rel_value(r)).collect()));
                }
            }
        }
        let out = batch.take(&UInt32Array::from(rows))?;
        Ok(Some(out.with_column(&self.spec.rel, Column::values(lists))))
    }
}

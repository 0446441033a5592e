//! Variable-length expansion `*min..max`: a depth-first walk per input row
//! that never reuses a relationship within one path (Cypher's trail
//! semantics). The relationship variable is bound to the list of hops.

use std::cell::Cell;

use arrow_array::{Array, UInt32Array, UInt64Array};
use plexus_planner::{Direction, ExpandMode, Expr};
use plexus_storage::{Error, NodeId, RelId, Result, Snapshot, Value};

use super::expand::{node_ids, resolve_types, store_direction};
use super::Operator;
use crate::batch::{Batch, Column};
use crate::context::ExecContext;
use crate::eval::Evaluator;
use crate::guard::QueryGuard;

pub struct VarExpandSpec {
    pub from: String,
    pub rel: String,
    pub to: String,
    pub types: Vec<String>,
    pub direction: Direction,
    pub min: u64,
    pub max: Option<u64>,
    pub mode: ExpandMode,
    pub rel_properties: Option<Expr>,
}

pub struct VarExpandOp {
    input: Box<dyn Operator>,
    spec: VarExpandSpec,
}

impl VarExpandOp {
    pub fn new(input: Box<dyn Operator>, spec: VarExpandSpec) -> Self {
        VarExpandOp { input, spec }
    }
}

struct Walk<'a> {
    snapshot: &'a Snapshot,
    types: &'a [plexus_storage::TypeId],
    direction: plexus_storage::Direction,
    min: u64,
    max: u64,
    required: &'a [(plexus_storage::KeyId, Value)],
    target: Option<NodeId>,
    guard: &'a QueryGuard,
    visits: Cell<u64>,
}

/// How often a walk looks at the query guard (one walk can explode).
const GUARD_EVERY: u64 = 4096;

impl Walk<'_> {
    fn run(&self, node: NodeId, path: &mut Vec<RelId>, out: &mut Vec<(Vec<RelId>, NodeId)>) -> Result<()> {
        let visits = self.visits.get() + 1;
        self.visits.set(visits);
        if visits.is_multiple_of(GUARD_EVERY) {
            self.guard.check()?;
            self.guard.admit(out.len() * (std::mem::size_of::<(Vec<RelId>, NodeId)>() + 8 * path.len()))?;
        }
        let depth = path.len() as u64;
        if depth >= self.min && self.target.is_none_or(|t| t == node) {
            out.push((path.clone(), node));
        }
        if depth >= self.max {
            return Ok(());
        }
        let mut next = Vec::new();
        self.snapshot.expand(node, self.direction, self.types, &mut next);
        for (rel, nbr) in next {
            if path.contains(&rel) || !self.matches(rel) {
                continue;
            }
            path.push(rel);
            self.run(nbr, path, out)?;
            path.pop();
        }
        Ok(())
    }

    fn matches(&self, rel: RelId) -> bool {
        self.required
            .iter()
            .all(|(k, v)| self.snapshot.rel_property(rel, *k).cypher_eq(v) == plexus_storage::value::Ternary::True)
    }
}

impl Operator for VarExpandOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let Some(batch) = self.input.next(ctx)? else { return Ok(None) };
        let snapshot = ctx.snapshot();
        let types = resolve_types(&snapshot, &self.spec.types);
        let from = &node_ids(&batch, &self.spec.from)?;
        let into = match self.spec.mode {
            ExpandMode::Into => Some(node_ids(&batch, &self.spec.to)?),
            ExpandMode::All => None,
        };
        let props = match &self.spec.rel_properties {
            Some(e) => Some(Evaluator::new(ctx).column(e, &batch)?),
            None => None,
        };
        let mut rows = Vec::new();
        let mut lists = Vec::new();
        let mut ends = Vec::new();
        for i in 0..batch.len {
            if from.is_null(i) {
                continue;
            }
            let required = match &props {
                Some(col) => match ctx.value_at(col, i, &snapshot) {
                    Value::Map(m) => {
                        let mut req = Vec::new();
                        for (k, v) in m {
                            match snapshot.key_id(&k) {
                                Some(id) => req.push((id, v)),
                                None => req.push((plexus_storage::KeyId::MAX, v)),
                            }
                        }
                        req
                    }
                    Value::Null => Vec::new(),
                    other => {
                        return Err(Error::type_error(
                            "InvalidArgumentType",
                            format!("Expected a map, got {}", other.type_name()),
                        ))
                    }
                },
                None => Vec::new(),
            };
            let target = match &into {
                Some(t) if t.is_null(i) => continue,
                Some(t) => Some(t.value(i)),
                None => None,
            };
            let mut found = Vec::new();
            if let Some(types) = &types {
                let walk = Walk {
                    snapshot: &snapshot,
                    types,
                    direction: store_direction(self.spec.direction),
                    min: self.spec.min,
                    max: self.spec.max.unwrap_or(u64::MAX),
                    required: &required,
                    target,
                    guard: ctx.guard(),
                    visits: Cell::new(0),
                };
                walk.run(from.value(i), &mut Vec::new(), &mut found)?;
            } else if self.spec.min == 0 && target.is_none_or(|t| t == from.value(i)) {
                found.push((Vec::new(), from.value(i)));
            }
            for (path, end) in found {
                rows.push(i as u32);
                lists.push(Value::List(path.into_iter().map(|r| snapshot.rel_value(r)).collect()));
                ends.push(end);
            }
        }
        let mut out = batch.take(&UInt32Array::from(rows))?;
        out = out.with_column(&self.spec.rel, Column::values(lists));
        if self.spec.mode == ExpandMode::All {
            out = out.with_column(&self.spec.to, Column::Nodes(UInt64Array::from(ends)));
        }
        Ok(Some(out))
    }
}

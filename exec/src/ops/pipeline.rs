//! Morsel-driven parallelism for the top of a plan: a node scan over the
//! query's single start row, followed by stateless stages (filters, expands,
//! projections), runs several morsels at once on rayon's pool. Batches come
//! out in morsel order, so results are deterministic.

use std::time::Instant;

use arrow_array::UInt64Array;
use plexus_planner::Expr;
use plexus_storage::Result;
use rayon::prelude::*;

use super::expand::{expand_batch, ExpandSpec};
use super::filter::filter_batch;
use super::node_scan::{equality_predicate, filter_values};
use super::project::project_batch;
use super::{Operator, ProfileSlots, MORSEL_SIZE};
use crate::batch::{Batch, Column};
use crate::context::ExecContext;

/// One stateless step applied to each morsel's batch.
pub enum Stage {
    Filter(Expr),
    Expand(ExpandSpec),
    Project { items: Vec<(String, Expr)>, discard: bool },
}

impl Stage {
    fn apply(&self, batch: Batch, ctx: &ExecContext) -> Result<Batch> {
        match self {
            Stage::Filter(p) => filter_batch(p, batch, ctx),
            Stage::Expand(spec) => expand_batch(spec, &batch, ctx),
            Stage::Project { items, discard } => project_batch(items, *discard, batch, ctx),
        }
    }
}

pub struct ParallelScanOp {
    variable: String,
    label: Option<String>,
    property_filters: Vec<(String, Expr)>,
    /// Stages bottom-up, each with its PROFILE slot.
    stages: Vec<(Stage, Option<usize>)>,
    scan_slot: Option<usize>,
    profile: Option<ProfileSlots>,
    next_start: u64,
    ready: std::collections::VecDeque<Batch>,
    /// Filters as constant predicates, resolved on first use.
    scan_filter: Option<Option<Expr>>,
}

impl ParallelScanOp {
    pub fn new(
        variable: String,
        label: Option<String>,
        property_filters: Vec<(String, Expr)>,
        stages: Vec<(Stage, Option<usize>)>,
        scan_slot: Option<usize>,
        profile: Option<ProfileSlots>,
    ) -> Self {
        ParallelScanOp {
            variable,
            label,
            property_filters,
            stages,
            scan_slot,
            profile,
            next_start: 0,
            ready: Default::default(),
            scan_filter: None,
        }
    }

    /// Property filters read no variables here (the start row is empty), so
    /// evaluate their values once and check `n.k = value` per morsel.
    fn resolve_scan_filter(&mut self, ctx: &ExecContext) -> Result<Option<Expr>> {
        if let Some(f) = &self.scan_filter {
            return Ok(f.clone());
        }
        let values = filter_values(&self.property_filters, &Batch::unit(), ctx)?;
        let f = equality_predicate(&self.variable, &values);
        self.scan_filter = Some(f.clone());
        Ok(f)
    }

    fn record(&self, slot: Option<usize>, rows: usize, nanos: u64) {
        if let (Some(slots), Some(slot)) = (&self.profile, slot) {
            super::record_profile(slots, slot, rows as u64, nanos);
        }
    }

    fn run_morsel(&self, start: u64, filter: &Option<Expr>, ctx: &ExecContext) -> Result<Batch> {
        ctx.guard().check()?;
        let snapshot = ctx.snapshot();
        let t = Instant::now();
        let end = (start + MORSEL_SIZE as u64).min(snapshot.node_capacity());
        let label = match &self.label {
            Some(l) => match snapshot.label_id(l) {
                Some(id) => Some(id),
                None => return Ok(Batch::empty(vec![self.variable.clone()])),
            },
            None => None,
        };
        let mut ids = Vec::with_capacity(MORSEL_SIZE);
        snapshot.scan_nodes(start..end, label, &mut ids);
        let n = ids.len();
        let mut batch = Batch::new(vec![self.variable.clone()], vec![Column::Nodes(UInt64Array::from(ids))], n);
        if let Some(f) = filter {
            batch = filter_batch(f, batch, ctx)?;
        }
        self.record(self.scan_slot, batch.len, t.elapsed().as_nanos() as u64);
        for (stage, slot) in &self.stages {
            let t = Instant::now();
            batch = stage.apply(batch, ctx)?;
            ctx.guard().admit(crate::guard::batch_bytes(&batch))?;
            self.record(*slot, batch.len, t.elapsed().as_nanos() as u64);
        }
        Ok(batch)
    }
}

impl Operator for ParallelScanOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<Batch>> {
        let filter = self.resolve_scan_filter(ctx)?;
        let capacity = ctx.snapshot().node_capacity();
        while self.ready.is_empty() {
            if self.next_start >= capacity {
                return Ok(None);
            }
            // A round: a few morsels per thread keeps every core busy.
            let per_round = (rayon::current_num_threads() * 4) as u64;
            let starts: Vec<u64> = (0..per_round)
                .map(|i| self.next_start + i * MORSEL_SIZE as u64)
                .take_while(|&s| s < capacity)
                .collect();
            self.next_start = starts.last().map_or(capacity, |s| s + MORSEL_SIZE as u64);
            let this = &*self;
            let results: Vec<Result<Batch>> = starts.par_iter().map(|&s| this.run_morsel(s, &filter, ctx)).collect();
            for r in results {
                let b = r?;
                if !b.is_empty() {
                    self.ready.push_back(b);
                }
            }
        }
        Ok(self.ready.pop_front())
    }
}
